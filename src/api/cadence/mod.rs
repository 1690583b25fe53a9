//! `GET /cycles/{id}/cadence`: each published match's meetings against the
//! cycle's expectation (committee), counts only.
mod dto;

use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub use dto::{CadenceDto, CadenceEntryDto, CadenceQuery};

use crate::api::error::{ApiError, ApiResult};
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams, SortParams};
use crate::api::responses::{Forbidden, NotFound, Unprocessable};
use crate::domain::FieldError;
use crate::domain::cadence::check_silent_after_days;
use crate::service::cadence::{self, CadenceFilter};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(cycle_cadence);
}

/// The meeting cadence of a cycle's matches (committee).
///
/// One entry per published match (`active`, `completed`, `ended_early`;
/// filter with `status`): meetings held against the number the cycle
/// expects by today (`meetings_expected` spread evenly over the mentoring
/// period, counted from the match's start), and a `state`: `silent` when
/// nothing was held for `silent_after_days` (default 45, or the server's
/// `CADENCE_SILENT_DAYS`), else `behind` when fewer were held than
/// expected, else `on_track`. A finished match is measured on the day it
/// ended. Counts and dates only: never notes, topics or agreement text.
/// Filter by `state`; sort by `quiet_days` (default, longest silence
/// first), `behind_by`, `meetings_held`, `last_held_on`, `mentor_name`,
/// `mentee_name` or `state`.
#[utoipa::path(tag = "meetings",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams, SortParams, CadenceQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the cycle's matches with their cadence", body = Page<CadenceEntryDto>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ))]
#[get("/cycles/{id}/cadence")]
pub async fn cycle_cadence(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
    sorting: web::Query<SortParams>,
    query: web::Query<CadenceQuery>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let sort = sorting.sort_by(cadence::SORT_FIELDS, cadence::DEFAULT_SORT)?;
    let silent_after_days = query
        .silent_after_days
        .map(|d| {
            check_silent_after_days(d).map_err(|m| {
                ApiError::Validation(vec![FieldError::new("silent_after_days", "range", m)])
            })
        })
        .transpose()?
        .unwrap_or(state.cadence_silent_days);
    let filter = CadenceFilter {
        state: query.state,
        status: query.status,
        silent_after_days,
    };
    let entries = cadence::for_cycle(
        &state.db,
        &user.actor(),
        *id,
        filter,
        sort,
        cadence::today(),
    )
    .await?;
    let items = entries.into_iter().map(CadenceEntryDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}
