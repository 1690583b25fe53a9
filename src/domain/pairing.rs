//! A match's life: `proposed → approved → active → completed | ended_early`,
//! `cancelled` before it starts.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Proposed,
    Approved,
    Active,
    Completed,
    EndedEarly,
    Cancelled,
}

/// A committee action on a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchAction {
    Approve,
    Cancel,
    Publish,
    Complete,
    EndEarly,
    Extend,
}

impl MatchStatus {
    pub const ALL: [MatchStatus; 6] = [
        Self::Proposed,
        Self::Approved,
        Self::Active,
        Self::Completed,
        Self::EndedEarly,
        Self::Cancelled,
    ];
    /// Statuses of a match still in play: proposed, approved or active.
    pub const LIVE: [MatchStatus; 3] = [Self::Proposed, Self::Approved, Self::Active];
    /// Statuses that hold a mentee and a mentor slot for the rest of the
    /// cycle: the live ones and a completed partnership. A match that ended
    /// early frees both, so the committee can pair them again.
    pub const PLACED: [MatchStatus; 4] = [
        Self::Proposed,
        Self::Approved,
        Self::Active,
        Self::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Approved => "approved",
            Self::Active => "active",
            Self::Completed => "completed",
            Self::EndedEarly => "ended_early",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    /// Published matches are visible to both people.
    pub fn is_published(self) -> bool {
        matches!(self, Self::Active | Self::Completed | Self::EndedEarly)
    }
}

impl MatchAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Cancel => "cancel",
            Self::Publish => "publish",
            Self::Complete => "complete",
            Self::EndEarly => "end-early",
            Self::Extend => "extend",
        }
    }

    /// The statuses this action applies to.
    pub fn allowed_from(self) -> &'static [MatchStatus] {
        use MatchStatus::*;
        match self {
            Self::Approve => &[Proposed],
            Self::Cancel => &[Proposed, Approved],
            Self::Publish => &[Approved],
            Self::Complete | Self::EndEarly | Self::Extend => &[Active],
        }
    }

    /// The status after the action, or why it cannot apply.
    pub fn apply(self, from: MatchStatus) -> Result<MatchStatus, String> {
        use MatchStatus::*;
        if !self.allowed_from().contains(&from) {
            let allowed: Vec<&str> = self.allowed_from().iter().map(|s| s.as_str()).collect();
            return Err(format!(
                "cannot {} a {} match; allowed from: {}",
                self.as_str(),
                from.as_str(),
                allowed.join(", ")
            ));
        }
        Ok(match self {
            Self::Approve => Approved,
            Self::Cancel => Cancelled,
            Self::Publish => Active,
            Self::Complete => Completed,
            Self::EndEarly => EndedEarly,
            Self::Extend => Active,
        })
    }
}

/// An extension must end after the mentoring period and after any earlier
/// extension.
pub fn check_extension(
    until: NaiveDate,
    mentoring_ends_on: NaiveDate,
    current: Option<NaiveDate>,
) -> Result<(), String> {
    let floor = current.map_or(mentoring_ends_on, |c| c.max(mentoring_ends_on));
    if until <= floor {
        return Err(format!("must be after {floor}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchAction::*;
    use MatchStatus::*;

    #[test]
    fn every_legal_action_moves_the_match_on() {
        let legal = [
            (Approve, Proposed, Approved),
            (Cancel, Proposed, Cancelled),
            (Cancel, Approved, Cancelled),
            (Publish, Approved, Active),
            (Complete, Active, Completed),
            (EndEarly, Active, EndedEarly),
            (Extend, Active, Active),
        ];
        for (action, from, to) in legal {
            assert_eq!(action.apply(from), Ok(to), "{action:?} from {from:?}");
        }
    }

    #[test]
    fn every_other_action_is_refused_naming_where_it_applies() {
        for action in [Approve, Cancel, Publish, Complete, EndEarly, Extend] {
            for from in MatchStatus::ALL
                .into_iter()
                .filter(|s| !action.allowed_from().contains(s))
            {
                let err = action.apply(from).unwrap_err();
                assert!(err.contains(action.allowed_from()[0].as_str()), "{err}");
            }
        }
    }

    #[test]
    fn live_and_published_statuses() {
        assert!(Proposed.is_live() && Approved.is_live() && Active.is_live());
        assert!(!Cancelled.is_live() && !Completed.is_live());
        assert!(MatchStatus::PLACED.contains(&Completed));
        assert!(!MatchStatus::PLACED.contains(&EndedEarly));
        assert!(Active.is_published() && EndedEarly.is_published() && !Approved.is_published());
        for s in MatchStatus::ALL {
            assert_eq!(MatchStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn extensions_must_end_after_the_mentoring_period() {
        let end: NaiveDate = "2025-04-15".parse().unwrap();
        assert!(check_extension(end, end, None).is_err());
        assert!(check_extension("2025-06-15".parse().unwrap(), end, None).is_ok());
        let earlier = Some("2025-07-01".parse().unwrap());
        assert!(check_extension("2025-06-15".parse().unwrap(), end, earlier).is_err());
    }
}
