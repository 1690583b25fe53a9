//! Applying, reading, editing and withdrawing.
use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::dto::{ApplicationDto, ApplicationPatch, RoleQuery};
use super::form::ApplicationForm;
use super::{check_form, check_membership, dto_for, members_by_id, to_dto, visible};
use crate::api::created;
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::{Json, from_value};
use crate::api::pagination::{Page, PageParams};
use crate::auth::AuthUser;
use crate::domain::cycle::CycleStatus;
use crate::service::cycles;
use crate::state::AppState;
use crate::store::applications::{self, status_of};
use crate::store::members;

/// Apply to a cycle as a mentor or mentee.
///
/// Members apply while the cycle is open, once per cycle whatever the role,
/// and only with an active WLA membership. The committee may submit for a
/// member (`member_id`, e.g. from a paper form) at any status but archived.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/applications", tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = ApplicationForm,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Application submitted", body = ApplicationDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Membership not active, or member_id without committee rights", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open for applications, or already applied", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or answers", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn apply(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    let form: ApplicationForm = parse_body(body.into_inner())?;
    let cycle = cycles::get_visible(&state.db, *id, user.is_committee()).await?;
    let status = cycle.status;
    let member = match form.member_id {
        Some(member_id) if member_id != user.id => {
            user.require_committee()?;
            if status == CycleStatus::Archived {
                return Err(ApiError::Conflict(
                    "the cycle is archived and takes no applications".into(),
                ));
            }
            members::find(&state.db, member_id)
                .await
                .map_err(crate::service::ServiceError::from)?
                .ok_or_else(|| {
                    ApiError::invalid("member_id", "not_found", "no member has this id")
                })?
        }
        _ => {
            if status != CycleStatus::Open {
                return Err(ApiError::Conflict(format!(
                    "applications are not open: the cycle is {}",
                    status.as_str()
                )));
            }
            members::get(&state.db, user.id)
                .await
                .map_err(crate::service::ServiceError::from)?
        }
    };
    check_membership(&member, member.id == user.id)?;
    check_form(&state, cycle.id, &form, &HashSet::new()).await?;
    let app = applications::create(&state.db, cycle.id, member.id, user.id, &form).await?;
    let location = format!("/api/v1/applications/{}", app.id);
    Ok(created(location, to_dto(app, &member, user.is_committee())))
}

/// Read an application (its author or the committee).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application", body = ApplicationDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let app = visible(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(dto_for(&state, app, &user).await?))
}

/// Edit an application.
///
/// The author edits while the cycle is open; the committee at any time,
/// and each committee change is recorded in the audit trail.
#[utoipa::path(patch, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = ApplicationPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated application", body = ApplicationDto),
        (status = 400, description = "Unknown fields or malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cycle is no longer open, or the application is withdrawn or matched", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or answers", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    let app = visible(&state, &user, *id).await?;
    let patch: ApplicationPatch = parse_body(body.into_inner())?;
    if !user.is_committee() {
        let cycle = cycles::get_visible(&state.db, app.cycle_id, false).await?;
        let status = cycle.status;
        if status != CycleStatus::Open {
            return Err(ApiError::Conflict(format!(
                "applications can only be edited while the cycle is open; it is {}",
                status.as_str()
            )));
        }
        if !status_of(&app).author_may_edit() {
            return Err(ApiError::Conflict(format!(
                "a {} application cannot be edited",
                status_of(&app).as_str()
            )));
        }
    }
    let stored = applications::form_of(&app);
    if patch.role.is_some_and(|r| r != stored.role) {
        return Err(ApiError::invalid(
            "role",
            "immutable",
            "cannot change once submitted (one application per member per cycle)",
        ));
    }
    let (form, changed) = merge(&stored, &patch)?;
    let kept = stored.answers.iter().map(|a| a.question_id).collect();
    check_form(&state, app.cycle_id, &form, &kept).await?;
    let updated = applications::update(&state.db, app, &form, user.id, &changed).await?;
    Ok(HttpResponse::Ok().json(dto_for(&state, updated, &user).await?))
}

/// A body as sent. An unknown field (in an edit: a typo, or one nobody may
/// edit, such as `status`) is a malformed request, 400; a wrong value is a
/// 422 naming the field, whose message leaves the value out, as it may be
/// private (an identity tag sent as a string).
fn parse_body<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> ApiResult<T> {
    from_value(body).map_err(|e| {
        if e.is_unknown_field() {
            ApiError::BadRequest(e.message)
        } else {
            e.into()
        }
    })
}

/// Overlays `patch` on the stored form; returns the result and the names of
/// the fields whose values changed.
fn merge(
    stored: &ApplicationForm,
    patch: &ApplicationPatch,
) -> ApiResult<(ApplicationForm, Vec<String>)> {
    let mut base = serde_json::to_value(stored).map_err(anyhow::Error::from)?;
    let overlay = serde_json::to_value(patch).map_err(anyhow::Error::from)?;
    if let (Some(base), Some(overlay)) = (base.as_object_mut(), overlay.as_object()) {
        for (key, value) in overlay {
            base.insert(key.clone(), value.clone());
        }
    }
    let form: ApplicationForm = from_value(base)?;
    // A field changed if its stored form differs: re-sending the same tags
    // in another case or order is no change for the audit trail.
    let before = serde_json::to_value(stored.normalized()).map_err(anyhow::Error::from)?;
    let after = serde_json::to_value(form.normalized()).map_err(anyhow::Error::from)?;
    let mut changed: Vec<String> = overlay
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| before.get(k.as_str()) != after.get(k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    changed.sort();
    Ok((form, changed))
}

/// Withdraw an application (its author or the committee), any time before
/// a match is published.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationDto),
        (status = 404, description = "No such application of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn, or matched", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let app = visible(&state, &user, *id).await?;
    let to = status_of(&app).withdraw().map_err(ApiError::Conflict)?;
    let updated =
        applications::change_status(&state.db, &app, to, user.id, "withdrawn", None).await?;
    Ok(HttpResponse::Ok().json(dto_for(&state, updated, &user).await?))
}

/// Your applications, newest first.
#[utoipa::path(get, path = "/api/v1/me/applications", tag = "applications",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of your applications", body = Page<ApplicationDto>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_mine(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request()?;
    let rows = applications::for_member(&state.db, user.id).await?;
    let total = rows.len() as u64;
    let names = members_by_id(&state, std::iter::once(user.id)).await?;
    let me = names
        .get(&user.id)
        .ok_or_else(|| ApiError::not_found("member"))?;
    let items = rows
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|a| to_dto(a, me, user.is_committee()))
        .collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Your latest application in `role`, as a form to start a new one from.
///
/// Answers to the old cycle's own questions are left out.
#[utoipa::path(get, path = "/api/v1/me/applications/latest", tag = "applications",
    params(RoleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A prefill for the form", body = ApplicationForm),
        (status = 400, description = "role missing or not mentor/mentee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "You have no application in that role", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn latest(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<RoleQuery>,
) -> ApiResult<HttpResponse> {
    let rows = applications::for_member(&state.db, user.id).await?;
    let app = rows
        .into_iter()
        .find(|a| applications::role_of(a) == query.role)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "you have no earlier {} application",
                query.role.as_str()
            ))
        })?;
    let mut form = applications::form_of(&app);
    form.answers.clear();
    Ok(HttpResponse::Ok().json(form))
}
