//! Matching runs (committee): start one, list a cycle's, read one back.
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use uuid::Uuid;

use super::dto::{RunDto, RunSummary, run_body};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::domain::matching::RunParams;
use crate::service::matching;
use crate::state::AppState;

/// Run the matching engine over the cycle's accepted applications (committee).
///
/// Proposes the largest possible number of pairs and, among those, the best
/// total score; mentees who already have a live or completed match and
/// mentors with no free slot are left out (a matched mentor with a slot left
/// takes part; a match that ended early frees both people).
/// Pins: `must_pair` placed first, `never_pair` excluded. The run is stored
/// and can be read back unchanged; it proposes, and makes no match. 409
/// unless the cycle is in `matching`, `active` or `closed`; 422 for
/// weights out of range or an unknown setting.
#[utoipa::path(tag = "matching",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = RunParams,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The stored run", body = RunDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles/{id}/matching-runs")]
pub async fn create_run(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<RunParams>,
) -> ApiResult<HttpResponse> {
    let created = matching::create_run(
        &state.db,
        state.local_reads.as_ref(),
        &state.matching,
        &user.actor(),
        *id,
        body.into_inner(),
    )
    .await?;
    let body = run_body(&created.run, &created.result_json)?;
    let location = format!("/api/v1/matching-runs/{}", created.run.id);
    drop(created);
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .content_type(ContentType::json())
        .body(body);
    // The run's working data and its result are freed by now (the answer
    // is bytes): give the pages back rather than keep them for the next.
    crate::memory::release_freed();
    Ok(response)
}

/// A cycle's matching runs, newest first (committee).
///
/// Each run with its parameters and counts, without its proposals (read one
/// run for those). Paged; no sort or filter.
#[utoipa::path(tag = "matching",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of runs", body = Page<RunSummary>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/matching-runs")]
pub async fn list_runs(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (rows, total) = matching::list_runs(&state.db, &user.actor(), *id, page).await?;
    let items = rows.into_iter().map(RunSummary::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Read a run back, unchanged (committee).
///
/// The parameters and the engine's result exactly as computed, whatever has
/// happened to the applications since; `status` is `accepted` once any of
/// its proposals became matches.
#[utoipa::path(tag = "matching",
    params(("id" = Uuid, Path, description = "Run id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The run", body = RunDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/matching-runs/{id}")]
pub async fn get_run(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let run = matching::get_run(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(RunDto::from(run)))
}
