//! The application form as a request and response body. Its rules live
//! in `domain::application`, on the form this converts into.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::application::{
    self as domain, ApplicationRole, CareerStage, LibrarySchool, LibraryType, MatchingPreference,
    MeetingMode, NewApplication,
};

/// One answer to one of the cycle's own questions. `value` is a string
/// (text, single choice), a list of strings (multi choice), an integer 1-5
/// (scale) or a boolean (yes/no).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub question_id: Uuid,
    #[schema(value_type = AnswerValue)]
    pub value: Value,
}

/// The value of an answer, by the question's kind. Documents `Answer.value`;
/// the server checks the value against its question.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum AnswerValue {
    /// A `text` answer, or the chosen option of a `single_choice` question.
    Text(String),
    /// The chosen options of a `multi_choice` question.
    Choices(Vec<String>),
    /// A `scale` answer, 1 to 5.
    Scale(i64),
    /// A `yes_no` answer.
    YesNo(bool),
}

/// A mentor's or mentee's application: the standard fields for both roles,
/// the fields of the chosen role (the other role's must be absent) and
/// answers to the cycle's own questions.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    /// Never in responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Uuid>,
    pub role: ApplicationRole,
    /// At least one. A mentor's: where they have worked; a mentee's: where
    /// they want to work. Stored sorted, without duplicates.
    #[schema(min_items = 1, max_items = 10)]
    pub library_types: Vec<LibraryType>,
    /// Free tags, trimmed and lower-cased; up to 20 of up to 50 characters.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub interests: Vec<String>,
    pub career_stage: CareerStage,
    /// Region of Washington, compared case-insensitively; meeting only in
    /// person needs the same region.
    #[schema(min_length = 1, max_length = 100, example = "Puget Sound")]
    pub region: String,
    /// At least one: the modes the applicant accepts. A pair must share one.
    #[schema(min_items = 1, max_items = 2)]
    pub meeting_modes: Vec<MeetingMode>,
    /// Free-text note on when they can meet; not used by matching.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub availability: String,
    /// Sets the weights this person's pairs are scored with: each pair
    /// mixes the mentor's and the mentee's rows (equally unless the run's
    /// `preference_balance` says otherwise).
    pub matching_preference: MatchingPreference,
    /// Optional self-description. Private: shown only to the author and the
    /// committee, used for matching only with `identity_consent`.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub identity_tags: Vec<String>,
    /// Consent to use `identity_tags` for matching; identity counts only
    /// when both people consented.
    #[serde(default)]
    pub identity_consent: bool,
    /// For conflict-of-interest checks: people with the same employer
    /// (compared case-insensitively) are not paired unless the committee
    /// allows it. Empty: unknown, never a conflict.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub employer: String,
    /// Shown to the matched partner when the account has no pronouns.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub pronouns: String,
    /// Mentor: current role and title (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub current_role: Option<String>,
    /// Mentor: years of experience, 0-60 (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 60)]
    pub years_experience: Option<i32>,
    /// Mentor: past work experience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 5000)]
    pub past_experience: Option<String>,
    /// Mentor: how they imagine supporting a mentee (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 5000)]
    pub support_approach: Option<String>,
    /// Why they are interested (mentee) or want to mentor (mentor).
    #[schema(min_length = 1, max_length = 5000)]
    pub motivation: String,
    /// Mentor: mentees they can take at once, 1-3 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 3)]
    pub capacity: Option<i32>,
    /// Mentee: what they hope to learn (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 5000)]
    pub learning_goals: Option<String>,
    /// Mentee: library and career goals (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 5000)]
    pub career_goals: Option<String>,
    /// Mentee: in or considering library school (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_school: Option<LibrarySchool>,
    /// Mentor, optional: the mentee career stages they would most like to
    /// support, scored in matching (criterion `supported_stage`). Stored
    /// sorted, without duplicates; empty: no preference. A mentee's must be
    /// empty (422 `not_allowed`).
    #[serde(default)]
    #[schema(max_items = 5)]
    pub mentee_stages: Vec<CareerStage>,
    /// Answers to the cycle's own questions for this role: each question at
    /// most once, every required one answered.
    #[serde(default)]
    pub answers: Vec<Answer>,
}

impl From<Answer> for domain::Answer {
    fn from(a: Answer) -> Self {
        Self {
            question_id: a.question_id,
            value: a.value,
        }
    }
}

impl From<domain::Answer> for Answer {
    fn from(a: domain::Answer) -> Self {
        Self {
            question_id: a.question_id,
            value: a.value,
        }
    }
}

impl From<ApplicationForm> for NewApplication {
    fn from(f: ApplicationForm) -> Self {
        Self {
            member_id: f.member_id,
            form: domain::ApplicationForm {
                role: f.role,
                library_types: f.library_types,
                interests: f.interests,
                career_stage: f.career_stage,
                region: f.region,
                meeting_modes: f.meeting_modes,
                availability: f.availability,
                matching_preference: f.matching_preference,
                identity_tags: f.identity_tags,
                identity_consent: f.identity_consent,
                employer: f.employer,
                pronouns: f.pronouns,
                current_role: f.current_role,
                years_experience: f.years_experience,
                past_experience: f.past_experience,
                support_approach: f.support_approach,
                motivation: f.motivation,
                capacity: f.capacity,
                learning_goals: f.learning_goals,
                career_goals: f.career_goals,
                library_school: f.library_school,
                mentee_stages: f.mentee_stages,
                answers: f.answers.into_iter().map(Into::into).collect(),
            },
        }
    }
}

impl From<domain::ApplicationForm> for ApplicationForm {
    fn from(f: domain::ApplicationForm) -> Self {
        Self {
            member_id: None,
            role: f.role,
            library_types: f.library_types,
            interests: f.interests,
            career_stage: f.career_stage,
            region: f.region,
            meeting_modes: f.meeting_modes,
            availability: f.availability,
            matching_preference: f.matching_preference,
            identity_tags: f.identity_tags,
            identity_consent: f.identity_consent,
            employer: f.employer,
            pronouns: f.pronouns,
            current_role: f.current_role,
            years_experience: f.years_experience,
            past_experience: f.past_experience,
            support_approach: f.support_approach,
            motivation: f.motivation,
            capacity: f.capacity,
            learning_goals: f.learning_goals,
            career_goals: f.career_goals,
            library_school: f.library_school,
            mentee_stages: f.mentee_stages,
            answers: f.answers.into_iter().map(Into::into).collect(),
        }
    }
}
