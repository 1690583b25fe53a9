//! An application's standard fields, parsed once, its status machine and
//! who may do what with it.
mod form;
mod list;

use chrono::NaiveDate;
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use form::{Answer, ApplicationChanges, ApplicationForm, NewApplication};
pub use list::ApplicationFilter;

use super::access::{Access, Actor};
use super::cycle::CycleStatus;
use super::member::MembershipStatus;

/// A closed set stored as its snake_case name (`DeriveActiveEnum`), sent
/// and received by the same name (serde), listed in `ALL`.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            ToSchema, EnumIter, DeriveActiveEnum,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name { $(#[sea_orm(string_value = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

string_enum!(
    /// Whether the applicant wants to mentor or be mentored.
    ApplicationRole { Mentor => "mentor", Mentee => "mentee" }
);
string_enum!(
    /// `submitted` → reviewed (`accepted`, `waitlisted`, `declined`; the
    /// decision may be revised) → `matched` once a match is published;
    /// `withdrawn` any time before. Only `accepted` and `matched`
    /// applications can be paired.
    ApplicationStatus {
        Submitted => "submitted", Accepted => "accepted", Waitlisted => "waitlisted",
        Declined => "declined", Withdrawn => "withdrawn", Matched => "matched",
    }
);
string_enum!(
    /// A kind of library: for a mentor, where they have worked; for a
    /// mentee, where they want to work.
    LibraryType {
        Public => "public", Academic => "academic", School => "school", Special => "special",
        Tribal => "tribal", Government => "government", Law => "law", Medical => "medical",
        Archives => "archives", Other => "other",
    }
);
string_enum!(
    /// Where the applicant is in their career. Matching prefers a mentor one
    /// or two stages further along (`early_career` and `career_changer` count
    /// as one stage).
    CareerStage {
        Student => "student", EarlyCareer => "early_career", MidCareer => "mid_career",
        Senior => "senior", CareerChanger => "career_changer",
    }
);
string_enum!(MeetingMode { Online => "online", InPerson => "in_person" });
string_enum!(
    /// What the applicant wants their match to align on.
    MatchingPreference { Career => "career", Identity => "identity", Both => "both", None => "none" }
);
string_enum!(
    /// A mentee's library school status: `none`, `considering`, `enrolled`
    /// or `graduated`.
    LibrarySchool { None => "none", Considering => "considering", Enrolled => "enrolled", Graduated => "graduated" }
);
string_enum!(
    /// The committee's decision on an application.
    ReviewDecision { Accepted => "accepted", Waitlisted => "waitlisted", Declined => "declined" }
);
string_enum!(
    /// What an audit entry records: `matched` when a match of the
    /// application was published.
    AuditAction {
        Created => "created", Updated => "updated", Reviewed => "reviewed",
        Withdrawn => "withdrawn", Matched => "matched",
    }
);

/// The committee's review of an application: the decision and a note only
/// the committee sees.
#[derive(Clone, Debug)]
pub struct NewReview {
    pub decision: ReviewDecision,
    pub note: String,
}

impl ApplicationStatus {
    /// Review moves a live application to the decision; withdrawn and
    /// matched ones are settled.
    pub fn review(self, decision: ReviewDecision) -> Result<ApplicationStatus, String> {
        match self {
            Self::Withdrawn | Self::Matched => Err(format!(
                "a {} application cannot be reviewed; allowed from: submitted, accepted, waitlisted, declined",
                self.as_str()
            )),
            _ => Ok(match decision {
                ReviewDecision::Accepted => Self::Accepted,
                ReviewDecision::Waitlisted => Self::Waitlisted,
                ReviewDecision::Declined => Self::Declined,
            }),
        }
    }

    /// Withdrawing is possible until a match is published.
    pub fn withdraw(self) -> Result<ApplicationStatus, String> {
        match self {
            Self::Withdrawn => Err("the application is already withdrawn".into()),
            Self::Matched => Err("the application is matched; end the match instead".into()),
            _ => Ok(Self::Withdrawn),
        }
    }

    /// Who may be paired: accepted applicants, and matched ones, whose
    /// published match already counts against them (a mentor with a free
    /// slot can take another mentee; a mentee whose match ended can be
    /// matched again).
    pub fn is_matchable(self) -> bool {
        matches!(self, Self::Accepted | Self::Matched)
    }

    /// The author may edit while the application is live.
    pub fn author_may_edit(self) -> bool {
        !matches!(self, Self::Withdrawn | Self::Matched)
    }
}

/// Free tags (interests, identity): trimmed, lower-cased, de-duplicated,
/// empty ones dropped, order kept.
pub fn normalize_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// De-duplicates an enum list keeping the canonical order.
pub fn normalize_set<T: Ord + Copy>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v
}

// Who may do what with an application.

/// Reading an application: its author and the committee; anyone else is
/// told it does not exist.
pub fn may_read(actor: &Actor, author: Uuid) -> Access {
    actor.may_read_owned(author, "application")
}

/// Reviewing, listing, counting and auditing applications: the committee.
pub fn may_review(actor: &Actor) -> Access {
    actor.may_run_program()
}

/// Submitting an application for someone else (a paper form): the
/// committee. Members apply for themselves.
pub fn may_apply_for(actor: &Actor, member: Uuid) -> Access {
    if member == actor.id {
        Ok(())
    } else {
        actor.may_run_program()
    }
}

/// The committee's review (note, reviewer, time) is for the committee only.
pub fn sees_review(actor: &Actor) -> bool {
    actor.is_committee()
}

/// Identity answers are shown only to the author and the committee.
pub fn sees_identity(actor: &Actor, author: Uuid) -> bool {
    actor.id == author || actor.is_committee()
}

/// Editing a readable application: the committee at any time; its author
/// while the cycle is open and the application is live. The refusal is a
/// conflict with the current state.
pub fn may_edit(
    actor: &Actor,
    status: ApplicationStatus,
    cycle: CycleStatus,
) -> Result<(), String> {
    if actor.is_committee() {
        return Ok(());
    }
    if cycle != CycleStatus::Open {
        return Err(format!(
            "applications can only be edited while the cycle is open; it is {}",
            cycle.as_str()
        ));
    }
    if !status.author_may_edit() {
        return Err(format!(
            "a {} application cannot be edited",
            status.as_str()
        ));
    }
    Ok(())
}

/// Whether a cycle in `status` takes an application: from members while it
/// is open; from the committee, on a member's behalf, at any status but
/// archived.
pub fn takes_applications(cycle: CycleStatus, on_behalf: bool) -> Result<(), String> {
    if on_behalf {
        if cycle == CycleStatus::Archived {
            return Err("the cycle is archived and takes no applications".into());
        }
    } else if cycle != CycleStatus::Open {
        return Err(format!(
            "applications are not open: the cycle is {}",
            cycle.as_str()
        ));
    }
    Ok(())
}

/// Only members whose association membership is active (and not past its
/// expiry date on `today`) may take part; the refusal says why, to the
/// member (`own`) or about them.
pub fn check_membership(
    status: Option<MembershipStatus>,
    expires_on: Option<NaiveDate>,
    today: NaiveDate,
    own: bool,
) -> Result<(), String> {
    let who = if own { "your" } else { "this member's" };
    match status {
        Some(MembershipStatus::Active) => {}
        Some(MembershipStatus::Lapsed) => {
            return Err(format!(
                "{who} WLA membership has lapsed; renew it to apply"
            ));
        }
        _ => {
            return Err(format!(
                "{who} WLA membership is not confirmed yet; the committee activates it"
            ));
        }
    }
    if expires_on.is_some_and(|d| d < today) {
        return Err(format!(
            "{who} WLA membership has expired; renew it to apply"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
