//! Registration and the waitlist. Every change runs in one write
//! transaction holding the workshop's lock (PostgreSQL: `FOR UPDATE` on its
//! row; SQLite: the database's write lock), so places are counted and taken
//! one caller at a time: 50 members registering at once for 10 places
//! leaves exactly 10 registered and 40 in line, positions 1 to 40. A freed
//! or added place promotes the first in line, in join order, and tells
//! them by email.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Mine, Workshop, messages, visible};
use crate::domain::access::Actor;
use crate::domain::workshop::{RegistrationStatus, may_register, places_remain, promotable};
use crate::service::{ServiceError, ServiceResult};
use crate::store::{self, Db, members, workshops as rows};

use rows::registrations as regs;

/// One line of a workshop's registrations (committee).
#[derive(Clone, Debug)]
pub struct RegistrationLine {
    pub member_id: Uuid,
    pub full_name: String,
    pub email: String,
    pub status: RegistrationStatus,
    pub position: Option<u64>,
    pub joined_at: DateTime<Utc>,
    pub attended: bool,
}

/// Moves the first in line into the places that are free, in join order,
/// queuing a message for each. Returns how many moved.
pub(crate) async fn promote(
    txn: &store::Txn,
    w: &Workshop,
    tz: chrono_tz::Tz,
) -> ServiceResult<u64> {
    let registered = regs::count(txn, w.id, RegistrationStatus::Registered).await?;
    let free = promotable(registered, w.capacity);
    if free == 0 {
        return Ok(0);
    }
    let next = regs::first_waitlisted(txn, w.id, free).await?;
    let ids = next.iter().map(|r| r.id).collect();
    regs::set_status(txn, ids, RegistrationStatus::Registered).await?;
    for r in &next {
        let member = members::get(txn, r.member_id).await?;
        messages::promoted(txn, &member, w, tz).await?;
    }
    Ok(next.len() as u64)
}

/// Moves the latest `n` registered back to the waitlist (capacity lowered).
/// They joined before everyone waiting, so they head the line.
pub(crate) async fn demote_excess(
    txn: &store::Txn,
    workshop_id: Uuid,
    n: u64,
) -> ServiceResult<()> {
    let latest = regs::latest_registered(txn, workshop_id, n).await?;
    let ids = latest.iter().map(|r| r.id).collect();
    regs::set_status(txn, ids, RegistrationStatus::Waitlisted).await?;
    Ok(())
}

async fn locked(txn: &store::Txn, id: Uuid) -> ServiceResult<Workshop> {
    rows::find_locked(txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("workshop"))
}

/// Takes a place, or a place in line, for `member_id`; `None` when they
/// already hold one (nothing changes).
async fn enrol(
    txn: &store::Txn,
    w: &Workshop,
    member_id: Uuid,
    added_by: Option<Uuid>,
) -> ServiceResult<(Mine, bool)> {
    if let Some(existing) = regs::find(txn, w.id, member_id).await? {
        return Ok((mine_of(txn, &existing).await?, false));
    }
    let registered = regs::count(txn, w.id, RegistrationStatus::Registered).await?;
    let status = if places_remain(registered, w.capacity) {
        RegistrationStatus::Registered
    } else {
        RegistrationStatus::Waitlisted
    };
    let r = regs::insert(txn, w.id, member_id, status, added_by).await?;
    Ok((mine_of(txn, &r).await?, true))
}

async fn mine_of(db: &impl store::Conn, r: &regs::Registration) -> ServiceResult<Mine> {
    Ok(Mine {
        status: r.status,
        position: match r.status {
            RegistrationStatus::Waitlisted => Some(regs::position(db, r).await?),
            RegistrationStatus::Registered => None,
        },
    })
}

/// Registers the caller: a place while places remain, else the waitlist
/// with a position. True when new (false: they already held one). 404 for
/// a workshop they may not see; 409 with the reason outside the
/// registration window or for a workshop not published.
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn register(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<(Mine, bool)> {
    let txn = store::begin_write(db).await?;
    let w = visible(&txn, Some(actor), Some(locked(&txn, id).await?)).await?;
    if regs::find(&txn, w.id, actor.id).await?.is_none() {
        may_register(
            w.status,
            w.starts_at,
            w.registration_opens_at,
            w.registration_closes_at,
            Utc::now(),
        )
        .map_err(ServiceError::Conflict)?;
    }
    let out = enrol(&txn, &w, actor.id, None).await?;
    store::commit(txn).await?;
    Ok(out)
}

/// Gives up the caller's place or place in line; a freed place goes to the
/// first in line. 404 when they hold none; 409 once the workshop started.
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn leave(db: &Db, actor: &Actor, id: Uuid, tz: chrono_tz::Tz) -> ServiceResult<()> {
    let txn = store::begin_write(db).await?;
    let w = visible(&txn, Some(actor), Some(locked(&txn, id).await?)).await?;
    let r = regs::find(&txn, w.id, actor.id)
        .await?
        .ok_or_else(|| ServiceError::not_found("registration"))?;
    if Utc::now() >= w.starts_at {
        return Err(ServiceError::Conflict(
            "the workshop has started; registrations no longer change".into(),
        ));
    }
    regs::delete(&txn, r.id).await?;
    promote(&txn, &w, tz).await?;
    store::commit(txn).await?;
    Ok(())
}

/// A workshop's registrations, the registered then the waitlist, each in
/// join order (committee).
pub async fn list(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Vec<RegistrationLine>> {
    actor.may_run_program()?;
    rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("workshop"))?;
    let all = regs::of_workshop(db, id).await?;
    let mut lines = Vec::with_capacity(all.len());
    let mut in_line = 0;
    for r in all {
        let m = members::get(db, r.member_id).await?;
        let position = (r.status == RegistrationStatus::Waitlisted).then(|| {
            in_line += 1;
            in_line
        });
        lines.push(RegistrationLine {
            member_id: r.member_id,
            full_name: m.full_name,
            email: m.email,
            status: r.status,
            position,
            joined_at: r.joined_at,
            attended: r.attended,
        });
    }
    Ok(lines)
}

/// Registers someone for a workshop (committee), whatever its audience or
/// registration window: a place if one remains, else the waitlist. 422
/// naming `member_id` for an unknown member; 409 for a cancelled or
/// completed workshop.
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn add(db: &Db, actor: &Actor, id: Uuid, member_id: Uuid) -> ServiceResult<(Mine, bool)> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let w = locked(&txn, id).await?;
    if !matches!(
        w.status,
        crate::domain::workshop::WorkshopStatus::Draft
            | crate::domain::workshop::WorkshopStatus::Published
    ) {
        return Err(ServiceError::Conflict(format!(
            "a {} workshop takes no registrations",
            w.status.as_str()
        )));
    }
    if members::find(&txn, member_id).await?.is_none() {
        return Err(ServiceError::invalid(
            "member_id",
            "unknown",
            "no member has this id",
        ));
    }
    let out = enrol(&txn, &w, member_id, Some(actor.id)).await?;
    store::commit(txn).await?;
    Ok(out)
}

/// Removes someone's registration or place in line (committee); a freed
/// place goes to the first in line. 404 when they hold none.
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn remove(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    member_id: Uuid,
    tz: chrono_tz::Tz,
) -> ServiceResult<()> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let w = locked(&txn, id).await?;
    let r = regs::find(&txn, w.id, member_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("registration"))?;
    regs::delete(&txn, r.id).await?;
    promote(&txn, &w, tz).await?;
    store::commit(txn).await?;
    Ok(())
}
