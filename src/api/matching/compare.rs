//! Two runs of a cycle side by side (committee).
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::responses::{Forbidden, NotFound, Unprocessable};
use crate::domain::matching::Comparison;
use crate::service::matching;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// Count each run's pairs scoring strictly below this (0 or more);
    /// omitted: `below_threshold` is null.
    #[param(minimum = 0)]
    pub threshold: Option<i64>,
}

/// Run `run_id` compared with run `other_run_id`; every change reads from
/// the first to the second.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonDto {
    pub run_id: Uuid,
    pub other_run_id: Uuid,
    /// The threshold asked for, if any.
    #[schema(required = true)]
    pub threshold: Option<i64>,
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// Compare two matching runs of one cycle (committee).
///
/// Pairs kept (the same pair in both), changed (a mentee with another
/// mentor), added (in the other run only) and removed (in this run only);
/// each applicant's score in both runs and the change (a mentor's is the
/// sum over their pairs; no pair counts 0); and a summary of each run:
/// count, total, minimum, median, blocking pairs and, with `threshold`, the
/// pairs scoring below it. Stored results are compared as computed. 404
/// for an unknown run; 422 (`other_id`) when the runs belong to different
/// cycles, or (`threshold`) for a negative threshold.
#[utoipa::path(tag = "matching",
    params(
        ("id" = Uuid, Path, description = "Run id"),
        ("other_id" = Uuid, Path, description = "The run to compare it with"),
        CompareParams,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The comparison", body = ComparisonDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ))]
#[get("/matching-runs/{id}/compare/{other_id}")]
pub async fn compare_runs(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<CompareParams>,
) -> ApiResult<HttpResponse> {
    let (id, other_id) = path.into_inner();
    let threshold = query.threshold;
    let comparison = matching::compare(&state.db, &user.actor(), id, other_id, threshold).await?;
    Ok(HttpResponse::Ok().json(ComparisonDto {
        run_id: id,
        other_run_id: other_id,
        threshold,
        comparison,
    }))
}
