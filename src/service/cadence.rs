//! The cadence of a cycle's partnerships (committee): each published
//! match's meetings held against the cycle's expectation to date, as on
//! track, behind or silent; the same for a member's own matches; and the
//! reminders sent to the partners of a match that fell behind or went
//! quiet. Counts only: notes, topics and agreements are never read here.
use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{ServiceResult, notify};
use crate::domain::access::Actor;
use crate::domain::cadence::{Cadence, CadenceInput, CadenceState};
use crate::domain::cycle::CycleStatus;
use crate::domain::matches::{EndReason, MatchStatus, may_run_matching};
use crate::domain::notification::Event;
use crate::paging::{Sort, SortOrder};
use crate::service::cycles::{self, Cycle};
use crate::store::cadence::{CadenceMatch, CountScope, MeetingCounts};
use crate::store::{self, Db};

/// The fields the committee's cadence list sorts by.
pub const SORT_FIELDS: &[&str] = &[
    "behind_by",
    "last_held_on",
    "meetings_held",
    "mentee_name",
    "mentor_name",
    "quiet_days",
    "state",
];
/// Longest silence first.
pub const DEFAULT_SORT: (&str, SortOrder) = ("quiet_days", SortOrder::Desc);

/// One side of a match in the committee's list.
#[derive(Clone, Debug)]
pub struct Person {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub full_name: String,
}

/// One match's cadence, for the committee.
#[derive(Clone, Debug)]
pub struct CadenceEntry {
    pub match_id: Uuid,
    pub status: MatchStatus,
    pub mentor: Person,
    pub mentee: Person,
    pub cadence: Cadence,
    /// Planned meetings from today on.
    pub planned: u32,
    /// The first and last day the partners may meet.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub ended_reason_code: Option<EndReason>,
}

/// Which matches to list and how silence is measured.
#[derive(Clone, Copy, Debug)]
pub struct CadenceFilter {
    pub state: Option<CadenceState>,
    pub status: Option<MatchStatus>,
    pub silent_after_days: u32,
}

/// What a match's cadence is computed from, before its meetings are
/// counted.
pub fn input_for(
    cycle: &Cycle,
    published_at: Option<DateTime<Utc>>,
    extended_until: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
) -> CadenceInput {
    CadenceInput {
        mentoring_starts_on: cycle.mentoring_starts_on,
        mentoring_ends_on: cycle.mentoring_ends_on,
        meetings_expected: cycle.meetings_expected,
        published_on: published_at.map(|p| p.date_naive()),
        extended_until,
        ended_on,
        held: 0,
        last_held_on: None,
    }
}

fn input_of(cycle: &Cycle, m: &CadenceMatch, counts: MeetingCounts) -> CadenceInput {
    CadenceInput {
        held: counts.held,
        last_held_on: counts.last_held_on,
        ..input_for(cycle, m.published_at, m.extended_until, m.ended_on)
    }
}

/// The published matches of a cycle with their cadence as of `today`,
/// filtered and sorted (committee). An unknown cycle is a 404.
pub async fn for_cycle(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    filter: CadenceFilter,
    sort: Sort,
    today: NaiveDate,
) -> ServiceResult<Vec<CadenceEntry>> {
    may_run_matching(actor)?;
    let cycle = cycles::get_any(db, cycle_id).await?;
    let active_only = filter.status == Some(MatchStatus::Active);
    let rows = store::cadence::matches_of_cycle(db, cycle_id, active_only).await?;
    let counts = store::cadence::meeting_counts(db, CountScope::Cycle(cycle_id), today).await?;
    let mut entries: Vec<CadenceEntry> = rows
        .into_iter()
        .filter(|m| filter.status.is_none_or(|s| s == m.status))
        .map(|m| {
            let counts = counts.get(&m.id).copied().unwrap_or_default();
            let input = input_of(&cycle, &m, counts);
            CadenceEntry {
                match_id: m.id,
                status: m.status,
                cadence: input.assess(today, filter.silent_after_days),
                planned: counts.planned,
                starts_on: input.starts_on(),
                ends_on: input.period_ends_on(),
                ended_reason_code: m.ended_reason_code,
                mentor: Person {
                    application_id: m.mentor_application_id,
                    member_id: m.mentor_member_id,
                    full_name: m.mentor_name,
                },
                mentee: Person {
                    application_id: m.mentee_application_id,
                    member_id: m.mentee_member_id,
                    full_name: m.mentee_name,
                },
            }
        })
        .filter(|e| filter.state.is_none_or(|s| s == e.cadence.state))
        .collect();
    entries.sort_by(|a, b| {
        let order = compare(sort.0, a, b);
        let order = match sort.1 {
            SortOrder::Asc => order,
            SortOrder::Desc => order.reverse(),
        };
        order.then(a.match_id.cmp(&b.match_id))
    });
    Ok(entries)
}

fn compare(field: &str, a: &CadenceEntry, b: &CadenceEntry) -> Ordering {
    match field {
        "behind_by" => a.cadence.behind_by.cmp(&b.cadence.behind_by),
        "last_held_on" => a.cadence.last_held_on.cmp(&b.cadence.last_held_on),
        "meetings_held" => a.cadence.held.cmp(&b.cadence.held),
        "mentee_name" => a.mentee.full_name.cmp(&b.mentee.full_name),
        "mentor_name" => a.mentor.full_name.cmp(&b.mentor.full_name),
        "state" => a.cadence.state.cmp(&b.cadence.state),
        _ => a.cadence.quiet_days.cmp(&b.cadence.quiet_days),
    }
}

/// The cadence of a member's own published matches, by match id, as of
/// `today`. The caller has already found the matches theirs.
pub async fn of_matches(
    db: &Db,
    matches: &[(Uuid, CadenceInput)],
    today: NaiveDate,
    silent_after_days: u32,
) -> ServiceResult<HashMap<Uuid, Cadence>> {
    let ids: Vec<Uuid> = matches.iter().map(|(id, _)| *id).collect();
    let counts = store::cadence::meeting_counts(db, CountScope::Matches(&ids), today).await?;
    Ok(matches
        .iter()
        .map(|(id, input)| {
            let c = counts.get(id).copied().unwrap_or_default();
            let input = CadenceInput {
                held: c.held,
                last_held_on: c.last_held_on,
                ..*input
            };
            (*id, input.assess(today, silent_after_days))
        })
        .collect())
}

/// Queues a reminder to both partners of every active match, in a cycle
/// that is mentoring, that is behind or silent on `today`: one per
/// reminder period (about a month) per person, never more (the period is
/// in the message's key, so another run or instance queues nothing new),
/// and none once the match's period is over. Members who turned reminders
/// off get none. Returns how many were queued.
pub async fn queue_reminders(
    db: &Db,
    today: NaiveDate,
    silent_after_days: u32,
) -> ServiceResult<u64> {
    let mut queued = 0;
    for cycle in store::cycles::all_in_status(db, CycleStatus::Active).await? {
        let rows = store::cadence::matches_of_cycle(db, cycle.id, true).await?;
        let counts = store::cadence::meeting_counts(db, CountScope::Cycle(cycle.id), today).await?;
        let txn = store::begin_write(db).await?;
        for m in &rows {
            let input = input_of(&cycle, m, counts.get(&m.id).copied().unwrap_or_default());
            let Some(period) = input.reminder_period(today) else {
                continue;
            };
            let cadence = input.assess(today, silent_after_days);
            if !cadence.state.needs_reminder() {
                continue;
            }
            for (to, partner) in [
                (m.mentor_member_id, &m.mentee_name),
                (m.mentee_member_id, &m.mentor_name),
            ] {
                let Some(member) = store::members::find(&txn, to).await? else {
                    continue;
                };
                let context = json!({
                    "cycle_name": cycle.name,
                    "partner_name": partner,
                    "state": cadence.state.as_str(),
                    "meetings_held": cadence.held,
                    "meetings_expected": cadence.expected_to_date,
                    "last_met_on": cadence.last_held_on.map(|d| d.format("%-d %B %Y").to_string()),
                    "meetings_url": format!("/matches/{}/meetings", m.id),
                });
                let subject = format!("{}:{period}", m.id);
                if notify::queue(&txn, Event::MeetingReminder, &subject, &member, context).await? {
                    queued += 1;
                }
            }
        }
        store::commit(txn).await?;
    }
    Ok(queued)
}

/// Today in UTC, the day the API's dates are in.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
