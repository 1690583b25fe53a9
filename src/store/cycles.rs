//! Cycle rows: reads, inserts, updates and deletes. No rules here; the
//! service decides what may change.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::cycle;
use super::local::LocalReads;
pub use crate::domain::cycle::NewCycle;
use crate::domain::cycle::{CycleDates, CycleStatus};
use crate::paging::{PageRequest, Sort};

pub use cycle::Model as Cycle;

/// What an edit sets; `None` leaves a field alone.
#[derive(Default)]
pub struct CycleUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub dates: Option<CycleDates>,
    pub meetings_expected: Option<i32>,
}

pub fn dates_of(cycle: &Cycle) -> CycleDates {
    CycleDates {
        applications_open_at: cycle.applications_open_at,
        applications_close_at: cycle.applications_close_at,
        match_by: cycle.match_by,
        mentoring_starts_on: cycle.mentoring_starts_on,
        mentoring_ends_on: cycle.mentoring_ends_on,
        evaluation_closes_on: cycle.evaluation_closes_on,
    }
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Cycle>> {
    Ok(cycle::Entity::find_by_id(id).one(db).await?)
}

/// The cycle of that exact name, if any.
pub async fn find_by_name(db: &impl ConnectionTrait, name: &str) -> StoreResult<Option<Cycle>> {
    Ok(cycle::Entity::find()
        .filter(cycle::Column::Name.eq(name))
        .one(db)
        .await?)
}

/// Another cycle than `except` in `status`, if any.
pub async fn find_other_in_status(
    db: &impl ConnectionTrait,
    status: CycleStatus,
    except: Uuid,
) -> StoreResult<Option<Cycle>> {
    Ok(cycle::Entity::find()
        .filter(cycle::Column::Status.eq(status))
        .filter(cycle::Column::Id.ne(except))
        .one(db)
        .await?)
}

/// Every cycle in `status`, oldest first.
pub async fn all_in_status(
    db: &impl ConnectionTrait,
    status: CycleStatus,
) -> StoreResult<Vec<Cycle>> {
    Ok(cycle::Entity::find()
        .filter(cycle::Column::Status.eq(status))
        .order_by_asc(cycle::Column::ApplicationsOpenAt)
        .order_by_asc(cycle::Column::Id)
        .all(db)
        .await?)
}

/// The newest cycle (by opening of applications) in status `first`, else
/// the newest in `second`: one query.
pub async fn newest_in_first_status_of(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    first: CycleStatus,
    second: CycleStatus,
) -> StoreResult<Option<Cycle>> {
    use sea_orm::sea_query::Expr;
    let preference: Expr = Expr::case(cycle::Column::Status.eq(first), 0)
        .finally(1)
        .into();
    let newest = cycle::Entity::find()
        .filter(cycle::Column::Status.is_in([first, second]))
        .order_by(preference, sea_orm::Order::Asc)
        .order_by_desc(cycle::Column::ApplicationsOpenAt);
    super::one_with(db, local, newest).await
}

pub async fn insert(db: &impl ConnectionTrait, new: NewCycle) -> StoreResult<Cycle> {
    let now = Utc::now();
    let d = new.dates;
    Ok(cycle::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(new.name),
        description: Set(new.description),
        status: Set(CycleStatus::Draft),
        applications_open_at: Set(d.applications_open_at),
        applications_close_at: Set(d.applications_close_at),
        match_by: Set(d.match_by),
        mentoring_starts_on: Set(d.mentoring_starts_on),
        mentoring_ends_on: Set(d.mentoring_ends_on),
        evaluation_closes_on: Set(d.evaluation_closes_on),
        meetings_expected: Set(new.meetings_expected),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Writes the changes; a cycle they leave as it was is returned untouched.
pub async fn update(
    db: &impl ConnectionTrait,
    current: Cycle,
    changes: CycleUpdate,
) -> StoreResult<Cycle> {
    let mut row = current.clone().into_active_model();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    if let Some(description) = changes.description {
        row.description = Set(description);
    }
    if let Some(n) = changes.meetings_expected {
        row.meetings_expected = Set(n);
    }
    if let Some(d) = changes.dates {
        row.applications_open_at = Set(d.applications_open_at);
        row.applications_close_at = Set(d.applications_close_at);
        row.match_by = Set(d.match_by);
        row.mentoring_starts_on = Set(d.mentoring_starts_on);
        row.mentoring_ends_on = Set(d.mentoring_ends_on);
        row.evaluation_closes_on = Set(d.evaluation_closes_on);
    }
    if !row.is_changed() {
        return Ok(current);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    current: Cycle,
    status: CycleStatus,
) -> StoreResult<Cycle> {
    let mut row = current.into_active_model();
    row.status = Set(status);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// Deletes the cycle if it is still in `status`; whether it did.
pub async fn delete_in_status(
    db: &impl ConnectionTrait,
    id: Uuid,
    status: CycleStatus,
) -> StoreResult<bool> {
    let deleted = cycle::Entity::delete_many()
        .filter(cycle::Column::Id.eq(id))
        .filter(cycle::Column::Status.eq(status))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

pub const SORT_FIELDS: &[&str] = &["name", "applications_open_at", "created_at", "status"];

/// A page of cycles, optionally in one status and without drafts, and the
/// count of all that match.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<CycleStatus>,
    with_drafts: bool,
    sort: Sort,
    page: PageRequest,
) -> StoreResult<(Vec<Cycle>, u64)> {
    let mut cond = Condition::all();
    if !with_drafts {
        cond = cond.add(cycle::Column::Status.ne(CycleStatus::Draft));
    }
    if let Some(s) = status {
        cond = cond.add(cycle::Column::Status.eq(s));
    }
    let query = cycle::Entity::find().filter(cond);
    let total = query.clone().count(db).await?;
    let column = match sort.0 {
        "name" => cycle::Column::Name,
        "created_at" => cycle::Column::CreatedAt,
        "status" => cycle::Column::Status,
        _ => cycle::Column::ApplicationsOpenAt,
    };
    let items = query
        .order_by(column, sort.1.into())
        .order_by_asc(cycle::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Open cycles whose applications close within `(from, to]`.
pub async fn open_closing_between(
    db: &impl ConnectionTrait,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
) -> StoreResult<Vec<Cycle>> {
    Ok(cycle::Entity::find()
        .filter(cycle::Column::Status.eq(CycleStatus::Open))
        .filter(cycle::Column::ApplicationsCloseAt.gt(from))
        .filter(cycle::Column::ApplicationsCloseAt.lte(to))
        .all(db)
        .await?)
}
