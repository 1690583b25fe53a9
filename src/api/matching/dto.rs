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
    #[serde(serialize_with = "crate::api::instant::serialize")]
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

/// Every field of a [`RunDto`] but the result's.
#[derive(Serialize)]
struct RunHead<'a> {
    id: Uuid,
    cycle_id: Uuid,
    status: RunStatus,
    parameters: &'a RunParams,
    created_by: Uuid,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    created_at: DateTime<Utc>,
}

/// A [`RunDto`] as JSON, from the run and its result as stored (JSON
/// text, megabytes for a big cohort): the result's fields are spliced in
/// after the others rather than serialised a second time.
pub fn run_body(run: &MatchingRun, result_json: &str) -> anyhow::Result<Vec<u8>> {
    let mut body = serde_json::to_vec(&RunHead {
        id: run.id,
        cycle_id: run.cycle_id,
        status: run.status,
        parameters: &run.parameters.0,
        created_by: run.created_by,
        created_at: run.created_at,
    })?;
    let fields = result_json
        .strip_prefix('{')
        .filter(|rest| rest.trim_start() != "}")
        .ok_or_else(|| anyhow::anyhow!("a run's stored result is not an object with fields"))?;
    if body.pop() != Some(b'}') {
        anyhow::bail!("a run's fields did not serialise to an object");
    }
    body.reserve_exact(fields.len() + 1);
    body.push(b',');
    body.extend_from_slice(fields.as_bytes());
    Ok(body)
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
    /// Pairs who would both rather have each other than the partners the
    /// run gave them (the run's `blocking_pairs`); null in runs stored
    /// before they were counted.
    #[schema(required = true)]
    pub blocking_pairs: Option<u64>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
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
            blocking_pairs: r.blocking_pairs.map(|n| n as u64),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::ApplicationRole;
    use crate::domain::matching::Unmatched;
    use crate::store::matching::{RunParameters, RunResult, serialise_result};

    fn stored(unmatched: Vec<Unmatched>) -> MatchingRun {
        MatchingRun {
            id: Uuid::from_u128(1),
            cycle_id: Uuid::from_u128(2),
            created_by: Uuid::from_u128(3),
            status: RunStatus::Completed,
            parameters: RunParameters(RunParams::default()),
            unmatched_count: unmatched.len() as i32,
            blocking_pairs: Some(0),
            result: RunResult(MatchResult {
                proposals: vec![],
                unmatched,
                pin_conflicts: vec![],
                total_score: 0,
                min_score: None,
                blocking_pairs: Some(0),
            }),
            total_score: 0,
            min_score: None,
            proposal_count: 0,
            created_at: DateTime::from_timestamp(1_700_000_000, 0).expect("a time"),
        }
    }

    #[test]
    fn a_spliced_run_body_is_the_run_as_serialised_whole() {
        let run = stored(vec![Unmatched {
            application_id: Uuid::from_u128(4),
            role: ApplicationRole::Mentee,
            reason: "no feasible partner: \"quoted\", {braced}".into(),
        }]);
        let text = serialise_result(&run).expect("serialises");
        let spliced: serde_json::Value =
            serde_json::from_slice(&run_body(&run, &text).expect("splices")).expect("parses");
        let whole = serde_json::to_value(RunDto::from(run)).expect("serialises");
        assert_eq!(spliced, whole);
    }

    #[test]
    fn a_result_that_is_not_an_object_with_fields_is_refused() {
        let run = stored(vec![]);
        for text in ["{}", "{ }", "[1]", ""] {
            assert!(run_body(&run, text).is_err(), "{text:?}");
        }
    }
}
