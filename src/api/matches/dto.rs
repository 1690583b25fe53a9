//! Request and response bodies of matches.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::api::cadence::CadenceDto;
use crate::domain::application::{ApplicationRole, LibraryType};
use crate::domain::matches::{EndReason, MatchAction, MatchStatus, NewMatch};
use crate::domain::matching::Criterion;
use crate::service::matches::{self as service, Match, MatchEvent};

/// A match, as the committee sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "cycle_id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34",
    "mentor_application_id": "0b6f3f8e-1c1a-4d6e-9a51-2f0c8f7d1e11",
    "mentee_application_id": "5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
    "matching_run_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "status": "active", "score": 97,
    "breakdown": [
        {"criterion": "library_types", "weight": 3, "mentor_weight": 3, "mentee_weight": 3, "score": 10, "detail": "both academic"},
        {"criterion": "interests", "weight": 3, "mentor_weight": 3, "mentee_weight": 3, "score": 7, "detail": "shared interests: instruction, outreach"},
        {"criterion": "career_stage", "weight": 3, "mentor_weight": 3, "mentee_weight": 3, "score": 10, "detail": "mentor senior, mentee student: mentor further along"},
        {"criterion": "identity", "weight": 1, "mentor_weight": 1, "mentee_weight": 1, "score": 0, "detail": "not used: both must consent to identity matching"},
        {"criterion": "region", "weight": 1, "mentor_weight": 1, "mentee_weight": 1, "score": 10, "detail": "both in Puget Sound"},
        {"criterion": "meeting_modes", "weight": 1, "mentor_weight": 1, "mentee_weight": 1, "score": 6, "detail": "both online"},
        {"criterion": "supported_stage", "weight": 1, "mentor_weight": 1, "mentee_weight": 1, "score": 0, "detail": "mentor named no mentee stage to support"}
    ],
    "note": null, "published_at": "2024-10-15T16:00:00Z", "extended_until": null, "extension_reason": null,
    "ended_on": null, "ended_reason_code": null, "ended_reason": null,
    "created_at": "2024-10-10T18:22:41Z", "updated_at": "2024-10-15T16:00:00Z"
}))]
pub struct MatchDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// The run the pair came from; null for a match made by hand.
    #[schema(required = true)]
    pub matching_run_id: Option<Uuid>,
    pub status: MatchStatus,
    /// Σ weight × criterion score over the breakdown, computed when the match
    /// was made.
    pub score: i64,
    /// Per-criterion scores and what the pair shares.
    pub breakdown: Vec<Criterion>,
    /// The committee's note, seen by the committee only; null when none.
    #[schema(required = true)]
    pub note: Option<String>,
    /// When the match was published (became `active`); null before.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub published_at: Option<DateTime<Utc>>,
    /// The date a formal extension runs to; null when not extended.
    #[schema(required = true)]
    pub extended_until: Option<NaiveDate>,
    /// The pair's reason for the extension; null when none was given.
    #[schema(required = true)]
    pub extension_reason: Option<String>,
    /// The day the match was completed or ended early; null before.
    #[schema(required = true)]
    pub ended_on: Option<NaiveDate>,
    /// Why it ended early, from the fixed list; null unless `ended_early`.
    #[schema(required = true)]
    pub ended_reason_code: Option<EndReason>,
    /// The committee's words on why it ended early; null when none.
    #[schema(required = true)]
    pub ended_reason: Option<String>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Match> for MatchDto {
    fn from(m: Match) -> Self {
        Self {
            id: m.id,
            cycle_id: m.cycle_id,
            mentor_application_id: m.mentor_application_id,
            mentee_application_id: m.mentee_application_id,
            matching_run_id: m.matching_run_id,
            status: m.status,
            score: m.score,
            breakdown: m.breakdown.0,
            note: m.note,
            published_at: m.published_at,
            extended_until: m.extended_until,
            extension_reason: m.extension_reason,
            ended_on: m.ended_on,
            ended_reason_code: m.ended_reason_code,
            ended_reason: m.ended_reason,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A match made by hand. The same hard rules as a run apply; a refused pair
/// is a 409 naming the rule it breaks.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMatchRequest {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// The run this pair was taken from, if any. Naming a run marks it
    /// `accepted`, as accepting its proposals does.
    pub matching_run_id: Option<Uuid>,
    /// The committee's note, at most 5,000 characters; stored trimmed, and a
    /// blank note is none.
    #[schema(max_length = 5000)]
    pub note: Option<String>,
    /// Allow a pair from the same employer; default false.
    #[serde(default)]
    pub allow_same_employer: bool,
}

impl From<CreateMatchRequest> for NewMatch {
    fn from(b: CreateMatchRequest) -> Self {
        Self {
            mentor_application_id: b.mentor_application_id,
            mentee_application_id: b.mentee_application_id,
            matching_run_id: b.matching_run_id,
            note: b.note,
            allow_same_employer: b.allow_same_employer,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMatchRequest {
    /// The committee's note, at most 5,000 characters, stored trimmed; `""`
    /// clears it.
    #[schema(max_length = 5000)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "reason_code": "job_change",
    "reason": "The mentee moved to a library in another state."
}))]
pub struct EndEarlyRequest {
    /// Why the match ends, from the fixed list the committee reports on;
    /// when omitted the reason is `other`.
    pub reason_code: Option<EndReason>,
    /// The committee's words, at most 2,000 characters, stored trimmed and
    /// seen by the committee only. Required when `reason_code` is `other`
    /// or omitted (422 otherwise).
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "until": "2025-07-15",
    "reason": "We want to finish the portfolio review before the conference."
}))]
pub struct ExtendRequest {
    /// The new last day (`YYYY-MM-DD`), after the cycle's mentoring end and
    /// any earlier extension.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub until: NaiveDate,
    /// The pair's reason for continuing, at most 2,000 characters; shown to
    /// the committee and to both partners with their agreement.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchFilter {
    /// Only matches in this status.
    pub status: Option<MatchStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishResult {
    /// Matches that became active.
    pub published: usize,
    /// Those matches, by id.
    pub matches: Vec<MatchDto>,
}

impl From<Vec<Match>> for PublishResult {
    fn from(published: Vec<Match>) -> Self {
        Self {
            published: published.len(),
            matches: published.into_iter().map(MatchDto::from).collect(),
        }
    }
}

/// Your partner, as you see them: contact details and library types,
/// nothing private.
#[derive(Debug, Serialize, ToSchema)]
pub struct Partner {
    pub full_name: String,
    /// From the partner's account, else from their application; null when
    /// neither has any.
    #[schema(required = true)]
    pub pronouns: Option<String>,
    pub email: String,
    pub role: ApplicationRole,
    /// From the partner's application: where a mentor has worked, where a
    /// mentee wants to work.
    pub library_types: Vec<LibraryType>,
}

/// One of your published matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyMatch {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub status: MatchStatus,
    /// Your role in this match.
    pub role: ApplicationRole,
    /// When the committee published it.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub published_at: Option<DateTime<Utc>>,
    /// The date a formal extension runs to; null when not extended.
    #[schema(required = true)]
    pub extended_until: Option<NaiveDate>,
    pub partner: Partner,
    /// Your meetings against the cycle's expectation: counts only.
    pub cadence: CadenceDto,
}

impl From<service::MyMatch> for MyMatch {
    fn from(m: service::MyMatch) -> Self {
        let p = m.partner;
        Self {
            id: m.id,
            cycle_id: m.cycle_id,
            status: m.status,
            role: m.role,
            published_at: m.published_at,
            extended_until: m.extended_until,
            partner: Partner {
                full_name: p.full_name,
                pronouns: p.pronouns,
                email: p.email,
                role: p.role,
                library_types: p.library_types,
            },
            cadence: m.cadence.into(),
        }
    }
}

/// One committee action on a match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchEventDto {
    pub id: Uuid,
    /// The committee member who acted.
    pub actor_id: Uuid,
    /// `proposed`, `note`, `approve`, `cancel`, `publish`, `complete`,
    /// `end-early` or `extend`.
    pub action: MatchAction,
    /// What goes with the action: the run a proposal came from, the reason
    /// for ending early, the extension's date; often empty.
    pub detail: String,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
}

impl From<MatchEvent> for MatchEventDto {
    fn from(e: MatchEvent) -> Self {
        Self {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            detail: e.detail,
            created_at: e.created_at,
        }
    }
}
