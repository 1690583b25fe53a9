//! Reading workshops: the list and one by id, for anyone, as their
//! audience allows.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{WorkshopDto, WorkshopFilter};
use crate::api::error::ApiResult;
use crate::api::extract::MaybeAuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{BadRequest, NotFound, Unprocessable};
use crate::service::workshops;
use crate::state::AppState;

/// List the workshops you may see, soonest first.
///
/// Anyone may call it, signed in or not. Anonymous visitors see public
/// workshops; members also see members' workshops, those for the cycles
/// they take part in (a published match) and any they are registered for;
/// none of them see drafts. The committee sees every workshop. Filter by
/// `status`. `join_url` is null unless you are registered (or committee).
#[utoipa::path(tag = "workshops",
    params(PageParams, WorkshopFilter),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of workshops", body = Page<WorkshopDto>),
        (status = 400, response = BadRequest),
        (status = 422, response = Unprocessable),
    ))]
#[get("/workshops")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    filter: web::Query<WorkshopFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let actor = user.actor();
    let (rows, total) = workshops::list(&state.db, actor.as_ref(), filter.status, page).await?;
    Ok(Page::new(
        rows.into_iter().map(WorkshopDto::from).collect(),
        page,
        total,
    )
    .respond(&req))
}

/// Read a workshop.
///
/// As its audience allows (see the list); 404 for one you may not see.
/// `my_registration` is your place (with your position on the waitlist);
/// `join_url` is null unless you are registered (or committee).
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The workshop", body = WorkshopDto),
        (status = 404, response = NotFound),
    ))]
#[get("/workshops/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let w = workshops::get(&state.db, user.actor().as_ref(), *id).await?;
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}
