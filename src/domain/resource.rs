//! Starter resources: what they are, what a valid one looks like and who
//! may see one. The committee manages them; matched participants see the
//! ones meant for them; public ones are for everyone (the website).
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use super::question::Audience;

use super::FieldError;
use super::application::ApplicationRole;

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 50_000;
pub const MAX_URL: usize = 2000;
pub const MAX_POSITION: i32 = 10_000;

/// What a resource is: `discussion_topics` (sample topics and questions),
/// `agreement_template` (a partnership agreement to start from), `guide`
/// (such as the GROW model) or `link` (somewhere else; `url` required).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum ResourceKind {
    /// Sample discussion topics and questions.
    DiscussionTopics,
    /// A partnership agreement to start from.
    AgreementTemplate,
    /// A guide, such as the GROW model.
    Guide,
    /// A page elsewhere; `url` is required.
    Link,
}

/// A resource as the committee defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceFields {
    pub title: String,
    pub kind: ResourceKind,
    /// Markdown, kept exactly as written.
    pub body: String,
    pub url: Option<String>,
    /// `None`: for every cycle.
    pub cycle_id: Option<Uuid>,
    pub audience: Audience,
    pub public: bool,
    pub position: i32,
}

/// Changes to a resource; `None` leaves a field as it is, `Some(None)`
/// clears an optional one.
#[derive(Clone, Debug, Default)]
pub struct ResourceChanges {
    pub title: Option<String>,
    pub kind: Option<ResourceKind>,
    pub body: Option<String>,
    pub url: Option<Option<String>>,
    pub cycle_id: Option<Option<Uuid>>,
    pub audience: Option<Audience>,
    pub public: Option<bool>,
    pub position: Option<i32>,
}

impl ResourceChanges {
    pub fn apply_to(self, current: ResourceFields) -> ResourceFields {
        ResourceFields {
            title: self.title.unwrap_or(current.title),
            kind: self.kind.unwrap_or(current.kind),
            body: self.body.unwrap_or(current.body),
            url: self.url.unwrap_or(current.url),
            cycle_id: self.cycle_id.unwrap_or(current.cycle_id),
            audience: self.audience.unwrap_or(current.audience),
            public: self.public.unwrap_or(current.public),
            position: self.position.unwrap_or(current.position),
        }
    }
}

/// Whether `url` is an absolute `http` or `https` URL with a host.
fn check_url(url: &str) -> Result<(), &'static str> {
    if url.chars().count() > MAX_URL {
        return Err("must be at most 2000 characters");
    }
    if url.chars().any(char::is_whitespace) {
        return Err("must be an http or https URL without spaces");
    }
    match url::Url::parse(url) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(())
        }
        _ => Err("must be an absolute http or https URL"),
    }
}

impl ResourceFields {
    /// The resource as stored: the title and URL trimmed (the body is kept
    /// as written), or every field that breaks a rule.
    pub fn checked(self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_owned();
        let title_len = title.chars().count();
        if title_len == 0 || title_len > MAX_TITLE {
            errors.push(FieldError::new(
                "title",
                "length",
                "must be 1 to 200 characters, not only spaces",
            ));
        }
        if self.body.chars().count() > MAX_BODY {
            errors.push(FieldError::new(
                "body",
                "length",
                "must be at most 50000 characters",
            ));
        }
        let url = self
            .url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        match &url {
            None if self.kind == ResourceKind::Link => {
                errors.push(FieldError::new("url", "required", "a link needs a url"));
            }
            Some(u) => {
                if let Err(m) = check_url(u) {
                    errors.push(FieldError::new("url", "url", m));
                }
            }
            None => {}
        }
        if !(0..=MAX_POSITION).contains(&self.position) {
            errors.push(FieldError::new(
                "position",
                "range",
                "must be between 0 and 10000",
            ));
        }
        if errors.is_empty() {
            Ok(Self { title, url, ..self })
        } else {
            Err(errors)
        }
    }
}

/// Narrowing a list of resources; `None` leaves a field unfiltered.
#[derive(Clone, Copy, Debug, Default)]
pub struct ResourceFilter {
    pub cycle_id: Option<Uuid>,
    pub kind: Option<ResourceKind>,
    pub audience: Option<Audience>,
}

/// What decides who sees a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reach {
    pub cycle_id: Option<Uuid>,
    pub audience: Audience,
    pub public: bool,
}

/// A member's place in one of their published matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub cycle_id: Uuid,
    pub role: ApplicationRole,
}

/// Which resources a caller sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    /// The committee: every resource.
    All,
    /// An anonymous visitor: public ones.
    Public,
    /// A member: those meant for them in their published matches (global
    /// or that match's cycle, for `both` or their role there), and the
    /// public ones too when `public`.
    Member {
        placements: Vec<Placement>,
        public: bool,
    },
}

impl Visible {
    /// Whether a resource with this reach is visible.
    pub fn admits(&self, r: &Reach) -> bool {
        match self {
            Self::All => true,
            Self::Public => r.public,
            Self::Member { placements, public } => {
                (*public && r.public) || meant_for(placements, r)
            }
        }
    }
}

/// Whether a resource is meant for a participant placed as `placements`:
/// global or of a cycle they are matched in, for `both` or their role in
/// that match.
pub fn meant_for(placements: &[Placement], r: &Reach) -> bool {
    placements
        .iter()
        .any(|p| r.cycle_id.is_none_or(|c| c == p.cycle_id) && r.audience.includes(p.role))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: ResourceKind) -> ResourceFields {
        ResourceFields {
            title: "  GROW model  ".into(),
            kind,
            body: "# Goal\n\n".into(),
            url: None,
            cycle_id: None,
            audience: Audience::Both,
            public: false,
            position: 0,
        }
    }

    fn named(r: Result<ResourceFields, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn titles_and_urls_are_trimmed_and_the_body_kept_as_written() {
        let mut f = fields(ResourceKind::Link);
        f.url = Some(" https://wla.org/mentoring ".into());
        let ok = f.checked().unwrap();
        assert_eq!(ok.title, "GROW model");
        assert_eq!(ok.url.as_deref(), Some("https://wla.org/mentoring"));
        assert_eq!(ok.body, "# Goal\n\n");
    }

    #[test]
    fn a_link_needs_an_http_url() {
        assert_eq!(named(fields(ResourceKind::Link).checked()), ["url"]);
        for bad in [
            "ftp://x.org",
            "javascript:alert(1)",
            "wla.org",
            "http://",
            "http://a b",
        ] {
            let mut f = fields(ResourceKind::Link);
            f.url = Some(bad.into());
            assert_eq!(named(f.checked()), ["url"], "{bad}");
        }
        let mut f = fields(ResourceKind::Guide);
        f.url = Some(format!("https://x.org/{}", "a".repeat(MAX_URL)));
        assert_eq!(named(f.checked()), ["url"]);
    }

    #[test]
    fn blank_titles_long_bodies_and_far_positions_are_named() {
        let mut f = fields(ResourceKind::Guide);
        f.title = "   ".into();
        f.body = "x".repeat(MAX_BODY + 1);
        f.position = MAX_POSITION + 1;
        assert_eq!(named(f.checked()), ["title", "body", "position"]);
    }

    fn reach(cycle_id: Option<Uuid>, audience: Audience, public: bool) -> Reach {
        Reach {
            cycle_id,
            audience,
            public,
        }
    }

    #[test]
    fn the_committee_sees_all_and_visitors_only_public_ones() {
        let private = reach(None, Audience::Both, false);
        assert!(Visible::All.admits(&private));
        assert!(!Visible::Public.admits(&private));
        assert!(Visible::Public.admits(&reach(Some(Uuid::new_v4()), Audience::Mentor, true)));
    }

    #[test]
    fn a_matched_mentee_sees_global_and_their_cycles_resources_for_mentees() {
        let cycle = Uuid::new_v4();
        let other = Uuid::new_v4();
        let me = Visible::Member {
            placements: vec![Placement {
                cycle_id: cycle,
                role: ApplicationRole::Mentee,
            }],
            public: true,
        };
        assert!(me.admits(&reach(None, Audience::Both, false)));
        assert!(me.admits(&reach(None, Audience::Mentee, false)));
        assert!(me.admits(&reach(Some(cycle), Audience::Mentee, false)));
        assert!(!me.admits(&reach(None, Audience::Mentor, false)));
        assert!(!me.admits(&reach(Some(cycle), Audience::Mentor, false)));
        assert!(!me.admits(&reach(Some(other), Audience::Both, false)));
        assert!(me.admits(&reach(Some(other), Audience::Mentor, true)));
    }

    #[test]
    fn an_unmatched_member_sees_public_ones_and_none_are_meant_for_them() {
        let unmatched = Visible::Member {
            placements: vec![],
            public: true,
        };
        assert!(!unmatched.admits(&reach(None, Audience::Both, false)));
        assert!(unmatched.admits(&reach(None, Audience::Both, true)));
        let mine_only = Visible::Member {
            placements: vec![],
            public: false,
        };
        assert!(!mine_only.admits(&reach(None, Audience::Both, true)));
    }
}
