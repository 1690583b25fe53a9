//! Sessions: signing in, refreshing and signing out.
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::dto::{LoginRequest, RefreshRequest, TokenPair};
use crate::api::error::ApiResult;
use crate::api::json::Json;
use crate::api::rate_limit;
use crate::api::responses::{TooManyRequests, Unauthorized};
use crate::service::auth;
use crate::state::AppState;

/// Sign in.
///
/// The same 401 answers an unknown email and a wrong password. Attempts are
/// rate limited per client address (429 with `Retry-After`).
#[utoipa::path(tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, response = Unauthorized),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &req)?;
    let body = body.into_inner();
    let session = auth::login(&state.db, &state.jwt, &body.email, body.password).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}

/// Exchange a refresh token for a new pair.
///
/// The presented token is spent. Presenting a spent token again revokes its
/// whole chain: whoever holds it must sign in again.
#[utoipa::path(tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, response = Unauthorized),
    ))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    // Not rate limited: a refresh token has 256 bits and cannot be guessed,
    // and behind a proxy a shared limit would throttle every session.
    let session = auth::refresh(&state.db, &state.jwt, &body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}

/// Sign out: revoke the refresh token's chain and end every access token.
///
/// Signing out also ends every access token of the member, on every
/// device: the member's session epoch moves on, and access tokens carry
/// the epoch they were issued in. Other sessions keep their refresh
/// tokens and get a new access token with `POST /auth/refresh`.
#[utoipa::path(tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also for unknown tokens)")))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    auth::logout(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
