//! Reading cycles: the list, the current one, one by id.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{CycleDto, CycleListFilter};
use crate::api::error::ApiResult;
use crate::api::extract::MaybeAuthUser;
use crate::api::pagination::{Page, PageParams, SortOrder, SortParams};
use crate::api::responses::{BadRequest, NotFound, Unprocessable};
use crate::service::cycles;
use crate::state::AppState;

/// List cycles.
///
/// Anyone may call it, signed in or not. Anonymous callers and members see
/// every cycle but drafts; the committee sees drafts too. Filter by
/// `status`. Sort by `name`, `applications_open_at` (default, newest first),
/// `created_at`, `status` (alphabetical); an unknown sort field is a 422.
#[utoipa::path(tag = "cycles",
    params(PageParams, SortParams, CycleListFilter),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of cycles", body = Page<CycleDto>),
        (status = 400, response = BadRequest),
        (status = 422, response = Unprocessable),
    ))]
#[get("/cycles")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    sorting: web::Query<SortParams>,
    filter: web::Query<CycleListFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let sort = sorting.sort_by(
        cycles::SORT_FIELDS,
        ("applications_open_at", SortOrder::Desc),
    )?;
    let actor = user.actor();
    let (rows, total) = cycles::list(&state.db, actor.as_ref(), filter.status, sort, page).await?;
    Ok(Page::new(rows.into_iter().map(CycleDto::from).collect(), page, total).respond(&req))
}

/// The cycle open for applications, else the active one.
///
/// Anyone may call it, signed in or not: it is what the website shows as
/// "the program now". At most one cycle is open at a time; when none is, the
/// active cycle whose applications opened last is returned. 404 when no cycle is open
/// or active.
#[utoipa::path(tag = "cycles",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The current cycle", body = CycleDto),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/current")]
pub async fn current(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(CycleDto::from(
        cycles::current(&state.db, state.local_reads.as_ref()).await?,
    )))
}

/// Read a cycle.
///
/// Anyone may read a cycle that is not a draft, signed in or not. Drafts are
/// 404 to everyone but the committee.
#[utoipa::path(tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The cycle", body = CycleDto),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let cycle = cycles::get(&state.db, user.actor().as_ref(), *id).await?;
    Ok(HttpResponse::Ok().json(CycleDto::from(cycle)))
}
