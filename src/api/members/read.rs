//! Reading the roster (committee): the list and one member.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{MemberDto, MemberListFilter};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams, SortOrder, SortParams};
use crate::api::responses::{Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::service::members;
use crate::state::AppState;

/// List members (committee).
///
/// Committee and admins only (403 otherwise). Filter by `q`, `role` and
/// `membership_status`. Sort by `email`, `full_name` or `created_at`
/// (default `-created_at`, newest first); an unknown sort field is a 422.
#[utoipa::path(tag = "members",
    params(PageParams, SortParams, MemberListFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of members", body = Page<MemberDto>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    ))]
#[get("/members")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    sorting: web::Query<SortParams>,
    filter: web::Query<MemberListFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let sort = sorting.sort_by(members::SORT_FIELDS, ("created_at", SortOrder::Desc))?;
    let filter = filter.into_inner().into();
    let (rows, total) = members::list(
        &state.db,
        state.local_reads.as_ref(),
        &user.actor(),
        filter,
        sort,
        page,
    )
    .await?;
    Ok(Page::new(rows.into_iter().map(MemberDto::from).collect(), page, total).respond(&req))
}

/// Read a member (committee).
///
/// Committee and admins only: anyone else gets 403 (a member reads their own
/// account at `GET /me`).
#[utoipa::path(tag = "members",
    params(("id" = Uuid, Path, description = "Member id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member", body = MemberDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/members/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let member = members::get(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}
