//! Each member's email settings, and one-click unsubscribe from reminders.
use actix_web::{HttpResponse, get, post, put, web};

use super::dto::{NotificationSettingsDto, UnsubscribeQuery};
use crate::api::error::{ApiError, ApiResult};
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Unauthorized, Unprocessable};
use crate::service::notify::{self, Settings};
use crate::state::AppState;

/// Your email settings.
///
/// Whether you get reminders. Messages about your account, applications
/// and matches always go.
#[utoipa::path(tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your settings", body = NotificationSettingsDto),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/notification-settings")]
pub async fn get_settings(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let settings = notify::my_settings(&state.db, &user.actor()).await?;
    Ok(HttpResponse::Ok().json(NotificationSettingsDto::from(settings)))
}

/// Change your email settings.
///
/// Reminders can be turned off; messages about your account (invitations,
/// password resets), your applications and your matches always go.
#[utoipa::path(tag = "notifications",
    request_body = NotificationSettingsDto,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your settings now", body = NotificationSettingsDto),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
    ))]
#[put("/me/notification-settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NotificationSettingsDto>,
) -> ApiResult<HttpResponse> {
    let wanted = Settings {
        reminders: body.reminders,
    };
    let settings = notify::set_my_settings(&state.db, &user.actor(), wanted).await?;
    Ok(HttpResponse::Ok().json(NotificationSettingsDto::from(settings)))
}

/// Unsubscribe from reminders with one click (RFC 8058).
///
/// The `List-Unsubscribe` header of every reminder points here; mail
/// clients POST to it without signing in (`List-Unsubscribe=One-Click`).
/// The website's unsubscribe page calls it too. The token names the member
/// and works for this and nothing else; a bad one is a 401.
#[utoipa::path(tag = "notifications",
    params(UnsubscribeQuery),
    security(()),
    responses(
        (status = 204, description = "Reminders are off"),
        (status = 401, response = Unauthorized),
    ))]
#[post("/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    query: web::Query<UnsubscribeQuery>,
) -> ApiResult<HttpResponse> {
    let member = state
        .jwt
        .verify_unsubscribe(&query.token)
        .ok_or_else(|| ApiError::Unauthorized("the unsubscribe link is not valid".into()))?;
    notify::unsubscribe(&state.db, member).await?;
    Ok(HttpResponse::NoContent().finish())
}
