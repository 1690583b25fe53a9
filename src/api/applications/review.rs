//! The committee's side: review, the filtered list, dashboard counts and
//! the audit trail.
use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::dto::{
    ApplicationDto, ApplicationFilter, ApplicationSummary, AuditEntry, ReviewRequest,
};
use super::{dto_for, members_by_id, to_dto, visible};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::Json;
use crate::api::pagination::{Page, PageParams, SortOrder};
use crate::api::valid;
use crate::auth::AuthUser;
use crate::domain::application::{ApplicationRole, ApplicationStatus};
use crate::service::cycles;
use crate::state::AppState;
use crate::store::applications::{self, Application, form_of, role_of, status_of};
use crate::store::members::Member;

/// Review an application (committee): accept, waitlist or decline, with a
/// note only the committee sees.
#[utoipa::path(post, path = "/api/v1/applications/{id}/review", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = ReviewRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reviewed", body = ApplicationDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn or matched applications cannot be reviewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid decision or note", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let app = visible(&state, &user, *id).await?;
    let to = status_of(&app)
        .review(b.decision)
        .map_err(ApiError::Conflict)?;
    let note = b.note.trim().to_owned();
    let updated =
        applications::change_status(&state.db, &app, to, user.id, "reviewed", Some(note)).await?;
    Ok(HttpResponse::Ok().json(dto_for(&state, updated, &user).await?))
}

/// Sortable fields of the committee list.
const SORT_FIELDS: &[&str] = &[
    "created_at",
    "updated_at",
    "member_name",
    "status",
    "role",
    "region",
];

/// A cycle's applications (committee), filtered and sorted.
///
/// Sort by `created_at` (default), `updated_at`, `member_name`, `status`,
/// `role` or `region`. `q` matches every word against names, email,
/// interests, region, employer and the free-text answers.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/applications", tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams, ApplicationFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of applications", body = Page<ApplicationDto>),
        (status = 400, description = "Malformed filter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging or sort", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
    filter: web::Query<ApplicationFilter>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let page = paging.page_request()?;
    let (sort, order) = paging.sort_by(SORT_FIELDS, ("created_at", SortOrder::Asc))?;
    let cycle = cycles::get_visible(&state.db, *id, true).await?;
    let rows = applications::for_cycle(&state.db, cycle.id).await?;
    let names = members_by_id(&state, rows.iter().map(|a| a.member_id)).await?;
    let mut rows: Vec<(Application, &Member)> = rows
        .into_iter()
        .filter_map(|a| names.get(&a.member_id).map(|m| (a, m)))
        .filter(|(a, m)| matches(a, m, &filter))
        .collect();
    rows.sort_by(|(a, ma), (b, mb)| {
        let ord = match sort {
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "member_name" => ma
                .full_name
                .to_lowercase()
                .cmp(&mb.full_name.to_lowercase()),
            "status" => a.status.cmp(&b.status),
            "role" => a.role.cmp(&b.role),
            "region" => a.region.to_lowercase().cmp(&b.region.to_lowercase()),
            _ => a.created_at.cmp(&b.created_at),
        };
        // Ties are broken by id inside the direction, so `-field` is the
        // exact reverse of `field`.
        let ord = ord.then(a.id.cmp(&b.id));
        if order == SortOrder::Desc {
            ord.reverse()
        } else {
            ord
        }
    });
    let total = rows.len() as u64;
    let items: Vec<ApplicationDto> = rows
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|(a, m)| to_dto(a, m, true))
        .collect();
    Ok(Page::new(items, page, total).respond(&req))
}

fn matches(app: &Application, member: &Member, f: &ApplicationFilter) -> bool {
    let form = form_of(app);
    f.role.is_none_or(|r| r == form.role)
        && f.status.is_none_or(|s| s == status_of(app))
        && f.library_type
            .is_none_or(|l| form.library_types.contains(&l))
        && f.career_stage.is_none_or(|c| c == form.career_stage)
        && f.matching_preference
            .is_none_or(|p| p == form.matching_preference)
        && f.region
            .as_deref()
            .is_none_or(|r| r.trim().eq_ignore_ascii_case(form.region.trim()))
        && f.q.as_deref().is_none_or(|q| {
            let haystack = searchable_text(app, member).to_lowercase();
            q.split_whitespace()
                .all(|word| haystack.contains(&word.to_lowercase()))
        })
}

/// Names and free text an application is found by. Identity tags are left
/// out, so a search cannot be used to pick people out by identity.
fn searchable_text(app: &Application, member: &Member) -> String {
    let form = form_of(app);
    let mut parts = vec![
        member.full_name.clone(),
        member.email.clone(),
        form.region,
        form.employer,
        form.availability,
        form.motivation,
        form.interests.join(" "),
    ];
    parts.extend(
        [
            form.current_role,
            form.past_experience,
            form.support_approach,
            form.learning_goals,
            form.career_goals,
        ]
        .into_iter()
        .flatten(),
    );
    parts.extend(
        form.answers
            .iter()
            .filter_map(|a| a.value.as_str().map(str::to_owned)),
    );
    parts.join("\n")
}

/// Counts per role and status for the committee dashboard.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/applications/summary", tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = ApplicationSummary),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn summary(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let cycle = cycles::get_visible(&state.db, *id, true).await?;
    let rows = applications::for_cycle(&state.db, cycle.id).await?;
    let mut by_role: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for role in ApplicationRole::ALL {
        let counts = ApplicationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), 0))
            .collect();
        by_role.insert(role.as_str().to_owned(), counts);
    }
    let mut capacity = 0u64;
    for a in &rows {
        if let Some(n) = by_role
            .get_mut(role_of(a).as_str())
            .and_then(|m| m.get_mut(status_of(a).as_str()))
        {
            *n += 1;
        }
        if role_of(a) == ApplicationRole::Mentor && status_of(a).is_matchable() {
            capacity += a.capacity.unwrap_or(1).max(0) as u64;
        }
    }
    Ok(HttpResponse::Ok().json(ApplicationSummary {
        cycle_id: cycle.id,
        total: rows.len() as u64,
        by_role,
        accepted_mentor_capacity: capacity,
    }))
}

/// Who changed an application, when, and which fields (committee).
#[utoipa::path(get, path = "/api/v1/applications/{id}/audit", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The audit trail, oldest first", body = Vec<AuditEntry>),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn audit(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let app = visible(&state, &user, *id).await?;
    let rows = applications::audit_trail(&state.db, app.id).await?;
    let entries: Vec<AuditEntry> = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            actor_id: r.actor_id,
            action: r.action,
            fields: serde_json::from_value(r.fields).unwrap_or_default(),
            created_at: r.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
