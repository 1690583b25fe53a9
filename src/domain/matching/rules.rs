//! The hard rules: which mentor–mentee pairs are possible at all.
use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::input::{Candidate, RunParams, loose};
use crate::domain::application::{ApplicationRole, MeetingMode};

/// A hard rule a pair breaks. Rules are checked in the order listed here and
/// the first one broken is the one reported.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleBroken {
    /// The "mentor" did not apply as a mentor, or the "mentee" as a mentee.
    Role,
    /// Both applications belong to the same member.
    SameMember,
    /// One of the applications is neither accepted nor already matched.
    NotAccepted,
    /// The committee pinned this pair as never to be paired.
    NeverPair,
    /// The mentor has no slot left.
    Capacity,
    /// They have no acceptable meeting mode in common.
    MeetingModes,
    /// Their only common mode is in person and they are not in one region.
    Region,
    /// They work for the same employer and the run does not allow it.
    SameEmployer,
}

impl RuleBroken {
    pub const ALL: [RuleBroken; 8] = [
        Self::Role,
        Self::SameMember,
        Self::NotAccepted,
        Self::NeverPair,
        Self::Capacity,
        Self::MeetingModes,
        Self::Region,
        Self::SameEmployer,
    ];

    /// Short name used when rules are counted ("meeting modes (12)").
    pub fn label(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::SameMember => "same member",
            Self::NotAccepted => "not accepted",
            Self::NeverPair => "never pair",
            Self::Capacity => "mentor capacity",
            Self::MeetingModes => "meeting modes",
            Self::Region => "in-person region",
            Self::SameEmployer => "same employer",
        }
    }
}

impl fmt::Display for RuleBroken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Role => "the pair needs one mentor application and one mentee application",
            Self::SameMember => "both applications belong to the same member",
            Self::NotAccepted => "only accepted (or already matched) applications can be matched",
            Self::NeverPair => "the committee pinned this pair as never to be paired",
            Self::Capacity => "the mentor has no capacity left",
            Self::MeetingModes => "they have no acceptable meeting mode in common",
            Self::Region => "they can only meet in person and are not in the same region",
            Self::SameEmployer => "they work for the same employer",
        })
    }
}

impl std::error::Error for RuleBroken {}

/// Checks one pair against every hard rule and names the first one broken.
/// Capacity here means a mentor who takes no mentee at all; a caller making
/// a match by hand counts the mentor's existing matches itself.
pub fn check_pair(
    mentor: &Candidate,
    mentee: &Candidate,
    params: &RunParams,
) -> Result<(), RuleBroken> {
    match broken_rules(mentor, mentee, params).first() {
        Some(rule) => Err(*rule),
        None => Ok(()),
    }
}

/// Every hard rule the pair breaks, in [`RuleBroken::ALL`] order.
pub fn broken_rules(mentor: &Candidate, mentee: &Candidate, params: &RunParams) -> Vec<RuleBroken> {
    let mut out = Vec::new();
    if mentor.role != ApplicationRole::Mentor || mentee.role != ApplicationRole::Mentee {
        out.push(RuleBroken::Role);
    }
    if mentor.member_id == mentee.member_id {
        out.push(RuleBroken::SameMember);
    }
    if !(mentor.status.is_matchable() && mentee.status.is_matchable()) {
        out.push(RuleBroken::NotAccepted);
    }
    if params.is_never_pair(mentor.application_id, mentee.application_id) {
        out.push(RuleBroken::NeverPair);
    }
    if mentor.capacity == 0 {
        out.push(RuleBroken::Capacity);
    }
    out.extend(mode_rule(mentor, mentee));
    if !params.allow_same_employer && same_employer(mentor, mentee) {
        out.push(RuleBroken::SameEmployer);
    }
    out
}

/// Modes both accept, in canonical order.
pub(crate) fn common_modes(a: &Candidate, b: &Candidate) -> Vec<MeetingMode> {
    MeetingMode::ALL
        .iter()
        .copied()
        .filter(|m| a.meeting_modes.contains(m) && b.meeting_modes.contains(m))
        .collect()
}

/// Same region, compared trimmed and case-insensitively; an empty region is
/// unknown and matches nothing.
pub(crate) fn same_region(a: &Candidate, b: &Candidate) -> bool {
    let (ra, rb) = (loose(&a.region), loose(&b.region));
    !ra.is_empty() && ra == rb
}

fn same_employer(a: &Candidate, b: &Candidate) -> bool {
    let (ea, eb) = (loose(&a.employer), loose(&b.employer));
    !ea.is_empty() && ea == eb
}

fn mode_rule(mentor: &Candidate, mentee: &Candidate) -> Option<RuleBroken> {
    let common = common_modes(mentor, mentee);
    if common.is_empty() {
        Some(RuleBroken::MeetingModes)
    } else if common == [MeetingMode::InPerson] && !same_region(mentor, mentee) {
        Some(RuleBroken::Region)
    } else {
        None
    }
}

/// "meeting modes (12), same employer (3)": how often each rule was the
/// first one broken, in rule order, zero counts left out.
pub(crate) fn count_rules(rules: &[RuleBroken]) -> String {
    RuleBroken::ALL
        .iter()
        .filter_map(|rule| {
            let n = rules.iter().filter(|r| *r == rule).count();
            (n > 0).then(|| format!("{} ({n})", rule.label()))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
