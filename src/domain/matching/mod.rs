//! The matching engine: which mentor–mentee pairs are possible (hard
//! rules), how well each fits (weighted, explained scores), and the best
//! set of pairs for a whole cohort. No HTTP, no database.
//!
//! Scores are integers. Each of seven criteria scores 0–10 and is weighted by
//! both people's matching preferences ([`WeightTable::default`] rows mixed
//! in the run's [`PreferenceBalance`], equal by default); a pair's score is
//! Σ weight × criterion score. Identity counts only when both
//! people consented, and identity details can be hidden with
//! [`Criterion::redacted`] and the `redacted` methods.
//!
//! A run places the committee's must-pair pins, then finds, among the
//! remaining applicants, the largest number of pairs and, among those, the
//! best total score (a min-cost flow over mentors with capacities, solved
//! on candidate lists and proved optimal over every pair: see `assign`), or
//! with the `fair` [`Objective`] the highest lowest pair score
//! first. It then counts blocking pairs (see `stability`). Inputs are
//! sorted by application id first, so the same cohort always gives the same
//! proposals.
mod assign;
mod balance;
mod candidates;
mod compare;
mod input;
mod objective;
mod parallel;
mod pins;
mod profile;
mod rules;
mod score;
mod solve;
mod stability;
#[cfg(test)]
mod tests;
mod weights;

use uuid::Uuid;

pub use balance::PreferenceBalance;
pub use candidates::{Candidates, Excluded, RankedCandidate, candidates_for};
pub use compare::{
    ApplicantChange, Comparison, KeptPair, MovedMentee, PairScore, RunStats, compare_runs,
    run_stats,
};
pub use input::{Candidate, KindedPin, Pin, PinKind, RunParams};
pub use objective::Objective;
pub use pins::PinConflict;
pub use rules::{RuleBroken, broken_rules, check_pair};
pub use score::{
    CAREER_STAGE, Criterion, CriterionName, IDENTITY, INTERESTS, LIBRARY_TYPES,
    MAX_CRITERION_SCORE, MEETING_MODES, REDACTED_DETAIL, REGION, SUPPORTED_STAGE, redact,
    score_pair, score_pair_balanced, stage_rank, summarize,
};
pub use solve::{MatchResult, Proposal, Unmatched, run_matching};
pub use stability::{BlockingAlternative, LISTED_ALTERNATIVES};
pub use weights::{MAX_WEIGHT, WeightTable, Weights};

/// Why the engine could not run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchingError {
    #[error("application {0} appears more than once in the cohort")]
    DuplicateApplication(Uuid),
    #[error("application {0} is not in the cohort")]
    UnknownApplication(Uuid),
    #[error("{0}")]
    InvalidWeights(String),
}
