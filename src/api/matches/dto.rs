//! Request and response bodies of matches.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::application::{ApplicationRole, LibraryType};
use crate::domain::matches::{MatchStatus, NewMatch};
use crate::domain::matching::Criterion;
use crate::service::matches::{self as service, Match, MatchEvent};

/// A match, as the committee sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub matching_run_id: Option<Uuid>,
    pub status: MatchStatus,
    pub score: i64,
    pub breakdown: Vec<Criterion>,
    pub note: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub extended_until: Option<NaiveDate>,
    pub ended_reason: Option<String>,
    pub created_at: DateTime<Utc>,
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
            ended_reason: m.ended_reason,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A match made by hand. The same hard rules as a run apply; a refused pair
/// is a 409 naming the rule it breaks.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateMatchRequest {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// The run this pair was taken from, if any. Naming a run marks it
    /// `accepted`, as accepting its proposals does.
    pub matching_run_id: Option<Uuid>,
    // At most 5,000 characters (checked by the service).
    pub note: Option<String>,
    /// Allow a pair from the same employer.
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
pub struct UpdateMatchRequest {
    /// The committee's note; `""` clears it.
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "The mentee changed jobs and could not continue."}))]
pub struct EndEarlyRequest {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"until": "2025-07-15"}))]
pub struct ExtendRequest {
    /// After the cycle's mentoring end and any earlier extension.
    pub until: NaiveDate,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchFilter {
    pub status: Option<MatchStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishResult {
    /// Matches that became active.
    pub published: usize,
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
    pub pronouns: Option<String>,
    pub email: String,
    pub role: ApplicationRole,
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
    pub published_at: Option<DateTime<Utc>>,
    pub extended_until: Option<NaiveDate>,
    pub partner: Partner,
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
        }
    }
}

/// One committee action on a match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchEventDto {
    pub id: Uuid,
    pub actor_id: Uuid,
    #[schema(example = "approve")]
    pub action: String,
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

impl From<MatchEvent> for MatchEventDto {
    fn from(e: MatchEvent) -> Self {
        Self {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action.as_str().to_owned(),
            detail: e.detail,
            created_at: e.created_at,
        }
    }
}
