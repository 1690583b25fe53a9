//! The matching engine: which mentor–mentee pairs are possible (hard
//! rules), how well each fits (weighted, explained scores), and the best
//! set of pairs for a whole cohort. No HTTP, no database.
//!
//! Scores are integers. Each of six criteria scores 0–10 and is weighted by
//! the mentee's matching preference ([`WeightTable::default`]; the
//! mentor's preference is not used); a pair's score is Σ weight × criterion
//! score. Identity counts only when both
//! people consented, and identity details can be hidden with
//! [`Criterion::redacted`] and the `redacted` methods.
//!
//! A run places the committee's must-pair pins, then finds, among the
//! remaining applicants, the largest number of pairs and, among those, the
//! best total score (an assignment problem solved by LAPJV over mentor
//! slots). Inputs are sorted by application id first, so the same cohort
//! always gives the same proposals.
mod assign;
mod candidates;
mod input;
mod pins;
mod profile;
mod rules;
mod score;
mod solve;
#[cfg(test)]
mod tests;
mod weights;

use uuid::Uuid;

pub use candidates::{Candidates, Excluded, RankedCandidate, candidates_for};
pub use input::{Candidate, KindedPin, Pin, PinKind, RunParams};
pub use pins::PinConflict;
pub use rules::{RuleBroken, broken_rules, check_pair};
pub use score::{
    CAREER_STAGE, Criterion, CriterionName, IDENTITY, INTERESTS, LIBRARY_TYPES,
    MAX_CRITERION_SCORE, MEETING_MODES, REDACTED_DETAIL, REGION, redact, score_pair, stage_rank,
    summarize,
};
pub use solve::{MatchResult, Proposal, Unmatched, run_matching};
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
    #[error("the assignment solver failed: {0}")]
    Solver(String),
}
