//! `/cycles/{id}/questions` and `/cycles/{id}/form`: each cycle's own form.
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{created, valid};
use crate::api::error::{ApiResult, Problem};
use crate::api::json::Json;
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::domain::question::{Audience, QuestionKind};
use crate::service::cycles;
use crate::state::AppState;
use crate::store::questions::{self, Question, QuestionFields};

/// One of the cycle's own questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    #[schema(example = "Do you prefer to be matched on career alignment or identity?")]
    pub prompt: String,
    pub kind: QuestionKind,
    /// The choices of single and multi choice questions.
    pub options: Vec<String>,
    pub required: bool,
    pub audience: Audience,
    /// Order on the form, ascending.
    pub position: i32,
    /// Retired questions are no longer shown to new applicants.
    pub retired: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Question> for QuestionDto {
    fn from(q: Question) -> Self {
        let rule = questions::rule_of(&q);
        Self {
            id: q.id,
            cycle_id: q.cycle_id,
            prompt: q.prompt,
            kind: rule.kind,
            options: rule.options,
            required: q.required,
            audience: rule.audience,
            position: q.position,
            retired: q.retired,
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"prompt": "Would you prefer a match on career alignment or on identity?", "kind": "single_choice", "options": ["career alignment", "identity", "no preference"], "required": true, "audience": "both"}))]
pub struct QuestionRequest {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub prompt: String,
    pub kind: QuestionKind,
    /// Two or more distinct choices for single and multi choice; none otherwise.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
    /// Default `both`.
    #[serde(default = "both")]
    pub audience: Audience,
    /// Default: after the last question.
    #[validate(range(min = 0, max = 10000))]
    pub position: Option<i32>,
    #[serde(default)]
    pub retired: bool,
}

fn both() -> Audience {
    Audience::Both
}

/// Changes to a question; omitted fields stay. Once the cycle has
/// applications, only changes that keep stored answers valid are allowed:
/// wording, order, added options, retiring, making it optional, widening
/// the audience.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"retired": true}))]
pub struct QuestionPatch {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub prompt: Option<String>,
    pub kind: Option<QuestionKind>,
    #[validate(length(max = 50))]
    pub options: Option<Vec<String>>,
    pub required: Option<bool>,
    pub audience: Option<Audience>,
    #[validate(range(min = 0, max = 10000))]
    pub position: Option<i32>,
    pub retired: Option<bool>,
}

type CyclePath = web::Path<Uuid>;
type QuestionPath = web::Path<(Uuid, Uuid)>;

/// The cycle's questions in form order. The committee also sees retired ones.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/questions", tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The questions", body = Vec<QuestionDto>),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: CyclePath,
) -> ApiResult<HttpResponse> {
    let cycle = cycles::get_visible(&state.db, *id, user.is_committee()).await?;
    let rows = questions::list(&state.db, cycle.id, user.is_committee()).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(QuestionDto::from).collect::<Vec<_>>()))
}

/// Add a question to the cycle's form (committee).
///
/// Once the cycle has applications, a new question must be optional: the
/// earlier applicants never saw it.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/questions", tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = QuestionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Question added", body = QuestionDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A required question, once the cycle has applications", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or options", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: CyclePath,
    body: Json<QuestionRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let cycle = cycles::get_visible(&state.db, *id, true).await?;
    let fields = QuestionFields {
        prompt: b.prompt,
        kind: b.kind,
        options: b.options.into_iter().map(|o| o.trim().to_owned()).collect(),
        required: b.required,
        audience: b.audience,
        position: b.position,
        retired: b.retired,
    };
    let q = questions::create(&state.db, cycle.id, fields).await?;
    Ok(created(
        format!("/api/v1/cycles/{}/questions/{}", cycle.id, q.id),
        QuestionDto::from(q),
    ))
}

/// Change a question (committee).
#[utoipa::path(patch, path = "/api/v1/cycles/{id}/questions/{qid}", tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), ("qid" = Uuid, Path, description = "Question id")),
    request_body = QuestionPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed question", body = QuestionDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The change would invalidate stored answers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or options", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    path: QuestionPath,
    body: Json<QuestionPatch>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let (cycle_id, qid) = path.into_inner();
    let current = questions::get(&state.db, cycle_id, qid).await?;
    let rule = questions::rule_of(&current);
    let fields = QuestionFields {
        prompt: b.prompt.unwrap_or_else(|| current.prompt.clone()),
        kind: b.kind.unwrap_or(rule.kind),
        options: b
            .options
            .map(|o| o.into_iter().map(|s| s.trim().to_owned()).collect())
            .unwrap_or(rule.options),
        required: b.required.unwrap_or(current.required),
        audience: b.audience.unwrap_or(rule.audience),
        position: b.position,
        retired: b.retired.unwrap_or(current.retired),
    };
    let q = questions::update(&state.db, current, fields).await?;
    Ok(HttpResponse::Ok().json(QuestionDto::from(q)))
}

/// Delete a question (committee), while the cycle has no applications.
#[utoipa::path(delete, path = "/api/v1/cycles/{id}/questions/{qid}", tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), ("qid" = Uuid, Path, description = "Question id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cycle has applications: retire the question instead", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: QuestionPath,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let (cycle_id, qid) = path.into_inner();
    let current = questions::get(&state.db, cycle_id, qid).await?;
    questions::delete(&state.db, current).await?;
    Ok(HttpResponse::NoContent().finish())
}
