//! Whole-cohort runs: determinism, capacity, cardinality, unmatched reasons.
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::*;
use crate::domain::matching::MatchingError;

#[test]
fn the_same_cohort_in_any_order_gives_identical_proposals() {
    let mut rng = StdRng::seed_from_u64(7);
    let cohort = super::optimality::random_cohort(&mut rng, 8, 12);
    let params = RunParams {
        never_pair: vec![pin(1, 101), pin(2, 102), pin(3, 103)],
        must_pair: vec![pin(4, 104), pin(5, 105)],
        ..RunParams::default()
    };
    let expected = serde_json::to_string(&run(&cohort, &params)).expect("serializes");
    for _ in 0..10 {
        let (mut shuffled, mut p) = (cohort.clone(), params.clone());
        shuffled.shuffle(&mut rng);
        p.never_pair.shuffle(&mut rng);
        p.must_pair.shuffle(&mut rng);
        assert_eq!(
            serde_json::to_string(&run(&shuffled, &p)).expect("serializes"),
            expected
        );
    }
}

#[test]
fn a_mentor_of_capacity_two_gets_at_most_two_mentees() {
    let m = with(mentor(1), |c| c.capacity = 2);
    let cohort = vec![m, mentee(2), mentee(3), mentee(4)];
    let result = run(&cohort, &RunParams::default());
    assert_eq!(result.proposals.len(), 2);
    assert!(
        result
            .proposals
            .iter()
            .all(|p| p.mentor_application_id == id(1))
    );
    assert_eq!(result.unmatched.len(), 1);
    assert_eq!(
        result.unmatched[0].reason,
        "capacity exhausted: the only feasible mentor has no capacity left"
    );
}

#[test]
fn the_most_pairs_come_before_the_best_score() {
    // Mentee 2 fits mentor 1 perfectly, but mentee 3 can only meet mentor 1
    // (in person, Tacoma): greedy best-score would leave mentee 3 out.
    let perfect = tags(&["outreach", "instruction", "archives"]);
    let m1 = with(mentor(1), |c| {
        c.interests = perfect.clone();
        c.meeting_modes = vec![MeetingMode::Online, MeetingMode::InPerson];
        c.region = "Tacoma".into();
    });
    let m4 = with(mentor(4), |c| c.region = "Yakima".into());
    let e2 = with(mentee(2), |c| {
        c.interests = perfect.clone();
        c.meeting_modes = m1.meeting_modes.clone();
        c.region = "Tacoma".into();
    });
    let e3 = with(mentee(3), |c| {
        c.meeting_modes = vec![MeetingMode::InPerson];
        c.region = "tacoma".into();
        c.library_types = vec![LibraryType::Law];
        c.career_stage = CareerStage::Senior;
    });
    let cohort = vec![m1.clone(), m4.clone(), e2.clone(), e3.clone()];
    let table = crate::domain::matching::WeightTable::default();
    let best = crate::domain::matching::score_pair(&m1, &e2, &table).0;
    let others = crate::domain::matching::score_pair(&m4, &e2, &table).0
        + crate::domain::matching::score_pair(&m1, &e3, &table).0;
    assert!(
        best > others,
        "the two pairs score less than the single best pair"
    );
    let result = run(&cohort, &RunParams::default());
    assert_eq!(pairs(&result), vec![(id(1), id(3)), (id(4), id(2))]);
    assert!(result.unmatched.is_empty());
    assert_eq!(result.total_score, others);
    assert_eq!(
        result.min_score,
        result.proposals.iter().map(|p| p.score).min()
    );
}

#[test]
fn unmatched_applicants_are_told_which_rules_excluded_them() {
    let e = with(mentee(9), |c| {
        c.employer = "King County Library System".into();
        c.meeting_modes = vec![MeetingMode::InPerson];
    });
    let cohort = vec![
        with(mentor(1), |c| {
            c.employer = "king county library system".into();
            c.meeting_modes = vec![MeetingMode::InPerson];
        }),
        with(mentor(2), |c| c.meeting_modes = vec![MeetingMode::Online]),
        with(mentor(3), |c| c.meeting_modes = vec![MeetingMode::Online]),
        with(mentor(4), |c| {
            c.meeting_modes = vec![MeetingMode::InPerson];
            c.region = "Walla Walla".into();
        }),
        mentor(5),
        e,
    ];
    let params = RunParams {
        never_pair: vec![pin(5, 9)],
        ..RunParams::default()
    };
    let result = run(&cohort, &params);
    assert!(result.proposals.is_empty() && result.total_score == 0 && result.min_score.is_none());
    assert_eq!(
        reason_of(&result, 9),
        "no feasible partner among 5 mentors: never pair (1), meeting modes (2), in-person region (1), \
         same employer (1)"
    );
    assert_eq!(
        reason_of(&result, 2),
        "no feasible partner among 1 mentee: meeting modes (1)"
    );
    let roles: Vec<_> = result.unmatched.iter().map(|u| u.role).collect();
    assert_eq!(roles[..5], [ApplicationRole::Mentor; 5]);
    assert_eq!(roles[5], ApplicationRole::Mentee);
}

#[test]
fn a_mentor_whose_mentees_went_elsewhere_is_told_so() {
    let cohort = vec![mentor(1), mentor(2), mentee(3)];
    let result = run(&cohort, &RunParams::default());
    assert_eq!(result.proposals.len(), 1);
    let left = result.unmatched[0].application_id;
    assert_eq!(
        result.unmatched[0].reason,
        "capacity exhausted: the only feasible mentee is matched with another mentor"
    );
    assert!(left == id(1) || left == id(2));
}

#[test]
fn a_mentor_left_out_by_pins_is_told_why() {
    let params = RunParams {
        must_pair: vec![pin(1, 2)],
        ..RunParams::default()
    };
    let result = run(&[mentor(1), mentor(3), mentee(2)], &params);
    assert_eq!(
        reason_of(&result, 3),
        "no feasible partner: every accepted mentee is pinned to someone else"
    );
}

#[test]
fn a_cohort_listing_an_application_twice_is_refused() {
    let err = run_matching(&[mentor(1), mentee(2), mentee(2)], &RunParams::default()).unwrap_err();
    assert_eq!(err, MatchingError::DuplicateApplication(id(2)));
}

#[test]
fn an_empty_cohort_proposes_nothing() {
    let result = run(&[], &RunParams::default());
    assert_eq!(
        result,
        MatchResult {
            proposals: vec![],
            unmatched: vec![],
            pin_conflicts: vec![],
            total_score: 0,
            min_score: None,
            blocking_pairs: Some(0),
        }
    );
}
