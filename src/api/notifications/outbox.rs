//! The outbox, for administrators.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use uuid::Uuid;

use super::dto::{NotificationDetail, NotificationDto, NotificationQuery, OutboxStats};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Conflict, Forbidden, NotFound};
use crate::service::notify::{self, RenderEnv};
use crate::state::AppState;

/// The outbox, newest first (admins).
///
/// Every message the service sends is queued here in the transaction of the
/// change that caused it, then sent by the dispatcher. Filter by `status`
/// (`failed` for what needs attention), `event` and `recipient_id`. Without
/// `SMTP_URL` nothing is sent and messages stay `pending`.
#[utoipa::path(tag = "notifications",
    params(PageParams, NotificationQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of messages", body = Page<NotificationDto>),
        (status = 403, response = Forbidden),
    ))]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    filter: web::Query<NotificationQuery>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let filter = filter.into_inner().into();
    let (rows, total) = notify::list(&state.db, &user.actor(), filter, page).await?;
    let items = rows.into_iter().map(NotificationDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// How many messages are pending, sent and failed (admins).
///
/// For monitoring: a growing `pending` count means mail is not going out
/// (no `SMTP_URL`, or the server refuses); `failed` ones need a look.
#[utoipa::path(tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The outbox's counts", body = OutboxStats),
        (status = 403, response = Forbidden),
    ))]
#[get("/notifications/stats")]
pub async fn stats(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let counts = notify::counts(&state.db, &user.actor()).await?;
    Ok(HttpResponse::Ok().json(OutboxStats::from(counts)))
}

/// One message with its body (admins).
///
/// The body is rendered with the template that applies now. Once a message
/// is sent its one-time links (invitation, password reset) are not kept.
#[utoipa::path(tag = "notifications",
    params(("id" = Uuid, Path, description = "Notification id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The message", body = NotificationDetail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/notifications/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let env = RenderEnv {
        public_base_url: &state.mail.public_base_url,
        keys: &state.jwt,
    };
    let (row, rendered) = notify::get_rendered(&state.db, &user.actor(), *id, &env).await?;
    Ok(HttpResponse::Ok().json(NotificationDetail {
        notification: row.into(),
        message: rendered.into(),
    }))
}

/// Send a failed message again (admins).
///
/// The message goes back to `pending` with fresh attempts and is sent at
/// once. Only a `failed` message can be retried (409 otherwise).
#[utoipa::path(tag = "notifications",
    params(("id" = Uuid, Path, description = "Notification id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Queued again", body = NotificationDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/notifications/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = notify::retry(&state.db, &user.actor(), *id).await?;
    state.outbox.wake();
    Ok(HttpResponse::Ok().json(NotificationDto::from(row)))
}
