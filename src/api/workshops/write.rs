//! Creating, changing, publishing, cancelling and deleting workshops
//! (committee).
use actix_web::{HttpResponse, delete, patch, post, web};
use uuid::Uuid;

use super::dto::{NewWorkshopRequest, WorkshopDto, WorkshopPatch, WorkshopTransition};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::api::{created, valid};
use crate::service::workshops;
use crate::state::AppState;

/// Create a workshop (committee).
///
/// Created as a `draft`, seen by the committee only until published. 422
/// naming each invalid field: `ends_at` not after `starts_at`,
/// `registration_closes_at` after the start, `registration_opens_at` not
/// before the close, `cycle_id` missing for a cycle's audience (or given
/// for another, or unknown), `join_url` not `https://`.
#[utoipa::path(tag = "workshops",
    request_body = NewWorkshopRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = WorkshopDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    ))]
#[post("/workshops")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NewWorkshopRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let w = workshops::create(&state.db, &user.actor(), body.into()).await?;
    let location = format!("/api/v1/workshops/{}", w.workshop.id);
    Ok(created(location, WorkshopDto::from(w)))
}

/// Change a workshop (committee).
///
/// Only the fields sent change, and the calendar SEQUENCE rises. A raised
/// capacity promotes the first on the waitlist, in join order, and emails
/// them. A capacity below the number registered is a 409 unless
/// `move_excess_to_waitlist` is true: the latest registered then head the
/// waitlist. 409 for a cancelled or completed workshop; 422 naming each
/// invalid field.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    request_body = WorkshopPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed workshop", body = WorkshopDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/workshops/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<WorkshopPatch>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let tz = state.mail.timezone;
    let w = workshops::update(&state.db, &user.actor(), *id, body.into(), tz).await?;
    state.outbox.wake();
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}

/// Move a workshop to another status (committee).
///
/// `draft → published | cancelled`, `published → cancelled | completed`
/// (completed only after it ends). A cancelled workshop stays in calendars
/// with `STATUS:CANCELLED`. 409 naming the allowed moves.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    request_body = WorkshopTransition,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The workshop in its new status", body = WorkshopDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/workshops/{id}/transition")]
pub async fn transition(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<WorkshopTransition>,
) -> ApiResult<HttpResponse> {
    let to = body.into_inner().to;
    let w = workshops::transition(&state.db, &user.actor(), *id, to).await?;
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}

/// Delete a draft workshop (committee).
///
/// Only drafts; a published workshop is cancelled instead (409).
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/workshops/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    workshops::delete(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
