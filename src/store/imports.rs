//! The audit list of bulk imports, and the lock that runs imports one at
//! a time.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::import;
use crate::domain::import::{ImportFormat, ImportKind, ImportReport};
use crate::paging::PageRequest;

pub use import::Model as ImportRow;

/// An import about to be recorded.
pub struct NewImport<'a> {
    pub kind: ImportKind,
    pub cycle_id: Option<Uuid>,
    pub created_by: Uuid,
    pub format: ImportFormat,
    pub file_sha256: &'a str,
    pub file_bytes: usize,
    pub idempotency_key: Option<&'a str>,
    pub report: &'a ImportReport,
}

/// Holds, until the transaction ends, the lock every import takes, so two
/// imports of the same file cannot both find a member missing and both
/// create them. SQLite's write transaction already holds the database's
/// write lock; PostgreSQL takes a transaction-scoped advisory lock.
pub async fn lock(db: &impl ConnectionTrait) -> StoreResult<()> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // The key is arbitrary and constant: "WLA import".
        db.execute_unprepared("SELECT pg_advisory_xact_lock(5702347)")
            .await?;
    }
    Ok(())
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub async fn insert(db: &impl ConnectionTrait, new: NewImport<'_>) -> StoreResult<ImportRow> {
    let report = new.report;
    let row = import::ActiveModel {
        id: Set(report.import_id.unwrap_or_else(Uuid::now_v7)),
        kind: Set(new.kind),
        cycle_id: Set(new.cycle_id),
        created_by: Set(new.created_by),
        format: Set(new.format),
        file_sha256: Set(new.file_sha256.to_owned()),
        file_bytes: Set(i64::try_from(new.file_bytes).unwrap_or(i64::MAX)),
        dry_run: Set(report.dry_run),
        idempotency_key: Set(new.idempotency_key.map(str::to_owned)),
        rows: Set(count(report.rows)),
        created: Set(count(report.created)),
        updated: Set(count(report.updated)),
        unchanged: Set(count(report.unchanged)),
        skipped: Set(count(report.skipped)),
        report: Set(serde_json::to_string(report)?),
        created_at: Set(chrono::Utc::now()),
    };
    Ok(row.insert(db).await?)
}

/// The caller's earlier import under the same `Idempotency-Key`.
pub async fn find_by_key(
    db: &impl ConnectionTrait,
    created_by: Uuid,
    key: &str,
) -> StoreResult<Option<ImportRow>> {
    Ok(import::Entity::find()
        .filter(import::Column::CreatedBy.eq(created_by))
        .filter(import::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<ImportRow>> {
    Ok(import::Entity::find_by_id(id).one(db).await?)
}

/// The audit list, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    page: PageRequest,
) -> StoreResult<(Vec<ImportRow>, u64)> {
    let total = import::Entity::find().count(db).await?;
    let items = import::Entity::find()
        .order_by_desc(import::Column::CreatedAt)
        .order_by_desc(import::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// The stored report of an import.
pub fn report_of(row: &ImportRow) -> StoreResult<ImportReport> {
    Ok(serde_json::from_str(&row.report)?)
}
