//! The bodies of the cadence: one match's counts, and the committee's
//! entry with the two people's names.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::cadence::{Cadence, CadenceState};
use crate::domain::matches::{EndReason, MatchStatus};
use crate::service::cadence::{CadenceEntry, Person};

/// A match's meetings against the cycle's expectation, as of a day.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "state": "behind", "as_of": "2025-01-20", "meetings_held": 1,
    "meetings_expected_to_date": 3, "meetings_expected": 6, "behind_by": 2,
    "last_held_on": "2024-11-05", "quiet_days": 76
}))]
pub struct CadenceDto {
    pub state: CadenceState,
    /// The day it is measured on: today, or the day the match ended.
    pub as_of: NaiveDate,
    /// Meetings held (planned ones are not counted).
    pub meetings_held: u32,
    /// Meetings the cycle expects by `as_of`, counted from the match's
    /// start.
    pub meetings_expected_to_date: u32,
    /// Meetings expected over the whole mentoring period from the match's
    /// start.
    pub meetings_expected: u32,
    /// How many short of the expected count (0 when on track or ahead).
    pub behind_by: u32,
    /// The last held meeting's date; null when none.
    #[schema(required = true)]
    pub last_held_on: Option<NaiveDate>,
    /// Days since the last held meeting, or since the match started.
    pub quiet_days: u32,
}

impl From<Cadence> for CadenceDto {
    fn from(c: Cadence) -> Self {
        Self {
            state: c.state,
            as_of: c.as_of,
            meetings_held: c.held,
            meetings_expected_to_date: c.expected_to_date,
            meetings_expected: c.expected_total,
            behind_by: c.behind_by,
            last_held_on: c.last_held_on,
            quiet_days: c.quiet_days,
        }
    }
}

/// One side of a match in the cadence list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CadencePersonDto {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub full_name: String,
}

impl From<Person> for CadencePersonDto {
    fn from(p: Person) -> Self {
        Self {
            application_id: p.application_id,
            member_id: p.member_id,
            full_name: p.full_name,
        }
    }
}

/// A published match's cadence, as the committee sees it: counts and
/// dates, never notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CadenceEntryDto {
    pub match_id: Uuid,
    pub status: MatchStatus,
    pub mentor: CadencePersonDto,
    pub mentee: CadencePersonDto,
    pub cadence: CadenceDto,
    /// Planned meetings from today on.
    pub meetings_planned: u32,
    /// The first day the pair's meetings count: the mentoring start, or the
    /// day the match was published when later.
    pub starts_on: NaiveDate,
    /// The last day they may meet: the mentoring end or the extension.
    pub ends_on: NaiveDate,
    /// Why it ended early, from the fixed list; null unless `ended_early`.
    #[schema(required = true)]
    pub ended_reason_code: Option<EndReason>,
}

impl From<CadenceEntry> for CadenceEntryDto {
    fn from(e: CadenceEntry) -> Self {
        Self {
            match_id: e.match_id,
            status: e.status,
            mentor: e.mentor.into(),
            mentee: e.mentee.into(),
            cadence: e.cadence.into(),
            meetings_planned: e.planned,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            ended_reason_code: e.ended_reason_code,
        }
    }
}

/// Filters of the cadence list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CadenceQuery {
    /// Only matches in this state.
    pub state: Option<CadenceState>,
    /// Only matches in this status (`active`, `completed` or `ended_early`;
    /// other statuses have no cadence and list nothing).
    pub status: Option<MatchStatus>,
    /// Days without a held meeting after which a match is silent, 1 to
    /// 365; default the server's setting (45).
    #[param(minimum = 1, maximum = 365)]
    pub silent_after_days: Option<u32>,
}
