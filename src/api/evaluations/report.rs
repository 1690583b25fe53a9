//! The cycle's report (committee and public) and the testimonials.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{ReportDto, TestimonialDto, TestimonialQuery};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Forbidden, NotFound};
use crate::service::evaluations;
use crate::state::AppState;

/// The cycle's evaluation report (committee).
///
/// Response rates by role; the share of pairs planning to keep in touch;
/// of mentors who would mentor again; of mentees who would come back (and
/// as mentors); the rating distributions; meetings logged against the
/// cycle's expectation; matches that ended early and why. Every figure
/// carries its numerator and denominator, and `definitions` states how
/// each is counted.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = ReportDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/report")]
pub async fn committee_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let report = evaluations::report(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(ReportDto::new(report, false, state.report_min_group)))
}

/// The cycle's public report (anyone).
///
/// The committee's figures, aggregated: any figure whose group is smaller
/// than `min_group` (`REPORT_MIN_GROUP`, default 5) is null and marked
/// `suppressed`; no free text and no reasons for ending early. Approved
/// quotes are at `GET /testimonials`. A draft cycle is a 404.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Cycle id")),
    responses(
        (status = 200, description = "The public report", body = ReportDto),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/report/public")]
pub async fn public_report(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let report = evaluations::public_report(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(ReportDto::new(report, true, state.report_min_group)))
}

/// Testimonials (anyone).
///
/// Quotes from evaluations whose authors consented to publishing them and
/// that the committee approved, as approved (perhaps shortened or
/// redacted), in the committee's order; the author's name only when they
/// consented to it, otherwise their role alone. Filter by `cycle_id` and
/// `role`.
#[utoipa::path(tag = "evaluations",
    params(PageParams, TestimonialQuery),
    responses(
        (status = 200, description = "A page of testimonials", body = Page<TestimonialDto>),
    ))]
#[get("/testimonials")]
pub async fn testimonials(
    state: web::Data<AppState>,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    query: web::Query<TestimonialQuery>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let all = evaluations::testimonials(&state.db, query.cycle_id, query.role).await?;
    let items = all.into_iter().map(TestimonialDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}

/// The cycles' reports side by side (committee).
///
/// One committee report per cycle (drafts left out), oldest first, so the
/// figures compare across years.
#[utoipa::path(tag = "evaluations",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of cycle reports, oldest first", body = Page<ReportDto>),
        (status = 403, response = Forbidden),
    ))]
#[get("/reports/trends")]
pub async fn trends(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (reports, total) = evaluations::trends(&state.db, &user.actor(), page).await?;
    let items = reports
        .into_iter()
        .map(|r| ReportDto::new(r, false, state.report_min_group))
        .collect();
    Ok(Page::new(items, page, total).respond(&req))
}
