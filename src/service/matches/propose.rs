//! Proposing matches, by hand or from a run: every hard rule, one placed
//! match per mentee and the mentor's capacity, checked under lock inside
//! the caller's transaction.
use std::fmt::Display;

use uuid::Uuid;

use super::{Match, invalid, rows};
use crate::domain::access::Actor;
use crate::domain::application::ApplicationRole;
use crate::domain::matches::{MatchAction, MatchStatus, NewMatch, may_run_matching, parse_note};
use crate::domain::matching::{RunParams, check_pair, score_pair_balanced};
use crate::service::matching::{candidate_of, matching_cycle};
use crate::service::{ServiceError, ServiceResult};
use crate::store::{self, Db, StoreError, Txn, applications as apps, matching as runs};

/// A pair to propose.
#[derive(Clone, Debug)]
pub(crate) struct NewPair {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub matching_run_id: Option<Uuid>,
    pub note: Option<String>,
}

/// Proposes a match by hand. The same hard rules as a run apply, with
/// people of one employer allowed if the committee says so.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn create(db: &Db, actor: &Actor, cycle_id: Uuid, new: NewMatch) -> ServiceResult<Match> {
    may_run_matching(actor)?;
    let note = match new.note.as_deref() {
        Some(raw) => parse_note(raw).map_err(invalid)?,
        None => None,
    };
    let cycle = matching_cycle(db, cycle_id).await?;
    if let Some(run_id) = new.matching_run_id {
        // A match may only name a run of its own cycle.
        if runs::cycle_of(db, run_id).await? != Some(cycle.id) {
            return Err(ServiceError::invalid(
                "matching_run_id",
                "unknown",
                "is not a matching run of this cycle",
            ));
        }
    }
    let pair = NewPair {
        mentor_application_id: new.mentor_application_id,
        mentee_application_id: new.mentee_application_id,
        matching_run_id: new.matching_run_id,
        note,
    };
    let params = RunParams {
        allow_same_employer: new.allow_same_employer,
        ..Default::default()
    };
    let txn = store::begin_write(db).await?;
    let mut made = propose(&txn, cycle.id, &[pair], &params, actor.id).await?;
    store::commit(txn).await?;
    made.pop()
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("no match was created")))
}

/// Why a mentee who already holds a place cannot be paired again.
fn mentee_taken(m: &Match) -> String {
    if m.status == MatchStatus::Completed {
        format!("the mentee has completed a match in this cycle ({})", m.id)
    } else {
        format!(
            "the mentee already has a live match ({}, {})",
            m.id,
            m.status.as_str()
        )
    }
}

fn refused(pair: &NewPair, why: impl Display) -> ServiceError {
    ServiceError::Conflict(format!(
        "mentor application {} and mentee application {} cannot be matched: {why}",
        pair.mentor_application_id, pair.mentee_application_id
    ))
}

/// Proposes `pairs` inside `txn`, all or nothing (the caller commits).
/// Each pair must pass every hard rule; the mentee must have no live or
/// completed match and the mentor a free slot, counted with both
/// applications locked so concurrent proposals cannot overbook. The runs
/// the pairs come from are marked accepted in the same transaction: never
/// matches without their run marked, nor the reverse.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id, pairs = pairs.len()))]
pub(crate) async fn propose(
    txn: &Txn,
    cycle_id: Uuid,
    pairs: &[NewPair],
    params: &RunParams,
    actor_id: Uuid,
) -> ServiceResult<Vec<Match>> {
    let table = params.weight_table();
    let mut created = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let mentor = rows::locked_application(txn, cycle_id, pair.mentor_application_id).await?;
        let mentee = rows::locked_application(txn, cycle_id, pair.mentee_application_id).await?;
        let (Some(mentor), Some(mentee)) = (mentor, mentee) else {
            return Err(refused(pair, "both applications must belong to this cycle"));
        };
        let placed = rows::placed_of_pair(txn, cycle_id, mentor.id, mentee.id).await?;
        if let Some(m) = placed.iter().find(|m| m.mentee_application_id == mentee.id) {
            return Err(refused(pair, mentee_taken(m)));
        }
        let taken = placed
            .iter()
            .filter(|m| m.mentor_application_id == mentor.id)
            .count() as u32;
        let (mentor_c, mentee_c) = (
            candidate_of((&mentor).into(), taken),
            candidate_of((&mentee).into(), 0),
        );
        if apps::role_of(&mentor) == ApplicationRole::Mentor && mentor_c.capacity == 0 {
            return Err(refused(pair, "the mentor's capacity is exhausted"));
        }
        check_pair(&mentor_c, &mentee_c, params).map_err(|rule| refused(pair, rule))?;
        let (score, breakdown) =
            score_pair_balanced(&mentor_c, &mentee_c, &table, params.preference_balance);
        let row = rows::NewMatchRow {
            cycle_id,
            mentor_application_id: mentor.id,
            mentee_application_id: mentee.id,
            matching_run_id: pair.matching_run_id,
            score,
            breakdown: rows::Breakdown(breakdown),
            note: pair.note.clone(),
            created_by: actor_id,
        };
        // The unique index on a mentee's placed matches catches a race the
        // lock above did not (SQLite has no row locks).
        let made = rows::insert(txn, row).await.map_err(|e| match e {
            StoreError::Unique => refused(pair, "the mentee already has a live or completed match"),
            other => other.into(),
        })?;
        let detail = pair
            .matching_run_id
            .map(|r| format!("from run {r}"))
            .unwrap_or_default();
        rows::record(txn, made.id, actor_id, MatchAction::Propose, detail).await?;
        created.push(made);
    }
    let mut run_ids: Vec<Uuid> = pairs.iter().filter_map(|p| p.matching_run_id).collect();
    run_ids.sort();
    run_ids.dedup();
    runs::mark_accepted(txn, &run_ids).await?;
    Ok(created)
}
