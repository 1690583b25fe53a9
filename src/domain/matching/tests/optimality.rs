//! The solver against brute force on small random cohorts.
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::*;
use crate::domain::matching::{WeightTable, check_pair, score_pair, score_pair_balanced};

fn subset(rng: &mut StdRng, items: &[&str], p: f64) -> Vec<String> {
    items
        .iter()
        .filter(|_| rng.random_bool(p))
        .map(|s| s.to_string())
        .collect()
}

/// Mentors are applications 1..=mentors, mentees 101..=100 + mentees.
pub(super) fn random_cohort(rng: &mut StdRng, mentors: u128, mentees: u128) -> Vec<Candidate> {
    let ids = (1..=mentors).chain(101..=100 + mentees);
    ids.map(|n| {
        let mut c = if n <= 100 { mentor(n) } else { mentee(n) };
        if c.role == ApplicationRole::Mentor {
            c.capacity = *[0, 1, 1, 1, 2, 2].choose(rng).unwrap_or(&1);
            c.mentee_stages = CareerStage::ALL
                .iter()
                .copied()
                .filter(|_| rng.random_bool(0.25))
                .collect();
        } else if rng.random_bool(0.05) {
            c.member_id = id(1_000_000 + rng.random_range(1..=mentors));
        }
        if rng.random_bool(0.08) {
            c.status = ApplicationStatus::Waitlisted;
        }
        let types = [
            LibraryType::Public,
            LibraryType::Academic,
            LibraryType::School,
            LibraryType::Law,
        ];
        c.library_types = types.into_iter().filter(|_| rng.random_bool(0.4)).collect();
        c.interests = subset(
            rng,
            &["outreach", "instruction", "cataloging", "archives", "youth"],
            0.35,
        );
        c.career_stage = *CareerStage::ALL.choose(rng).unwrap_or(&CareerStage::Senior);
        c.region = ["Spokane", " spokane", "Seattle", "Tacoma", ""]
            .choose(rng)
            .unwrap_or(&"")
            .to_string();
        let modes: [&[MeetingMode]; 4] = [
            &[MeetingMode::Online],
            &[MeetingMode::InPerson],
            &[MeetingMode::Online, MeetingMode::InPerson],
            &[MeetingMode::InPerson, MeetingMode::Online],
        ];
        c.meeting_modes = modes.choose(rng).map(|m| m.to_vec()).unwrap_or_default();
        c.matching_preference = *MatchingPreference::ALL
            .choose(rng)
            .unwrap_or(&MatchingPreference::None);
        c.identity_tags = subset(
            rng,
            &["latina", "queer", "first generation", "disabled"],
            0.3,
        );
        c.identity_consent = rng.random_bool(0.6);
        c.employer = ["", "", "KCLS", "kcls ", "SPL", "UW"]
            .choose(rng)
            .unwrap_or(&"")
            .to_string();
        c
    })
    .collect()
}

/// Best (number of pairs, total score) over every assignment.
fn brute_force(cohort: &[Candidate], params: &RunParams) -> (usize, i64) {
    let table = params.weight_table();
    let mentors: Vec<&Candidate> = cohort
        .iter()
        .filter(|c| c.role == ApplicationRole::Mentor)
        .collect();
    let mentees: Vec<&Candidate> = cohort
        .iter()
        .filter(|c| c.role == ApplicationRole::Mentee)
        .collect();
    let score: Vec<Vec<Option<i64>>> = mentees
        .iter()
        .map(|e| {
            let fit = |m: &&Candidate| {
                check_pair(m, e, params)
                    .ok()
                    .map(|()| score_pair(m, e, &table).0)
            };
            mentors.iter().map(fit).collect()
        })
        .collect();
    fn go(i: usize, score: &[Vec<Option<i64>>], left: &mut [u32]) -> (usize, i64) {
        let Some(row) = score.get(i) else {
            return (0, 0);
        };
        let mut best = go(i + 1, score, left);
        for (j, s) in row.iter().enumerate() {
            if let (Some(s), true) = (s, left[j] > 0) {
                left[j] -= 1;
                let (n, t) = go(i + 1, score, left);
                left[j] += 1;
                best = best.max((n + 1, t + s));
            }
        }
        best
    }
    let mut left: Vec<u32> = mentors.iter().map(|m| m.capacity).collect();
    go(0, &score, &mut left)
}

/// Every proposal is feasible, scored as `score_pair` says, within capacity,
/// and no mentee appears twice; every other accepted applicant is listed
/// as unmatched.
pub(super) fn assert_valid(cohort: &[Candidate], params: &RunParams, result: &MatchResult) {
    let find = |id: Uuid| {
        cohort
            .iter()
            .find(|c| c.application_id == id)
            .expect("known application")
    };
    let table = params.weight_table();
    for p in &result.proposals {
        let (m, e) = (find(p.mentor_application_id), find(p.mentee_application_id));
        assert_eq!(check_pair(m, e, params), Ok(()));
        let balance = params.preference_balance;
        let scored = score_pair_balanced(m, e, &table, balance);
        assert_eq!(scored, (p.score, p.breakdown.clone()));
        let load = pairs(result)
            .iter()
            .filter(|(mm, _)| *mm == m.application_id)
            .count();
        assert!(load as u32 <= m.capacity);
        assert_eq!(
            pairs(result)
                .iter()
                .filter(|(_, ee)| *ee == e.application_id)
                .count(),
            1
        );
    }
    let accepted = cohort
        .iter()
        .filter(|c| c.status == ApplicationStatus::Accepted);
    for c in accepted {
        let paired = pairs(result)
            .iter()
            .any(|(m, e)| *m == c.application_id || *e == c.application_id);
        let listed = result
            .unmatched
            .iter()
            .any(|u| u.application_id == c.application_id);
        assert!(
            paired != listed,
            "{} is either paired or unmatched",
            c.application_id
        );
    }
    assert_eq!(
        result.total_score,
        result.proposals.iter().map(|p| p.score).sum::<i64>()
    );
}

#[test]
fn the_solver_finds_the_brute_force_optimum_on_small_random_cohorts() {
    let mut rng = StdRng::seed_from_u64(2024);
    let mut paired = 0;
    for case in 0..300 {
        let (mentors, mentees) = (rng.random_range(1..=5), rng.random_range(1..=6));
        let cohort = random_cohort(&mut rng, mentors, mentees);
        let mut params = RunParams {
            allow_same_employer: rng.random_bool(0.3),
            ..RunParams::default()
        };
        if rng.random_bool(0.5) {
            params.never_pair.push(pin(
                rng.random_range(1..=mentors),
                100 + rng.random_range(1..=mentees),
            ));
        }
        if rng.random_bool(0.3) {
            let mut w = WeightTable::default();
            w.none.identity = rng.random_range(0..=100);
            w.career.region = rng.random_range(0..=100);
            params.weights = Some(w);
        }
        let result = run(&cohort, &params);
        assert_valid(&cohort, &params, &result);
        let got = (result.proposals.len(), result.total_score);
        assert_eq!(
            got,
            brute_force(&cohort, &params),
            "case {case}: {cohort:#?}"
        );
        paired += got.0;
    }
    assert!(paired > 300, "the random cohorts do form pairs: {paired}");
}

#[test]
fn a_cohort_of_hundreds_is_solved_within_the_rules() {
    let mut rng = StdRng::seed_from_u64(99);
    let cohort = random_cohort(&mut rng, 80, 99);
    let params = RunParams::default();
    let result = run(&cohort, &params);
    assert_valid(&cohort, &params, &result);
    assert!(
        result.proposals.len() > 40,
        "most mentees are matched: {}",
        result.proposals.len()
    );
}
