//! Applying, editing and withdrawing.
use actix_web::{HttpResponse, patch, post, web};
use uuid::Uuid;

use super::dto::{ApplicationDto, ApplicationPatch};
use super::form::ApplicationForm;
use crate::api::created;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{
    BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unprocessable,
};
use crate::domain::application::{ApplicationChanges, NewApplication};
use crate::service::applications;
use crate::state::AppState;

/// Apply to a cycle as a mentor or mentee.
///
/// Members apply while the cycle is open, once per cycle whatever the role,
/// and only with an active WLA membership; the applicant is emailed a
/// receipt. The committee may submit for a
/// member (`member_id`, e.g. from a paper form) at any status but archived.
/// 403 when the membership is not active (or has expired), or a member names
/// someone else; 409 when the cycle takes no applications or the member has
/// already applied; 422 naming each invalid field. A draft cycle is 404 to
/// members.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = ApplicationForm,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Application submitted", body = ApplicationDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ApplicationForm>,
) -> ApiResult<HttpResponse> {
    let new: NewApplication = body.into_inner().into();
    let view = applications::apply(&state.db, &user.actor(), *id, new).await?;
    state.outbox.wake();
    let location = format!("/api/v1/applications/{}", view.application.id);
    Ok(created(location, ApplicationDto::from(view)))
}

/// Edit an application.
///
/// The author edits while the cycle is open and the application is neither
/// withdrawn nor matched (else 409); the committee at any time. Every
/// change is recorded in the audit trail with the fields it changed. An
/// unknown field, or one nobody may edit such as `status`, is a 400;
/// changing `role` is a 422. Another member gets 404.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = ApplicationPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated application", body = ApplicationDto),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/applications/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ApplicationPatch>,
) -> ApiResult<HttpResponse> {
    let changes: ApplicationChanges = body.into_inner().into();
    let view = applications::update(&state.db, &user.actor(), *id, changes).await?;
    Ok(HttpResponse::Ok().json(ApplicationDto::from(view)))
}

/// Withdraw an application (its author or the committee).
///
/// Possible in any cycle status until a match of the application is
/// published; its proposed and approved matches are cancelled. 409 when it
/// is already withdrawn or matched (end the match instead). Another member
/// gets 404.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationDto),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let view = applications::withdraw(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(ApplicationDto::from(view)))
}
