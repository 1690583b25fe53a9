//! `/me`: the caller's own account and personal API tokens.
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::auth::{not_blank, password_rule};
use super::members::MemberDto;
use super::{created, double_option, valid};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::Json;
use crate::auth::{AuthUser, password};
use crate::domain::member::{MembershipStatus, Role};
use crate::state::AppState;
use crate::store::members::{self, MemberChanges};
use crate::store::{sessions, tokens};

/// Changes to your own account. `role` and `membership_status` are listed
/// only to be refused: the committee sets them.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"full_name": "Ada King", "pronouns": "she/her"}))]
pub struct UpdateMeRequest {
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub pronouns: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub wla_member_id: Option<Option<String>>,
    /// A new password; needs `current_password`. Signs out every session.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: Option<String>,
    #[schema(format = "password")]
    pub current_password: Option<String>,
    /// Refused (403): roles are set by an admin.
    pub role: Option<Role>,
    /// Refused (403): membership is confirmed by the committee.
    pub membership_status: Option<MembershipStatus>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"name": "roster import script", "read_only": true, "expires_at": "2025-12-31T00:00:00Z"}))]
pub struct CreateTokenRequest {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// When the token stops working; must be in the future. None: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// A read-only token may only read (GET).
    #[serde(default)]
    pub read_only: bool,
}

/// A personal API token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    #[schema(example = "wla_pat_Xy3k")]
    pub prefix: String,
    pub read_only: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<tokens::ApiToken> for ApiTokenDto {
    fn from(t: tokens::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            read_only: t.read_only,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            created_at: t.created_at,
        }
    }
}

/// A new token with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiToken {
    #[serde(flatten)]
    pub token: ApiTokenDto,
    /// Use as `Authorization: Bearer <secret>`. It cannot be shown again.
    pub secret: String,
}

/// Your account.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your account", body = MemberDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let member = members::get(&state.db, user.id).await?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}

/// Edit your account.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me",
    request_body = UpdateMeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your updated account", body = MemberDto),
        (status = 401, description = "Not signed in, or wrong current password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Tried to change role or membership status", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    if body.role.is_some() {
        return Err(ApiError::Forbidden(
            "you cannot change your own role".into(),
        ));
    }
    if body.membership_status.is_some() {
        return Err(ApiError::Forbidden(
            "membership status is set by the committee".into(),
        ));
    }
    let current = members::get(&state.db, user.id).await?;
    let password_hash = match body.password {
        None => None,
        Some(new_password) => {
            let Some(current_password) = body.current_password else {
                return Err(ApiError::invalid(
                    "current_password",
                    "required",
                    "is required to change the password",
                ));
            };
            if !password::verify(current_password, current.password_hash.clone()).await? {
                return Err(ApiError::Unauthorized(
                    "the current password is wrong".into(),
                ));
            }
            Some(password::hash(new_password).await?)
        }
    };
    let password_changed = password_hash.is_some();
    let changes = MemberChanges {
        email: body.email,
        full_name: body.full_name,
        pronouns: body.pronouns,
        wla_member_id: body.wla_member_id,
        password_hash,
        ..Default::default()
    };
    let member = members::update(&state.db, current, changes).await?;
    if password_changed {
        sessions::revoke_all(&state.db, member.id).await?;
    }
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}

/// Your personal API tokens (not revoked), newest first.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your tokens", body = Vec<ApiTokenDto>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_tokens(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let rows = tokens::list_api_tokens(&state.db, user.id).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ApiTokenDto::from).collect::<Vec<_>>()))
}

/// Create a personal API token for scripts; it acts as you.
///
/// The secret is in this response only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me",
    request_body = CreateTokenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Token created", body = CreatedApiToken),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_token(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    if body.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(ApiError::invalid(
            "expires_at",
            "future",
            "must be in the future",
        ));
    }
    let (row, secret) = tokens::create_api_token(
        &state.db,
        user.id,
        body.name,
        body.read_only,
        body.expires_at,
    )
    .await?;
    let location = format!("/api/v1/me/tokens/{}", row.id);
    Ok(created(
        location,
        CreatedApiToken {
            token: row.into(),
            secret,
        },
    ))
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me",
    params(("id" = Uuid, Path, description = "Token id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    tokens::revoke_api_token(&state.db, user.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
