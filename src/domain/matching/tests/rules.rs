//! One test per hard rule, checked pair by pair and in a run.
use super::*;
use crate::domain::matching::{RuleBroken, broken_rules, check_pair};

fn params() -> RunParams {
    RunParams::default()
}

#[test]
fn a_pair_with_nothing_wrong_passes_every_rule() {
    assert_eq!(check_pair(&mentor(1), &mentee(2), &params()), Ok(()));
}

#[test]
fn a_pair_needs_one_mentor_and_one_mentee() {
    let other_mentor = with(mentor(2), |c| c.capacity = 1);
    assert_eq!(
        check_pair(&mentor(1), &other_mentor, &params()),
        Err(RuleBroken::Role)
    );
    assert_eq!(
        check_pair(&mentee(2), &mentor(1), &params()),
        Err(RuleBroken::Role)
    );
}

#[test]
fn a_member_is_never_paired_with_themself() {
    let m = mentor(1);
    let e = with(mentee(2), |c| c.member_id = m.member_id);
    assert_eq!(check_pair(&m, &e, &params()), Err(RuleBroken::SameMember));
    assert!(run(&[m, e], &params()).proposals.is_empty());
}

#[test]
fn only_accepted_or_matched_applications_are_paired() {
    use ApplicationStatus::*;
    for status in [Submitted, Waitlisted, Declined, Withdrawn] {
        let m = with(mentor(1), |c| c.status = status);
        assert_eq!(
            check_pair(&m, &mentee(2), &params()),
            Err(RuleBroken::NotAccepted)
        );
        let e = with(mentee(2), |c| c.status = status);
        assert_eq!(
            check_pair(&mentor(1), &e, &params()),
            Err(RuleBroken::NotAccepted)
        );
    }
    let result = run(
        &[with(mentor(1), |c| c.status = Waitlisted), mentee(2)],
        &params(),
    );
    assert!(result.proposals.is_empty());
    assert_eq!(
        result.unmatched.len(),
        1,
        "the waitlisted mentor is not a participant"
    );
    assert_eq!(
        reason_of(&result, 2),
        "no feasible partner: no accepted mentor is free to match"
    );
}

#[test]
fn a_matched_mentor_with_a_free_slot_takes_another_mentee() {
    // Capacity is what the mentor has left after their published matches.
    let matched = with(mentor(1), |c| c.status = ApplicationStatus::Matched);
    assert_eq!(check_pair(&matched, &mentee(2), &params()), Ok(()));
    let result = run(&[matched, mentee(2)], &params());
    assert_eq!(pairs(&result), [(id(1), id(2))]);
}

#[test]
fn a_mentor_without_capacity_takes_no_mentee() {
    let m = with(mentor(1), |c| c.capacity = 0);
    assert_eq!(
        check_pair(&m, &mentee(2), &params()),
        Err(RuleBroken::Capacity)
    );
    let result = run(&[m, mentee(2)], &params());
    assert!(result.proposals.is_empty());
    assert!(reason_of(&result, 1).contains("capacity is 0"));
}

#[test]
fn a_pair_needs_a_meeting_mode_in_common() {
    let m = with(mentor(1), |c| c.meeting_modes = vec![MeetingMode::InPerson]);
    assert_eq!(
        check_pair(&m, &mentee(2), &params()),
        Err(RuleBroken::MeetingModes)
    );
    let nothing = with(mentee(2), |c| c.meeting_modes = vec![]);
    assert_eq!(
        check_pair(&mentor(1), &nothing, &params()),
        Err(RuleBroken::MeetingModes)
    );
}

#[test]
fn a_pair_meeting_only_in_person_must_share_a_region() {
    let both = vec![MeetingMode::Online, MeetingMode::InPerson];
    let m = with(mentor(1), |c| c.meeting_modes = vec![MeetingMode::InPerson]);
    let e = with(mentee(2), |c| {
        c.meeting_modes = both.clone();
        c.region = "Seattle".into();
    });
    assert_eq!(check_pair(&m, &e, &params()), Err(RuleBroken::Region));
    let e = with(e, |c| c.region = "  sPOKANE ".into());
    assert_eq!(
        check_pair(&m, &e, &params()),
        Ok(()),
        "regions compare trimmed, any case"
    );
    let (m, e) = (
        with(m, |c| c.region = " ".into()),
        with(e, |c| c.region = String::new()),
    );
    assert_eq!(
        check_pair(&m, &e, &params()),
        Err(RuleBroken::Region),
        "an unknown region matches nothing"
    );
}

#[test]
fn a_pair_that_can_meet_online_may_live_anywhere() {
    let e = with(mentee(2), |c| {
        c.region = "Seattle".into();
        c.meeting_modes = vec![MeetingMode::Online, MeetingMode::InPerson];
    });
    let m = with(mentor(1), |c| {
        c.meeting_modes = vec![MeetingMode::Online, MeetingMode::InPerson]
    });
    assert_eq!(check_pair(&m, &e, &params()), Ok(()));
}

#[test]
fn colleagues_are_not_paired_unless_the_run_allows_it() {
    let m = with(mentor(1), |c| c.employer = "Spokane Public Library".into());
    let e = with(mentee(2), |c| {
        c.employer = "  spokane public LIBRARY ".into()
    });
    assert_eq!(check_pair(&m, &e, &params()), Err(RuleBroken::SameEmployer));
    assert!(run(&[m.clone(), e.clone()], &params()).proposals.is_empty());
    let allow = RunParams {
        allow_same_employer: true,
        ..params()
    };
    assert_eq!(check_pair(&m, &e, &allow), Ok(()));
    assert_eq!(run(&[m, e], &allow).proposals.len(), 1);
}

#[test]
fn an_empty_employer_never_conflicts() {
    let m = with(mentor(1), |c| c.employer = "  ".into());
    let e = with(mentee(2), |c| c.employer = String::new());
    assert_eq!(check_pair(&m, &e, &params()), Ok(()));
}

#[test]
fn never_pair_pins_keep_a_pair_apart() {
    let never = RunParams {
        never_pair: vec![pin(1, 2)],
        ..params()
    };
    assert_eq!(
        check_pair(&mentor(1), &mentee(2), &never),
        Err(RuleBroken::NeverPair)
    );
    let result = run(&[mentor(1), mentor(3), mentee(2)], &never);
    assert_eq!(pairs(&result), vec![(id(3), id(2))]);
}

#[test]
fn must_pair_pins_are_placed_first_and_take_capacity() {
    // Mentee 3 fits mentor 1 far better, but the pin puts mentee 2 there.
    let m = with(mentor(1), |c| {
        c.interests = tags(&["outreach", "instruction", "archives"])
    });
    let e3 = with(mentee(3), |c| c.interests = m.interests.clone());
    let must = RunParams {
        must_pair: vec![pin(1, 2)],
        ..params()
    };
    let result = run(&[m, mentee(2), e3, mentor(4)], &must);
    assert_eq!(pairs(&result), vec![(id(1), id(2)), (id(4), id(3))]);
    assert!(result.proposals[0].pinned && !result.proposals[1].pinned);
    assert!(result.pin_conflicts.is_empty());
}

#[test]
fn a_must_pair_breaking_a_hard_rule_is_reported_and_not_placed() {
    let m = with(mentor(1), |c| c.meeting_modes = vec![MeetingMode::InPerson]);
    let must = RunParams {
        must_pair: vec![pin(1, 2), pin(4, 2), pin(4, 3), pin(9, 3)],
        ..params()
    };
    let result = run(&[m, mentee(2), mentee(3), mentor(4)], &must);
    let conflicts: Vec<_> = result
        .pin_conflicts
        .iter()
        .map(|c| (c.mentor_application_id, c.rule))
        .collect();
    assert_eq!(
        conflicts,
        vec![
            (id(1), Some(RuleBroken::MeetingModes)),
            (id(4), Some(RuleBroken::Capacity)),
            (id(9), None)
        ]
    );
    assert!(
        result.pin_conflicts[0]
            .reason
            .contains("no acceptable meeting mode")
    );
    assert!(result.pin_conflicts[2].reason.contains("not in the cohort"));
    assert_eq!(pairs(&result), vec![(id(4), id(2))]);
    assert!(result.proposals[0].pinned);
    assert!(reason_of(&result, 3).starts_with("no feasible partner among 2 mentors"));
}

#[test]
fn a_pair_pinned_both_ways_is_kept_apart_and_reported() {
    let both = RunParams {
        must_pair: vec![pin(1, 2)],
        never_pair: vec![pin(1, 2)],
        ..params()
    };
    let result = run(&[mentor(1), mentee(2)], &both);
    assert!(result.proposals.is_empty());
    assert_eq!(result.pin_conflicts[0].rule, Some(RuleBroken::NeverPair));
}

#[test]
fn every_broken_rule_is_listed_in_rule_order() {
    let m = with(mentor(1), |c| {
        c.capacity = 0;
        c.employer = "Acme".into();
        c.meeting_modes = vec![MeetingMode::InPerson];
    });
    let e = with(mentee(2), |c| c.employer = "acme".into());
    assert_eq!(
        broken_rules(&m, &e, &params()),
        vec![
            RuleBroken::Capacity,
            RuleBroken::MeetingModes,
            RuleBroken::SameEmployer
        ]
    );
    assert_eq!(check_pair(&m, &e, &params()), Err(RuleBroken::Capacity));
}
