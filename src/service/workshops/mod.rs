//! Workshops: the committee creates, changes, publishes and cancels them;
//! members and anonymous visitors see what their audience allows; members
//! register or join the waitlist (`registration`); the committee marks
//! attendance (`attendance`); calendars subscribe to them (`calendar`).
use std::collections::HashMap;

use chrono::Utc;
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::domain::access::Actor;
use crate::domain::workshop::{
    RegistrationStatus, Standing, WorkshopChanges, WorkshopFields, WorkshopStatus, check, may_see,
    transition as next_status,
};
use crate::paging::PageRequest;
use crate::store::{self, Db, workshops as rows};

pub mod attendance;
pub mod calendar;
pub mod messages;
pub mod registration;

pub use rows::Workshop;

/// The caller's own place at a workshop.
#[derive(Clone, Copy, Debug)]
pub struct Mine {
    pub status: RegistrationStatus,
    /// On the waitlist: 1 for the first in line.
    pub position: Option<u64>,
}

/// A workshop as the caller sees it: its counts, the caller's place, and
/// whether the join link is theirs to see (registered people and the
/// committee).
#[derive(Clone, Debug)]
pub struct WorkshopView {
    pub workshop: Workshop,
    pub registered: u64,
    pub waitlisted: u64,
    pub mine: Option<Mine>,
    pub shows_join_url: bool,
}

/// The caller's place at a workshop, if any.
async fn mine(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    workshop_id: Uuid,
) -> ServiceResult<Option<Mine>> {
    let Some(actor) = actor else { return Ok(None) };
    let Some(r) = rows::registrations::find(db, workshop_id, actor.id).await? else {
        return Ok(None);
    };
    let position = match r.status {
        RegistrationStatus::Waitlisted => Some(rows::registrations::position(db, &r).await?),
        RegistrationStatus::Registered => None,
    };
    Ok(Some(Mine {
        status: r.status,
        position,
    }))
}

fn view(
    actor: Option<&Actor>,
    w: Workshop,
    counts: (u64, u64),
    mine: Option<Mine>,
) -> WorkshopView {
    let shows_join_url = actor.is_some_and(Actor::is_committee)
        || mine.is_some_and(|m| m.status == RegistrationStatus::Registered);
    WorkshopView {
        workshop: w,
        registered: counts.0,
        waitlisted: counts.1,
        mine,
        shows_join_url,
    }
}

/// The workshop as `actor` sees it.
pub(crate) async fn view_of(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    w: Workshop,
) -> ServiceResult<WorkshopView> {
    let counts = rows::counts(db, vec![w.id]).await?;
    let counts = counts.get(&w.id).copied().unwrap_or_default();
    let mine = mine(db, actor, w.id).await?;
    Ok(view(actor, w, counts, mine))
}

/// The workshop if the caller may know it exists; a 404 otherwise.
pub(crate) async fn visible(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    w: Option<Workshop>,
) -> ServiceResult<Workshop> {
    let hidden = || ServiceError::not_found("workshop");
    let w = w.ok_or_else(hidden)?;
    let standing = match actor {
        Some(a) if !a.is_committee() => Standing {
            in_cycle: match w.cycle_id {
                Some(c) => rows::participant_cycles(db, a.id).await?.contains(&c),
                None => false,
            },
            registered: rows::registrations::find(db, w.id, a.id).await?.is_some(),
        },
        _ => Standing::default(),
    };
    if may_see(actor, w.status, w.audience, standing) {
        Ok(w)
    } else {
        Err(hidden())
    }
}

/// What a caller's lists hold.
pub(crate) async fn scope_of(
    db: &impl store::Conn,
    actor: Option<&Actor>,
) -> ServiceResult<rows::Scope> {
    Ok(match actor {
        None => rows::Scope::Public,
        Some(a) if a.is_committee() => rows::Scope::All,
        Some(a) => rows::Scope::Member {
            cycles: rows::participant_cycles(db, a.id).await?,
            registered: rows::registrations::of_member(db, a.id)
                .await?
                .into_iter()
                .map(|r| r.workshop_id)
                .collect(),
        },
    })
}

/// A page of the workshops the caller may see, soonest first.
pub async fn list(
    db: &Db,
    actor: Option<&Actor>,
    status: Option<WorkshopStatus>,
    page: PageRequest,
) -> ServiceResult<(Vec<WorkshopView>, u64)> {
    let scope = scope_of(db, actor).await?;
    let (items, total) = rows::list(db, &scope, status, page).await?;
    let counts: HashMap<Uuid, (u64, u64)> =
        rows::counts(db, items.iter().map(|w| w.id).collect()).await?;
    let mut views = Vec::with_capacity(items.len());
    for w in items {
        let c = counts.get(&w.id).copied().unwrap_or_default();
        let mine = mine(db, actor, w.id).await?;
        views.push(view(actor, w, c, mine));
    }
    Ok((views, total))
}

pub async fn get(db: &Db, actor: Option<&Actor>, id: Uuid) -> ServiceResult<WorkshopView> {
    let w = visible(db, actor, rows::find(db, id).await?).await?;
    view_of(db, actor, w).await
}

/// The cycle a workshop is for must exist (422 naming `cycle_id`).
async fn cycle_exists(db: &impl store::Conn, f: &WorkshopFields) -> ServiceResult<()> {
    if let Some(cycle_id) = f.cycle_id
        && store::cycles::find(db, cycle_id).await?.is_none()
    {
        return Err(ServiceError::invalid(
            "cycle_id",
            "unknown",
            "no cycle has this id",
        ));
    }
    Ok(())
}

/// A new draft workshop (committee).
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, actor: &Actor, f: WorkshopFields) -> ServiceResult<WorkshopView> {
    actor.may_run_program()?;
    let f = check(f).map_err(ServiceError::Validation)?;
    let txn = store::begin_write(db).await?;
    cycle_exists(&txn, &f).await?;
    let w = rows::insert(&txn, f, actor.id).await?;
    store::commit(txn).await?;
    view_of(db, Some(actor), w).await
}

/// Changes a workshop (committee); SEQUENCE rises. A raised capacity
/// promotes from the waitlist; one lowered below the registered count is
/// a 409 unless `move_excess_to_waitlist`, which moves the latest
/// registered back to the head of the waitlist. A cancelled or completed
/// workshop no longer changes (409).
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: WorkshopChanges,
    tz: chrono_tz::Tz,
) -> ServiceResult<WorkshopView> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = rows::find_locked(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("workshop"))?;
    if matches!(
        current.status,
        WorkshopStatus::Cancelled | WorkshopStatus::Completed
    ) {
        return Err(ServiceError::Conflict(format!(
            "a {} workshop cannot be changed",
            current.status.as_str()
        )));
    }
    if !changes.changes_anything() {
        store::commit(txn).await?;
        return view_of(db, Some(actor), current).await;
    }
    let f = check(changes.apply(current.fields())).map_err(ServiceError::Validation)?;
    cycle_exists(&txn, &f).await?;
    let registered = rows::registrations::count(&txn, id, RegistrationStatus::Registered).await?;
    let capacity = u64::try_from(f.capacity).unwrap_or(0);
    if registered > capacity {
        if !changes.move_excess_to_waitlist {
            return Err(ServiceError::Conflict(format!(
                "{registered} members are registered, more than the new capacity of {capacity}; \
                 send move_excess_to_waitlist: true to move the latest {} to the head of the waitlist",
                registered - capacity
            )));
        }
        registration::demote_excess(&txn, id, registered - capacity).await?;
    }
    let status = current.status;
    let w = rows::update(&txn, current, f, status).await?;
    registration::promote(&txn, &w, tz).await?;
    store::commit(txn).await?;
    view_of(db, Some(actor), w).await
}

/// Moves a workshop along `draft → published → cancelled | completed`
/// (committee); 409 naming the allowed moves. SEQUENCE rises, and a
/// cancelled workshop stays in calendars as cancelled.
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn transition(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    to: WorkshopStatus,
) -> ServiceResult<WorkshopView> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = rows::find_locked(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("workshop"))?;
    let status = next_status(current.status, to, current.ends_at, Utc::now())
        .map_err(ServiceError::Conflict)?;
    let f = current.fields();
    let w = rows::update(&txn, current, f, status).await?;
    store::commit(txn).await?;
    view_of(db, Some(actor), w).await
}

/// Deletes a draft (committee); a published workshop is cancelled
/// instead (409).
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = rows::find_locked(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("workshop"))?;
    if current.status != WorkshopStatus::Draft {
        return Err(ServiceError::Conflict(format!(
            "only a draft can be deleted; this workshop is {}: cancel it instead",
            current.status.as_str()
        )));
    }
    rows::delete(&txn, id).await?;
    store::commit(txn).await?;
    Ok(())
}
