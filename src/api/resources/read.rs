//! Reading starter resources: anyone, each caller seeing their own share.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{ResourceDto, ResourceQuery};
use crate::api::error::ApiResult;
use crate::api::extract::{AuthUser, MaybeAuthUser};
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{NotFound, Unauthorized};
use crate::service::resources;
use crate::state::AppState;

/// The resources you may see, by position then title.
///
/// Anyone may call it, signed in or not. The committee sees every
/// resource. A signed-in member sees the public ones and, for each cycle
/// where they have a published match (active, completed or ended early),
/// the global resources and that cycle's whose audience is `both` or their
/// role in that match. An anonymous visitor sees only public ones. Filter
/// by `cycle_id` (that cycle's own resources), `kind` and `audience`.
#[utoipa::path(tag = "resources",
    params(PageParams, ResourceQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of resources", body = Page<ResourceDto>),
    ))]
#[get("/resources")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    query: web::Query<ResourceQuery>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let actor = user.actor();
    let (rows, total) = resources::list(&state.db, actor.as_ref(), (&*query).into(), page).await?;
    let items = rows.into_iter().map(ResourceDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// The resources meant for you as a matched participant.
///
/// Any signed-in member: for each cycle where you have a published match
/// (active, completed or ended early), the global resources and that
/// cycle's whose audience is `both` or your role in that match, by position
/// then title. Public resources meant for no one in particular are not
/// included (`GET /resources` lists them); with no published match the list
/// is empty. Same filters as `GET /resources`.
#[utoipa::path(tag = "resources",
    params(PageParams, ResourceQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of your resources", body = Page<ResourceDto>),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/resources")]
pub async fn mine(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    query: web::Query<ResourceQuery>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (rows, total) = resources::mine(&state.db, &user.actor(), (&*query).into(), page).await?;
    let items = rows.into_iter().map(ResourceDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Read a resource.
///
/// Anyone may call it, signed in or not, for a resource they may see (the
/// same rule as `GET /resources`); any other resource is a 404, whether or
/// not it exists.
#[utoipa::path(tag = "resources",
    params(("id" = Uuid, Path, description = "Resource id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The resource", body = ResourceDto),
        (status = 404, response = NotFound),
    ))]
#[get("/resources/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let r = resources::get(&state.db, user.actor().as_ref(), *id).await?;
    Ok(HttpResponse::Ok().json(ResourceDto::from(r)))
}
