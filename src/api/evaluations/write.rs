//! Submitting and editing evaluations, and the committee's approval of
//! their quotes.
use actix_web::{HttpResponse, patch, post, web};
use uuid::Uuid;

use super::dto::{ApproveQuoteRequest, EvaluationDto, EvaluationPatch, EvaluationRequest};
use crate::api::created;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::service::evaluations;
use crate::state::AppState;

/// Submit your evaluation of a cycle.
///
/// For the partners of a published match of the cycle (active, completed or
/// ended early), one per cycle: from the end of mentoring (or once the
/// committee closes the cycle) until `evaluation_closes_on`. Anyone else
/// gets 403; outside that window, or a second evaluation, 409; a bad value
/// 422 naming the field (a consent to publish without a quote included).
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = EvaluationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Submitted", body = EvaluationDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles/{id}/evaluations")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<EvaluationRequest>,
) -> ApiResult<HttpResponse> {
    let fields = body.into_inner().into();
    let e = evaluations::create(&state.db, &user.actor(), *id, fields).await?;
    let location = format!("/api/v1/evaluations/{}", e.id);
    Ok(created(location, EvaluationDto::from(e)))
}

/// Change an evaluation (its author until evaluations close, or the
/// committee).
///
/// Only the fields sent change; `null` clears a text. Changing the quote or
/// its consent takes an approved quote off the testimonials until the
/// committee approves it again. Anyone else gets 404; the author after the
/// close 409; a bad value 422.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    request_body = EvaluationPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = EvaluationDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/evaluations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<EvaluationPatch>,
) -> ApiResult<HttpResponse> {
    let changes = body.into_inner().into();
    let e = evaluations::update(&state.db, &user.actor(), *id, changes).await?;
    Ok(HttpResponse::Ok().json(EvaluationDto::from(e)))
}

/// Approve an evaluation's quote for the testimonials (committee).
///
/// As written, or shortened or redacted (`text`; the author's original is
/// kept), at `position` among the cycle's testimonials. 409 when the
/// evaluation has no quote or its author did not consent to publishing it.
/// Approving again changes the text or the place.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    request_body = ApproveQuoteRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = EvaluationDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/evaluations/{id}/quote/approve")]
pub async fn approve_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ApproveQuoteRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let e = evaluations::approve_quote(
        &state.db,
        &user.actor(),
        *id,
        body.text.as_deref(),
        body.position,
    )
    .await?;
    Ok(HttpResponse::Ok().json(EvaluationDto::from(e)))
}

/// Take an evaluation's quote off the testimonials (committee).
///
/// The quote stays in the evaluation; it is no longer published.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = EvaluationDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[post("/evaluations/{id}/quote/withdraw")]
pub async fn withdraw_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let e = evaluations::withdraw_quote(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(EvaluationDto::from(e)))
}
