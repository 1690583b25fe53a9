//! The cycle's status machine and date rules.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `draft → open → matching → active → closed → archived`. An open cycle
/// may go back to draft and a cycle in matching may reopen. Drafts are seen
/// by the committee only; members apply while a cycle is `open`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum CycleStatus {
    Draft,
    Open,
    Matching,
    Active,
    Closed,
    Archived,
}

impl CycleStatus {
    pub const ALL: [CycleStatus; 6] = [
        Self::Draft,
        Self::Open,
        Self::Matching,
        Self::Active,
        Self::Closed,
        Self::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Matching => "matching",
            Self::Active => "active",
            Self::Closed => "closed",
            Self::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The statuses this one may move to. Besides the forward path, an open
    /// cycle may go back to draft (opened by mistake) and a cycle in matching
    /// may reopen (applications extended).
    pub fn allowed_next(self) -> &'static [CycleStatus] {
        match self {
            Self::Draft => &[Self::Open],
            Self::Open => &[Self::Matching, Self::Draft],
            Self::Matching => &[Self::Active, Self::Open],
            Self::Active => &[Self::Closed],
            Self::Closed => &[Self::Archived],
            Self::Archived => &[],
        }
    }

    /// Checks a transition; the error names the allowed ones.
    pub fn transition(self, to: CycleStatus) -> Result<CycleStatus, String> {
        if self.allowed_next().contains(&to) {
            return Ok(to);
        }
        let allowed: Vec<&str> = self.allowed_next().iter().map(|s| s.as_str()).collect();
        Err(if allowed.is_empty() {
            format!("a cycle cannot leave {}; it is final", self.as_str())
        } else {
            format!(
                "a cycle cannot go from {} to {}; allowed: {}",
                self.as_str(),
                to.as_str(),
                allowed.join(", ")
            )
        })
    }

    /// Anonymous callers see every cycle but drafts.
    pub fn is_public(self) -> bool {
        self != Self::Draft
    }

    /// Dates and settings may change until mentoring starts.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Open | Self::Matching)
    }
}

/// A new cycle as the committee describes it.
#[derive(Clone, Debug)]
pub struct NewCycle {
    pub name: String,
    pub description: String,
    pub dates: CycleDates,
    pub meetings_expected: i32,
}

/// An edit of a cycle; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct CycleChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub applications_open_at: Option<DateTime<Utc>>,
    pub applications_close_at: Option<DateTime<Utc>>,
    pub match_by: Option<NaiveDate>,
    pub mentoring_starts_on: Option<NaiveDate>,
    pub mentoring_ends_on: Option<NaiveDate>,
    pub evaluation_closes_on: Option<NaiveDate>,
    pub meetings_expected: Option<i32>,
}

impl CycleChanges {
    /// `dates` with the changed ones replaced.
    pub fn apply_to(&self, dates: CycleDates) -> CycleDates {
        CycleDates {
            applications_open_at: self
                .applications_open_at
                .unwrap_or(dates.applications_open_at),
            applications_close_at: self
                .applications_close_at
                .unwrap_or(dates.applications_close_at),
            match_by: self.match_by.unwrap_or(dates.match_by),
            mentoring_starts_on: self
                .mentoring_starts_on
                .unwrap_or(dates.mentoring_starts_on),
            mentoring_ends_on: self.mentoring_ends_on.unwrap_or(dates.mentoring_ends_on),
            evaluation_closes_on: self
                .evaluation_closes_on
                .unwrap_or(dates.evaluation_closes_on),
        }
    }
}

/// The dates of a cycle, checked together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleDates {
    pub applications_open_at: DateTime<Utc>,
    pub applications_close_at: DateTime<Utc>,
    pub match_by: NaiveDate,
    pub mentoring_starts_on: NaiveDate,
    pub mentoring_ends_on: NaiveDate,
    pub evaluation_closes_on: NaiveDate,
}

/// One broken date rule: the field it is reported on and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateRuleError {
    pub field: &'static str,
    pub message: String,
}

impl CycleDates {
    /// Requires open < close ≤ match_by ≤ mentoring start < mentoring end ≤
    /// evaluation close (an instant is compared to a date by its UTC day).
    pub fn check(&self) -> Result<(), Vec<DateRuleError>> {
        let mut errors = Vec::new();
        let mut rule = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                errors.push(DateRuleError {
                    field,
                    message: message.to_owned(),
                });
            }
        };
        rule(
            self.applications_open_at < self.applications_close_at,
            "applications_close_at",
            "must be after applications_open_at",
        );
        rule(
            self.applications_close_at.date_naive() <= self.match_by,
            "match_by",
            "must be on or after the day applications close",
        );
        rule(
            self.match_by <= self.mentoring_starts_on,
            "mentoring_starts_on",
            "must be on or after match_by",
        );
        rule(
            self.mentoring_starts_on < self.mentoring_ends_on,
            "mentoring_ends_on",
            "must be after mentoring_starts_on",
        );
        rule(
            self.mentoring_ends_on <= self.evaluation_closes_on,
            "evaluation_closes_on",
            "must be on or after mentoring_ends_on",
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CycleStatus::*;
    use sea_orm::ActiveEnum;

    #[test]
    fn statuses_are_stored_as_their_names_and_read_back() {
        for status in CycleStatus::ALL {
            let stored = status.to_value();
            assert_eq!(stored, status.as_str());
            assert_eq!(CycleStatus::try_from_value(&stored).unwrap(), status);
        }
    }

    #[test]
    fn an_unknown_stored_status_is_an_error_not_a_default() {
        assert!(CycleStatus::try_from_value(&"paused".to_owned()).is_err());
        assert!(CycleStatus::try_from_value(&"Draft".to_owned()).is_err());
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn dates() -> CycleDates {
        CycleDates {
            applications_open_at: t("2024-09-01T00:00:00Z"),
            applications_close_at: t("2024-09-30T23:59:59Z"),
            match_by: d("2024-10-15"),
            mentoring_starts_on: d("2024-10-15"),
            mentoring_ends_on: d("2025-04-15"),
            evaluation_closes_on: d("2025-05-15"),
        }
    }

    #[test]
    fn every_legal_transition_is_accepted() {
        let legal = [
            (Draft, Open),
            (Open, Matching),
            (Open, Draft),
            (Matching, Active),
            (Matching, Open),
            (Active, Closed),
            (Closed, Archived),
        ];
        for (from, to) in legal {
            assert_eq!(from.transition(to), Ok(to), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn every_other_transition_is_refused_naming_the_allowed_ones() {
        for from in CycleStatus::ALL {
            for to in CycleStatus::ALL {
                if from.allowed_next().contains(&to) {
                    continue;
                }
                let err = from.transition(to).unwrap_err();
                for allowed in from.allowed_next() {
                    assert!(err.contains(allowed.as_str()), "{err}");
                }
            }
        }
        assert!(Archived.transition(Draft).unwrap_err().contains("final"));
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in CycleStatus::ALL {
            assert_eq!(CycleStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CycleStatus::parse("paused"), None);
    }

    #[test]
    fn only_drafts_are_hidden_from_the_public() {
        assert!(!Draft.is_public());
        assert!(
            CycleStatus::ALL
                .iter()
                .filter(|s| **s != Draft)
                .all(|s| s.is_public())
        );
    }

    #[test]
    fn a_well_ordered_calendar_passes() {
        assert_eq!(dates().check(), Ok(()));
    }

    #[test]
    fn closing_before_opening_is_refused() {
        let mut x = dates();
        x.applications_close_at = x.applications_open_at;
        assert_eq!(x.check().unwrap_err()[0].field, "applications_close_at");
    }

    #[test]
    fn matching_before_applications_close_is_refused() {
        let mut x = dates();
        x.match_by = d("2024-09-29");
        assert_eq!(x.check().unwrap_err()[0].field, "match_by");
    }

    #[test]
    fn mentoring_before_match_by_is_refused() {
        let mut x = dates();
        x.mentoring_starts_on = d("2024-10-14");
        assert_eq!(x.check().unwrap_err()[0].field, "mentoring_starts_on");
    }

    #[test]
    fn mentoring_must_last_at_least_a_day() {
        let mut x = dates();
        x.mentoring_ends_on = x.mentoring_starts_on;
        assert_eq!(x.check().unwrap_err()[0].field, "mentoring_ends_on");
    }

    #[test]
    fn evaluations_cannot_close_before_mentoring_ends() {
        let mut x = dates();
        x.evaluation_closes_on = d("2025-04-14");
        assert_eq!(x.check().unwrap_err()[0].field, "evaluation_closes_on");
    }
}
