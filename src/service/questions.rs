//! A cycle's own form questions. The committee defines them; once the
//! cycle has applications, only changes that keep stored answers valid are
//! allowed, and a question can be retired but no longer deleted.
use tracing::instrument;
use uuid::Uuid;

use super::{ServiceError, ServiceResult, cycles};
use crate::domain::access::{Actor, sees_drafts};
use crate::domain::application::ApplicationRole;
use crate::domain::question::{
    NewQuestion, QuestionChanges, QuestionDefinition, check_change_with_answers, check_definition,
};
use crate::store::{self, Db, applications, questions as rows};

pub use rows::Question;

/// The cycle's questions in form order; the committee also sees retired
/// ones (and the questions of draft cycles).
pub async fn list(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    cycle_id: Uuid,
) -> ServiceResult<Vec<Question>> {
    let cycle = cycles::get(db, actor, cycle_id).await?;
    Ok(rows::list(db, cycle.id, sees_drafts(actor)).await?)
}

/// The questions the form of a cycle asks of `role`, in order; retired
/// ones left out.
pub async fn for_form(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    cycle_id: Uuid,
    role: ApplicationRole,
) -> ServiceResult<Vec<Question>> {
    let cycle = cycles::get(db, actor, cycle_id).await?;
    Ok(rows::list(db, cycle.id, false)
        .await?
        .into_iter()
        .filter(|q| q.audience.includes(role))
        .collect())
}

fn check(definition: &QuestionDefinition) -> ServiceResult<()> {
    check_definition(definition.kind, &definition.options)
        .map_err(|m| ServiceError::invalid("options", "invalid", m))
}

/// The prompt as stored: trimmed.
fn cleaned(definition: QuestionDefinition) -> QuestionDefinition {
    QuestionDefinition {
        prompt: definition.prompt.trim().to_owned(),
        ..definition
    }
}

/// Adds a question (committee), after the last one unless placed. Once
/// the cycle has applications it must be optional: the earlier applicants
/// never saw it.
#[instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn create(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    new: NewQuestion,
) -> ServiceResult<Question> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let cycle = cycles::get_any(&txn, cycle_id).await?;
    let definition = new.definition;
    check(&definition)?;
    if definition.required
        && !definition.retired
        && applications::exist_in_cycle(&txn, cycle.id).await?
    {
        return Err(ServiceError::Conflict(
            "the cycle has applications whose authors never saw this question, so it cannot be required; add it as optional".into(),
        ));
    }
    let position = match new.position {
        Some(p) => p,
        None => rows::last_position(&txn, cycle.id)
            .await?
            .map_or(1, |p| p + 1),
    };
    let question = rows::insert(&txn, cycle.id, cleaned(definition), position).await?;
    store::commit(txn).await?;
    Ok(question)
}

async fn find(db: &impl store::Conn, cycle_id: Uuid, id: Uuid) -> ServiceResult<Question> {
    rows::find(db, cycle_id, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("question"))
}

/// Changes a question (committee). Once the cycle has applications, a
/// change that would invalidate stored answers is a 409.
#[instrument(skip_all, fields(question_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    id: Uuid,
    changes: QuestionChanges,
) -> ServiceResult<Question> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, cycle_id, id).await?;
    let position = changes.position.unwrap_or(current.position);
    let after = changes.apply_to(rows::definition_of(&current));
    check(&after)?;
    if applications::exist_in_cycle(&txn, current.cycle_id).await? {
        check_change_with_answers(&rows::rule_of(&current), &after.rule(current.id)).map_err(
            |m| {
                ServiceError::Conflict(format!(
                    "{m}; retire the question and add a new one instead"
                ))
            },
        )?;
    }
    let question = rows::update(&txn, current, cleaned(after), position).await?;
    store::commit(txn).await?;
    Ok(question)
}

/// Deletes a question (committee) while the cycle has no applications;
/// after that it can only be retired.
#[instrument(skip_all, fields(question_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, cycle_id: Uuid, id: Uuid) -> ServiceResult<()> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, cycle_id, id).await?;
    if applications::exist_in_cycle(&txn, current.cycle_id).await? {
        return Err(ServiceError::Conflict(
            "the cycle has applications, so this question may hold answers; retire it instead (\"retired\": true)".into(),
        ));
    }
    rows::delete(&txn, current.id).await?;
    store::commit(txn).await?;
    Ok(())
}
