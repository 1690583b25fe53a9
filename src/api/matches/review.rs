//! The committee's review of matches: propose by hand, note, approve,
//! cancel, publish.
use actix_web::{HttpResponse, patch, post, web};
use uuid::Uuid;

use super::dto::{CreateMatchRequest, MatchDto, PublishResult, UpdateMatchRequest};
use crate::api::created;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::service::matches;
use crate::state::AppState;

/// Propose a match by hand (committee).
///
/// The cycle must be in `matching`, `active` or `closed` (409 otherwise).
/// The pair must pass every hard rule, the mentee must hold no live or
/// completed match and the mentor needs a free slot; a refused pair is a
/// 409 naming why. The score uses the default weights. The match starts
/// `proposed`.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = CreateMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The proposed match", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles/{id}/matches")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<CreateMatchRequest>,
) -> ApiResult<HttpResponse> {
    let new = body.into_inner().into();
    let m = matches::create(&state.db, &user.actor(), *id, new).await?;
    Ok(created(
        format!("/api/v1/matches/{}", m.id),
        MatchDto::from(m),
    ))
}

/// Set the committee's note on a match.
///
/// Committee only, in any match status; `""` clears the note. Only the
/// committee sees it. 409 once the cycle is archived.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = UpdateMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/matches/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UpdateMatchRequest>,
) -> ApiResult<HttpResponse> {
    let m = matches::set_note(&state.db, &user.actor(), *id, &body.note).await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}

/// Approve a proposed match (committee).
///
/// `proposed` → `approved`; any other status is a 409 naming the allowed
/// ones, as is a match of an archived cycle. Approved matches stay hidden
/// from the pair until they are published.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match in its new status", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/matches/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = matches::approve(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}

/// Cancel a proposed or approved match (committee).
///
/// The mentee and the mentor's slot are free again. Any other status is a
/// 409 (end an active match early instead), as is a match of an archived
/// cycle.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match in its new status", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/matches/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = matches::cancel(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}

/// Publish every approved match of the cycle (committee).
///
/// In one step every `approved` match becomes `active` and visible to both
/// people at `GET /me/matches`, and their applications become `matched`.
/// Proposed matches are left as they are; with none approved nothing
/// changes. Both people of each published match are emailed their
/// partner's name and contact and the starter resources link. 409 unless the cycle is in `matching`, `active` or `closed`.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was published", body = PublishResult),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cycles/{id}/matches/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let published = matches::publish(&state.db, &user.actor(), *id).await?;
    state.outbox.wake();
    Ok(HttpResponse::Ok().json(PublishResult::from(published)))
}
