//! The application form as the program stores it, with its rules, and the
//! inputs that create and change one.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use super::{
    ApplicationRole, CareerStage, LibrarySchool, LibraryType, MatchingPreference, MeetingMode,
    normalize_set, normalize_tags,
};
use crate::domain::FieldError;
use crate::domain::field_error::from_validator;

/// One answer to one of the cycle's own questions, stored as
/// `{"question_id": ..., "value": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question_id: Uuid,
    pub value: Value,
}

/// A mentor's or mentee's application: the standard fields for both roles,
/// the fields of the chosen role and answers to the cycle's own questions.
/// `check` runs its rules; `normalized` is the form as stored.
#[derive(Clone, Debug, PartialEq, Validate)]
pub struct ApplicationForm {
    pub role: ApplicationRole,
    #[validate(length(min = 1, max = 10))]
    pub library_types: Vec<LibraryType>,
    #[validate(length(max = 20), custom(function = "short_tags"))]
    pub interests: Vec<String>,
    pub career_stage: CareerStage,
    #[validate(length(min = 1, max = 100))]
    pub region: String,
    #[validate(length(min = 1, max = 2))]
    pub meeting_modes: Vec<MeetingMode>,
    #[validate(length(max = 1000))]
    pub availability: String,
    pub matching_preference: MatchingPreference,
    #[validate(length(max = 20), custom(function = "short_tags"))]
    pub identity_tags: Vec<String>,
    pub identity_consent: bool,
    #[validate(length(max = 200))]
    pub employer: String,
    #[validate(length(max = 50))]
    pub pronouns: String,
    #[validate(length(min = 1, max = 200))]
    pub current_role: Option<String>,
    #[validate(range(min = 0, max = 60))]
    pub years_experience: Option<i32>,
    #[validate(length(max = 5000))]
    pub past_experience: Option<String>,
    #[validate(length(min = 1, max = 5000))]
    pub support_approach: Option<String>,
    #[validate(length(min = 1, max = 5000))]
    pub motivation: String,
    #[validate(range(min = 1, max = 3))]
    pub capacity: Option<i32>,
    #[validate(length(min = 1, max = 5000))]
    pub learning_goals: Option<String>,
    #[validate(length(min = 1, max = 5000))]
    pub career_goals: Option<String>,
    pub library_school: Option<LibrarySchool>,
    /// Mentor, optional: the mentee career stages they would most like to
    /// support (scored in matching); empty: no preference.
    #[validate(length(max = 5))]
    pub mentee_stages: Vec<CareerStage>,
    #[validate(length(max = 100))]
    pub answers: Vec<Answer>,
}

/// A new application: the form, and the member it is for when the
/// committee submits it on their behalf.
#[derive(Clone, Debug)]
pub struct NewApplication {
    pub member_id: Option<Uuid>,
    pub form: ApplicationForm,
}

/// Every field only a mentor may fill in (`mentee_stages` is optional).
const MENTOR_ONLY_FIELDS: [&str; 6] = [
    "current_role",
    "years_experience",
    "past_experience",
    "support_approach",
    "capacity",
    "mentee_stages",
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
        let mut f = self.clone();
        f.library_types = normalize_set(&f.library_types);
        f.interests = normalize_tags(&f.interests);
        f.meeting_modes = normalize_set(&f.meeting_modes);
        f.identity_tags = normalize_tags(&f.identity_tags);
        f.mentee_stages = normalize_set(&f.mentee_stages);
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
    fn role_field_errors(&self) -> Vec<FieldError> {
        let present = |name: &str| match name {
            "current_role" => self.current_role.is_some(),
            "years_experience" => self.years_experience.is_some(),
            "past_experience" => self.past_experience.is_some(),
            "support_approach" => self.support_approach.is_some(),
            "capacity" => self.capacity.is_some(),
            "learning_goals" => self.learning_goals.is_some(),
            "career_goals" => self.career_goals.is_some(),
            "library_school" => self.library_school.is_some(),
            "mentee_stages" => !self.mentee_stages.is_empty(),
            _ => false,
        };
        let (required, foreign): (&[&'static str], &[&'static str]) = match self.role {
            ApplicationRole::Mentor => (
                &["current_role", "years_experience", "support_approach"],
                &MENTEE_ONLY,
            ),
            ApplicationRole::Mentee => (
                &["learning_goals", "career_goals", "library_school"],
                &MENTOR_ONLY_FIELDS,
            ),
        };
        let role = self.role.as_str();
        let mut out = Vec::new();
        for f in required.iter().filter(|f| !present(f)) {
            out.push(FieldError::new(
                *f,
                "required",
                format!("is required of a {role}"),
            ));
        }
        for f in foreign.iter().filter(|f| present(f)) {
            out.push(FieldError::new(
                *f,
                "not_allowed",
                format!("is not asked of a {role}"),
            ));
        }
        out
    }

    /// Runs every rule of the standard fields; each failing field is named.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => from_validator(&e),
        };
        errors.extend(self.role_field_errors());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The form without the answers to a cycle's own questions (a prefill
    /// for another cycle).
    pub fn without_answers(mut self) -> ApplicationForm {
        self.answers.clear();
        self
    }

    /// The form with the private identity answers left out.
    pub fn without_identity(mut self) -> ApplicationForm {
        self.identity_tags.clear();
        self
    }
}

/// Changes to an application: any subset of the form's fields; `None`
/// leaves a field as it is. The role cannot change.
#[derive(Clone, Debug, Default)]
pub struct ApplicationChanges {
    pub role: Option<ApplicationRole>,
    pub library_types: Option<Vec<LibraryType>>,
    pub interests: Option<Vec<String>>,
    pub career_stage: Option<CareerStage>,
    pub region: Option<String>,
    pub meeting_modes: Option<Vec<MeetingMode>>,
    pub availability: Option<String>,
    pub matching_preference: Option<MatchingPreference>,
    pub identity_tags: Option<Vec<String>>,
    pub identity_consent: Option<bool>,
    pub employer: Option<String>,
    pub pronouns: Option<String>,
    pub current_role: Option<String>,
    pub years_experience: Option<i32>,
    pub past_experience: Option<String>,
    pub support_approach: Option<String>,
    pub motivation: Option<String>,
    pub capacity: Option<i32>,
    pub learning_goals: Option<String>,
    pub career_goals: Option<String>,
    pub library_school: Option<LibrarySchool>,
    pub mentee_stages: Option<Vec<CareerStage>>,
    pub answers: Option<Vec<Answer>>,
}

impl ApplicationChanges {
    /// Whether the changes would give the application another role.
    pub fn changes_role(&self, stored: &ApplicationForm) -> bool {
        self.role.is_some_and(|r| r != stored.role)
    }

    /// Overlays the changes on `stored`; returns the result and the names,
    /// sorted, of the fields whose stored value changes. Re-sending the same
    /// tags in another case or order is no change.
    pub fn apply_to(self, stored: &ApplicationForm) -> (ApplicationForm, Vec<String>) {
        let mut form = stored.clone();
        let mut touched: Vec<&'static str> = Vec::new();
        macro_rules! overlay {
            ($($field:ident),+ ; $($optional:ident),+) => {{
                $(if let Some(v) = self.$field {
                    form.$field = v;
                    touched.push(stringify!($field));
                })+
                $(if let Some(v) = self.$optional {
                    form.$optional = Some(v);
                    touched.push(stringify!($optional));
                })+
                let (before, after) = (stored.normalized(), form.normalized());
                let differs = |name: &str| match name {
                    $(stringify!($field) => before.$field != after.$field,)+
                    $(stringify!($optional) => before.$optional != after.$optional,)+
                    _ => false,
                };
                let mut changed: Vec<String> = touched
                    .iter()
                    .filter(|f| differs(f))
                    .map(|f| (*f).to_owned())
                    .collect();
                changed.sort();
                (form, changed)
            }};
        }
        overlay!(
            role, library_types, interests, career_stage, region, meeting_modes, availability,
            matching_preference, identity_tags, identity_consent, employer, pronouns, motivation,
            mentee_stages, answers;
            current_role, years_experience, past_experience, support_approach, capacity,
            learning_goals, career_goals, library_school
        )
    }
}
