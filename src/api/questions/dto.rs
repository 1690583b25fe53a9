//! Request and response bodies of a cycle's questions.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::question::{
    Audience, NewQuestion, QuestionChanges, QuestionDefinition, QuestionForm, QuestionKind,
};
use crate::service::questions::Question;

/// One of the cycle's own questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    /// The form it is on: `application` or `evaluation`.
    pub form: QuestionForm,
    #[schema(example = "Do you prefer to be matched on career alignment or identity?")]
    pub prompt: String,
    pub kind: QuestionKind,
    /// The choices of single and multi choice questions.
    pub options: Vec<String>,
    /// Whether applicants in the audience must answer it.
    pub required: bool,
    pub audience: Audience,
    /// Order on the form, ascending.
    pub position: i32,
    /// Retired questions are no longer shown to new applicants; answers
    /// already given are kept.
    pub retired: bool,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Question> for QuestionDto {
    fn from(q: Question) -> Self {
        Self {
            id: q.id,
            cycle_id: q.cycle_id,
            form: q.form,
            prompt: q.prompt,
            kind: q.kind,
            options: q.options.0,
            required: q.required,
            audience: q.audience,
            position: q.position,
            retired: q.retired,
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

/// A new question for the cycle's form.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"prompt": "Would you prefer a match on career alignment or on identity?", "kind": "single_choice", "options": ["career alignment", "identity", "no preference"], "required": true, "audience": "both"}))]
pub struct QuestionRequest {
    /// The form it goes on: `application` (default) or `evaluation` (the
    /// end-of-cycle evaluation; its audience is the partners' role in their
    /// match). Cannot change later.
    #[serde(default)]
    pub form: QuestionForm,
    /// The question as applicants read it; stored trimmed.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub prompt: String,
    pub kind: QuestionKind,
    /// Two or more distinct choices for single and multi choice; none otherwise.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub options: Vec<String>,
    /// Whether applicants (evaluators) must answer it; default false. Once
    /// the cycle has applications (evaluations) a new question cannot be
    /// required (409).
    #[serde(default)]
    pub required: bool,
    /// Who is asked: `mentor`, `mentee` or `both` (default).
    #[serde(default = "both")]
    pub audience: Audience,
    /// Order on the form, ascending, 0 to 10000. Default: after the last
    /// question.
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: Option<i32>,
    /// Add it already retired (hidden from applicants); default false.
    #[serde(default)]
    pub retired: bool,
}

/// Which form's questions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormQuery {
    /// `application` (default) or `evaluation`.
    pub form: Option<QuestionForm>,
}

fn both() -> Audience {
    Audience::Both
}

/// Changes to a question; omitted fields stay. Once the cycle has
/// applications (evaluations, for an evaluation question), only changes that keep stored answers valid are allowed:
/// wording, order, added options, retiring, making it optional, widening
/// the audience.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"retired": true}))]
pub struct QuestionPatch {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub prompt: Option<String>,
    /// Cannot change once the cycle has applications (409).
    pub kind: Option<QuestionKind>,
    /// Replaces the whole list. Once the cycle has applications options may
    /// be added but none removed (409).
    #[validate(length(max = 50))]
    pub options: Option<Vec<String>>,
    /// Once the cycle has applications it may become optional, not
    /// required (409).
    pub required: Option<bool>,
    /// Once the cycle has applications it may only widen to `both` (409).
    pub audience: Option<Audience>,
    /// Order on the form, ascending, 0 to 10000.
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: Option<i32>,
    /// Retire (hide from new applicants, keep the answers) or bring back.
    pub retired: Option<bool>,
}

fn trimmed(options: Vec<String>) -> Vec<String> {
    options.into_iter().map(|o| o.trim().to_owned()).collect()
}

impl From<QuestionRequest> for NewQuestion {
    fn from(b: QuestionRequest) -> Self {
        Self {
            form: b.form,
            definition: QuestionDefinition {
                prompt: b.prompt,
                kind: b.kind,
                options: trimmed(b.options),
                required: b.required,
                audience: b.audience,
                retired: b.retired,
            },
            position: b.position,
        }
    }
}

impl From<QuestionPatch> for QuestionChanges {
    fn from(b: QuestionPatch) -> Self {
        Self {
            prompt: b.prompt,
            kind: b.kind,
            options: b.options.map(trimmed),
            required: b.required,
            audience: b.audience,
            position: b.position,
            retired: b.retired,
        }
    }
}
