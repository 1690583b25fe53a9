//! A match's life after it is proposed (committee): approve, cancel,
//! complete, end early, extend, and the committee's note. Each is one
//! transaction; an archived cycle's matches no longer change.
use chrono::NaiveDate;
use uuid::Uuid;

use super::{Match, find, invalid, not_archived, rows};
use crate::domain::access::Actor;
use crate::domain::matches::{
    EndReason, MatchAction, check_extension, may_run_matching, parse_end_early,
    parse_extension_reason, parse_note,
};
use crate::service::cadence::today;
use crate::service::cycles::{self, Cycle};
use crate::service::{ServiceError, ServiceResult};
use crate::store::{self, Db, matches::StatusExtras};

/// What an action sets besides the status, and records as its detail.
#[derive(Default)]
struct Change {
    extras: StatusExtras,
    detail: String,
}

/// Applies `action` to the match if the status machine allows it, in one
/// transaction: `check` runs first, on the match and its cycle; then the
/// cycle must not be archived; the update is conditional on the status read,
/// so a concurrent action makes this one a 409.
async fn act(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    action: MatchAction,
    change: Change,
    check: impl FnOnce(&Match, &Cycle) -> ServiceResult<()>,
) -> ServiceResult<Match> {
    may_run_matching(actor)?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, id).await?;
    let cycle = cycles::get_any(&txn, current.cycle_id).await?;
    check(&current, &cycle)?;
    not_archived(&cycle)?;
    let to = action
        .apply(current.status)
        .map_err(ServiceError::Conflict)?;
    if !rows::set_status_if(&txn, id, current.status, to, change.extras).await? {
        return Err(ServiceError::Conflict(
            "the match changed meanwhile; reload and try again".into(),
        ));
    }
    rows::record(&txn, id, actor.id, action, change.detail).await?;
    let updated = find(&txn, id).await?;
    store::commit(txn).await?;
    Ok(updated)
}

fn no_check(_: &Match, _: &Cycle) -> ServiceResult<()> {
    Ok(())
}

#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn approve(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Match> {
    act(
        db,
        actor,
        id,
        MatchAction::Approve,
        Change::default(),
        no_check,
    )
    .await
}

/// Cancels a proposed or approved match; the mentee and the mentor's slot
/// are free again.
#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn cancel(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Match> {
    act(
        db,
        actor,
        id,
        MatchAction::Cancel,
        Change::default(),
        no_check,
    )
    .await
}

/// Completes an active match; the day it ended is today.
#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn complete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Match> {
    let change = Change {
        extras: StatusExtras {
            ended_on: Some(today()),
            ..Default::default()
        },
        ..Default::default()
    };
    act(db, actor, id, MatchAction::Complete, change, no_check).await
}

/// Ends an active match early (today): a reason from the fixed list (none
/// means `other`) and the free text, which `other` requires.
#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn end_early(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    code: Option<EndReason>,
    text: Option<&str>,
) -> ServiceResult<Match> {
    may_run_matching(actor)?;
    let ending = parse_end_early(code, text).map_err(invalid)?;
    let detail = match &ending.text {
        Some(text) => format!("{}: {text}", ending.code.as_str()),
        None => ending.code.as_str().to_owned(),
    };
    let change = Change {
        detail,
        extras: StatusExtras {
            ended_on: Some(today()),
            ended_reason_code: Some(ending.code),
            ended_reason: ending.text,
            ..Default::default()
        },
    };
    act(db, actor, id, MatchAction::EndEarly, change, no_check).await
}

/// Extends an active match until a date after the cycle's mentoring end and
/// any earlier extension, with the pair's reason (optional).
#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn extend(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    until: NaiveDate,
    reason: Option<&str>,
) -> ServiceResult<Match> {
    may_run_matching(actor)?;
    let reason = parse_extension_reason(reason).map_err(invalid)?;
    let detail = match &reason {
        Some(reason) => format!("until {until}: {reason}"),
        None => format!("until {until}"),
    };
    let change = Change {
        detail,
        extras: StatusExtras {
            extension: Some((until, reason)),
            ..Default::default()
        },
    };
    act(db, actor, id, MatchAction::Extend, change, |m, cycle| {
        check_extension(until, cycle.mentoring_ends_on, m.extended_until)
            .map_err(|m| ServiceError::invalid("until", "range", m))
    })
    .await
}

/// Sets the committee's note (as sent; blank clears it), whatever the
/// match's status.
#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn set_note(db: &Db, actor: &Actor, id: Uuid, note: &str) -> ServiceResult<Match> {
    may_run_matching(actor)?;
    let note = parse_note(note).map_err(invalid)?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, id).await?;
    not_archived(&cycles::get_any(&txn, current.cycle_id).await?)?;
    rows::set_note(&txn, id, note).await?;
    rows::record(&txn, id, actor.id, MatchAction::Note, String::new()).await?;
    let updated = find(&txn, id).await?;
    store::commit(txn).await?;
    Ok(updated)
}
