//! `/cycles`: the program's yearly cycles and their status machine.
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::pagination::{Page, PageParams, SortOrder};
use super::{created, valid};
use crate::api::json::Json;
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::domain::cycle::{CycleDates, CycleStatus};
use crate::error::{ApiResult, Problem};
use crate::startup::AppState;
use crate::store::cycles::{self, Cycle, CycleChanges, CycleFields};

/// A mentorship cycle ("2024-2025").
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleDto {
    pub id: Uuid,
    #[schema(example = "2024-2025")]
    pub name: String,
    pub description: String,
    pub status: CycleStatus,
    #[schema(example = "2024-09-01T00:00:00Z")]
    pub applications_open_at: DateTime<Utc>,
    #[schema(example = "2024-09-30T23:59:59Z")]
    pub applications_close_at: DateTime<Utc>,
    /// Target date for publishing matches.
    #[schema(example = "2024-10-15")]
    pub match_by: NaiveDate,
    #[schema(example = "2024-10-15")]
    pub mentoring_starts_on: NaiveDate,
    #[schema(example = "2025-04-15")]
    pub mentoring_ends_on: NaiveDate,
    #[schema(example = "2025-05-15")]
    pub evaluation_closes_on: NaiveDate,
    /// Meetings each pair is expected to hold (one a month for six months).
    #[schema(example = 6)]
    pub meetings_expected: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Cycle> for CycleDto {
    fn from(c: Cycle) -> Self {
        Self {
            id: c.id,
            status: cycles::status_of(&c),
            name: c.name,
            description: c.description,
            applications_open_at: c.applications_open_at,
            applications_close_at: c.applications_close_at,
            match_by: c.match_by,
            mentoring_starts_on: c.mentoring_starts_on,
            mentoring_ends_on: c.mentoring_ends_on,
            evaluation_closes_on: c.evaluation_closes_on,
            meetings_expected: c.meetings_expected,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new cycle. Dates must satisfy applications_open_at <
/// applications_close_at ≤ match_by ≤ mentoring_starts_on <
/// mentoring_ends_on ≤ evaluation_closes_on.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "name": "2024-2025",
    "description": "Six months of mentoring for WLA members.",
    "applications_open_at": "2024-09-01T00:00:00Z",
    "applications_close_at": "2024-09-30T23:59:59Z",
    "match_by": "2024-10-15",
    "mentoring_starts_on": "2024-10-15",
    "mentoring_ends_on": "2025-04-15",
    "evaluation_closes_on": "2025-05-15",
    "meetings_expected": 6
}))]
pub struct CreateCycleRequest {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: String,
    pub applications_open_at: DateTime<Utc>,
    pub applications_close_at: DateTime<Utc>,
    pub match_by: NaiveDate,
    pub mentoring_starts_on: NaiveDate,
    pub mentoring_ends_on: NaiveDate,
    pub evaluation_closes_on: NaiveDate,
    /// 1 to 52; default 6.
    #[serde(default = "default_meetings")]
    #[validate(range(min = 1, max = 52))]
    #[schema(minimum = 1, maximum = 52, default = 6)]
    pub meetings_expected: i32,
}

fn default_meetings() -> i32 {
    6
}

/// Changes to a cycle, allowed until mentoring starts. Omitted fields stay.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"applications_close_at": "2024-10-04T23:59:59Z", "match_by": "2024-10-18", "mentoring_starts_on": "2024-10-18"}))]
pub struct UpdateCycleRequest {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub applications_open_at: Option<DateTime<Utc>>,
    pub applications_close_at: Option<DateTime<Utc>>,
    pub match_by: Option<NaiveDate>,
    pub mentoring_starts_on: Option<NaiveDate>,
    pub mentoring_ends_on: Option<NaiveDate>,
    pub evaluation_closes_on: Option<NaiveDate>,
    #[validate(range(min = 1, max = 52))]
    #[schema(minimum = 1, maximum = 52)]
    pub meetings_expected: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"to": "open"}))]
pub struct TransitionRequest {
    pub to: CycleStatus,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CycleListFilter {
    pub status: Option<CycleStatus>,
}

/// List cycles.
///
/// Anonymous callers and members see every cycle but drafts. Sort by
/// `name`, `applications_open_at` (default, newest first), `created_at`,
/// `status`.
#[utoipa::path(get, path = "/api/v1/cycles", tag = "cycles",
    params(PageParams, CycleListFilter),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of cycles", body = Page<CycleDto>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging or sort", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    filter: web::Query<CycleListFilter>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request()?;
    let sort = paging.sort_by(
        cycles::SORT_FIELDS,
        ("applications_open_at", SortOrder::Desc),
    )?;
    let (rows, total) =
        cycles::list(&state.db, filter.status, user.is_committee(), sort, page).await?;
    Ok(Page::new(rows.into_iter().map(CycleDto::from).collect(), page, total).respond(&req))
}

/// Create a cycle as a draft (committee).
#[utoipa::path(post, path = "/api/v1/cycles", tag = "cycles",
    request_body = CreateCycleRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Draft cycle created", body = CycleDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A cycle with that name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or dates out of order", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateCycleRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let cycle = cycles::create(
        &state.db,
        CycleFields {
            name: b.name,
            description: b.description,
            dates: CycleDates {
                applications_open_at: b.applications_open_at,
                applications_close_at: b.applications_close_at,
                match_by: b.match_by,
                mentoring_starts_on: b.mentoring_starts_on,
                mentoring_ends_on: b.mentoring_ends_on,
                evaluation_closes_on: b.evaluation_closes_on,
            },
            meetings_expected: b.meetings_expected,
        },
    )
    .await?;
    Ok(created(
        format!("/api/v1/cycles/{}", cycle.id),
        CycleDto::from(cycle),
    ))
}

/// The cycle open for applications, else the active one.
#[utoipa::path(get, path = "/api/v1/cycles/current", tag = "cycles",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The current cycle", body = CycleDto),
        (status = 404, description = "No cycle is open or active", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn current(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(CycleDto::from(cycles::current(&state.db).await?)))
}

/// Read a cycle. Drafts are 404 except to the committee.
#[utoipa::path(get, path = "/api/v1/cycles/{id}", tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The cycle", body = CycleDto),
        (status = 400, description = "The id is not a UUID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let cycle = cycles::get_visible(&state.db, *id, user.is_committee()).await?;
    Ok(HttpResponse::Ok().json(CycleDto::from(cycle)))
}

/// Edit a cycle (committee), until mentoring starts.
#[utoipa::path(patch, path = "/api/v1/cycles/{id}", tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = UpdateCycleRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated cycle", body = CycleDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cycle can no longer be edited, or the name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or dates out of order", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UpdateCycleRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let changes = CycleChanges {
        name: b.name,
        description: b.description,
        applications_open_at: b.applications_open_at,
        applications_close_at: b.applications_close_at,
        match_by: b.match_by,
        mentoring_starts_on: b.mentoring_starts_on,
        mentoring_ends_on: b.mentoring_ends_on,
        evaluation_closes_on: b.evaluation_closes_on,
        meetings_expected: b.meetings_expected,
    };
    let cycle = cycles::update(&state.db, *id, changes).await?;
    Ok(HttpResponse::Ok().json(CycleDto::from(cycle)))
}

/// Delete a draft cycle (committee).
#[utoipa::path(delete, path = "/api/v1/cycles/{id}", tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Only drafts can be deleted", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    cycles::delete(&state.db, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a cycle to another status (committee).
///
/// `draft → open → matching → active → closed → archived`; an open cycle may
/// return to draft and a cycle in matching may reopen. Only one cycle may be
/// open at a time. An illegal move is 409 naming the allowed ones.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/transition", tag = "cycles",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = TransitionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cycle in its new status", body = CycleDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal transition, or another cycle is open", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transition(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let cycle = cycles::transition(&state.db, *id, body.to).await?;
    Ok(HttpResponse::Ok().json(CycleDto::from(cycle)))
}
