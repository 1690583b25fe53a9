//! Reading an application, your own, and a prefill from your latest.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{ApplicationDto, RoleQuery};
use super::form::ApplicationForm;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{BadRequest, NotFound, Unauthorized};
use crate::service::applications;
use crate::state::AppState;

/// Read an application (its author or the committee).
///
/// Anyone else gets 404, as if it did not exist. Only the committee sees
/// `review` (the decision's note, reviewer and time).
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application", body = ApplicationDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let view = applications::get(&state.db, state.local_reads.as_ref(), &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(ApplicationDto::from(view)))
}

/// Your applications, newest first.
///
/// Any signed-in member: every application you made or the committee made
/// for you, in every cycle and status, paged. The committee's `review` is
/// left out.
#[utoipa::path(tag = "applications",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of your applications", body = Page<ApplicationDto>),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/applications")]
pub async fn list_mine(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (views, total) = applications::mine(&state.db, &user.actor(), page).await?;
    let items = views.into_iter().map(ApplicationDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Your latest application in `role`, as a form to start a new one from.
///
/// Any signed-in member. The standard fields of your most recent
/// application in that role, in any cycle or status; answers to the old
/// cycle's own questions are left out. 404 when you never applied in that
/// role.
#[utoipa::path(tag = "applications",
    params(RoleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A prefill for the form", body = ApplicationForm),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
#[get("/me/applications/latest")]
pub async fn latest(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<RoleQuery>,
) -> ApiResult<HttpResponse> {
    let form = applications::latest(&state.db, &user.actor(), query.role).await?;
    Ok(HttpResponse::Ok().json(ApplicationForm::from(form)))
}
