//! Stability diagnostics: who would rather be with someone else.
//!
//! A blocking pair is a mentee e and a mentor m, not paired together, who
//! may be paired (every hard rule holds) and whose pair score is strictly
//! higher than e's score with e's mentor (or e is unmatched) and strictly
//! higher than the lowest score among m's mentees (or m has a free place).
//! A run counts them all, and each proposal lists the ones it is part of.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::input::Candidate;
use super::solve::MatchResult;
use crate::domain::application::ApplicationRole;

/// How many blocking alternatives a proposal lists, best first; the
/// proposal's `blocking_count` counts them all.
pub const LISTED_ALTERNATIVES: usize = 5;

/// "Could pair with X at +12": a blocking pair one of the proposal's two
/// people is part of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BlockingAlternative {
    /// Who would leave this proposal: `mentee` (its mentee could pair with
    /// the mentor `application_id` instead) or `mentor` (its mentor could
    /// take the mentee `application_id` instead of this proposal's mentee,
    /// the mentor's weakest pair).
    pub side: ApplicationRole,
    /// The other partner of the blocking pair.
    pub application_id: Uuid,
    /// The blocking pair's score.
    pub score: i64,
    /// How much higher than this proposal's score.
    pub gain: i64,
}

/// Fills in `blocking_pairs` and each proposal's blocking alternatives.
/// `mentors` and `mentees` are every matchable applicant of the run, pinned
/// ones included; `pair(e, m)` is the score of `mentees[e]` with
/// `mentors[m]` when every hard rule holds. A mentor's free places are its
/// capacity less its proposals.
pub(crate) fn annotate(
    mentors: &[&Candidate],
    mentees: &[&Candidate],
    pair: impl Fn(usize, usize) -> Option<i64>,
    result: &mut MatchResult,
) {
    // Each mentee's proposal, and each mentor's load and weakest proposal
    // (lowest score, then lowest mentee id), by the mentor's index: the
    // loop below visits every pair.
    let mentor_at: HashMap<Uuid, usize> = mentors
        .iter()
        .enumerate()
        .map(|(j, m)| (m.application_id, j))
        .collect();
    let mut of_mentee: HashMap<Uuid, usize> = HashMap::new();
    let mut load = vec![0u32; mentors.len()];
    let mut weakest: Vec<Option<usize>> = vec![None; mentors.len()];
    let key = |k: usize| {
        let p = &result.proposals[k];
        (p.score, p.mentee_application_id)
    };
    for (k, p) in result.proposals.iter().enumerate() {
        of_mentee.insert(p.mentee_application_id, k);
        let Some(&j) = mentor_at.get(&p.mentor_application_id) else {
            continue;
        };
        load[j] += 1;
        if weakest[j].is_none_or(|w| key(k) < key(w)) {
            weakest[j] = Some(k);
        }
    }

    let mut found: Vec<Vec<BlockingAlternative>> = vec![Vec::new(); result.proposals.len()];
    let mut count: u64 = 0;
    for (ei, e) in mentees.iter().enumerate() {
        let current = of_mentee.get(&e.application_id).copied();
        let mine = current.map(|k| &result.proposals[k]);
        let my_mentor = mine.and_then(|p| mentor_at.get(&p.mentor_application_id).copied());
        for (mi, m) in mentors.iter().enumerate() {
            if my_mentor == Some(mi) {
                continue;
            }
            let Some(score) = pair(ei, mi) else { continue };
            if mine.is_some_and(|p| score <= p.score) {
                continue;
            }
            let mentor_side = match weakest[mi] {
                Some(_) if load[mi] < m.capacity => None,
                Some(w) if score > result.proposals[w].score => Some(w),
                Some(_) => continue,
                None => None,
            };
            count += 1;
            if let (Some(k), Some(p)) = (current, mine) {
                found[k].push(BlockingAlternative {
                    side: ApplicationRole::Mentee,
                    application_id: m.application_id,
                    score,
                    gain: score - p.score,
                });
            }
            if let Some(k) = mentor_side {
                found[k].push(BlockingAlternative {
                    side: ApplicationRole::Mentor,
                    application_id: e.application_id,
                    score,
                    gain: score - result.proposals[k].score,
                });
            }
        }
    }
    for (p, mut alternatives) in result.proposals.iter_mut().zip(found) {
        alternatives.sort_by(|a, b| {
            b.gain
                .cmp(&a.gain)
                .then(a.side.cmp(&b.side))
                .then(a.application_id.cmp(&b.application_id))
        });
        p.blocking_count = Some(alternatives.len() as u64);
        alternatives.truncate(LISTED_ALTERNATIVES);
        p.blocking_alternatives = alternatives;
    }
    result.blocking_pairs = Some(count);
}
