//! Cycles: creation, edits, the status machine and the public views.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, SqliteTransactionMode, TransactionOptions, TransactionTrait, TryIntoModel,
};
use uuid::Uuid;

use super::entities::cycle;
use crate::api::pagination::{PageRequest, SortOrder};
use crate::domain::cycle::{CycleDates, CycleStatus};
use crate::error::{ApiError, ApiResult, FieldError};

pub use cycle::Model as Cycle;

/// A cycle's settings, all given on creation.
pub struct CycleFields {
    pub name: String,
    pub description: String,
    pub dates: CycleDates,
    pub meetings_expected: i32,
}

/// Changes to a cycle; `None` leaves a field alone.
#[derive(Default)]
pub struct CycleChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub applications_open_at: Option<DateTime<Utc>>,
    pub applications_close_at: Option<DateTime<Utc>>,
    pub match_by: Option<NaiveDate>,
    pub mentoring_starts_on: Option<NaiveDate>,
    pub mentoring_ends_on: Option<NaiveDate>,
    pub evaluation_closes_on: Option<NaiveDate>,
    pub meetings_expected: Option<i32>,
}

pub fn status_of(cycle: &Cycle) -> CycleStatus {
    CycleStatus::parse(&cycle.status).unwrap_or(CycleStatus::Draft)
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

fn check_dates(dates: &CycleDates) -> ApiResult<()> {
    dates.check().map_err(|errs| {
        ApiError::Validation(
            errs.into_iter()
                .map(|e| FieldError::new(e.field, "date_order", e.message))
                .collect(),
        )
    })
}

/// A name as stored: trimmed, and not blank (the request's length rule
/// counts the spaces a trim removes).
fn clean_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "length", "must not be blank"));
    }
    Ok(name.to_owned())
}

fn name_taken(err: ApiError) -> ApiError {
    match err {
        ApiError::Conflict(_) => ApiError::Conflict("a cycle with that name already exists".into()),
        other => other,
    }
}

/// A cycle the caller may see: drafts exist only for the committee.
pub async fn get_visible(db: &impl ConnectionTrait, id: Uuid, committee: bool) -> ApiResult<Cycle> {
    cycle::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| committee || status_of(c).is_public())
        .ok_or_else(|| ApiError::not_found("cycle"))
}

#[tracing::instrument(skip_all)]
pub async fn create(db: &impl ConnectionTrait, fields: CycleFields) -> ApiResult<Cycle> {
    let name = clean_name(&fields.name)?;
    check_dates(&fields.dates)?;
    let now = Utc::now();
    let d = fields.dates;
    cycle::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name),
        description: Set(fields.description),
        status: Set(CycleStatus::Draft.as_str().to_owned()),
        applications_open_at: Set(d.applications_open_at),
        applications_close_at: Set(d.applications_close_at),
        match_by: Set(d.match_by),
        mentoring_starts_on: Set(d.mentoring_starts_on),
        mentoring_ends_on: Set(d.mentoring_ends_on),
        evaluation_closes_on: Set(d.evaluation_closes_on),
        meetings_expected: Set(fields.meetings_expected),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| name_taken(e.into()))
}

/// Edits settings while the cycle has not started mentoring; dates are
/// checked again as a whole.
#[tracing::instrument(skip_all, fields(cycle_id = %id))]
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    changes: CycleChanges,
) -> ApiResult<Cycle> {
    let name = changes.name.as_deref().map(clean_name).transpose()?;
    let current = get_visible(db, id, true).await?;
    let status = status_of(&current);
    if !status.is_editable() {
        return Err(ApiError::Conflict(format!(
            "a cycle that is {} can no longer be edited",
            status.as_str()
        )));
    }
    let mut dates = dates_of(&current);
    dates.applications_open_at = changes
        .applications_open_at
        .unwrap_or(dates.applications_open_at);
    dates.applications_close_at = changes
        .applications_close_at
        .unwrap_or(dates.applications_close_at);
    dates.match_by = changes.match_by.unwrap_or(dates.match_by);
    dates.mentoring_starts_on = changes
        .mentoring_starts_on
        .unwrap_or(dates.mentoring_starts_on);
    dates.mentoring_ends_on = changes.mentoring_ends_on.unwrap_or(dates.mentoring_ends_on);
    dates.evaluation_closes_on = changes
        .evaluation_closes_on
        .unwrap_or(dates.evaluation_closes_on);
    check_dates(&dates)?;
    let mut row = current.into_active_model();
    if let Some(name) = name {
        row.name = Set(name);
    }
    if let Some(description) = changes.description {
        row.description = Set(description);
    }
    if let Some(n) = changes.meetings_expected {
        row.meetings_expected = Set(n);
    }
    row.applications_open_at = Set(dates.applications_open_at);
    row.applications_close_at = Set(dates.applications_close_at);
    row.match_by = Set(dates.match_by);
    row.mentoring_starts_on = Set(dates.mentoring_starts_on);
    row.mentoring_ends_on = Set(dates.mentoring_ends_on);
    row.evaluation_closes_on = Set(dates.evaluation_closes_on);
    if !row.is_changed() {
        return Ok(row.try_into_model()?);
    }
    row.updated_at = Set(Utc::now());
    row.update(db).await.map_err(|e| name_taken(e.into()))
}

/// Deletes a draft; any other status is a 409.
#[tracing::instrument(skip_all, fields(cycle_id = %id))]
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<()> {
    let current = get_visible(db, id, true).await?;
    let status = status_of(&current);
    if status != CycleStatus::Draft {
        return Err(ApiError::Conflict(format!(
            "only draft cycles can be deleted; this one is {}",
            status.as_str()
        )));
    }
    // Conditional on the status, so a cycle opened meanwhile survives.
    let deleted = cycle::Entity::delete_many()
        .filter(cycle::Column::Id.eq(id))
        .filter(cycle::Column::Status.eq(CycleStatus::Draft.as_str()))
        .exec(db)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(ApiError::Conflict(
            "the cycle left draft meanwhile; only drafts can be deleted".into(),
        ));
    }
    Ok(())
}

/// Moves a cycle along its status machine. Opening fails with 409 while
/// another cycle is open; a unique index backs the check against races.
/// On SQLite the transaction takes the write lock up front: a deferred one
/// that read before a concurrent writer committed could not upgrade
/// (SQLITE_BUSY_SNAPSHOT, a 500) and the busy timeout would not help.
#[tracing::instrument(skip_all, fields(cycle_id = %id, to = to.as_str()))]
pub async fn transition(db: &DatabaseConnection, id: Uuid, to: CycleStatus) -> ApiResult<Cycle> {
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    let current = get_visible(&txn, id, true).await?;
    let next = status_of(&current)
        .transition(to)
        .map_err(ApiError::Conflict)?;
    if next == CycleStatus::Open
        && let Some(other) = cycle::Entity::find()
            .filter(cycle::Column::Status.eq(CycleStatus::Open.as_str()))
            .filter(cycle::Column::Id.ne(id))
            .one(&txn)
            .await?
    {
        return Err(ApiError::Conflict(format!(
            "cycle \"{}\" is already open for applications; move it on first",
            other.name
        )));
    }
    let mut row = current.into_active_model();
    row.status = Set(next.as_str().to_owned());
    row.updated_at = Set(Utc::now());
    let updated = row
        .update(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => {
                ApiError::Conflict("another cycle is already open for applications".into())
            }
            other => other,
        })?;
    txn.commit().await?;
    Ok(updated)
}

/// The cycle open for applications, else the active one.
pub async fn current(db: &impl ConnectionTrait) -> ApiResult<Cycle> {
    for status in [CycleStatus::Open, CycleStatus::Active] {
        let found = cycle::Entity::find()
            .filter(cycle::Column::Status.eq(status.as_str()))
            .order_by_desc(cycle::Column::ApplicationsOpenAt)
            .one(db)
            .await?;
        if let Some(c) = found {
            return Ok(c);
        }
    }
    Err(ApiError::NotFound("no cycle is open or active".into()))
}

pub const SORT_FIELDS: &[&str] = &["name", "applications_open_at", "created_at", "status"];

pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<CycleStatus>,
    committee: bool,
    sort: (&str, SortOrder),
    page: PageRequest,
) -> ApiResult<(Vec<Cycle>, u64)> {
    let mut cond = Condition::all();
    if !committee {
        cond = cond.add(cycle::Column::Status.ne(CycleStatus::Draft.as_str()));
    }
    if let Some(s) = status {
        cond = cond.add(cycle::Column::Status.eq(s.as_str()));
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
