//! Request and response bodies of matching runs.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::matches::RunStatus;
use crate::domain::matching::{MatchResult, Pin, RunParams};
use crate::service::matching::{self as service, MatchingRun};

/// A stored run: its parameters and the engine's proposals, unmatched
/// applicants with reasons, total and minimum score.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub status: RunStatus,
    /// The settings the run used, pins merged into `must_pair` and
    /// `never_pair`.
    pub parameters: RunParams,
    #[serde(flatten)]
    pub result: MatchResult,
    /// The committee member who started the run.
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<MatchingRun> for RunDto {
    fn from(run: MatchingRun) -> Self {
        Self {
            id: run.id,
            cycle_id: run.cycle_id,
            status: run.status,
            parameters: run.parameters.0,
            result: run.result.0,
            created_by: run.created_by,
            created_at: run.created_at,
        }
    }
}

/// A run without its proposals, for lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunSummary {
    pub id: Uuid,
    pub cycle_id: Uuid,
    /// `completed`, or `accepted` once proposals became matches.
    pub status: RunStatus,
    /// The settings the run used.
    pub parameters: RunParams,
    /// Sum of the proposals' scores.
    pub total_score: i64,
    /// The weakest proposal's score; null without proposals.
    #[schema(required = true)]
    pub min_score: Option<i64>,
    /// Pairs the run proposed.
    pub proposal_count: i32,
    /// Accepted applicants left without a partner.
    pub unmatched_count: i32,
    pub created_at: DateTime<Utc>,
}

impl From<service::RunSummary> for RunSummary {
    fn from(r: service::RunSummary) -> Self {
        Self {
            id: r.id,
            cycle_id: r.cycle_id,
            status: r.status,
            parameters: r.parameters.0,
            total_score: r.total_score,
            min_score: r.min_score,
            proposal_count: r.proposal_count,
            unmatched_count: r.unmatched_count,
            created_at: r.created_at,
        }
    }
}

/// Which of a run's proposals to accept; no body, or no `proposals`: all of
/// them. An unknown field is refused, so a misspelt `proposals` never
/// accepts everything.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"proposals": [{"mentor_application_id": "0b6f3f8e-1c1a-4d6e-9a51-2f0c8f7d1e11", "mentee_application_id": "5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"}]}))]
pub struct AcceptRequest {
    /// The pairs to accept, each one of the run's proposals; omitted or
    /// null: all of them.
    pub proposals: Option<Vec<Pin>>,
}
