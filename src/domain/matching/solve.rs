//! Whole-cohort optimisation: pins first, then the largest number of pairs,
//! then the best total score among those, solved as an assignment problem.
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::MatchingError;
use super::input::{Candidate, RunParams};
use super::objective;
use super::parallel;
use super::pins::{PinConflict, place_pins, sorted_cohort};
use super::profile::{Interner, PairJudge, Profile};
use super::rules::{RuleBroken, count_rules};
use super::score::{Criterion, MAX_CRITERION_SCORE, redact, score_pair_balanced};
use super::stability::{self, BlockingAlternative};
use super::weights::MAX_WEIGHT;
use crate::domain::application::{ApplicationRole, MatchingPreference};

/// A proposed pair; the committee approves or drops it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// Σ weight × criterion score over the breakdown.
    pub score: i64,
    pub breakdown: Vec<Criterion>,
    /// Placed by a must-pair pin rather than by the optimisation.
    pub pinned: bool,
    /// The mentor's matching preference (null in runs stored before it
    /// counted).
    #[serde(default)]
    #[schema(required = true)]
    pub mentor_preference: Option<MatchingPreference>,
    /// The mentee's matching preference (null in runs stored before).
    #[serde(default)]
    #[schema(required = true)]
    pub mentee_preference: Option<MatchingPreference>,
    /// How many blocking pairs this proposal is part of (see
    /// `blocking_pairs`); null in runs stored before they were counted.
    #[serde(default)]
    #[schema(required = true)]
    pub blocking_count: Option<u64>,
    /// The best of them (at most 5), highest gain first: "could pair with
    /// X at +12".
    #[serde(default)]
    pub blocking_alternatives: Vec<BlockingAlternative>,
}

/// An accepted applicant left without a partner, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unmatched {
    pub application_id: Uuid,
    pub role: ApplicationRole,
    /// Why, in words: no feasible partner, with how often each hard rule
    /// ruled one out ("meeting modes (12), same employer (3)"), or every
    /// feasible partner taken ("capacity exhausted: ...").
    pub reason: String,
}

/// What a run proposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MatchResult {
    /// Sorted by mentor, then mentee application id.
    pub proposals: Vec<Proposal>,
    /// Mentors, then mentees, each by application id.
    pub unmatched: Vec<Unmatched>,
    /// The must-pair pins that could not be honoured.
    pub pin_conflicts: Vec<PinConflict>,
    /// Sum of the proposals' scores.
    pub total_score: i64,
    /// The weakest proposal's score; none without proposals.
    #[schema(required = true)]
    pub min_score: Option<i64>,
    /// Blocking pairs: a mentee and a mentor not paired together who may
    /// be, whose score beats the mentee's pair (or the mentee is unmatched)
    /// and the mentor's weakest pair (or the mentor has a free place).
    /// Null in runs stored before they were counted.
    #[serde(default)]
    #[schema(required = true)]
    pub blocking_pairs: Option<u64>,
}

impl MatchResult {
    /// The same result with identity details hidden (scores are kept).
    pub fn redacted(&self) -> MatchResult {
        let mut r = self.clone();
        for p in &mut r.proposals {
            p.breakdown = redact(&p.breakdown);
        }
        r
    }
}

/// One (mentee, mentor) pair of a run in two bytes: its score (≥ 0) or the
/// first rule it breaks (−1 − the rule's position). Two million pairs of a
/// big cohort take 4 MB.
#[derive(Clone, Copy)]
struct Cell(i16);

// The highest possible score (seven criteria at the highest weight and
// score) fits, so a score is stored exactly.
const _: () = assert!(7 * MAX_WEIGHT * MAX_CRITERION_SCORE <= i16::MAX as i64);

impl Cell {
    fn score(score: i64) -> Cell {
        debug_assert!((0..=i64::from(i16::MAX)).contains(&score));
        Cell(score as i16)
    }

    fn broken(rule: RuleBroken) -> Cell {
        Cell(-1 - rule as i16)
    }

    fn get(self) -> Result<i64, RuleBroken> {
        match usize::try_from(-1 - i32::from(self.0)) {
            Ok(rule) => Err(RuleBroken::ALL[rule]),
            Err(_) => Ok(i64::from(self.0)),
        }
    }
}

fn is(c: &Candidate, role: ApplicationRole) -> bool {
    c.role == role && c.status.is_matchable()
}

/// Every (mentee, mentor) pair judged, row by mentee (on every core for
/// a big cohort).
fn judge_pairs(judge: &PairJudge, mentors: &[Profile], mentees: &[Profile]) -> Vec<Cell> {
    let parts = parallel::by_rows(mentees.len(), mentors.len(), |rows| {
        mentees[rows]
            .iter()
            .flat_map(|e| mentors.iter().map(move |m| (m, e)))
            .map(|(m, e)| match judge.first_broken(m, e) {
                Some(rule) => Cell::broken(rule),
                None => Cell::score(judge.score(m, e)),
            })
            .collect::<Vec<Cell>>()
    });
    parts.concat()
}

/// Runs the matching over a cohort. Only accepted (or already matched)
/// applications take part; the others are ignored. The same cohort and
/// parameters, in any order, give the same result.
pub fn run_matching(
    cohort: &[Candidate],
    params: &RunParams,
) -> Result<MatchResult, MatchingError> {
    let table = params.weight_table();
    table.validate().map_err(MatchingError::InvalidWeights)?;
    let sorted = sorted_cohort(cohort)?;
    let pins = place_pins(&sorted, params);
    let of_role = |role| sorted.iter().copied().filter(move |c| is(c, role));
    let mentors: Vec<&Candidate> = of_role(ApplicationRole::Mentor).collect();
    let mentees: Vec<&Candidate> = of_role(ApplicationRole::Mentee).collect();
    // Indices into `mentees` of those not placed by a pin.
    let free: Vec<usize> = (0..mentees.len())
        .filter(|&e| !pins.pinned_mentees.contains(&mentees[e].application_id))
        .collect();
    let free_mentees: Vec<&Candidate> = free.iter().map(|&e| mentees[e]).collect();
    let remaining: Vec<u32> = mentors
        .iter()
        .map(|m| {
            m.capacity
                .saturating_sub(pins.used.get(&m.application_id).copied().unwrap_or(0))
        })
        .collect();

    // The first rule each (mentee, mentor) pair breaks, or its score, from
    // profiles built once per applicant: no text is compared or built per
    // pair. Computed once, for the solve and the stability count alike.
    let judge = PairJudge::new(params, &table);
    let mut interner = Interner::default();
    let mentor_profiles: Vec<Profile> = mentors.iter().map(|c| interner.profile(c)).collect();
    let mentee_profiles: Vec<Profile> = mentees.iter().map(|c| interner.profile(c)).collect();
    let cell = judge_pairs(&judge, &mentor_profiles, &mentee_profiles);
    drop((mentor_profiles, mentee_profiles, interner));
    let pair = |e: usize, j: usize| cell[e * mentors.len() + j].get();
    // A free mentee `i` with mentor `j`, given the places the pins took.
    let at = |i: usize, j: usize| match pair(free[i], j) {
        Ok(_) if remaining[j] == 0 => Err(RuleBroken::Capacity),
        other => other,
    };

    let balance = params.preference_balance;
    let floor = pins
        .pairs
        .iter()
        .map(|&(m, e)| score_pair_balanced(m, e, &table, balance).0)
        .min();
    // A mentor never takes more than there are mentees to place.
    let capacity: Vec<u32> = remaining
        .iter()
        .map(|&left| left.min(free_mentees.len() as u32))
        .collect();
    let solved = objective::solve(
        params.objective,
        floor,
        free_mentees.len(),
        &capacity,
        |i, j| at(i, j).ok(),
    );

    // (mentor, mentee, pinned, the fast path's score of a solved pair)
    let chosen = pins.pairs.iter().map(|&(m, e)| (m, e, true, None));
    let solved = solved
        .into_iter()
        .map(|(i, j)| (mentors[j], free_mentees[i], false, at(i, j).ok()));
    let mut proposals: Vec<Proposal> = chosen
        .chain(solved)
        .map(|(m, e, pinned, fast)| {
            // Only the proposed pairs get their explanation.
            let (score, breakdown) = score_pair_balanced(m, e, &table, balance);
            debug_assert!(fast.is_none_or(|f| f == score));
            Proposal {
                mentor_application_id: m.application_id,
                mentee_application_id: e.application_id,
                score,
                breakdown,
                pinned,
                mentor_preference: Some(m.matching_preference),
                mentee_preference: Some(e.matching_preference),
                blocking_count: None,
                blocking_alternatives: Vec::new(),
            }
        })
        .collect();
    proposals.sort_by_key(|p| (p.mentor_application_id, p.mentee_application_id));

    let matched: BTreeSet<Uuid> = proposals
        .iter()
        .flat_map(|p| [p.mentor_application_id, p.mentee_application_id])
        .collect();
    let mut unmatched = Vec::new();
    for (j, mentor) in mentors.iter().enumerate() {
        if matched.contains(&mentor.application_id) {
            continue;
        }
        let rules: Vec<Option<RuleBroken>> =
            (0..free_mentees.len()).map(|i| at(i, j).err()).collect();
        let reason = if mentor.capacity == 0 {
            "mentor capacity is 0: the mentor takes no mentees".into()
        } else {
            reason(
                &rules,
                mentees.len(),
                "mentee",
                "is matched with another mentor",
            )
        };
        unmatched.push(Unmatched {
            application_id: mentor.application_id,
            role: ApplicationRole::Mentor,
            reason,
        });
    }
    for (i, mentee) in free_mentees.iter().enumerate() {
        if matched.contains(&mentee.application_id) {
            continue;
        }
        let rules: Vec<Option<RuleBroken>> = (0..mentors.len()).map(|j| at(i, j).err()).collect();
        unmatched.push(Unmatched {
            application_id: mentee.application_id,
            role: ApplicationRole::Mentee,
            reason: reason(&rules, mentors.len(), "mentor", "has no capacity left"),
        });
    }

    let mut result = MatchResult {
        total_score: proposals.iter().map(|p| p.score).sum(),
        min_score: proposals.iter().map(|p| p.score).min(),
        proposals,
        unmatched,
        pin_conflicts: pins.conflicts,
        blocking_pairs: None,
    };
    stability::annotate(&mentors, &mentees, |e, j| pair(e, j).ok(), &mut result);
    Ok(result)
}

/// "no feasible partner among 15 mentors: meeting modes (12), same
/// employer (3)", or "capacity exhausted: …" when feasible partners exist.
/// `rules` holds the first rule broken with each candidate partner (pinned
/// ones left out); `others` counts the applicants of that role still free.
fn reason(rules: &[Option<RuleBroken>], others: usize, other: &str, taken: &str) -> String {
    if others == 0 {
        return format!("no feasible partner: no accepted {other} is free to match");
    }
    if rules.is_empty() {
        return format!("no feasible partner: every accepted {other} is pinned to someone else");
    }
    match rules.iter().filter(|r| r.is_none()).count() {
        0 => {
            let broken: Vec<RuleBroken> = rules.iter().flatten().copied().collect();
            let n = rules.len();
            let plural = if n == 1 { "" } else { "s" };
            format!(
                "no feasible partner among {n} {other}{plural}: {}",
                count_rules(&broken)
            )
        }
        1 => format!("capacity exhausted: the only feasible {other} {taken}"),
        n => format!("capacity exhausted: each of the {n} feasible {other}s {taken}"),
    }
}

#[cfg(test)]
mod cell_tests {
    use super::*;

    #[test]
    fn a_cell_holds_any_score_or_rule_exactly() {
        for (i, rule) in RuleBroken::ALL.iter().enumerate() {
            assert_eq!(
                *rule as usize, i,
                "ALL lists the rules in declaration order"
            );
            assert_eq!(Cell::broken(*rule).get(), Err(*rule));
        }
        for score in [0, 1, 12, 7 * MAX_WEIGHT * MAX_CRITERION_SCORE] {
            assert_eq!(Cell::score(score).get(), Ok(score));
        }
    }
}
