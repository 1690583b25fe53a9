//! Applications and their audit trail.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, TransactionTrait, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use super::entities::{application, application_audit};
use crate::api::applications::form::{Answer, ApplicationForm};
use crate::api::error::{ApiError, ApiResult};
use crate::domain::application::{
    ApplicationRole, ApplicationStatus, CareerStage, LibrarySchool, MatchingPreference,
};

pub use application::Model as Application;
pub use application_audit::Model as AuditRow;

pub fn status_of(a: &Application) -> ApplicationStatus {
    ApplicationStatus::parse(&a.status).unwrap_or(ApplicationStatus::Submitted)
}

pub fn role_of(a: &Application) -> ApplicationRole {
    ApplicationRole::parse(&a.role).unwrap_or(ApplicationRole::Mentee)
}

fn list<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Vec<T> {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// The stored application as a form (what its author filled in).
pub fn form_of(a: &Application) -> ApplicationForm {
    ApplicationForm {
        member_id: None,
        role: role_of(a),
        library_types: list(&a.library_types),
        interests: list(&a.interests),
        career_stage: CareerStage::parse(&a.career_stage).unwrap_or(CareerStage::EarlyCareer),
        region: a.region.clone(),
        meeting_modes: list(&a.meeting_modes),
        availability: a.availability.clone(),
        matching_preference: MatchingPreference::parse(&a.matching_preference)
            .unwrap_or(MatchingPreference::None),
        identity_tags: list(&a.identity_tags),
        identity_consent: a.identity_consent,
        employer: a.employer.clone(),
        pronouns: a.pronouns.clone(),
        current_role: a.current_role.clone(),
        years_experience: a.years_experience,
        past_experience: a.past_experience.clone(),
        support_approach: a.support_approach.clone(),
        motivation: a.motivation.clone(),
        capacity: a.capacity,
        learning_goals: a.learning_goals.clone(),
        career_goals: a.career_goals.clone(),
        library_school: a.library_school.as_deref().and_then(LibrarySchool::parse),
        answers: list::<Answer>(&a.answers),
    }
}

/// Writes every form field into `row`, normalised: tags trimmed and
/// lower-cased, enum lists de-duplicated, a mentor's capacity defaulting to 1.
fn write_form(row: &mut application::ActiveModel, form: &ApplicationForm) {
    let form = form.normalized();
    row.role = Set(form.role.as_str().to_owned());
    row.library_types = Set(json!(form.library_types));
    row.interests = Set(json!(form.interests));
    row.career_stage = Set(form.career_stage.as_str().to_owned());
    row.region = Set(form.region);
    row.meeting_modes = Set(json!(form.meeting_modes));
    row.availability = Set(form.availability);
    row.matching_preference = Set(form.matching_preference.as_str().to_owned());
    row.identity_tags = Set(json!(form.identity_tags));
    row.identity_consent = Set(form.identity_consent);
    row.employer = Set(form.employer);
    row.pronouns = Set(form.pronouns);
    row.current_role = Set(form.current_role);
    row.years_experience = Set(form.years_experience);
    row.past_experience = Set(form.past_experience);
    row.support_approach = Set(form.support_approach);
    row.motivation = Set(form.motivation);
    row.capacity = Set(form.capacity);
    row.learning_goals = Set(form.learning_goals);
    row.career_goals = Set(form.career_goals);
    row.library_school = Set(form.library_school.map(|l| l.as_str().to_owned()));
    row.answers = Set(json!(form.answers));
}

async fn record(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    actor_id: Uuid,
    action: &str,
    fields: &[String],
) -> ApiResult<()> {
    application_audit::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(application_id),
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        fields: Set(json!(fields)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One audit entry per application, for a change many applications had at
/// once (publishing matches makes them `matched`).
pub(crate) async fn record_each(
    db: &impl ConnectionTrait,
    application_ids: &[Uuid],
    actor_id: Uuid,
    action: &str,
    fields: &[&str],
) -> ApiResult<()> {
    let now = Utc::now();
    for chunk in application_ids.chunks(500) {
        let rows = chunk.iter().map(|id| application_audit::ActiveModel {
            id: Set(Uuid::new_v4()),
            application_id: Set(*id),
            actor_id: Set(actor_id),
            action: Set(action.to_owned()),
            fields: Set(json!(fields)),
            created_at: Set(now),
        });
        application_audit::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Stores a new application. The unique index on (cycle, member) makes a
/// second one a 409, even when two arrive at once.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id, member_id = %member_id))]
pub async fn create(
    db: &DatabaseConnection,
    cycle_id: Uuid,
    member_id: Uuid,
    actor_id: Uuid,
    form: &ApplicationForm,
) -> ApiResult<Application> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut row = application::ActiveModel {
        id: Set(Uuid::new_v4()),
        cycle_id: Set(cycle_id),
        member_id: Set(member_id),
        status: Set(ApplicationStatus::Submitted.as_str().to_owned()),
        review_note: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        submitted_by: Set(actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_form(&mut row, form);
    let created = row
        .insert(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::Conflict(
                "this member has already applied to this cycle (one application per cycle)".into(),
            ),
            other => other,
        })?;
    record(&txn, created.id, actor_id, "created", &[]).await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<Application> {
    application::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))
}

/// Every application of a cycle, oldest first.
pub async fn for_cycle(db: &impl ConnectionTrait, cycle_id: Uuid) -> ApiResult<Vec<Application>> {
    Ok(application::Entity::find()
        .filter(application::Column::CycleId.eq(cycle_id))
        .order_by_asc(application::Column::CreatedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?)
}

/// A member's applications, newest first.
pub async fn for_member(db: &impl ConnectionTrait, member_id: Uuid) -> ApiResult<Vec<Application>> {
    Ok(application::Entity::find()
        .filter(application::Column::MemberId.eq(member_id))
        .order_by_desc(application::Column::CreatedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?)
}

/// Replaces the form; `changed` names the fields for the audit trail.
#[tracing::instrument(skip_all, fields(application_id = %current.id))]
pub async fn update(
    db: &DatabaseConnection,
    current: Application,
    form: &ApplicationForm,
    actor_id: Uuid,
    changed: &[String],
) -> ApiResult<Application> {
    if changed.is_empty() {
        return Ok(current);
    }
    let txn = db.begin().await?;
    let id = current.id;
    let mut row = current.into_active_model();
    write_form(&mut row, form);
    row.updated_at = Set(Utc::now());
    let updated = row.update(&txn).await?;
    record(&txn, id, actor_id, "updated", changed).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Moves an application from `from` to `to`, only if nobody moved it
/// meanwhile; records the action. A review also stores its note.
#[tracing::instrument(skip_all, fields(application_id = %current.id, to = to.as_str()))]
pub async fn change_status(
    db: &DatabaseConnection,
    current: &Application,
    to: ApplicationStatus,
    actor_id: Uuid,
    action: &str,
    review_note: Option<String>,
) -> ApiResult<Application> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to.as_str()))
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(current.id))
        .filter(application::Column::Status.eq(current.status.clone()));
    let mut fields = vec!["status".to_owned()];
    if let Some(note) = review_note {
        update = update
            .col_expr(application::Column::ReviewNote, Expr::value(note))
            .col_expr(application::Column::ReviewedBy, Expr::value(actor_id))
            .col_expr(application::Column::ReviewedAt, Expr::value(now));
        fields.push("review_note".to_owned());
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        return Err(ApiError::Conflict(
            "the application changed meanwhile; reload and try again".into(),
        ));
    }
    if to == ApplicationStatus::Withdrawn {
        cancel_unpublished_matches(&txn, current.id).await?;
    }
    record(&txn, current.id, actor_id, action, &fields).await?;
    let updated = get(&txn, current.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A withdrawn application takes no part in matching: its proposed or
/// approved matches are cancelled with it.
async fn cancel_unpublished_matches(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> ApiResult<()> {
    use super::entities::pairing;
    use crate::domain::pairing::MatchStatus;
    pairing::Entity::update_many()
        .col_expr(
            pairing::Column::Status,
            Expr::value(MatchStatus::Cancelled.as_str()),
        )
        .col_expr(pairing::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(
            sea_orm::Condition::any()
                .add(pairing::Column::MentorApplicationId.eq(application_id))
                .add(pairing::Column::MenteeApplicationId.eq(application_id)),
        )
        .filter(pairing::Column::Status.is_in([
            MatchStatus::Proposed.as_str(),
            MatchStatus::Approved.as_str(),
        ]))
        .exec(db)
        .await?;
    Ok(())
}

/// The audit trail, oldest first.
pub async fn audit_trail(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> ApiResult<Vec<AuditRow>> {
    Ok(application_audit::Entity::find()
        .filter(application_audit::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_audit::Column::CreatedAt)
        .order_by_asc(application_audit::Column::Id)
        .all(db)
        .await?)
}
