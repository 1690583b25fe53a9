//! Fixtures shared by the matching tests.
mod both_parties;
mod candidates;
mod fast_path;
mod optimality;
mod rules;
mod scoring;
mod solving;

use uuid::Uuid;

use super::{Candidate, MatchResult, Pin, RunParams, run_matching};
use crate::domain::application::{
    ApplicationRole, ApplicationStatus, CareerStage, LibraryType, MatchingPreference, MeetingMode,
};

pub(super) fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn base(n: u128, role: ApplicationRole, career_stage: CareerStage) -> Candidate {
    Candidate {
        application_id: id(n),
        member_id: id(1_000_000 + n),
        role,
        status: ApplicationStatus::Accepted,
        library_types: vec![LibraryType::Public],
        interests: vec![],
        career_stage,
        region: "Spokane".into(),
        meeting_modes: vec![MeetingMode::Online],
        matching_preference: MatchingPreference::None,
        identity_tags: vec![],
        identity_consent: false,
        employer: String::new(),
        capacity: 1,
        mentee_stages: vec![],
    }
}

/// An accepted senior mentor in Spokane, online, capacity 1, public
/// libraries, nothing else in common with anyone.
pub(super) fn mentor(n: u128) -> Candidate {
    base(n, ApplicationRole::Mentor, CareerStage::Senior)
}

/// An accepted early-career mentee in Spokane, online, no preference.
pub(super) fn mentee(n: u128) -> Candidate {
    let mut c = base(n, ApplicationRole::Mentee, CareerStage::EarlyCareer);
    c.capacity = 0;
    c
}

pub(super) fn with(mut c: Candidate, f: impl FnOnce(&mut Candidate)) -> Candidate {
    f(&mut c);
    c
}

pub(super) fn tags(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(super) fn pin(mentor: u128, mentee: u128) -> Pin {
    Pin::new(id(mentor), id(mentee))
}

pub(super) fn run(cohort: &[Candidate], params: &RunParams) -> MatchResult {
    run_matching(cohort, params).expect("the run succeeds")
}

/// (mentor, mentee) application ids of the proposals.
pub(super) fn pairs(result: &MatchResult) -> Vec<(Uuid, Uuid)> {
    result
        .proposals
        .iter()
        .map(|p| (p.mentor_application_id, p.mentee_application_id))
        .collect()
}

pub(super) fn reason_of(result: &MatchResult, n: u128) -> String {
    result
        .unmatched
        .iter()
        .find(|u| u.application_id == id(n))
        .map(|u| u.reason.clone())
        .unwrap_or_else(|| panic!("application {n} is not unmatched: {result:#?}"))
}
