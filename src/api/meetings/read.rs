//! Reading a match's meeting log (its two partners).
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{MeetingDto, MeetingFilter};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{NotFound, Unauthorized};
use crate::service::meetings;
use crate::state::AppState;

/// A match's meetings, newest first (its two partners).
///
/// Held and planned meetings of a published match (active, completed or
/// ended early), by date, newest first; filter by `status`. Another
/// member's private notes are null. Anyone but the match's two partners,
/// the committee included, gets 404, as does a match that is not published.
#[utoipa::path(tag = "meetings",
    params(("id" = Uuid, Path, description = "Match id"), PageParams, MeetingFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of meetings", body = Page<MeetingDto>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
#[get("/matches/{id}/meetings")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
    filter: web::Query<MeetingFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (rows, total) = meetings::list(&state.db, &user.actor(), *id, filter.status, page).await?;
    Ok(Page::new(
        rows.into_iter().map(MeetingDto::from).collect(),
        page,
        total,
    )
    .respond(&req))
}

/// Read a meeting (the match's two partners).
///
/// The author sees their private notes; the other partner sees them as
/// null. Anyone but the match's two partners, the committee included, gets
/// 404.
#[utoipa::path(tag = "meetings",
    params(("id" = Uuid, Path, description = "Meeting id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting", body = MeetingDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
#[get("/meetings/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = meetings::get(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(MeetingDto::from(m)))
}
