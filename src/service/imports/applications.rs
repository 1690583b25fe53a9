//! A cycle's applications from a file (a form export): upserted by member
//! and cycle, checked by the rules of a single application and of the
//! cycle's own questions. Imports send no email.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use uuid::Uuid;

use super::{ImportFile, Outcome, Parsed, begin, finish, reject, report_of};
use crate::domain::FieldError;
use crate::domain::access::Actor;
use crate::domain::application::{self as rules, Answer, AuditAction};
use crate::domain::import::{ImportKind, ImportedApplication, RowError, answer_value, header_key};
use crate::domain::question::QuestionForm;
use crate::service::applications::check_form_against;
use crate::service::{ServiceError, ServiceResult, cycles};
use crate::store::{Db, applications, imports as rows, members, questions};

/// The question a header names: its prompt (compared as headers are) or
/// its id; retired questions are not asked any more.
fn question_for<'a>(
    header: &str,
    questions: &'a [questions::Question],
) -> Option<&'a questions::Question> {
    let key = header_key(header);
    questions
        .iter()
        .filter(|q| !q.retired)
        .find(|q| header_key(&q.prompt) == key || q.id.to_string() == header.trim())
}

/// A form rule's failure as a row problem under the column it is about.
fn row_error(
    row: usize,
    err: FieldError,
    answers: &[Answer],
    header_of: &HashMap<Uuid, String>,
    cell: impl Fn(&str) -> Option<String>,
) -> RowError {
    let question = if let Some(i) = err.field.strip_prefix("answers.") {
        i.parse::<usize>()
            .ok()
            .and_then(|i| answers.get(i))
            .map(|a| a.question_id)
    } else {
        err.field
            .strip_prefix("answers[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|id| id.parse().ok())
    };
    let column = question
        .and_then(|id| header_of.get(&id).cloned())
        .unwrap_or(err.field);
    let value = cell(&column);
    RowError::new(row, &column, value.as_deref(), err.message)
}

/// Imports applications to `cycle_id` (committee), all or nothing: a row
/// whose member has no application to the cycle creates one (`submitted`),
/// one whose member has changes the filled fields, the same form is
/// unchanged. The member must exist, with an active membership.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id, rows = parsed.total_rows, dry_run = file.dry_run))]
pub async fn applications(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    file: ImportFile,
    mut parsed: Parsed<ImportedApplication>,
) -> ServiceResult<Outcome> {
    actor.may_run_program()?;
    let cycle = cycles::get_visible(db, cycle_id, true).await?;
    rules::takes_applications(cycle.status, true).map_err(ServiceError::Conflict)?;
    let txn = match begin(db, actor, &file, ImportKind::Applications).await? {
        Ok(txn) => txn,
        Err(report) => return Ok(Outcome::Replayed(report)),
    };
    let mut report = report_of(&file, &mut parsed);
    let all_questions = questions::list(&txn, cycle_id, QuestionForm::Application, true).await?;
    let question_rules: Vec<_> = all_questions.iter().map(questions::rule_of).collect();
    let columns: Vec<Option<&questions::Question>> = report
        .ignored_columns
        .iter()
        .map(|h| question_for(h, &all_questions))
        .collect();
    let header_of: HashMap<Uuid, String> = report
        .ignored_columns
        .iter()
        .zip(&columns)
        .filter_map(|(h, q)| q.map(|q| (q.id, h.clone())))
        .collect();
    let headers = std::mem::take(&mut report.ignored_columns);
    report.ignored_columns = headers
        .iter()
        .zip(&columns)
        .filter(|(_, q)| q.is_none())
        .map(|(h, _)| h.clone())
        .collect();

    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (row, app) in &parsed.rows {
        match first_row.get(&app.key()) {
            Some(first) => report.errors.push(RowError::new(
                *row,
                "email",
                Some(&app.email),
                format!("the same applicant is already on row {first}"),
            )),
            None => {
                first_row.insert(app.key(), *row);
            }
        }
    }
    let keys: Vec<String> = first_row.into_keys().collect();
    let by_email: HashMap<String, members::Member> = members::find_by_emails(&txn, &keys)
        .await?
        .into_iter()
        .map(|m| (m.email.clone(), m))
        .collect();
    let existing: HashMap<Uuid, applications::Application> =
        applications::for_cycle(&txn, cycle_id)
            .await?
            .into_iter()
            .map(|a| (a.member_id, a))
            .collect();
    let today = Utc::now().date_naive();
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    // The rows are taken by value, so each one's cells are freed once it
    // is checked: the file is not held twice over while the new forms
    // gather.
    for (row, mut app) in std::mem::take(&mut parsed.rows) {
        let mut answers = Vec::new();
        for (i, text) in &app.extra {
            let Some(q) = columns.get(*i).copied().flatten() else {
                continue;
            };
            match answer_value(q.kind, text) {
                Ok(value) => answers.push(Answer {
                    question_id: q.id,
                    value,
                }),
                Err(message) => {
                    report
                        .errors
                        .push(RowError::new(row, &headers[*i], Some(text), message))
                }
            }
        }
        if !answers.is_empty() {
            app.form.answers = answers;
            app.given.push("answers");
        }
        let app = &app;
        let extra_cell = |column: &str| {
            headers
                .iter()
                .position(|h| h == column)
                .and_then(|i| app.extra.iter().find(|(j, _)| *j == i))
                .map(|(_, text)| text.clone())
        };
        let Some(member) = by_email.get(&app.key()) else {
            report.errors.push(RowError::new(
                row,
                "email",
                Some(&app.email),
                "no member has this email; import the roster first",
            ));
            continue;
        };
        if let Err(why) = rules::may_apply_for(actor, member.id)
            .map_err(|d| ServiceError::from(d).to_string())
            .and_then(|()| {
                rules::check_membership(
                    Some(member.membership_status),
                    member.membership_expires_on,
                    today,
                    false,
                )
            })
        {
            report
                .errors
                .push(RowError::new(row, "email", Some(&app.email), why));
            continue;
        }
        let (form, kept, current) = match existing.get(&member.id) {
            None => (app.form.clone(), HashSet::new(), None),
            Some(current) => {
                let stored = applications::form_of(current);
                let changes = app.changes();
                if changes.changes_role(&stored) {
                    report.errors.push(RowError::new(
                        row,
                        "role",
                        None,
                        "cannot change once submitted (one application per member per cycle)",
                    ));
                    continue;
                }
                let (merged, changed) = changes.apply_to(&stored);
                let kept = stored.answers.iter().map(|a| a.question_id).collect();
                (merged, kept, Some((current, changed)))
            }
        };
        if let Err(errs) = check_form_against(&question_rules, &form, &kept) {
            report.errors.extend(
                errs.into_iter()
                    .map(|e| row_error(row, e, &form.answers, &header_of, extra_cell)),
            );
            continue;
        }
        match current {
            None => creates.push((member.id, form.normalized())),
            Some((_, changed)) if changed.is_empty() => report.unchanged += 1,
            Some((current, changed)) => {
                rules::may_edit(actor, current.status, cycle.status)
                    .map_err(ServiceError::Conflict)?;
                updates.push((current.clone(), form.normalized(), changed));
            }
        }
    }
    if !report.errors.is_empty() {
        return reject(txn, report).await;
    }
    report.created = creates.len();
    report.updated = updates.len();
    applications::insert_many(&txn, cycle_id, actor.id, creates).await?;
    for (current, form, changed) in updates {
        let id = current.id;
        applications::update_form(&txn, current, form).await?;
        applications::record(&txn, id, actor.id, AuditAction::Updated, &changed).await?;
    }
    report.import_id = Some(Uuid::now_v7());
    let record = rows::NewImport {
        kind: ImportKind::Applications,
        cycle_id: Some(cycle_id),
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

/// The cycle's questions a file may answer, in form order (committee),
/// for the import template.
pub async fn template_questions(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
) -> ServiceResult<Vec<questions::Question>> {
    actor.may_run_program()?;
    cycles::get_visible(db, cycle_id, true).await?;
    Ok(questions::list(db, cycle_id, QuestionForm::Application, false).await?)
}
