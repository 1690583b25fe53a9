//! Managing starter resources (committee).
use actix_web::{HttpResponse, delete, patch, post, web};
use uuid::Uuid;

use super::dto::{ResourceDto, ResourcePatch, ResourceRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::api::{created, valid};
use crate::service::resources;
use crate::state::AppState;

/// Add a resource (committee).
///
/// The title is 1 to 200 characters, the Markdown body at most 50,000 and
/// kept as written. A `link` needs a `url`, and any `url` must be an
/// absolute http or https URL of at most 2000 characters. `cycle_id` must
/// name an existing cycle; omit it for every cycle. Each broken rule is a
/// 422 naming its field; members get a 403.
#[utoipa::path(tag = "resources",
    request_body = ResourceRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Resource added", body = ResourceDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    ))]
#[post("/resources")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ResourceRequest>,
) -> ApiResult<HttpResponse> {
    let new = valid(body)?.into();
    let r = resources::create(&state.db, &user.actor(), new).await?;
    Ok(created(
        format!("/api/v1/resources/{}", r.id),
        ResourceDto::from(r),
    ))
}

/// Change a resource (committee).
///
/// Omitted fields stay; `null` clears `url` or makes the resource global
/// (`cycle_id`). The result must follow the same rules as a new resource
/// (422 naming the field); members get a 403, an unknown id a 404.
#[utoipa::path(tag = "resources",
    params(("id" = Uuid, Path, description = "Resource id")),
    request_body = ResourcePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed resource", body = ResourceDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/resources/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ResourcePatch>,
) -> ApiResult<HttpResponse> {
    let changes = valid(body)?.into();
    let r = resources::update(&state.db, &user.actor(), *id, changes).await?;
    Ok(HttpResponse::Ok().json(ResourceDto::from(r)))
}

/// Delete a resource (committee).
///
/// Removes it for everyone at once. Members get a 403, an unknown id a
/// 404. Deleting a cycle deletes its own resources too.
#[utoipa::path(tag = "resources",
    params(("id" = Uuid, Path, description = "Resource id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[delete("/resources/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    resources::delete(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
