//! A match's life: `proposed → approved → active → completed | ended_early`,
//! `cancelled` before it starts; the committee's actions on it, as its
//! event trail records them; a matching run's status; the values the
//! committee sends (notes, reasons, chosen proposals); and who may run
//! matching or see a match.
use chrono::NaiveDate;
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{Access, Actor, Denied};
use super::application::ApplicationRole;

mod input;

pub use input::{
    EndEarly, NOTE_MAX_CHARS, NewMatch, REASON_MAX_CHARS, chosen_pairs, parse_end_early,
    parse_extension_reason, parse_note,
};

/// `proposed → approved → active → completed | ended_early`; `cancelled`
/// from proposed or approved. Publishing makes approved matches `active`
/// and visible to both people.
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
pub enum MatchStatus {
    Proposed,
    Approved,
    Active,
    Completed,
    EndedEarly,
    Cancelled,
}

/// Why a partnership ended early, from the fixed list the committee
/// reports on; `other` needs the free text.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
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
pub enum EndReason {
    /// Schedules or workload left no time to meet.
    Schedule,
    /// The partners were not a good fit.
    Mismatch,
    /// Personal or family circumstances.
    PersonalCircumstances,
    /// A change of job, or leaving the profession.
    JobChange,
    /// The partnership's goals were met early.
    GoalsMet,
    /// A partner stopped responding.
    Unresponsive,
    /// Something else, told in the free text.
    Other,
}

impl EndReason {
    pub const ALL: [EndReason; 7] = [
        Self::Schedule,
        Self::Mismatch,
        Self::PersonalCircumstances,
        Self::JobChange,
        Self::GoalsMet,
        Self::Unresponsive,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Mismatch => "mismatch",
            Self::PersonalCircumstances => "personal_circumstances",
            Self::JobChange => "job_change",
            Self::GoalsMet => "goals_met",
            Self::Unresponsive => "unresponsive",
            Self::Other => "other",
        }
    }
}

/// A committee action on a match, as its event trail records it. Making
/// the match (`proposed`) and setting its note change no status; the others
/// move it along the status machine (`apply`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MatchAction {
    #[sea_orm(string_value = "proposed")]
    #[serde(rename = "proposed")]
    Propose,
    #[sea_orm(string_value = "note")]
    #[serde(rename = "note")]
    Note,
    #[sea_orm(string_value = "approve")]
    #[serde(rename = "approve")]
    Approve,
    #[sea_orm(string_value = "cancel")]
    #[serde(rename = "cancel")]
    Cancel,
    #[sea_orm(string_value = "publish")]
    #[serde(rename = "publish")]
    Publish,
    #[sea_orm(string_value = "complete")]
    #[serde(rename = "complete")]
    Complete,
    #[sea_orm(string_value = "end-early")]
    #[serde(rename = "end-early")]
    EndEarly,
    #[sea_orm(string_value = "extend")]
    #[serde(rename = "extend")]
    Extend,
}

/// A stored matching run: `completed` when the engine is done, `accepted`
/// once its proposals (or some of them) became matches.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum RunStatus {
    Completed,
    Accepted,
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

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    /// Published matches are visible to both people.
    pub fn is_published(self) -> bool {
        matches!(self, Self::Active | Self::Completed | Self::EndedEarly)
    }
}

impl MatchAction {
    pub const ALL: [MatchAction; 8] = [
        Self::Propose,
        Self::Note,
        Self::Approve,
        Self::Cancel,
        Self::Publish,
        Self::Complete,
        Self::EndEarly,
        Self::Extend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Propose => "proposed",
            Self::Note => "note",
            Self::Approve => "approve",
            Self::Cancel => "cancel",
            Self::Publish => "publish",
            Self::Complete => "complete",
            Self::EndEarly => "end-early",
            Self::Extend => "extend",
        }
    }

    /// The statuses this action applies to: every status for the note,
    /// none for `proposed` (a match is proposed as it is made).
    pub fn allowed_from(self) -> &'static [MatchStatus] {
        use MatchStatus::*;
        match self {
            Self::Propose => &[],
            Self::Note => &MatchStatus::ALL,
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
            Self::Propose | Self::Note => from,
            Self::Approve => Approved,
            Self::Cancel => Cancelled,
            Self::Publish => Active,
            Self::Complete => Completed,
            Self::EndEarly => EndedEarly,
            Self::Extend => Active,
        })
    }
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Accepted => "accepted",
        }
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

/// Matching runs, candidate lists and every committee action on matches
/// are for the committee.
pub fn may_run_matching(actor: &Actor) -> Access {
    actor.may_run_program()
}

/// The two applications a match pairs, and its status.
#[derive(Clone, Copy, Debug)]
pub struct MatchSides {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub status: MatchStatus,
}

/// A member sees a match as theirs only once it is published and only if
/// one of their applications (`mine`) takes part; the answer is their role
/// in it. Anything else is hidden, to the committee as well: `/me/matches`
/// lists one's own matches, not the cycle's.
pub fn own_side(mine: &[Uuid], m: MatchSides) -> Result<ApplicationRole, Denied> {
    if !m.status.is_published() {
        return Err(Denied::Hidden("match"));
    }
    if mine.contains(&m.mentor_application_id) {
        Ok(ApplicationRole::Mentor)
    } else if mine.contains(&m.mentee_application_id) {
        Ok(ApplicationRole::Mentee)
    } else {
        Err(Denied::Hidden("match"))
    }
}

#[cfg(test)]
mod tests;
