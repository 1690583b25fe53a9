//! Changing cycles (committee): create, edit, delete, move along the
//! status machine.
use actix_web::{HttpResponse, delete, patch, post, web};
use uuid::Uuid;

use super::dto::{CreateCycleRequest, CycleDto, TransitionRequest, UpdateCycleRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::api::{created, valid};
use crate::service::cycles;
use crate::state::AppState;

/// Create a cycle as a draft (committee).
///
/// The new cycle starts in `draft`, seen by the committee only, until it is
/// moved to `open`. Its dates must be in order (422 with code `date_order` on
/// each field out of order); 409 when another cycle has the same name.
#[utoipa::path(tag = "cycles",
    request_body = CreateCycleRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Draft cycle created", body = CycleDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateCycleRequest>,
) -> ApiResult<HttpResponse> {
    let new = valid(body)?.into();
    let cycle = cycles::create(&state.db, &user.actor(), new).await?;
    Ok(created(
        format!("/api/v1/cycles/{}", cycle.id),
        CycleDto::from(cycle),
    ))
}

/// Edit a cycle (committee), until mentoring starts.
///
/// Allowed while the cycle is `draft`, `open` or `matching`; later it is a
/// 409. Omitted fields stay; the dates are checked again as a whole (422 with
/// code `date_order`). 409 when another cycle has the new name.
#[utoipa::path(tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = UpdateCycleRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated cycle", body = CycleDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/cycles/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UpdateCycleRequest>,
) -> ApiResult<HttpResponse> {
    let changes = valid(body)?.into();
    let cycle = cycles::update(&state.db, &user.actor(), *id, changes).await?;
    Ok(HttpResponse::Ok().json(CycleDto::from(cycle)))
}

/// Delete a draft cycle (committee).
///
/// Only a cycle in `draft` without applications can be deleted, with its
/// questions and its own resources; any other status, or a cycle with applications, is a 409
/// (archive it instead).
#[utoipa::path(tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/cycles/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    cycles::delete(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a cycle to another status (committee).
///
/// `draft → open → matching → active → closed → archived`; an open cycle may
/// return to draft and a cycle in matching may reopen. Only one cycle may be
/// open at a time. An illegal move is 409 naming the allowed ones.
#[utoipa::path(tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = TransitionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cycle in its new status", body = CycleDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cycles/{id}/transition")]
pub async fn transition(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let cycle = cycles::transition(&state.db, &user.actor(), *id, body.to).await?;
    Ok(HttpResponse::Ok().json(CycleDto::from(cycle)))
}
