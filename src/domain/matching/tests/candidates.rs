//! One applicant's ranked candidates and the rules that exclude the rest.
use super::*;
use crate::domain::matching::{MatchingError, RuleBroken, candidates_for};

#[test]
fn candidates_are_ranked_and_the_excluded_name_their_rule() {
    let cohort = vec![
        with(mentor(1), |c| c.interests = tags(&["outreach"])),
        mentor(2),
        with(mentor(3), |c| c.meeting_modes = vec![MeetingMode::InPerson]),
        with(mentor(4), |c| c.status = ApplicationStatus::Declined),
        mentor(5),
        with(mentee(9), |c| c.interests = tags(&["outreach"])),
        mentee(10),
    ];
    let params = RunParams {
        never_pair: vec![pin(5, 9)],
        ..RunParams::default()
    };
    let list = candidates_for(id(9), &cohort, &params).expect("known application");
    let ranked: Vec<_> = list.feasible.iter().map(|c| c.application_id).collect();
    assert_eq!(ranked, vec![id(1), id(2)]);
    assert!(list.feasible[0].score > list.feasible[1].score);
    let excluded: Vec<_> = list
        .excluded
        .iter()
        .map(|e| (e.application_id, e.rule))
        .collect();
    assert_eq!(
        excluded,
        vec![
            (id(3), RuleBroken::MeetingModes),
            (id(4), RuleBroken::NotAccepted),
            (id(5), RuleBroken::NeverPair)
        ]
    );
    assert_eq!(
        list.excluded[0].reason,
        "they have no acceptable meeting mode in common"
    );

    let for_mentor = candidates_for(id(2), &cohort, &params).expect("known application");
    let ranked: Vec<_> = for_mentor
        .feasible
        .iter()
        .map(|c| c.application_id)
        .collect();
    assert_eq!(
        ranked,
        vec![id(9), id(10)],
        "equal scores rank by application id"
    );
}

#[test]
fn candidates_for_an_unknown_application_is_an_error() {
    let err = candidates_for(id(77), &[mentor(1)], &RunParams::default()).unwrap_err();
    assert_eq!(err, MatchingError::UnknownApplication(id(77)));
}
