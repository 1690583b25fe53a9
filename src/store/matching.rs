//! The cohort as the matching engine sees it, and stored runs.
use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::applications::{self, Application, form_of, role_of, status_of};
use super::entities::{matching_run, pairing};
use crate::api::error::{ApiError, ApiResult};
use crate::api::pagination::PageRequest;
use crate::domain::application::ApplicationRole;
use crate::domain::matching::{Candidate, MatchResult, RunParams};
use crate::domain::pairing::MatchStatus;

pub use matching_run::Model as MatchingRun;

/// An application as an engine candidate; `taken` mentor slots (live
/// matches) are subtracted from the capacity.
pub fn candidate_of(app: &Application, taken: u32) -> Candidate {
    let form = form_of(app);
    let capacity = match role_of(app) {
        ApplicationRole::Mentor => (app.capacity.unwrap_or(1).max(0) as u32).saturating_sub(taken),
        ApplicationRole::Mentee => 1,
    };
    Candidate {
        application_id: app.id,
        member_id: app.member_id,
        role: form.role,
        status: status_of(app),
        library_types: form.library_types,
        interests: form.interests,
        career_stage: form.career_stage,
        region: form.region,
        meeting_modes: form.meeting_modes,
        matching_preference: form.matching_preference,
        identity_tags: form.identity_tags,
        identity_consent: form.identity_consent,
        employer: form.employer,
        capacity,
    }
}

/// Matches of a cycle that hold a place: live or completed.
fn placed(cycle_id: Uuid) -> sea_orm::Select<pairing::Entity> {
    let placed: Vec<&str> = MatchStatus::PLACED.iter().map(|s| s.as_str()).collect();
    pairing::Entity::find()
        .filter(pairing::Column::CycleId.eq(cycle_id))
        .filter(pairing::Column::Status.is_in(placed))
}

/// Placed matches of a cycle that involve this mentor or this mentee: what
/// decides whether they can be paired now.
pub async fn placed_matches_of_pair(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    mentor_application_id: Uuid,
    mentee_application_id: Uuid,
) -> ApiResult<Vec<pairing::Model>> {
    Ok(placed(cycle_id)
        .filter(
            sea_orm::Condition::any()
                .add(pairing::Column::MentorApplicationId.eq(mentor_application_id))
                .add(pairing::Column::MenteeApplicationId.eq(mentee_application_id)),
        )
        .all(db)
        .await?)
}

/// The cycle's applications still free to pair, as candidates: mentees
/// with a live or completed match are left out, as are mentors with no slot
/// left, so a run only proposes for who is still free. `also` keeps one
/// application in whatever its place, with its true remaining capacity
/// (the one the committee asks candidates for).
pub async fn cohort(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    also: Option<Uuid>,
) -> ApiResult<Vec<Candidate>> {
    let apps = applications::for_cycle(db, cycle_id)
        .await
        .map_err(crate::service::ServiceError::from)?;
    let mut taken: HashMap<Uuid, u32> = HashMap::new();
    for m in placed(cycle_id).all(db).await? {
        *taken.entry(m.mentor_application_id).or_default() += 1;
        *taken.entry(m.mentee_application_id).or_default() += 1;
    }
    Ok(apps
        .iter()
        .map(|a| candidate_of(a, taken.get(&a.id).copied().unwrap_or(0)))
        .filter(|c| {
            also == Some(c.application_id)
                || match c.role {
                    ApplicationRole::Mentor => c.capacity > 0,
                    ApplicationRole::Mentee => !taken.contains_key(&c.application_id),
                }
        })
        .collect())
}

/// What storing a run decides: its id, status and time.
pub struct StoredRun {
    pub id: Uuid,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// Stores a run with its whole result. The result is not read back: a big
/// cohort's result is megabytes of JSON, and the caller already holds it.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn store_run(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    actor: Uuid,
    params: &RunParams,
    result: &MatchResult,
) -> ApiResult<StoredRun> {
    let stored = StoredRun {
        id: Uuid::new_v4(),
        status: "completed".to_owned(),
        // What both databases store, so a read-back shows the same time.
        created_at: Utc::now().trunc_subsecs(6),
    };
    let run = matching_run::ActiveModel {
        id: Set(stored.id),
        cycle_id: Set(cycle_id),
        created_by: Set(actor),
        status: Set(stored.status.clone()),
        parameters: Set(json!(params)),
        result: Set(serde_json::to_value(result).map_err(anyhow::Error::from)?),
        total_score: Set(result.total_score),
        min_score: Set(result.min_score),
        proposal_count: Set(result.proposals.len() as i32),
        unmatched_count: Set(result.unmatched.len() as i32),
        created_at: Set(stored.created_at),
    };
    matching_run::Entity::insert(run)
        .exec_without_returning(db)
        .await?;
    Ok(stored)
}

pub async fn get_run(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<MatchingRun> {
    matching_run::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("matching run"))
}

/// A cycle's runs, newest first.
pub async fn list_runs(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    page: PageRequest,
) -> ApiResult<(Vec<MatchingRun>, u64)> {
    let query = matching_run::Entity::find().filter(matching_run::Column::CycleId.eq(cycle_id));
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(matching_run::Column::CreatedAt)
        .order_by_asc(matching_run::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Marks a run as accepted (its proposals became matches).
pub async fn mark_accepted(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<()> {
    matching_run::Entity::update_many()
        .col_expr(
            matching_run::Column::Status,
            sea_orm::sea_query::Expr::value("accepted"),
        )
        .filter(matching_run::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
