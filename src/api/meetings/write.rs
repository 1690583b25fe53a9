//! Recording, changing and deleting meetings (a partner; changes by the
//! author only).
use actix_web::{HttpResponse, delete, patch, post, web};
use uuid::Uuid;

use super::dto::{MeetingDto, MeetingPatch, NewMeetingRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::api::{created, valid};
use crate::service::meetings;
use crate::state::AppState;

/// Record a meeting of your match (either partner).
///
/// A partner of an active match records a `held` meeting (not in the
/// future, within the match's period: from the cycle's mentoring start to
/// its end, or the match's extension if later) or a `planned` one (today or
/// later, up to the period's end). The caller is its author. 422 naming
/// each invalid field (`held_on`, `mode`, `duration_minutes`, `topics`,
/// notes); 409 when the match is completed or ended early. Anyone but the
/// match's two partners, the committee included, gets 404, as does a match
/// that is not published.
#[utoipa::path(tag = "meetings",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = NewMeetingRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = MeetingDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/matches/{id}/meetings")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<NewMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let m = meetings::create(&state.db, &user.actor(), *id, body.into()).await?;
    let location = format!("/api/v1/meetings/{}", m.id);
    Ok(created(location, MeetingDto::from(m)))
}

/// Change a meeting (its author).
///
/// Only the fields sent change; changing `held_on` or `status` checks the
/// date rules again (a planned meeting becomes `held` once it took place).
/// The other partner gets 403; anyone else, the committee included, 404.
/// 409 when the match is completed or ended early; 422 naming each invalid
/// field.
#[utoipa::path(tag = "meetings",
    params(("id" = Uuid, Path, description = "Meeting id")),
    request_body = MeetingPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed meeting", body = MeetingDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/meetings/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<MeetingPatch>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let m = meetings::update(&state.db, &user.actor(), *id, body.into()).await?;
    Ok(HttpResponse::Ok().json(MeetingDto::from(m)))
}

/// Delete a meeting (its author).
///
/// Removes it from the log for both partners. The other partner gets 403;
/// anyone else, the committee included, 404. 409 when the match is
/// completed or ended early.
#[utoipa::path(tag = "meetings",
    params(("id" = Uuid, Path, description = "Meeting id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/meetings/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    meetings::delete(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
