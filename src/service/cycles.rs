//! Cycles: creation, edits, deletion, the status machine and who sees what.
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::domain::FieldError;
use crate::domain::access::{Actor, sees_drafts};
use crate::domain::cycle::{CycleChanges, CycleDates, CycleStatus, NewCycle};
use crate::paging::{PageRequest, Sort};
use crate::store::local::LocalReads;
use crate::store::{self, Db, cycles as rows};

pub use rows::{Cycle, SORT_FIELDS, dates_of};

const NAME_TAKEN: &str = "a cycle with that name already exists";

fn check_dates(dates: &CycleDates) -> ServiceResult<()> {
    dates.check().map_err(|errs| {
        ServiceError::Validation(
            errs.into_iter()
                .map(|e| FieldError::new(e.field, "date_order", e.message))
                .collect(),
        )
    })
}

/// A name as stored: trimmed, and not blank (the request's length rule
/// counts the spaces a trim removes).
fn clean_name(name: &str) -> ServiceResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::invalid("name", "length", "must not be blank"));
    }
    Ok(name.to_owned())
}

/// A cycle the caller may see: drafts exist only for the committee.
pub async fn get(db: &impl store::Conn, actor: Option<&Actor>, id: Uuid) -> ServiceResult<Cycle> {
    rows::find(db, id)
        .await?
        .filter(|c| sees_drafts(actor) || c.status.is_public())
        .ok_or_else(|| ServiceError::not_found("cycle"))
}

/// A cycle, drafts included only `with_drafts` (the caller is committee).
pub async fn get_visible(
    db: &impl store::Conn,
    id: Uuid,
    with_drafts: bool,
) -> ServiceResult<Cycle> {
    rows::find(db, id)
        .await?
        .filter(|c| with_drafts || c.status.is_public())
        .ok_or_else(|| ServiceError::not_found("cycle"))
}

/// A cycle for the program's own use, drafts included.
pub async fn get_any(db: &impl store::Conn, id: Uuid) -> ServiceResult<Cycle> {
    rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("cycle"))
}

#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, actor: &Actor, new: NewCycle) -> ServiceResult<Cycle> {
    actor.may_run_program()?;
    let name = clean_name(&new.name)?;
    check_dates(&new.dates)?;
    rows::insert(db, NewCycle { name, ..new })
        .await
        .map_err(|e| ServiceError::from(e).or_conflict(NAME_TAKEN))
}

/// Edits settings while the cycle has not started mentoring; dates are
/// checked again as a whole.
#[tracing::instrument(skip_all, fields(cycle_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: CycleChanges,
) -> ServiceResult<Cycle> {
    actor.may_run_program()?;
    let name = changes.name.as_deref().map(clean_name).transpose()?;
    let current = get_any(db, id).await?;
    if !current.status.is_editable() {
        return Err(ServiceError::Conflict(format!(
            "a cycle that is {} can no longer be edited",
            current.status.as_str()
        )));
    }
    let dates = changes.apply_to(dates_of(&current));
    check_dates(&dates)?;
    let update = rows::CycleUpdate {
        name,
        description: changes.description,
        dates: Some(dates),
        meetings_expected: changes.meetings_expected,
    };
    rows::update(db, current, update)
        .await
        .map_err(|e| ServiceError::from(e).or_conflict(NAME_TAKEN))
}

/// Deletes a draft; any other status is a 409.
#[tracing::instrument(skip_all, fields(cycle_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    actor.may_run_program()?;
    let current = get_any(db, id).await?;
    if current.status != CycleStatus::Draft {
        return Err(ServiceError::Conflict(format!(
            "only draft cycles can be deleted; this one is {}",
            current.status.as_str()
        )));
    }
    let txn = store::begin_write(db).await?;
    // Deleting would take the cycle's applications (and all under them)
    // with it: a cycle that has any is archived instead.
    if store::applications::count_for_cycle(&txn, id).await? > 0 {
        return Err(ServiceError::Conflict(
            "this cycle has applications and cannot be deleted; archive it instead".into(),
        ));
    }
    // Conditional on the status, so a cycle opened meanwhile survives.
    if !rows::delete_in_status(&txn, id, CycleStatus::Draft).await? {
        return Err(ServiceError::Conflict(
            "the cycle left draft meanwhile; only drafts can be deleted".into(),
        ));
    }
    store::commit(txn).await?;
    Ok(())
}

/// Moves a cycle along its status machine. Opening fails with 409 while
/// another cycle is open; a unique index backs the check against races.
#[tracing::instrument(skip_all, fields(cycle_id = %id, to = to.as_str()))]
pub async fn transition(db: &Db, actor: &Actor, id: Uuid, to: CycleStatus) -> ServiceResult<Cycle> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = get_any(&txn, id).await?;
    let next = current
        .status
        .transition(to)
        .map_err(ServiceError::Conflict)?;
    if next == CycleStatus::Open
        && let Some(other) = rows::find_other_in_status(&txn, CycleStatus::Open, id).await?
    {
        return Err(ServiceError::Conflict(format!(
            "cycle \"{}\" is already open for applications; move it on first",
            other.name
        )));
    }
    let updated = rows::set_status(&txn, current, next).await.map_err(|e| {
        ServiceError::from(e).or_conflict("another cycle is already open for applications")
    })?;
    store::commit(txn).await?;
    Ok(updated)
}

/// The cycle open for applications, else the active one.
pub async fn current(db: &impl store::Conn, local: Option<&LocalReads>) -> ServiceResult<Cycle> {
    rows::newest_in_first_status_of(db, local, CycleStatus::Open, CycleStatus::Active)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no cycle is open or active".into()))
}

/// A page of the cycles the caller may see.
pub async fn list(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    status: Option<CycleStatus>,
    sort: Sort,
    page: PageRequest,
) -> ServiceResult<(Vec<Cycle>, u64)> {
    Ok(rows::list(db, status, sees_drafts(actor), sort, page).await?)
}
