//! Two runs side by side: which pairs stayed, moved, appeared or went, how
//! each applicant's score changed, and a summary of each run.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::solve::{MatchResult, Proposal};
use crate::domain::application::ApplicationRole;

/// A run in numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunStats {
    /// Pairs proposed.
    pub count: usize,
    /// Sum of the pair scores.
    pub total_score: i64,
    /// The weakest pair's score; null without pairs.
    #[schema(required = true)]
    pub min_score: Option<i64>,
    /// The middle pair score (the mean of the two middle ones for an even
    /// count); null without pairs.
    #[schema(required = true)]
    pub median_score: Option<f64>,
    /// Pairs scoring strictly below the `threshold` asked for; null when
    /// none was given.
    #[schema(required = true)]
    pub below_threshold: Option<usize>,
    /// The run's blocking pairs; null for a run stored before they were
    /// counted.
    #[schema(required = true)]
    pub blocking_pairs: Option<u64>,
}

/// The same pair in both runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeptPair {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub score: i64,
    /// Its score in the other run (other weights can score it differently).
    pub other_score: i64,
}

/// A mentee paired in both runs, with different mentors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MovedMentee {
    pub mentee_application_id: Uuid,
    pub mentor_application_id: Uuid,
    pub other_mentor_application_id: Uuid,
    pub score: i64,
    pub other_score: i64,
}

/// A pair of one run only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PairScore {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub score: i64,
}

/// One applicant's score in each run: a mentee's pair score, a mentor's
/// sum over their pairs; null without a pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApplicantChange {
    pub application_id: Uuid,
    pub role: ApplicationRole,
    #[schema(required = true)]
    pub score: Option<i64>,
    #[schema(required = true)]
    pub other_score: Option<i64>,
    /// `other_score − score`, an applicant without a pair counting 0.
    pub change: i64,
}

/// The run compared with the other run; every change reads from the run to
/// the other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comparison {
    /// The run's summary.
    pub run: RunStats,
    /// The other run's summary.
    pub other: RunStats,
    /// `other.total_score − run.total_score`.
    pub total_change: i64,
    /// Pairs in both runs, by mentor then mentee.
    pub kept: Vec<KeptPair>,
    /// Mentees paired in both runs with different mentors, by mentee.
    pub changed: Vec<MovedMentee>,
    /// Pairs of the other run whose mentee the run left unpaired.
    pub added: Vec<PairScore>,
    /// Pairs of the run whose mentee the other run leaves unpaired.
    pub removed: Vec<PairScore>,
    /// Every applicant paired in either run, mentors then mentees, each by
    /// application id.
    pub applicants: Vec<ApplicantChange>,
}

/// A run's count, total, minimum, median and pairs below `threshold`.
pub fn run_stats(result: &MatchResult, threshold: Option<i64>) -> RunStats {
    let mut scores: Vec<i64> = result.proposals.iter().map(|p| p.score).collect();
    scores.sort_unstable();
    let n = scores.len();
    let median_score = match n {
        0 => None,
        _ if n % 2 == 1 => Some(scores[n / 2] as f64),
        _ => Some((scores[n / 2 - 1] + scores[n / 2]) as f64 / 2.0),
    };
    RunStats {
        count: n,
        total_score: scores.iter().sum(),
        min_score: scores.first().copied(),
        median_score,
        below_threshold: threshold.map(|t| scores.partition_point(|&s| s < t)),
        blocking_pairs: result.blocking_pairs,
    }
}

fn by_mentee(result: &MatchResult) -> BTreeMap<Uuid, &Proposal> {
    result
        .proposals
        .iter()
        .map(|p| (p.mentee_application_id, p))
        .collect()
}

fn pair_score(p: &Proposal) -> PairScore {
    PairScore {
        mentor_application_id: p.mentor_application_id,
        mentee_application_id: p.mentee_application_id,
        score: p.score,
    }
}

/// Compares `run` with `other`.
pub fn compare_runs(run: &MatchResult, other: &MatchResult, threshold: Option<i64>) -> Comparison {
    let (a, b) = (by_mentee(run), by_mentee(other));
    let mut kept = Vec::new();
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    for (mentee, p) in &a {
        match b.get(mentee) {
            Some(q) if q.mentor_application_id == p.mentor_application_id => kept.push(KeptPair {
                mentor_application_id: p.mentor_application_id,
                mentee_application_id: *mentee,
                score: p.score,
                other_score: q.score,
            }),
            Some(q) => changed.push(MovedMentee {
                mentee_application_id: *mentee,
                mentor_application_id: p.mentor_application_id,
                other_mentor_application_id: q.mentor_application_id,
                score: p.score,
                other_score: q.score,
            }),
            None => removed.push(pair_score(p)),
        }
    }
    kept.sort_by_key(|k| (k.mentor_application_id, k.mentee_application_id));
    let added: Vec<PairScore> = b
        .iter()
        .filter(|(mentee, _)| !a.contains_key(mentee))
        .map(|(_, q)| pair_score(q))
        .collect();

    // (role, id) → (score in run, score in other)
    type Scores = (Option<i64>, Option<i64>);
    let mut applicants: BTreeMap<(ApplicationRole, Uuid), Scores> = BTreeMap::new();
    let add = |map: &mut BTreeMap<_, Scores>, key, score, first: bool| {
        let entry: &mut Scores = map.entry(key).or_default();
        let slot = if first { &mut entry.0 } else { &mut entry.1 };
        *slot = Some(slot.unwrap_or(0) + score);
    };
    for (result, first) in [(run, true), (other, false)] {
        for p in &result.proposals {
            let mentor = (ApplicationRole::Mentor, p.mentor_application_id);
            let mentee = (ApplicationRole::Mentee, p.mentee_application_id);
            add(&mut applicants, mentor, p.score, first);
            add(&mut applicants, mentee, p.score, first);
        }
    }
    let applicants = applicants
        .into_iter()
        .map(
            |((role, application_id), (score, other_score))| ApplicantChange {
                application_id,
                role,
                score,
                other_score,
                change: other_score.unwrap_or(0) - score.unwrap_or(0),
            },
        )
        .collect();

    let (run, other) = (run_stats(run, threshold), run_stats(other, threshold));
    Comparison {
        total_change: other.total_score - run.total_score,
        run,
        other,
        kept,
        changed,
        added,
        removed,
        applicants,
    }
}
