//! Changing a cycle's questions (committee).
use actix_web::{HttpResponse, delete, patch, post, web};
use uuid::Uuid;

use super::dto::{QuestionDto, QuestionPatch, QuestionRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::api::{created, valid};
use crate::service::questions;
use crate::state::AppState;

/// Add a question to the cycle's application or evaluation form (committee).
///
/// `form` picks the form: `application` (default) or `evaluation`. Once the
/// cycle has answers to that form (applications, or evaluations), a new
/// question must be optional: the earlier applicants or evaluators never
/// saw it (409 otherwise). Without `position` it goes after the last
/// question of its form. Choice questions need two or more
/// distinct options, other kinds none (422).
#[utoipa::path(tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = QuestionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Question added", body = QuestionDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles/{id}/questions")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<QuestionRequest>,
) -> ApiResult<HttpResponse> {
    let new = valid(body)?.into();
    let q = questions::create(&state.db, &user.actor(), *id, new).await?;
    Ok(created(
        format!("/api/v1/cycles/{}/questions/{}", q.cycle_id, q.id),
        QuestionDto::from(q),
    ))
}

/// Change a question (committee).
///
/// Omitted fields stay. Once the cycle has answers to the question's form
/// (applications, or evaluations for an evaluation question), a change that
/// would invalidate stored answers is a 409: changing the kind, removing an
/// option, making it required or narrowing the audience. Retire the
/// question and add a new one instead.
#[utoipa::path(tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), ("qid" = Uuid, Path, description = "Question id")),
    request_body = QuestionPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed question", body = QuestionDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/cycles/{id}/questions/{qid}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<QuestionPatch>,
) -> ApiResult<HttpResponse> {
    let changes = valid(body)?.into();
    let (cycle_id, qid) = path.into_inner();
    let q = questions::update(&state.db, &user.actor(), cycle_id, qid, changes).await?;
    Ok(HttpResponse::Ok().json(QuestionDto::from(q)))
}

/// Delete a question (committee), while nobody has answered its form.
///
/// Once the cycle has applications (evaluations, for an evaluation
/// question) the question may hold answers, so
/// deleting it is a 409: retire it instead (`"retired": true`).
#[utoipa::path(tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), ("qid" = Uuid, Path, description = "Question id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/cycles/{id}/questions/{qid}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (cycle_id, qid) = path.into_inner();
    questions::delete(&state.db, &user.actor(), cycle_id, qid).await?;
    Ok(HttpResponse::NoContent().finish())
}
