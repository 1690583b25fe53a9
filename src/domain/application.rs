//! An application's standard fields, parsed once, and its status machine.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

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
    /// `submitted` → reviewed (`accepted`, `waitlisted`, `declined`) →
    /// `matched` once a match is published; `withdrawn` any time before.
    ApplicationStatus {
        Submitted => "submitted", Accepted => "accepted", Waitlisted => "waitlisted",
        Declined => "declined", Withdrawn => "withdrawn", Matched => "matched",
    }
);
string_enum!(
    LibraryType {
        Public => "public", Academic => "academic", School => "school", Special => "special",
        Tribal => "tribal", Government => "government", Law => "law", Medical => "medical",
        Archives => "archives", Other => "other",
    }
);
string_enum!(
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
    LibrarySchool { None => "none", Considering => "considering", Enrolled => "enrolled", Graduated => "graduated" }
);
string_enum!(
    /// The committee's decision on an application.
    ReviewDecision { Accepted => "accepted", Waitlisted => "waitlisted", Declined => "declined" }
);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_names() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(*s));
        }
        for l in LibraryType::ALL {
            assert_eq!(LibraryType::parse(l.as_str()), Some(*l));
        }
        assert_eq!(CareerStage::parse("retired"), None);
    }

    #[test]
    fn review_decides_live_applications_only() {
        use ApplicationStatus::*;
        for from in [Submitted, Accepted, Waitlisted, Declined] {
            assert_eq!(from.review(ReviewDecision::Accepted), Ok(Accepted));
            assert_eq!(from.review(ReviewDecision::Declined), Ok(Declined));
        }
        assert!(
            Withdrawn
                .review(ReviewDecision::Accepted)
                .unwrap_err()
                .contains("submitted")
        );
        assert!(Matched.review(ReviewDecision::Waitlisted).is_err());
    }

    #[test]
    fn withdrawing_is_refused_once_withdrawn_or_matched() {
        use ApplicationStatus::*;
        for from in [Submitted, Accepted, Waitlisted, Declined] {
            assert_eq!(from.withdraw(), Ok(Withdrawn));
        }
        assert!(Withdrawn.withdraw().is_err());
        assert!(Matched.withdraw().is_err());
        assert!(!Matched.author_may_edit() && Submitted.author_may_edit());
    }

    #[test]
    fn tags_are_trimmed_lowercased_and_unique() {
        let tags = vec![
            " Outreach".into(),
            "outreach".into(),
            "".into(),
            "Instruction ".into(),
        ];
        assert_eq!(normalize_tags(&tags), vec!["outreach", "instruction"]);
    }

    #[test]
    fn sets_are_sorted_and_unique() {
        use MeetingMode::*;
        assert_eq!(
            normalize_set(&[InPerson, Online, InPerson]),
            vec![Online, InPerson]
        );
    }
}
