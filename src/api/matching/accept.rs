//! Turning a run's proposals into matches, and one application's
//! candidates (committee).
use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;

use super::dto::AcceptRequest;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::OptionalJson;
use crate::api::matches::MatchDto;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::domain::matching::Candidates;
use crate::service::matching;
use crate::state::AppState;

/// Turn a run's proposals into proposed matches (committee).
///
/// All the run's proposals, or the chosen ones (each must be one of them,
/// else 422). All or nothing: a pair that no longer passes the hard rules
/// or the live-match limits refuses the whole request with 409 naming it.
/// Pairs are checked and scored with the run's parameters; the run becomes
/// `accepted`. The matches still need approving and publishing.
#[utoipa::path(tag = "matching",
    params(("id" = Uuid, Path, description = "Run id")),
    request_body(content = Option<AcceptRequest>, description = "Which proposals to accept; send no body to accept them all"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The proposed matches", body = Vec<MatchDto>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/matching-runs/{id}/accept")]
pub async fn accept_run(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: OptionalJson<AcceptRequest>,
) -> ApiResult<HttpResponse> {
    let chosen = body.0.and_then(|b| b.proposals);
    let made = matching::accept(&state.db, &user.actor(), *id, chosen).await?;
    let body: Vec<MatchDto> = made.into_iter().map(MatchDto::from).collect();
    Ok(HttpResponse::Created().json(body))
}

/// An application's possible partners, ranked (committee).
///
/// Every application of the other role in the cycle that is still free
/// (mentees without a placed match, mentors with a slot left): the possible
/// partners with the pair's score and breakdown, best first; the others
/// with the first hard rule the pair breaks (e.g. `not_accepted`). Uses the
/// default weights and no pins; a shared employer rules a pair out.
#[utoipa::path(tag = "matching",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Ranked candidates", body = Candidates),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let result =
        matching::candidates(&state.db, state.local_reads.as_ref(), &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(result))
}
