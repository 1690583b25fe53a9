//! A cycle's own form questions.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{application, question};
use crate::api::error::{ApiError, ApiResult};
use crate::domain::question::{
    Audience, QuestionKind, QuestionRule, check_change_with_answers, check_definition,
};

pub use question::Model as Question;

/// A question's definition as given by the committee.
pub struct QuestionFields {
    pub prompt: String,
    pub kind: QuestionKind,
    pub options: Vec<String>,
    pub required: bool,
    pub audience: Audience,
    pub position: Option<i32>,
    pub retired: bool,
}

pub fn rule_of(q: &Question) -> QuestionRule {
    QuestionRule {
        id: q.id,
        kind: QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::Text),
        options: options_of(q),
        required: q.required,
        audience: Audience::parse(&q.audience).unwrap_or(Audience::Both),
        retired: q.retired,
    }
}

pub fn options_of(q: &Question) -> Vec<String> {
    serde_json::from_value(q.options.clone()).unwrap_or_default()
}

/// The cycle's questions in form order; retired ones only when asked.
pub async fn list(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    include_retired: bool,
) -> ApiResult<Vec<Question>> {
    let mut query = question::Entity::find().filter(question::Column::CycleId.eq(cycle_id));
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

pub async fn get(db: &impl ConnectionTrait, cycle_id: Uuid, id: Uuid) -> ApiResult<Question> {
    question::Entity::find_by_id(id)
        .filter(question::Column::CycleId.eq(cycle_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("question"))
}

pub async fn cycle_has_applications(db: &impl ConnectionTrait, cycle_id: Uuid) -> ApiResult<bool> {
    Ok(application::Entity::find()
        .filter(application::Column::CycleId.eq(cycle_id))
        .count(db)
        .await?
        > 0)
}

fn check(fields: &QuestionFields) -> ApiResult<()> {
    check_definition(fields.kind, &fields.options)
        .map_err(|m| ApiError::invalid("options", "invalid", m))
}

#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn create(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    fields: QuestionFields,
) -> ApiResult<Question> {
    check(&fields)?;
    if fields.required && !fields.retired && cycle_has_applications(db, cycle_id).await? {
        return Err(ApiError::Conflict(
            "the cycle has applications whose authors never saw this question, so it cannot be required; add it as optional".into(),
        ));
    }
    let position = match fields.position {
        Some(p) => p,
        None => {
            let last: Option<i32> = question::Entity::find()
                .select_only()
                .column_as(question::Column::Position.max(), "max")
                .filter(question::Column::CycleId.eq(cycle_id))
                .into_tuple::<Option<i32>>()
                .one(db)
                .await?
                .flatten();
            last.map_or(1, |p| p + 1)
        }
    };
    let now = Utc::now();
    Ok(question::ActiveModel {
        id: Set(Uuid::new_v4()),
        cycle_id: Set(cycle_id),
        prompt: Set(fields.prompt.trim().to_owned()),
        kind: Set(fields.kind.as_str().to_owned()),
        options: Set(serde_json::json!(fields.options)),
        required: Set(fields.required),
        audience: Set(fields.audience.as_str().to_owned()),
        position: Set(position),
        retired: Set(fields.retired),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces a question's definition. Once the cycle has applications, a
/// change that would invalidate stored answers is a 409.
#[tracing::instrument(skip_all, fields(question_id = %current.id))]
pub async fn update(
    db: &impl ConnectionTrait,
    current: Question,
    fields: QuestionFields,
) -> ApiResult<Question> {
    check(&fields)?;
    if cycle_has_applications(db, current.cycle_id).await? {
        let before = rule_of(&current);
        let after = QuestionRule {
            id: current.id,
            kind: fields.kind,
            options: fields.options.clone(),
            required: fields.required,
            audience: fields.audience,
            retired: fields.retired,
        };
        check_change_with_answers(&before, &after).map_err(|m| {
            ApiError::Conflict(format!(
                "{m}; retire the question and add a new one instead"
            ))
        })?;
    }
    let position = fields.position.unwrap_or(current.position);
    let mut row = current.into_active_model();
    row.prompt = Set(fields.prompt.trim().to_owned());
    row.kind = Set(fields.kind.as_str().to_owned());
    row.options = Set(serde_json::json!(fields.options));
    row.required = Set(fields.required);
    row.audience = Set(fields.audience.as_str().to_owned());
    row.position = Set(position);
    row.retired = Set(fields.retired);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// Deletes a question while the cycle has no applications; after that it
/// can only be retired.
#[tracing::instrument(skip_all, fields(question_id = %current.id))]
pub async fn delete(db: &impl ConnectionTrait, current: Question) -> ApiResult<()> {
    if cycle_has_applications(db, current.cycle_id).await? {
        return Err(ApiError::Conflict(
            "the cycle has applications, so this question may hold answers; retire it instead (\"retired\": true)".into(),
        ));
    }
    question::Entity::delete_by_id(current.id).exec(db).await?;
    Ok(())
}
