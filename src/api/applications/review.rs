//! The committee's side: review, the filtered list, dashboard counts and
//! the audit trail.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use uuid::Uuid;

use super::dto::{
    ApplicationDto, ApplicationFilter, ApplicationSummary, AuditEntry, ReviewRequest,
};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::pagination::{Page, PageParams, SortOrder, SortParams};
use crate::api::responses::{BadRequest, Conflict, Forbidden, NotFound, Unprocessable};
use crate::api::valid;
use crate::service::applications;
use crate::state::AppState;

/// Review an application (committee).
///
/// Sets the status to the decision (`accepted`, `waitlisted` or `declined`)
/// and stores the note, reviewer and time, which only the committee sees. A
/// decision may be revised; a withdrawn or matched application is settled
/// (409). Only accepted (and matched) applications take part in matching;
/// declining or waitlisting one cancels its proposed and approved matches.
/// The applicant is emailed the decision (once per decision).
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = ReviewRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reviewed", body = ApplicationDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/applications/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    let review = valid(body)?.into();
    let view = applications::review(&state.db, &user.actor(), *id, review).await?;
    state.outbox.wake();
    Ok(HttpResponse::Ok().json(ApplicationDto::from(view)))
}

/// A cycle's applications (committee), filtered and sorted.
///
/// For any cycle, drafts included. Sort by `created_at` (default, oldest
/// first), `updated_at`, `member_name`, `status`, `role` or `region`; an
/// unknown sort field is a 422. Filters combine; `q` matches every word
/// against the member's name and email, interests, region, employer, the
/// free-text fields and text answers (never identity tags).
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams, SortParams, ApplicationFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of applications", body = Page<ApplicationDto>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ))]
#[get("/cycles/{id}/applications")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
    sorting: web::Query<SortParams>,
    filter: web::Query<ApplicationFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let sort = sorting.sort_by(applications::SORT_FIELDS, ("created_at", SortOrder::Asc))?;
    let filter = filter.into_inner().into();
    let (views, total) = applications::list(
        &state.db,
        state.local_reads.as_ref(),
        &user.actor(),
        *id,
        &filter,
        sort,
        page,
    )
    .await?;
    let items = views.into_iter().map(ApplicationDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Counts per role and status for the committee dashboard.
///
/// Committee only, for any cycle including drafts. Every role and status is
/// listed, zeros included, with the mentee places that accepted and matched
/// mentors offer.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = ApplicationSummary),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/applications/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let summary = applications::summary(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(ApplicationSummary::from(summary)))
}

/// Who changed an application, when, and which fields (committee).
///
/// Oldest first: creation, edits, reviews, withdrawal and the publishing of
/// its match. Entries name the fields changed, never their values.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Application id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the audit trail, oldest first", body = Page<AuditEntry>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/audit")]
pub async fn audit(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let rows = applications::audit(&state.db, &user.actor(), *id).await?;
    let entries = rows.into_iter().map(AuditEntry::from).collect();
    Ok(Page::of_all(entries, page).respond(&req))
}
