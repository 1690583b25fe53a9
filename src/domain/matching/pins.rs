//! The committee's "must pair" pins, placed before the optimisation.
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::MatchingError;
use super::input::{Candidate, RunParams};
use super::rules::{RuleBroken, broken_rules};

/// A must-pair pin that could not be honoured. The two applicants then take
/// part in the optimisation like everyone else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PinConflict {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// The hard rule the pin breaks, when it is one; null when an application
    /// is not in the cohort, the mentee is pinned twice, or earlier pins took
    /// the mentor's slots.
    pub rule: Option<RuleBroken>,
    /// Why, in words.
    pub reason: String,
}

/// The pins that hold, the ones that don't, and the slots they take.
#[derive(Debug, Default)]
pub(crate) struct PinOutcome<'a> {
    /// (mentor, mentee), in pin order.
    pub pairs: Vec<(&'a Candidate, &'a Candidate)>,
    pub conflicts: Vec<PinConflict>,
    /// Slots each mentor gave to pins.
    pub used: BTreeMap<Uuid, u32>,
    pub pinned_mentees: BTreeSet<Uuid>,
}

/// The cohort sorted by application id, so every later step is
/// deterministic; duplicate application ids are refused.
pub(crate) fn sorted_cohort(cohort: &[Candidate]) -> Result<Vec<&Candidate>, MatchingError> {
    let mut sorted: Vec<&Candidate> = cohort.iter().collect();
    sorted.sort_by_key(|c| c.application_id);
    for w in sorted.windows(2) {
        if w[0].application_id == w[1].application_id {
            return Err(MatchingError::DuplicateApplication(w[0].application_id));
        }
    }
    Ok(sorted)
}

fn find<'a>(sorted: &[&'a Candidate], id: Uuid) -> Option<&'a Candidate> {
    sorted
        .binary_search_by_key(&id, |c| c.application_id)
        .ok()
        .map(|i| sorted[i])
}

/// Places the pins in (mentor, mentee) order. A pin is refused, and
/// reported, when an application is unknown, the pair breaks a hard rule
/// (never-pair included), the mentee is already pinned, or the mentor's
/// slots are all taken by earlier pins.
pub(crate) fn place_pins<'a>(sorted: &[&'a Candidate], params: &RunParams) -> PinOutcome<'a> {
    let mut pins = params.must_pair.clone();
    pins.sort();
    pins.dedup();
    let mut out = PinOutcome::default();
    for pin in pins {
        let (mentor_id, mentee_id) = (pin.mentor_application_id, pin.mentee_application_id);
        let conflict = |rule: Option<RuleBroken>, reason: String| PinConflict {
            mentor_application_id: mentor_id,
            mentee_application_id: mentee_id,
            rule,
            reason,
        };
        let (Some(mentor), Some(mentee)) = (find(sorted, mentor_id), find(sorted, mentee_id))
        else {
            let missing = if find(sorted, mentor_id).is_none() {
                mentor_id
            } else {
                mentee_id
            };
            let reason =
                format!("must pair not honoured: application {missing} is not in the cohort");
            out.conflicts.push(conflict(None, reason));
            continue;
        };
        if let Some(rule) = broken_rules(mentor, mentee, params).first() {
            let reason = format!("must pair not honoured: {rule}");
            out.conflicts.push(conflict(Some(*rule), reason));
            continue;
        }
        if out.pinned_mentees.contains(&mentee_id) {
            let reason = "must pair not honoured: the mentee is already pinned to another mentor";
            out.conflicts.push(conflict(None, reason.into()));
            continue;
        }
        let used = out.used.entry(mentor_id).or_insert(0);
        if *used >= mentor.capacity {
            let reason = format!(
                "must pair not honoured: the mentor's capacity ({}) is taken by other pins",
                mentor.capacity
            );
            out.conflicts
                .push(conflict(Some(RuleBroken::Capacity), reason));
            continue;
        }
        *used += 1;
        out.pinned_mentees.insert(mentee_id);
        out.pairs.push((mentor, mentee));
    }
    out
}
