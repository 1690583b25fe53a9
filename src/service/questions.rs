//! A cycle's own form questions, on its application form or its
//! evaluation form. The committee defines them; once the cycle has
//! applications (evaluations, for the evaluation form), only changes that
//! keep stored answers valid are allowed, and a question can be retired but
//! no longer deleted.
use tracing::instrument;
use uuid::Uuid;

use super::{ServiceError, ServiceResult, cycles};
use crate::domain::access::{Actor, sees_drafts};
use crate::domain::application::ApplicationRole;
use crate::domain::question::{
    NewQuestion, QuestionChanges, QuestionDefinition, QuestionForm, check_change_with_answers,
    check_definition,
};
use crate::store::{self, Db, applications, evaluations, questions as rows};

pub use rows::Question;

/// The questions of one of the cycle's forms, in order; the committee
/// also sees retired ones (and the questions of draft cycles).
pub async fn list(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    cycle_id: Uuid,
    form: QuestionForm,
) -> ServiceResult<Vec<Question>> {
    let cycle = cycles::get(db, actor, cycle_id).await?;
    Ok(rows::list(db, cycle.id, form, sees_drafts(actor)).await?)
}

/// The questions one of the cycle's forms asks of `role` (of either role
/// when `None`), in order; retired ones left out.
pub async fn for_form(
    db: &impl store::Conn,
    actor: Option<&Actor>,
    cycle_id: Uuid,
    form: QuestionForm,
    role: Option<ApplicationRole>,
) -> ServiceResult<Vec<Question>> {
    let cycle = cycles::get(db, actor, cycle_id).await?;
    Ok(rows::list(db, cycle.id, form, false)
        .await?
        .into_iter()
        .filter(|q| role.is_none_or(|r| q.audience.includes(r)))
        .collect())
}

/// Whether the cycle holds answers to the questions of `form`: its
/// applications, or its evaluations.
async fn answered(
    db: &impl store::Conn,
    cycle_id: Uuid,
    form: QuestionForm,
) -> ServiceResult<bool> {
    Ok(match form {
        QuestionForm::Application => applications::exist_in_cycle(db, cycle_id).await?,
        QuestionForm::Evaluation => evaluations::exist_in_cycle(db, cycle_id).await?,
    })
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

/// Adds a question (committee), after the last one of its form unless
/// placed. Once the cycle has answers to that form it must be optional:
/// the earlier applicants (or evaluators) never saw it.
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
    let (form, definition) = (new.form, new.definition);
    check(&definition)?;
    if definition.required && !definition.retired && answered(&txn, cycle.id, form).await? {
        return Err(ServiceError::Conflict(format!(
            "the cycle has {} whose authors never saw this question, so it cannot be required; add it as optional",
            form.answered_in()
        )));
    }
    let position = match new.position {
        Some(p) => p,
        None => rows::last_position(&txn, cycle.id, form)
            .await?
            .map_or(1, |p| p + 1),
    };
    let question = rows::insert(&txn, cycle.id, form, cleaned(definition), position).await?;
    store::commit(txn).await?;
    Ok(question)
}

async fn find(db: &impl store::Conn, cycle_id: Uuid, id: Uuid) -> ServiceResult<Question> {
    rows::find(db, cycle_id, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("question"))
}

/// Changes a question (committee). Once the cycle has answers to its form,
/// a change that would invalidate them is a 409.
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
    if answered(&txn, current.cycle_id, current.form).await? {
        let rule = after.rule(current.id);
        check_change_with_answers(&rows::rule_of(&current), &rule, current.form).map_err(|m| {
            ServiceError::Conflict(format!(
                "{m}; retire the question and add a new one instead"
            ))
        })?;
    }
    let question = rows::update(&txn, current, cleaned(after), position).await?;
    store::commit(txn).await?;
    Ok(question)
}

/// Deletes a question (committee) while the cycle has no answers to its
/// form (applications or evaluations); after that it can only be retired.
#[instrument(skip_all, fields(question_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, cycle_id: Uuid, id: Uuid) -> ServiceResult<()> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, cycle_id, id).await?;
    if answered(&txn, current.cycle_id, current.form).await? {
        return Err(ServiceError::Conflict(format!(
            "the cycle has {}, so this question may hold answers; retire it instead (\"retired\": true)",
            current.form.answered_in()
        )));
    }
    rows::delete(&txn, current.id).await?;
    store::commit(txn).await?;
    Ok(())
}
