//! Your personal API tokens.
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use uuid::Uuid;

use super::dto::{ApiTokenDto, CreateTokenRequest, CreatedApiToken};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{NotFound, Unauthorized, Unprocessable};
use crate::api::{created, valid};
use crate::service::tokens;
use crate::state::AppState;

/// Your personal API tokens (not revoked), newest first.
///
/// Any signed-in member. Expired tokens are still listed (see
/// `expires_at`); secrets are never shown again, only their first
/// characters (`prefix`).
#[utoipa::path(tag = "me",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of your tokens", body = Page<ApiTokenDto>),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/tokens")]
pub async fn list_tokens(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let rows = tokens::list(&state.db, &user.actor()).await?;
    let items = rows.into_iter().map(ApiTokenDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}

/// Create a personal API token for scripts; it acts as you.
///
/// Any signed-in member. The token has your role and rights (only reads
/// when `read_only`) until it expires or you revoke it; it cannot change
/// your email or password. The secret is in this response only.
#[utoipa::path(tag = "me",
    request_body = CreateTokenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Token created", body = CreatedApiToken),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
    ))]
#[post("/me/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let new = valid(body)?.into();
    let (row, secret) = tokens::create(&state.db, &user.actor(), new).await?;
    Ok(created(
        format!("/api/v1/me/tokens/{}", row.id),
        CreatedApiToken {
            token: row.into(),
            secret,
        },
    ))
}

/// Revoke one of your tokens.
///
/// It stops working at once. A token that is not yours, or is already
/// revoked, is a 404.
#[utoipa::path(tag = "me",
    params(("id" = Uuid, Path, description = "Token id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
#[delete("/me/tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    tokens::revoke(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
