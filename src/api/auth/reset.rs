//! A forgotten password: asking for a reset link and using it.
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::dto::{ForgotPasswordRequest, ResetPasswordRequest};
use crate::api::error::ApiResult;
use crate::api::json::Json;
use crate::api::responses::{TooManyRequests, Unauthorized, Unprocessable};
use crate::api::{rate_limit, valid};
use crate::service::auth;
use crate::state::AppState;

/// Ask for a password reset link.
///
/// Always 202, whether or not the email belongs to a member, so the answer
/// reveals nothing. A known member is emailed a link to the website's
/// reset page that works once, for an hour; at most three are sent per
/// member per hour, and asking again retires the earlier link. Rate limited
/// per client address like sign-in (429).
#[utoipa::path(tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the email is known, a link is on its way"),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/auth/forgot-password")]
pub async fn forgot_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ForgotPasswordRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &req)?;
    let body = valid(body)?;
    auth::forgot_password(&state.db, &body.email).await?;
    state.outbox.wake();
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with a reset link's token.
///
/// The token works once and for an hour. Every session of the member ends:
/// refresh tokens are revoked and access tokens refused from now on; the
/// member signs in again with the new password. An unknown, expired or used
/// token is a 401.
#[utoipa::path(tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed; every session ended"),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/auth/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ResetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &req)?;
    let body = valid(body)?;
    auth::reset_password(&state.db, &body.token, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}
