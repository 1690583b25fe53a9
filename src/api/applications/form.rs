//! The application form as a request body, with its rules.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::domain::application::{
    ApplicationRole, CareerStage, LibrarySchool, LibraryType, MatchingPreference, MeetingMode,
};

/// One answer to one of the cycle's own questions. `value` is a string
/// (text, single choice), a list of strings (multi choice), an integer 1-5
/// (scale) or a boolean (yes/no).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Answer {
    pub question_id: Uuid,
    #[schema(value_type = Object)]
    pub value: Value,
}

/// A mentor's or mentee's application: the standard fields for both roles,
/// the fields of the chosen role (the other role's must be absent) and
/// answers to the cycle's own questions.
#[derive(Clone, Debug, Serialize, Deserialize, Validate, ToSchema)]
#[schema(examples(
    json!({
        "role": "mentor", "library_types": ["academic", "public"], "interests": ["instruction", "outreach"],
        "career_stage": "senior", "region": "Puget Sound", "meeting_modes": ["online", "in_person"],
        "availability": "Weekday afternoons", "matching_preference": "career", "identity_tags": [],
        "identity_consent": false, "employer": "University of Washington Libraries", "pronouns": "she/her",
        "current_role": "Instruction Librarian", "years_experience": 12,
        "past_experience": "Reference, then instruction; led a first-year information literacy programme.",
        "support_approach": "Monthly conversations, reviewing applications and cover letters, introductions.",
        "motivation": "I had great mentors and want to pass it on.", "capacity": 2, "answers": []
    }),
    json!({
        "role": "mentee", "library_types": ["academic"], "interests": ["instruction", "outreach"],
        "career_stage": "student", "region": "puget sound", "meeting_modes": ["online"],
        "availability": "Evenings", "matching_preference": "identity", "identity_tags": ["first-generation"],
        "identity_consent": true, "employer": "", "pronouns": "they/them",
        "learning_goals": "What academic instruction work is like day to day.",
        "career_goals": "An instruction librarian position after my MLIS.",
        "motivation": "I am new to the field in Washington.", "library_school": "enrolled", "answers": []
    })
))]
pub struct ApplicationForm {
    /// Committee only: submit on behalf of this member (e.g. a paper form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Uuid>,
    pub role: ApplicationRole,
    /// At least one.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1)]
    pub library_types: Vec<LibraryType>,
    /// Free tags, trimmed and lower-cased; up to 20 of up to 50 characters.
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "short_tags"))]
    #[schema(max_items = 20)]
    pub interests: Vec<String>,
    pub career_stage: CareerStage,
    /// Region of Washington, compared case-insensitively.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Puget Sound")]
    pub region: String,
    /// At least one.
    #[validate(length(min = 1, max = 2))]
    #[schema(min_items = 1)]
    pub meeting_modes: Vec<MeetingMode>,
    #[serde(default)]
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    pub availability: String,
    pub matching_preference: MatchingPreference,
    /// Optional self-description. Private: shown only to the author and the
    /// committee, used for matching only with `identity_consent`.
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "short_tags"))]
    #[schema(max_items = 20)]
    pub identity_tags: Vec<String>,
    /// Consent to use `identity_tags` for matching.
    #[serde(default)]
    pub identity_consent: bool,
    /// For conflict-of-interest checks.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub employer: String,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub pronouns: String,
    /// Mentor: current role and title (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 200))]
    #[schema(max_length = 200)]
    pub current_role: Option<String>,
    /// Mentor: years of experience, 0-60 (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 60))]
    #[schema(minimum = 0, maximum = 60)]
    pub years_experience: Option<i32>,
    /// Mentor: past work experience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub past_experience: Option<String>,
    /// Mentor: how they imagine supporting a mentee (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 5000))]
    #[schema(max_length = 5000)]
    pub support_approach: Option<String>,
    /// Why they are interested (mentee) or want to mentor (mentor).
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub motivation: String,
    /// Mentor: mentees they can take, 1-3 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub capacity: Option<i32>,
    /// Mentee: what they hope to learn (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 5000))]
    #[schema(max_length = 5000)]
    pub learning_goals: Option<String>,
    /// Mentee: library and career goals (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 5000))]
    #[schema(max_length = 5000)]
    pub career_goals: Option<String>,
    /// Mentee: in or considering library school (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_school: Option<LibrarySchool>,
    #[serde(default)]
    #[validate(length(max = 100))]
    pub answers: Vec<Answer>,
}

const MENTOR_ONLY: [&str; 5] = [
    "current_role",
    "years_experience",
    "past_experience",
    "support_approach",
    "capacity",
];
const MENTEE_ONLY: [&str; 3] = ["learning_goals", "career_goals", "library_school"];

fn short_tags(tags: &[String]) -> Result<(), ValidationError> {
    if tags.iter().any(|t| t.trim().chars().count() > 50) {
        let mut e = ValidationError::new("length");
        e.message = Some("each tag must be at most 50 characters".into());
        return Err(e);
    }
    Ok(())
}

impl ApplicationForm {
    /// The form as it is stored: tags trimmed, lower-cased and unique, enum
    /// lists sorted and unique, text trimmed, a mentor's capacity set.
    pub fn normalized(&self) -> ApplicationForm {
        use crate::domain::application::{normalize_set, normalize_tags};
        let mut f = self.clone();
        f.library_types = normalize_set(&f.library_types);
        f.interests = normalize_tags(&f.interests);
        f.meeting_modes = normalize_set(&f.meeting_modes);
        f.identity_tags = normalize_tags(&f.identity_tags);
        for text in [
            &mut f.region,
            &mut f.availability,
            &mut f.employer,
            &mut f.pronouns,
        ] {
            *text = text.trim().to_owned();
        }
        if f.role == ApplicationRole::Mentor {
            f.capacity = Some(f.capacity.unwrap_or(1));
        }
        f
    }

    /// Fields the chosen role requires but lacks, and fields of the other role.
    fn role_field_errors(&self) -> Vec<(&'static str, &'static str, String)> {
        let present = |name: &str| match name {
            "current_role" => self.current_role.is_some(),
            "years_experience" => self.years_experience.is_some(),
            "past_experience" => self.past_experience.is_some(),
            "support_approach" => self.support_approach.is_some(),
            "capacity" => self.capacity.is_some(),
            "learning_goals" => self.learning_goals.is_some(),
            "career_goals" => self.career_goals.is_some(),
            "library_school" => self.library_school.is_some(),
            _ => false,
        };
        let (required, foreign): (&[&'static str], &[&'static str]) = match self.role {
            ApplicationRole::Mentor => (
                &["current_role", "years_experience", "support_approach"],
                &MENTEE_ONLY,
            ),
            ApplicationRole::Mentee => (
                &["learning_goals", "career_goals", "library_school"],
                &MENTOR_ONLY,
            ),
        };
        let role = self.role.as_str();
        let mut out = Vec::new();
        for f in required.iter().filter(|f| !present(f)) {
            out.push((*f, "required", format!("is required of a {role}")));
        }
        for f in foreign.iter().filter(|f| present(f)) {
            out.push((*f, "not_allowed", format!("is not asked of a {role}")));
        }
        out
    }

    /// Runs every rule; 422 names each failing field.
    pub fn check(&self) -> Result<(), crate::api::error::ApiError> {
        use crate::api::error::{ApiError, FieldError};
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => match ApiError::from(e) {
                ApiError::Validation(v) => v,
                other => return Err(other),
            },
        };
        errors.extend(
            self.role_field_errors()
                .into_iter()
                .map(|(f, c, m)| FieldError::new(f, c, m)),
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}
