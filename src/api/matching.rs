//! Matching runs and candidate lists (committee only, cycle in `matching`
//! or later).
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::created;
use super::pagination::{Page, PageParams};
use super::pairings::MatchDto;
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::{Json, OptionalJson};
use crate::auth::AuthUser;
use crate::domain::cycle::CycleStatus;
use crate::domain::matching::{
    Candidates, MatchResult, Pin, RunParams, candidates_for, run_matching,
};
use crate::service::cycles::{self, Cycle};
use crate::state::AppState;
use crate::store::matching::{self as runs, MatchingRun};
use crate::store::pairings::{self, NewPair};

/// A stored run: its parameters and the engine's proposals, unmatched
/// applicants with reasons, total and minimum score.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    /// `completed`, or `accepted` once proposals became matches.
    #[schema(example = "completed")]
    pub status: String,
    pub parameters: RunParams,
    #[serde(flatten)]
    pub result: MatchResult,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A run without its proposals, for lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunSummary {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub status: String,
    pub parameters: RunParams,
    pub total_score: i64,
    pub min_score: Option<i64>,
    pub proposal_count: i32,
    pub unmatched_count: i32,
    pub created_at: DateTime<Utc>,
}

fn run_dto(run: MatchingRun) -> ApiResult<RunDto> {
    Ok(RunDto {
        id: run.id,
        cycle_id: run.cycle_id,
        status: run.status,
        parameters: serde_json::from_value(run.parameters).map_err(anyhow::Error::from)?,
        result: serde_json::from_value(run.result).map_err(anyhow::Error::from)?,
        created_by: run.created_by,
        created_at: run.created_at,
    })
}

/// Which of a run's proposals to accept; no body, or no `proposals`: all of
/// them. An unknown field is refused, so a misspelt `proposals` never
/// accepts everything.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"proposals": [{"mentor_application_id": "0b6f3f8e-1c1a-4d6e-9a51-2f0c8f7d1e11", "mentee_application_id": "5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"}]}))]
pub struct AcceptRequest {
    pub proposals: Option<Vec<Pin>>,
}

/// The cycle, if it is in matching or later (not archived).
pub(crate) async fn matching_cycle(state: &AppState, id: Uuid) -> ApiResult<Cycle> {
    let cycle = cycles::get_visible(&state.db, id, true).await?;
    match cycle.status {
        CycleStatus::Matching | CycleStatus::Active | CycleStatus::Closed => Ok(cycle),
        other => Err(ApiError::Conflict(format!(
            "matching needs the cycle in matching or later; it is {}",
            other.as_str()
        ))),
    }
}

/// Run the matching engine over the cycle's accepted applications (committee).
///
/// Proposes the largest possible number of pairs and, among those, the best
/// total score; mentees who already have a live or completed match and
/// mentors with no free slot are left out (a matched mentor with a slot left
/// takes part; a match that ended early frees both people).
/// Pins: `must_pair` placed first, `never_pair` excluded. The run is stored
/// and can be read back unchanged.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/matching-runs", tag = "matching",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = RunParams,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The stored run", body = RunDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cycle is not in matching or later", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid weights or pins", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_run(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<RunParams>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let params = body.into_inner().normalized();
    let cycle = matching_cycle(&state, *id).await?;
    let cohort = runs::cohort(&state.db, cycle.id, None).await?;
    let run_params = params.clone();
    let result = state
        .matching
        .run(move || run_matching(&cohort, &run_params))
        .await?
        .map_err(|e| ApiError::invalid("parameters", "invalid", e.to_string()))?;
    let run = runs::store_run(&state.db, cycle.id, user.id, &params, &result).await?;
    Ok(created(
        format!("/api/v1/matching-runs/{}", run.id),
        RunDto {
            id: run.id,
            cycle_id: cycle.id,
            status: run.status,
            parameters: params,
            result,
            created_by: user.id,
            created_at: run.created_at,
        },
    ))
}

/// A cycle's matching runs, newest first (committee).
#[utoipa::path(get, path = "/api/v1/cycles/{id}/matching-runs", tag = "matching",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of runs", body = Page<RunSummary>),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_runs(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let page = paging.page_request()?;
    let cycle = cycles::get_visible(&state.db, *id, true).await?;
    let (rows, total) = runs::list_runs(&state.db, cycle.id, page).await?;
    let items = rows
        .into_iter()
        .map(|r| RunSummary {
            id: r.id,
            cycle_id: r.cycle_id,
            status: r.status,
            parameters: serde_json::from_value(r.parameters).unwrap_or_default(),
            total_score: r.total_score,
            min_score: r.min_score,
            proposal_count: r.proposal_count,
            unmatched_count: r.unmatched_count,
            created_at: r.created_at,
        })
        .collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Read a run back, unchanged (committee).
#[utoipa::path(get, path = "/api/v1/matching-runs/{id}", tag = "matching",
    params(("id" = Uuid, Path, description = "Run id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The run", body = RunDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_run(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    Ok(HttpResponse::Ok().json(run_dto(runs::get_run(&state.db, *id).await?)?))
}

/// Turn a run's proposals (all, or the chosen ones) into proposed matches
/// (committee). All or nothing: a pair that no longer passes the hard rules
/// or the live-match limits refuses the whole request with 409 naming it.
#[utoipa::path(post, path = "/api/v1/matching-runs/{id}/accept", tag = "matching",
    params(("id" = Uuid, Path, description = "Run id")),
    request_body(content = Option<AcceptRequest>, description = "Which proposals to accept; send no body to accept them all"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The proposed matches", body = Vec<MatchDto>),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A pair is no longer possible", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A chosen pair is not among the run's proposals", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_run(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: OptionalJson<AcceptRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let run = runs::get_run(&state.db, *id).await?;
    let cycle = matching_cycle(&state, run.cycle_id).await?;
    let params: RunParams = serde_json::from_value(run.parameters.clone()).unwrap_or_default();
    let result: MatchResult =
        serde_json::from_value(run.result.clone()).map_err(anyhow::Error::from)?;
    let chosen = body.0.and_then(|b| b.proposals);
    let pairs: Vec<NewPair> = match chosen {
        None => result
            .proposals
            .iter()
            .map(|p| Pin::new(p.mentor_application_id, p.mentee_application_id))
            .collect(),
        Some(pins) => {
            for (i, pin) in pins.iter().enumerate() {
                let known = result.proposals.iter().any(|p| {
                    p.mentor_application_id == pin.mentor_application_id
                        && p.mentee_application_id == pin.mentee_application_id
                });
                if !known {
                    return Err(ApiError::invalid(
                        &format!("proposals.{i}"),
                        "unknown",
                        "is not a proposal of this run",
                    ));
                }
            }
            pins
        }
    }
    .into_iter()
    .map(|pin| NewPair {
        mentor_application_id: pin.mentor_application_id,
        mentee_application_id: pin.mentee_application_id,
        matching_run_id: Some(run.id),
        note: None,
    })
    .collect();
    // Marks the run accepted in the same transaction.
    let created_matches = pairings::propose(&state.db, cycle.id, &pairs, &params, user.id).await?;
    let body: Vec<MatchDto> = created_matches.into_iter().map(MatchDto::from).collect();
    Ok(HttpResponse::Created().json(body))
}

/// Every possible partner of an application, ranked with breakdowns, and
/// the impossible ones with the rule that rules them out (committee).
#[utoipa::path(get, path = "/api/v1/applications/{id}/candidates", tag = "matching",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Ranked candidates", body = Candidates),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn candidates(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let app = crate::store::applications::get(&state.db, *id)
        .await
        .map_err(crate::service::ServiceError::from)?;
    // Only who is still free: mentees without a live or completed match,
    // mentors with a slot left; the application asked about is always in.
    let cohort = runs::cohort(&state.db, app.cycle_id, Some(app.id)).await?;
    let result = candidates_for(app.id, &cohort, &RunParams::default())
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(HttpResponse::Ok().json(result))
}
