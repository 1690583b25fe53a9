//! `/auth`: registration, sign-in, refresh, sign-out and invitations.
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::members::MemberDto;
use super::{created, valid};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::Json;
use crate::auth::password;
use crate::domain::member::{MembershipStatus, Role, check_password};
use crate::state::AppState;
use crate::store::members::{self, NewMember};
use crate::store::{sessions, tokens};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery", "full_name": "Ada Lovelace", "pronouns": "she/her", "wla_member_id": "WLA-1042"}))]
pub struct RegisterRequest {
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// 10 to 256 characters.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: String,
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub pronouns: Option<String>,
    /// The association's own membership number.
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub wla_member_id: Option<String>,
}

pub fn password_rule(password: &str) -> Result<(), validator::ValidationError> {
    check_password(password).map_err(|msg| {
        let mut e = validator::ValidationError::new("length");
        e.message = Some(msg.into());
        e
    })
}

/// Names are stored trimmed, so a name of spaces would be stored empty.
pub fn not_blank(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        let mut e = validator::ValidationError::new("length");
        e.message = Some("must not be empty or blank".into());
        return Err(e);
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery"}))]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = "password")]
    pub password: String,
}

/// An access token for `Authorization: Bearer`, and the refresh token that
/// gets the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Single use: refreshing returns a new one.
    pub refresh_token: String,
}

impl From<sessions::Session> for TokenPair {
    fn from(s: sessions::Session) -> Self {
        Self {
            access_token: s.access_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AcceptInviteRequest {
    /// The invitation token the committee sent.
    pub token: String,
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: String,
}

/// Register an account.
///
/// New accounts are members with membership status `pending` until the
/// committee confirms their association membership.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = MemberDto),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    super::rate_limit(&state, &req)?;
    let body = valid(body)?;
    if members::find_by_email(&state.db, &body.email)
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict(
            "that email address is already registered".into(),
        ));
    }
    let hash = password::hash(body.password).await?;
    let member = members::create(
        &state.db,
        NewMember {
            email: body.email,
            password_hash: Some(hash),
            full_name: body.full_name,
            pronouns: body.pronouns,
            role: Role::Member,
            wla_member_id: body.wla_member_id,
            membership_status: MembershipStatus::Pending,
            membership_expires_on: None,
        },
    )
    .await?;
    Ok(created(
        format!("/api/v1/members/{}", member.id),
        MemberDto::from(member),
    ))
}

/// Sign in.
///
/// The same 401 answers an unknown email and a wrong password. Attempts are
/// rate limited per client address (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    super::rate_limit(&state, &req)?;
    let body = body.into_inner();
    let member = members::find_by_email(&state.db, &body.email).await?;
    let stored = member.as_ref().and_then(|m| m.password_hash.clone());
    let ok = password::verify(body.password, stored).await?;
    let member = match member {
        Some(m) if ok => m,
        _ => return Err(ApiError::Unauthorized("wrong email or password".into())),
    };
    let session = sessions::start(&state.db, &state.jwt, &member).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}

/// Exchange a refresh token for a new pair.
///
/// The presented token is spent. Presenting a spent token again revokes its
/// whole chain: whoever holds it must sign in again.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, description = "Invalid, expired or reused refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    // Not rate limited: a refresh token has 256 bits and cannot be guessed,
    // and behind a proxy a shared limit would throttle every session.
    let session = sessions::rotate(&state.db, &state.jwt, &body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}

/// Sign out: revoke the refresh token's chain.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also for unknown tokens)")))]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    sessions::end(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Redeem an invitation by choosing a password; signs the member in.
#[utoipa::path(post, path = "/api/v1/auth/accept-invite", tag = "auth",
    request_body = AcceptInviteRequest,
    responses(
        (status = 200, description = "Password set; signed in", body = TokenPair),
        (status = 401, description = "Invalid, expired or used invitation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Password too short or too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<AcceptInviteRequest>,
) -> ApiResult<HttpResponse> {
    super::rate_limit(&state, &req)?;
    let body = valid(body)?;
    let hash = password::hash(body.password).await?;
    let member = tokens::accept_invite(&state.db, &body.token, hash).await?;
    let session = sessions::start(&state.db, &state.jwt, &member).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}
