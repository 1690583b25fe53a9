//! A published match's life (committee): complete, end early, extend.
use actix_web::{HttpResponse, post, web};
use uuid::Uuid;

use super::dto::{EndEarlyRequest, ExtendRequest, MatchDto};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::api::valid;
use crate::service::matches;
use crate::state::AppState;

/// Mark an active match completed (committee).
///
/// `active` → `completed`; any other status is a 409, as is a match of an
/// archived cycle. A completed match still holds its mentee for the rest of
/// the cycle.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match in its new status", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/matches/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = matches::complete(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}

/// End an active match early, with the reason (committee).
///
/// `active` → `ended_early`, ended today; any other status is a 409, as is a
/// match of an archived cycle. Both people are free to be matched again in
/// the cycle. The reason comes from a fixed list (`reason_code`) with the
/// committee's words (`reason`), which `other` (or no code) requires: 422
/// without them. The committee's report counts endings by code.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = EndEarlyRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Ended early", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/matches/{id}/end-early")]
pub async fn end_early(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<EndEarlyRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let m = matches::end_early(
        &state.db,
        &user.actor(),
        *id,
        body.reason_code,
        body.reason.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}

/// Extend an active match formally beyond the mentoring period (committee).
///
/// The match stays `active` with `extended_until` set and the pair's
/// reason kept (`extension_reason`, also shown with their agreement); its
/// meetings may then fall up to the new date. The date must be after the
/// cycle's mentoring end and any earlier extension (422); a match that is
/// not active, or of an archived cycle, is a 409.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = ExtendRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Extended", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/matches/{id}/extend")]
pub async fn extend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ExtendRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let m = matches::extend(
        &state.db,
        &user.actor(),
        *id,
        body.until,
        body.reason.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}
