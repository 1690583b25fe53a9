//! One applicant's view: every possible partner ranked, and why the others
//! cannot be paired with them.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::MatchingError;
use super::input::{Candidate, RunParams};
use super::pins::sorted_cohort;
use super::rules::{RuleBroken, check_pair};
use super::score::{Criterion, redact, score_pair_balanced};
use crate::domain::application::ApplicationRole;

/// A possible partner with the pair's score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RankedCandidate {
    pub application_id: Uuid,
    /// Σ weight × criterion score over the breakdown.
    pub score: i64,
    pub breakdown: Vec<Criterion>,
}

/// An applicant of the other role who cannot be paired, and the first rule
/// the pair breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Excluded {
    pub application_id: Uuid,
    pub rule: RuleBroken,
    /// The rule in words.
    pub reason: String,
}

/// One application's possible partners, and those it cannot be paired
/// with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Candidates {
    /// The application asked about.
    pub application_id: Uuid,
    /// Best score first; equal scores by application id.
    pub feasible: Vec<RankedCandidate>,
    /// By application id.
    pub excluded: Vec<Excluded>,
}

impl Candidates {
    /// The same list with identity details hidden (scores are kept).
    pub fn redacted(&self) -> Candidates {
        let mut c = self.clone();
        for r in &mut c.feasible {
            r.breakdown = redact(&r.breakdown);
        }
        c
    }
}

/// Every applicant of the other role in the cohort, checked pair by pair
/// against the hard rules with the run's never-pair pins, employer setting
/// and weights. Must-pair pins are not applied: this is the pairwise view.
pub fn candidates_for(
    application_id: Uuid,
    cohort: &[Candidate],
    params: &RunParams,
) -> Result<Candidates, MatchingError> {
    let table = params.weight_table();
    table.validate().map_err(MatchingError::InvalidWeights)?;
    let sorted = sorted_cohort(cohort)?;
    let me = sorted
        .iter()
        .find(|c| c.application_id == application_id)
        .copied()
        .ok_or(MatchingError::UnknownApplication(application_id))?;
    let other_role = match me.role {
        ApplicationRole::Mentor => ApplicationRole::Mentee,
        ApplicationRole::Mentee => ApplicationRole::Mentor,
    };
    let mut feasible = Vec::new();
    let mut excluded = Vec::new();
    for other in sorted.iter().filter(|c| c.role == other_role) {
        let (mentor, mentee) = match me.role {
            ApplicationRole::Mentor => (me, *other),
            ApplicationRole::Mentee => (*other, me),
        };
        match check_pair(mentor, mentee, params) {
            Ok(()) => {
                let (score, breakdown) =
                    score_pair_balanced(mentor, mentee, &table, params.preference_balance);
                feasible.push(RankedCandidate {
                    application_id: other.application_id,
                    score,
                    breakdown,
                });
            }
            Err(rule) => excluded.push(Excluded {
                application_id: other.application_id,
                rule,
                reason: rule.to_string(),
            }),
        }
    }
    feasible.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.application_id.cmp(&b.application_id))
    });
    Ok(Candidates {
        application_id,
        feasible,
        excluded,
    })
}
