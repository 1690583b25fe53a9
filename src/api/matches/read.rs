//! Reading matches (committee): a cycle's list, one match, its events.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{MatchDto, MatchEventDto, MatchFilter};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams, SortOrder, SortParams};
use crate::api::responses::{Forbidden, NotFound};
use crate::service::matches;
use crate::state::AppState;

/// A cycle's matches (committee).
///
/// Every match of the cycle in any status; filter by `status`. Sort by
/// `created_at` (default, oldest first), `score`, `status` or
/// `updated_at`; an unknown sort is a 422.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams, SortParams, MatchFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of matches", body = Page<MatchDto>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/matches")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
    sorting: web::Query<SortParams>,
    filter: web::Query<MatchFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let sort = sorting.sort_by(matches::SORT_FIELDS, ("created_at", SortOrder::Asc))?;
    let actor = user.actor();
    let (rows, total) = matches::list(
        &state.db,
        state.local_reads.as_ref(),
        &actor,
        *id,
        filter.status,
        sort,
        page,
    )
    .await?;
    Ok(Page::new(rows.into_iter().map(MatchDto::from).collect(), page, total).respond(&req))
}

/// Read a match (committee).
///
/// Any status, with the full score breakdown and the committee's note.
/// Members see their own published matches at `GET /me/matches`.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match", body = MatchDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/matches/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = matches::get(&state.db, state.local_reads.as_ref(), &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(m)))
}

/// Every committee action on a match, oldest first (committee).
///
/// Proposing, notes, approval, cancellation, publishing, completion,
/// ending early and extension, each with who did it and when.
#[utoipa::path(tag = "matches",
    params(("id" = Uuid, Path, description = "Match id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the audit trail", body = Page<MatchEventDto>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/matches/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let rows = matches::events(&state.db, &user.actor(), *id).await?;
    let items = rows.into_iter().map(MatchEventDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}
