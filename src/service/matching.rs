//! Matching (committee): runs of the engine over a cycle's free
//! applicants, read back unchanged; accepting a run's proposals as
//! matches; one application's ranked candidates.
use std::collections::HashMap;
use std::time::Instant;

use chrono::{SubsecRound, Utc};
use uuid::Uuid;

use super::cycles::{self, Cycle};
use super::matches::{self, Match, NewPair, invalid};
use super::{ServiceError, ServiceResult};
use crate::domain::access::Actor;
use crate::domain::application::ApplicationRole;
use crate::domain::cycle::CycleStatus;
use crate::domain::matches::{RunStatus, chosen_pairs, may_run_matching};
use crate::domain::matching::{
    Candidate, Candidates, Comparison, Pin, RunParams, candidates_for, compare_runs, run_matching,
};
use crate::paging::PageRequest;
use crate::store::applications::{self as apps, MatchingFields};
use crate::store::local::LocalReads;
use crate::store::matching::{self as runs, RunParameters, RunResult};
use crate::store::{self, Db, matches as rows};
use crate::worker::MatchingWorker;

pub use runs::{MatchingRun, RunSummary};

/// The cycle, if it is in matching or later (not archived): matching runs
/// and every new match need it.
pub(crate) async fn matching_cycle(db: &impl store::Conn, id: Uuid) -> ServiceResult<Cycle> {
    let cycle = cycles::get_any(db, id).await?;
    match cycle.status {
        CycleStatus::Matching | CycleStatus::Active | CycleStatus::Closed => Ok(cycle),
        other => Err(ServiceError::Conflict(format!(
            "matching needs the cycle in matching or later; it is {}",
            other.as_str()
        ))),
    }
}

/// An application as an engine candidate; `taken` mentor slots (placed
/// matches) are subtracted from the capacity.
pub(crate) fn candidate_of(app: MatchingFields, taken: u32) -> Candidate {
    let capacity = match app.role {
        ApplicationRole::Mentor => (app.capacity.unwrap_or(1).max(0) as u32).saturating_sub(taken),
        ApplicationRole::Mentee => 1,
    };
    Candidate {
        application_id: app.id,
        member_id: app.member_id,
        role: app.role,
        status: app.status,
        library_types: app.library_types.0,
        interests: app.interests.0,
        career_stage: app.career_stage,
        region: app.region,
        meeting_modes: app.meeting_modes.0,
        matching_preference: app.matching_preference,
        identity_tags: app.identity_tags.0,
        identity_consent: app.identity_consent,
        employer: app.employer,
        capacity,
        mentee_stages: app.mentee_stages.map(|s| s.0).unwrap_or_default(),
    }
}

/// The cycle's applications still free to pair, as candidates: mentees
/// with a live or completed match are left out, as are mentors with no slot
/// left, so a run only proposes for who is still free. `also` keeps one
/// application in whatever its place, with its true remaining capacity
/// (the one the committee asks candidates for).
async fn cohort(
    db: &Db,
    local: Option<&LocalReads>,
    cycle_id: Uuid,
    also: Option<Uuid>,
) -> ServiceResult<Vec<Candidate>> {
    let apps = apps::matching_fields_for_cycle(db, local, cycle_id).await?;
    let mut taken: HashMap<Uuid, u32> = HashMap::new();
    for (mentor, mentee) in rows::placed_pairs_in_cycle(db, cycle_id).await? {
        *taken.entry(mentor).or_default() += 1;
        *taken.entry(mentee).or_default() += 1;
    }
    Ok(apps
        .into_iter()
        .map(|a| {
            let taken = taken.get(&a.id).copied().unwrap_or(0);
            candidate_of(a, taken)
        })
        .filter(|c| {
            also == Some(c.application_id)
                || match c.role {
                    ApplicationRole::Mentor => c.capacity > 0,
                    ApplicationRole::Mentee => !taken.contains_key(&c.application_id),
                }
        })
        .collect())
}

/// A run just stored, with its result as the database holds it (JSON
/// text), so that the answer need not serialise megabytes again.
pub struct CreatedRun {
    pub run: MatchingRun,
    pub result_json: String,
}

/// Runs the engine over the cycle's free applicants on the matching thread
/// and stores the run. Settings the engine refuses are a 422.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn create_run(
    db: &Db,
    local: Option<&LocalReads>,
    worker: &MatchingWorker,
    actor: &Actor,
    cycle_id: Uuid,
    params: RunParams,
) -> ServiceResult<CreatedRun> {
    may_run_matching(actor)?;
    let params = params.normalized();
    let started = Instant::now();
    let cycle = matching_cycle(db, cycle_id).await?;
    let cohort = cohort(db, local, cycle.id, None).await?;
    let loaded = started.elapsed();
    let run_params = params.clone();
    let result = worker
        .run(move || run_matching(&cohort, &run_params))
        .await?
        .map_err(|e| ServiceError::invalid("parameters", "invalid", e.to_string()))?;
    let computed = started.elapsed();
    let run = MatchingRun {
        id: Uuid::new_v4(),
        cycle_id: cycle.id,
        created_by: actor.id,
        status: RunStatus::Completed,
        total_score: result.total_score,
        min_score: result.min_score,
        proposal_count: result.proposals.len() as i32,
        unmatched_count: result.unmatched.len() as i32,
        blocking_pairs: result.blocking_pairs.map(|n| n as i64),
        // What both databases store, so a read-back shows the same time.
        created_at: Utc::now().trunc_subsecs(6),
        parameters: RunParameters(params),
        result: RunResult(result),
    };
    let result_json = runs::serialise_result(&run)?;
    runs::insert_serialised(db, &run, result_json.clone()).await?;
    // Where a run's time goes, for whoever wonders why one was slow.
    tracing::info!(
        proposals = run.proposal_count,
        load_ms = loaded.as_millis() as u64,
        engine_ms = (computed - loaded).as_millis() as u64,
        store_ms = (started.elapsed() - computed).as_millis() as u64,
        "matching run stored"
    );
    Ok(CreatedRun { run, result_json })
}

/// A page of a cycle's runs, newest first, without their results.
pub async fn list_runs(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    page: PageRequest,
) -> ServiceResult<(Vec<RunSummary>, u64)> {
    may_run_matching(actor)?;
    let cycle = cycles::get_any(db, cycle_id).await?;
    Ok(runs::list(db, cycle.id, page).await?)
}

async fn find_run(db: &impl store::Conn, id: Uuid) -> ServiceResult<MatchingRun> {
    runs::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("matching run"))
}

/// A stored run, as it was computed.
pub async fn get_run(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<MatchingRun> {
    may_run_matching(actor)?;
    find_run(db, id).await
}

/// Two runs of one cycle compared (see [`compare_runs`]). Unknown runs
/// are 404; runs of different cycles, or a negative threshold, 422.
pub async fn compare(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    other_id: Uuid,
    threshold: Option<i64>,
) -> ServiceResult<Comparison> {
    may_run_matching(actor)?;
    let run = find_run(db, id).await?;
    let other = find_run(db, other_id).await?;
    if run.cycle_id != other.cycle_id {
        return Err(ServiceError::invalid(
            "other_id",
            "different_cycle",
            "only runs of the same cycle can be compared",
        ));
    }
    if threshold.is_some_and(|t| t < 0) {
        return Err(ServiceError::invalid(
            "threshold",
            "out_of_range",
            "threshold must be 0 or more",
        ));
    }
    Ok(compare_runs(&run.result.0, &other.result.0, threshold))
}

/// Turns a run's proposals (all, or the `chosen` ones, each of which must
/// be one of them) into proposed matches and marks the run accepted, all or
/// nothing: a pair no longer possible refuses the whole request.
#[tracing::instrument(skip_all, fields(run_id = %run_id))]
pub async fn accept(
    db: &Db,
    actor: &Actor,
    run_id: Uuid,
    chosen: Option<Vec<Pin>>,
) -> ServiceResult<Vec<Match>> {
    may_run_matching(actor)?;
    let run = find_run(db, run_id).await?;
    let cycle = matching_cycle(db, run.cycle_id).await?;
    let pairs: Vec<NewPair> = chosen_pairs(&run.result.0, chosen)
        .map_err(invalid)?
        .into_iter()
        .map(|pin| NewPair {
            mentor_application_id: pin.mentor_application_id,
            mentee_application_id: pin.mentee_application_id,
            matching_run_id: Some(run.id),
            note: None,
        })
        .collect();
    let txn = store::begin_write(db).await?;
    let made = matches::propose(&txn, cycle.id, &pairs, &run.parameters.0, actor.id).await?;
    store::commit(txn).await?;
    Ok(made)
}

/// Every possible partner of an application, ranked with breakdowns, and
/// the impossible ones with the rule that rules them out.
pub async fn candidates(
    db: &Db,
    local: Option<&LocalReads>,
    actor: &Actor,
    application_id: Uuid,
) -> ServiceResult<Candidates> {
    may_run_matching(actor)?;
    let app = apps::get(db, application_id).await?;
    // Only who is still free, and the application asked about.
    let cohort = cohort(db, local, app.cycle_id, Some(app.id)).await?;
    candidates_for(app.id, &cohort, &RunParams::default())
        .map_err(|e| ServiceError::Internal(e.into()))
}
