//! A cycle's own form questions: rows only; the service decides what may
//! change.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::question::{self, Options};
use crate::domain::question::{QuestionDefinition, QuestionForm, QuestionRule};

pub use question::Model as Question;

/// The question's definition, as the committee gave it.
pub fn definition_of(q: &Question) -> QuestionDefinition {
    QuestionDefinition {
        prompt: q.prompt.clone(),
        kind: q.kind,
        options: q.options.0.clone(),
        required: q.required,
        audience: q.audience,
        retired: q.retired,
    }
}

/// What answers to the question must follow.
pub fn rule_of(q: &Question) -> QuestionRule {
    QuestionRule {
        id: q.id,
        kind: q.kind,
        options: q.options.0.clone(),
        required: q.required,
        audience: q.audience,
        retired: q.retired,
    }
}

/// The questions of one of the cycle's forms, in order; retired ones only
/// when asked.
pub async fn list(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    form: QuestionForm,
    include_retired: bool,
) -> StoreResult<Vec<Question>> {
    let mut query = question::Entity::find()
        .filter(question::Column::CycleId.eq(cycle_id))
        .filter(question::Column::Form.eq(form));
    if !include_retired {
        query = query.filter(question::Column::Retired.eq(false));
    }
    Ok(query
        .order_by_asc(question::Column::Position)
        .order_by_asc(question::Column::CreatedAt)
        .order_by_asc(question::Column::Id)
        .all(db)
        .await?)
}

/// A question of the cycle.
pub async fn find(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<Question>> {
    Ok(question::Entity::find_by_id(id)
        .filter(question::Column::CycleId.eq(cycle_id))
        .one(db)
        .await?)
}

/// The highest position on one of the cycle's forms, if it has questions.
pub async fn last_position(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    form: QuestionForm,
) -> StoreResult<Option<i32>> {
    Ok(question::Entity::find()
        .select_only()
        .column_as(question::Column::Position.max(), "max")
        .filter(question::Column::CycleId.eq(cycle_id))
        .filter(question::Column::Form.eq(form))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    form: QuestionForm,
    definition: QuestionDefinition,
    position: i32,
) -> StoreResult<Question> {
    let now = Utc::now();
    Ok(question::ActiveModel {
        id: Set(Uuid::new_v4()),
        cycle_id: Set(cycle_id),
        form: Set(form),
        prompt: Set(definition.prompt),
        kind: Set(definition.kind),
        options: Set(Options(definition.options)),
        required: Set(definition.required),
        audience: Set(definition.audience),
        position: Set(position),
        retired: Set(definition.retired),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces a question's definition and position.
pub async fn update(
    db: &impl ConnectionTrait,
    current: Question,
    definition: QuestionDefinition,
    position: i32,
) -> StoreResult<Question> {
    let mut row = current.into_active_model();
    row.prompt = Set(definition.prompt);
    row.kind = Set(definition.kind);
    row.options = Set(Options(definition.options));
    row.required = Set(definition.required);
    row.audience = Set(definition.audience);
    row.position = Set(position);
    row.retired = Set(definition.retired);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    question::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
