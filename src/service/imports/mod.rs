//! Bulk imports (committee): the roster from a file, all or nothing, with
//! a dry run that rolls back, replays by `Idempotency-Key`, and the audit
//! list of every import.
mod applications;
mod members;

pub use applications::{applications, template_questions};
pub use members::members;
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::domain::access::Actor;
use crate::domain::import::{ImportFormat, ImportKind, ImportReport, RowError};
use crate::domain::member::may_use_roster;
use crate::paging::PageRequest;
use crate::store::{self, Db, imports as rows};

pub use rows::ImportRow;

/// The file as received.
pub struct ImportFile {
    pub format: ImportFormat,
    pub sha256: String,
    pub bytes: usize,
    pub idempotency_key: Option<String>,
    pub dry_run: bool,
}

/// A file's rows once read: those that passed the request rules, each
/// with its row number, and the problems of the others.
pub struct Parsed<T> {
    pub rows: Vec<(usize, T)>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
    /// Data rows read, blank ones included.
    pub total_rows: usize,
    pub skipped: usize,
}

/// What an import answered: done now, or the stored answer to an earlier
/// call with the same `Idempotency-Key`.
pub enum Outcome {
    Done(ImportReport),
    Replayed(ImportReport),
}

const KEY_REUSED: &str = "this Idempotency-Key was already used for another file or import kind";

/// The earlier import under the caller's key, if any; a key used for
/// another file is a 409.
async fn replay(
    db: &impl store::Conn,
    actor: &Actor,
    file: &ImportFile,
    kind: ImportKind,
) -> ServiceResult<Option<ImportReport>> {
    let Some(key) = file.idempotency_key.as_deref() else {
        return Ok(None);
    };
    let Some(earlier) = rows::find_by_key(db, actor.id, key).await? else {
        return Ok(None);
    };
    if earlier.file_sha256 != file.sha256 || earlier.kind != kind {
        return Err(ServiceError::Conflict(KEY_REUSED.into()));
    }
    Ok(Some(rows::report_of(&earlier)?))
}

/// Writes the audit entry and ends the import: a dry run rolls back
/// (its entry is then written on its own), a real one commits.
async fn finish(
    db: &Db,
    txn: store::Txn,
    record: rows::NewImport<'_>,
    dry_run: bool,
) -> ServiceResult<()> {
    if dry_run {
        txn.rollback().await?;
        rows::insert(db, record).await?;
    } else {
        rows::insert(&txn, record).await?;
        store::commit(txn).await?;
    }
    Ok(())
}

/// Refuses the import: nothing written, every problem listed (422).
async fn reject(txn: store::Txn, mut report: ImportReport) -> ServiceResult<Outcome> {
    txn.rollback().await?;
    report.errors.sort_by_key(|e| e.row);
    Err(ServiceError::ImportRejected(Box::new(report)))
}

/// Takes the import lock in a new write transaction; the answer of an
/// earlier call with the same key, if there is one.
async fn begin(
    db: &Db,
    actor: &Actor,
    file: &ImportFile,
    kind: ImportKind,
) -> ServiceResult<Result<store::Txn, ImportReport>> {
    if let Some(report) = replay(db, actor, file, kind).await? {
        return Ok(Err(report));
    }
    let txn = store::begin_write(db).await?;
    rows::lock(&txn).await?;
    if let Some(report) = replay(&txn, actor, file, kind).await? {
        return Ok(Err(report));
    }
    Ok(Ok(txn))
}

/// A new report of `parsed`'s reading.
fn report_of<T>(file: &ImportFile, parsed: &mut Parsed<T>) -> ImportReport {
    ImportReport {
        dry_run: file.dry_run,
        rows: parsed.total_rows,
        skipped: parsed.skipped,
        errors: std::mem::take(&mut parsed.errors),
        ignored_columns: std::mem::take(&mut parsed.ignored_columns),
        ..ImportReport::default()
    }
}

/// A page of the audit list, newest first (committee).
pub async fn list(
    db: &Db,
    actor: &Actor,
    page: PageRequest,
) -> ServiceResult<(Vec<ImportRow>, u64)> {
    may_use_roster(actor)?;
    Ok(rows::list(db, page).await?)
}

/// One import with its report (committee).
pub async fn get(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<(ImportRow, ImportReport)> {
    may_use_roster(actor)?;
    let row = rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("import"))?;
    let report = rows::report_of(&row)?;
    Ok((row, report))
}
