//! The roster from a file.
use std::collections::HashMap;

use uuid::Uuid;

use super::{ImportFile, Outcome, Parsed, begin, finish, reject, report_of};
use crate::domain::access::Actor;
use crate::domain::import::{ImportKind, ImportedMember, RowError, StoredMember};
use crate::domain::member::{Role, may_create_member, may_edit_member};
use crate::service::{ServiceError, ServiceResult};
use crate::store::{Db, imports as rows, members};

/// Imports roster rows: creates members by email, updates those whose
/// values differ, leaves the rest. One transaction; any problem and
/// nothing is written. Imports run one at a time (`store::imports::lock`),
/// so concurrent imports of one file end with one set of members.
#[tracing::instrument(skip_all, fields(member_id = %actor.id, rows = parsed.total_rows, dry_run = file.dry_run))]
pub async fn members(
    db: &Db,
    actor: &Actor,
    file: ImportFile,
    parsed: Parsed<ImportedMember>,
) -> ServiceResult<Outcome> {
    may_create_member(actor, Role::Member)?;
    let txn = match begin(db, actor, &file, ImportKind::Members).await? {
        Ok(txn) => txn,
        Err(report) => return Ok(Outcome::Replayed(report)),
    };
    let mut parsed = parsed;
    let mut report = report_of(&file, &mut parsed);
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (row, member) in &parsed.rows {
        if let Some(first) = first_row.get(&member.key()) {
            report.errors.push(RowError::new(
                *row,
                "email",
                Some(&member.email),
                format!("the same email is already on row {first}"),
            ));
        } else {
            first_row.insert(member.key(), *row);
        }
    }
    let keys: Vec<String> = first_row.into_keys().collect();
    let existing: HashMap<String, members::Member> = members::find_by_emails(&txn, &keys)
        .await?
        .into_iter()
        .map(|m| (m.email.clone(), m))
        .collect();
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for (row, member) in &parsed.rows {
        let Some(current) = existing.get(&member.key()) else {
            creates.push(member.to_new());
            continue;
        };
        let stored = StoredMember {
            full_name: &current.full_name,
            pronouns: current.pronouns.as_deref(),
            wla_member_id: current.wla_member_id.as_deref(),
            membership_status: current.membership_status,
            membership_expires_on: current.membership_expires_on,
        };
        match member.changes_to(&stored) {
            None => report.unchanged += 1,
            Some(changes) => match may_edit_member(actor, current.id, current.role, false) {
                Ok(()) => updates.push((current.clone(), changes)),
                Err(denied) => report.errors.push(RowError::new(
                    *row,
                    "email",
                    Some(&member.email),
                    ServiceError::from(denied).to_string(),
                )),
            },
        }
    }
    if !report.errors.is_empty() {
        return reject(txn, report).await;
    }
    report.created = creates.len();
    report.updated = updates.len();
    members::insert_many(&txn, creates)
        .await
        .map_err(|e| ServiceError::from(e).or_conflict(crate::service::members::EMAIL_TAKEN))?;
    for (current, changes) in updates {
        members::update(&txn, current, changes).await?;
    }
    report.import_id = Some(Uuid::now_v7());
    let record = rows::NewImport {
        kind: ImportKind::Members,
        cycle_id: None,
        created_by: actor.id,
        format: file.format,
        file_sha256: &file.sha256,
        file_bytes: file.bytes,
        idempotency_key: file.idempotency_key.as_deref(),
        report: &report,
    };
    finish(db, txn, record, file.dry_run).await?;
    Ok(Outcome::Done(report))
}
