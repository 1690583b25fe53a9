//! Application responses, edits, reviews and the committee's views.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::form::{Answer, ApplicationForm};
use crate::domain::application::{
    self as domain, ApplicationChanges, ApplicationRole, ApplicationStatus, AuditAction,
    CareerStage, LibrarySchool, LibraryType, MatchingPreference, MeetingMode, NewReview,
    ReviewDecision,
};
use crate::service::applications::{ApplicationView, AuditRow, Summary};

/// Changes to an application: any subset of the form's fields (omitted
/// fields stay; clear text with `""` and lists with `[]`). The role cannot
/// change. The whole application is checked again after merging.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"availability": "Tuesday evenings", "capacity": 3}))]
pub struct ApplicationPatch {
    /// May be sent only with the application's current role; a different
    /// one is a 422 (code `immutable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ApplicationRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library_types: Option<Vec<LibraryType>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interests: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub career_stage: Option<CareerStage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_modes: Option<Vec<MeetingMode>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matching_preference: Option<MatchingPreference>,
    /// Private self-description, shown only to the author and the
    /// committee; `[]` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_tags: Option<Vec<String>>,
    /// Consent to use `identity_tags` for matching.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_consent: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_experience: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub past_experience: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_approach: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub motivation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning_goals: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub career_goals: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library_school: Option<LibrarySchool>,
    /// Mentor: the mentee career stages they would most like to support;
    /// `[]` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mentee_stages: Option<Vec<CareerStage>>,
    /// Replaces every answer to the cycle's own questions; answers already
    /// stored may still refer to questions retired since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<Vec<Answer>>,
}

/// The committee's review; the note is visible to the committee only.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "accepted", "note": "Strong fit for an academic mentor."}))]
pub struct ReviewRequest {
    pub decision: ReviewDecision,
    /// The committee's note, trimmed; replaces any earlier note. Default
    /// empty.
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub note: String,
}

/// The committee's review of an application (committee only).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    /// The note of the latest review; null before any review.
    #[schema(required = true)]
    pub note: Option<String>,
    /// Member id of the committee member who reviewed it last; null before
    /// any review.
    #[schema(required = true)]
    pub reviewed_by: Option<Uuid>,
    /// When it was last reviewed; null before any review.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// An application, as its author or the committee sees it. Nobody else
/// sees it at all.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", "cycle_id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34",
    "member_id": "0f8e5a52-77c4-4f0e-b5c1-2d9a7c3e6b10", "member_name": "Sam Rivera",
    "member_email": "sam@example.org", "status": "accepted", "submitted_by_committee": false,
    "created_at": "2024-09-12T20:41:07Z", "updated_at": "2024-09-20T15:02:44Z",
    "role": "mentee", "library_types": ["academic"], "interests": ["instruction", "outreach"],
    "career_stage": "student", "region": "puget sound", "meeting_modes": ["online"],
    "availability": "Evenings", "matching_preference": "career", "identity_tags": [],
    "identity_consent": false, "employer": "", "pronouns": "they/them",
    "learning_goals": "What academic instruction work is like day to day.",
    "career_goals": "An instruction librarian position after my MLIS.",
    "motivation": "I am new to the field in Washington.", "library_school": "enrolled",
    "answers": [{"question_id": "2b3c4d5e-6f70-4182-9394-a5b6c7d8e9f0", "value": "Weekly if possible"}]
}))]
pub struct ApplicationDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    /// The applicant.
    pub member_id: Uuid,
    /// The applicant's full name, from their account.
    pub member_name: String,
    /// The applicant's email, from their account.
    pub member_email: String,
    pub status: ApplicationStatus,
    #[serde(flatten)]
    pub form: ApplicationForm,
    /// True when the committee submitted it for the member.
    pub submitted_by_committee: bool,
    /// The committee's review; present for the committee only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewDto>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilter {
    /// Only applications in this role.
    pub role: Option<ApplicationRole>,
    /// Only applications in this status.
    pub status: Option<ApplicationStatus>,
    /// Only applications that list this library type.
    pub library_type: Option<LibraryType>,
    /// Only applicants at this career stage.
    pub career_stage: Option<CareerStage>,
    /// Only applicants with this matching preference.
    pub matching_preference: Option<MatchingPreference>,
    /// Case-insensitive exact region.
    pub region: Option<String>,
    /// Words, all of which must appear (case-insensitively) in the member's
    /// name or email, interests, region, employer, free-text fields or text
    /// answers. Identity tags are never searched.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoleQuery {
    /// Which role's application or form.
    pub role: ApplicationRole,
}

/// Counts for the committee dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationSummary {
    pub cycle_id: Uuid,
    /// Applications of the cycle in every role and status.
    pub total: u64,
    /// Per role, per status, zeros included.
    pub by_role: RoleCounts,
    /// Mentee places offered by accepted and matched mentors (sum of
    /// capacities): publishing matches does not shrink it.
    pub accepted_mentor_capacity: u64,
}

/// Applications of each role, by status.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"mentor": {"submitted": 3, "accepted": 20, "waitlisted": 1, "declined": 0, "withdrawn": 1, "matched": 0},
                          "mentee": {"submitted": 5, "accepted": 30, "waitlisted": 4, "declined": 2, "withdrawn": 0, "matched": 0}}))]
pub struct RoleCounts {
    pub mentor: StatusCounts,
    pub mentee: StatusCounts,
}

/// Applications in each status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCounts {
    pub submitted: u64,
    pub accepted: u64,
    pub waitlisted: u64,
    pub declined: u64,
    pub withdrawn: u64,
    pub matched: u64,
}

impl StatusCounts {
    fn of(counts: &BTreeMap<String, BTreeMap<String, u64>>, role: ApplicationRole) -> Self {
        let n = |status: ApplicationStatus| {
            counts
                .get(role.as_str())
                .and_then(|by_status| by_status.get(status.as_str()))
                .copied()
                .unwrap_or(0)
        };
        Self {
            submitted: n(ApplicationStatus::Submitted),
            accepted: n(ApplicationStatus::Accepted),
            waitlisted: n(ApplicationStatus::Waitlisted),
            declined: n(ApplicationStatus::Declined),
            withdrawn: n(ApplicationStatus::Withdrawn),
            matched: n(ApplicationStatus::Matched),
        }
    }
}

/// One entry of an application's audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    /// The member who acted: the author or a committee member.
    pub actor_id: Uuid,
    pub action: AuditAction,
    /// Names of the fields changed; never their values.
    pub fields: Vec<String>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
}

impl From<ApplicationPatch> for ApplicationChanges {
    fn from(p: ApplicationPatch) -> Self {
        Self {
            role: p.role,
            library_types: p.library_types,
            interests: p.interests,
            career_stage: p.career_stage,
            region: p.region,
            meeting_modes: p.meeting_modes,
            availability: p.availability,
            matching_preference: p.matching_preference,
            identity_tags: p.identity_tags,
            identity_consent: p.identity_consent,
            employer: p.employer,
            pronouns: p.pronouns,
            current_role: p.current_role,
            years_experience: p.years_experience,
            past_experience: p.past_experience,
            support_approach: p.support_approach,
            motivation: p.motivation,
            capacity: p.capacity,
            learning_goals: p.learning_goals,
            career_goals: p.career_goals,
            library_school: p.library_school,
            mentee_stages: p.mentee_stages,
            answers: p.answers.map(|a| a.into_iter().map(Into::into).collect()),
        }
    }
}

impl From<ReviewRequest> for NewReview {
    fn from(b: ReviewRequest) -> Self {
        Self {
            decision: b.decision,
            note: b.note,
        }
    }
}

impl From<ApplicationFilter> for domain::ApplicationFilter {
    fn from(f: ApplicationFilter) -> Self {
        Self {
            role: f.role,
            status: f.status,
            library_type: f.library_type,
            career_stage: f.career_stage,
            matching_preference: f.matching_preference,
            region: f.region,
            q: f.q,
        }
    }
}

impl From<ApplicationView> for ApplicationDto {
    fn from(v: ApplicationView) -> Self {
        let app = v.application;
        Self {
            id: app.id,
            cycle_id: app.cycle_id,
            member_id: app.member_id,
            member_name: v.member_name,
            member_email: v.member_email,
            status: app.status,
            form: v.form.into(),
            submitted_by_committee: app.submitted_by != app.member_id,
            review: v.review.map(|r| ReviewDto {
                note: r.note,
                reviewed_by: r.reviewed_by,
                reviewed_at: r.reviewed_at,
            }),
            created_at: app.created_at,
            updated_at: app.updated_at,
        }
    }
}

impl From<Summary> for ApplicationSummary {
    fn from(s: Summary) -> Self {
        Self {
            cycle_id: s.cycle_id,
            total: s.total,
            by_role: RoleCounts {
                mentor: StatusCounts::of(&s.by_role, ApplicationRole::Mentor),
                mentee: StatusCounts::of(&s.by_role, ApplicationRole::Mentee),
            },
            accepted_mentor_capacity: s.accepted_mentor_capacity,
        }
    }
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            actor_id: r.actor_id,
            action: r.action,
            fields: r.fields.0,
            created_at: r.created_at,
        }
    }
}
