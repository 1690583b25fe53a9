//! Getting an account: registering, or redeeming an invitation.
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::dto::{AcceptInviteRequest, RegisterRequest, TokenPair};
use crate::api::error::ApiResult;
use crate::api::json::Json;
use crate::api::members::MemberDto;
use crate::api::responses::{Conflict, TooManyRequests, Unauthorized, Unprocessable};
use crate::api::{created, rate_limit, valid};
use crate::service::auth;
use crate::state::AppState;

/// Register an account.
///
/// New accounts are members with membership status `pending` until the
/// committee confirms their association membership.
#[utoipa::path(tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = MemberDto),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &req)?;
    let registration = valid(body)?.into();
    let member = auth::register(&state.db, registration).await?;
    Ok(created(
        format!("/api/v1/members/{}", member.id),
        MemberDto::from(member),
    ))
}

/// Redeem an invitation by choosing a password; signs the member in.
///
/// An unknown, expired or used invitation is a 401, and so is one issued
/// for another role than the member has now (promoted or demoted since it
/// was issued): the committee issues a new one.
#[utoipa::path(tag = "auth",
    request_body = AcceptInviteRequest,
    responses(
        (status = 200, description = "Password set; signed in", body = TokenPair),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/auth/accept-invite")]
pub async fn accept_invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<AcceptInviteRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &req)?;
    let body = valid(body)?;
    let session = auth::accept_invite(&state.db, &state.jwt, &body.token, body.password).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}
