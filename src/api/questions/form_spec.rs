//! `GET /cycles/{id}/form?role=`: everything a front end needs to render
//! the application form for one role.
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::QuestionDto;
use crate::api::applications::RoleQuery;
use crate::api::error::ApiResult;
use crate::api::extract::MaybeAuthUser;
use crate::api::responses::{BadRequest, NotFound};
use crate::domain::application::{
    ApplicationRole, CareerStage, LibrarySchool, LibraryType, MatchingPreference, MeetingMode,
};
use crate::domain::question::QuestionForm;
use crate::service::questions;
use crate::state::AppState;

/// How a form shows a standard field: `text` is one line, `long_text` a
/// paragraph, `choice` one of `options`, `multi_choice` several of them,
/// `tags` free words, `integer` a number between `min` and `max`.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Choice,
    MultiChoice,
    Tags,
    Integer,
    Boolean,
}

/// One standard field of the form.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldSpec {
    /// The JSON field name in the application body.
    #[schema(example = "library_types")]
    pub name: &'static str,
    /// A label to show the applicant.
    #[schema(example = "Library types")]
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// The allowed values of `choice` and `multi_choice` fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<&'static str>>,
    /// Smallest allowed value of an `integer` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest allowed value of an `integer` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Most characters in a text value (in each tag, for `tags`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Most items in a list (`multi_choice`, `tags`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// The value used when the field is left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
}

/// The form for one role of one cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormSpec {
    pub cycle_id: Uuid,
    pub role: ApplicationRole,
    /// The built-in fields for this role, with their limits (the same rules
    /// the server checks).
    pub standard_fields: Vec<FieldSpec>,
    /// The cycle's own questions for this role, in order; retired ones omitted.
    pub questions: Vec<QuestionDto>,
}

pub fn field(
    name: &'static str,
    label: &'static str,
    kind: FieldKind,
    required: bool,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        kind,
        required,
        options: None,
        min: None,
        max: None,
        max_length: None,
        max_items: None,
        default: None,
    }
}

fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Option<Vec<&'static str>> {
    Some(all.iter().map(|v| f(*v)).collect())
}

/// The standard fields for `role`, with their allowed values and limits
/// (the same as the application's validation rules).
pub fn standard_fields(role: ApplicationRole) -> Vec<FieldSpec> {
    let text = |name, label, required, max| FieldSpec {
        max_length: Some(max),
        ..field(name, label, FieldKind::Text, required)
    };
    let long = |name, label, required| FieldSpec {
        max_length: Some(5000),
        ..field(name, label, FieldKind::LongText, required)
    };
    let mut fields = vec![
        FieldSpec {
            options: names(LibraryType::ALL, LibraryType::as_str),
            max_items: Some(10),
            ..field(
                "library_types",
                "Library types",
                FieldKind::MultiChoice,
                true,
            )
        },
        FieldSpec {
            max_items: Some(20),
            max_length: Some(50),
            ..field("interests", "Areas of interest", FieldKind::Tags, false)
        },
        FieldSpec {
            options: names(CareerStage::ALL, CareerStage::as_str),
            ..field("career_stage", "Career stage", FieldKind::Choice, true)
        },
        text("region", "Region of Washington", true, 100),
        FieldSpec {
            options: names(MeetingMode::ALL, MeetingMode::as_str),
            max_items: Some(2),
            ..field(
                "meeting_modes",
                "Acceptable meeting modes",
                FieldKind::MultiChoice,
                true,
            )
        },
        text("availability", "Availability", false, 1000),
        FieldSpec {
            options: names(MatchingPreference::ALL, MatchingPreference::as_str),
            ..field(
                "matching_preference",
                "Match me on",
                FieldKind::Choice,
                true,
            )
        },
        FieldSpec {
            max_items: Some(20),
            max_length: Some(50),
            ..field(
                "identity_tags",
                "Identity (optional, private to you and the committee)",
                FieldKind::Tags,
                false,
            )
        },
        FieldSpec {
            default: Some(false.into()),
            ..field(
                "identity_consent",
                "Use my identity answers for matching",
                FieldKind::Boolean,
                false,
            )
        },
        text(
            "employer",
            "Employer (for conflict-of-interest checks)",
            false,
            200,
        ),
        text("pronouns", "Pronouns", false, 50),
    ];
    match role {
        ApplicationRole::Mentor => fields.extend([
            text("current_role", "Current role and title", true, 200),
            FieldSpec {
                min: Some(0),
                max: Some(60),
                ..field(
                    "years_experience",
                    "Years of experience",
                    FieldKind::Integer,
                    true,
                )
            },
            long("past_experience", "Past work experience", false),
            long(
                "support_approach",
                "How you imagine supporting a mentee",
                true,
            ),
            long("motivation", "Your motivation for mentoring", true),
            FieldSpec {
                min: Some(1),
                max: Some(3),
                default: Some(1.into()),
                ..field(
                    "capacity",
                    "How many mentees you can take",
                    FieldKind::Integer,
                    false,
                )
            },
            FieldSpec {
                options: names(CareerStage::ALL, CareerStage::as_str),
                max_items: Some(5),
                ..field(
                    "mentee_stages",
                    "Mentee career stages you would most like to support (optional)",
                    FieldKind::MultiChoice,
                    false,
                )
            },
        ]),
        ApplicationRole::Mentee => fields.extend([
            long("learning_goals", "What you hope to learn", true),
            long("career_goals", "Your library and career goals", true),
            long("motivation", "Why you are interested", true),
            FieldSpec {
                options: names(LibrarySchool::ALL, LibrarySchool::as_str),
                ..field("library_school", "Library school", FieldKind::Choice, true)
            },
        ]),
    }
    fields
}

/// The application form of a cycle for one role.
///
/// Anyone may call it, signed in or not, for a cycle that is not a draft
/// (drafts are 404 except to the committee): the standard fields with
/// their allowed values and limits, and the cycle's own questions for that
/// role, retired ones left out. A front end can render the form from it.
#[utoipa::path(tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), RoleQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The form", body = FormSpec),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/form")]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
    query: web::Query<RoleQuery>,
) -> ApiResult<HttpResponse> {
    let role = query.role;
    let questions = questions::for_form(
        &state.db,
        user.actor().as_ref(),
        *id,
        QuestionForm::Application,
        Some(role),
    )
    .await?
    .into_iter()
    .map(QuestionDto::from)
    .collect();
    Ok(HttpResponse::Ok().json(FormSpec {
        cycle_id: *id,
        role,
        standard_fields: standard_fields(role),
        questions,
    }))
}
