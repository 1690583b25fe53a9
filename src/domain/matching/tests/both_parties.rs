//! Both preferences, the fair objective, blocking pairs and run comparison,
//! the last three against brute force on small random cohorts.
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::optimality::{assert_valid, random_cohort};
use super::*;
use crate::domain::matching::objective::max_pairs;
use crate::domain::matching::{
    CriterionName, IDENTITY, LISTED_ALTERNATIVES, Objective, PreferenceBalance, Proposal,
    WeightTable, check_pair, compare_runs, run_stats, score_pair_balanced,
};

/// Each mentee's feasible mentors with the pair score, mentors' capacities,
/// and the mentor each pinned mentee must have.
struct Table {
    score: Vec<Vec<Option<i64>>>,
    capacity: Vec<u32>,
    forced: Vec<Option<usize>>,
}

fn mentors_of(cohort: &[Candidate]) -> Vec<&Candidate> {
    cohort
        .iter()
        .filter(|c| c.role == ApplicationRole::Mentor)
        .collect()
}

fn mentees_of(cohort: &[Candidate]) -> Vec<&Candidate> {
    cohort
        .iter()
        .filter(|c| c.role == ApplicationRole::Mentee)
        .collect()
}

fn table(cohort: &[Candidate], params: &RunParams) -> Table {
    let weights = params.weight_table();
    let (mentors, mentees) = (mentors_of(cohort), mentees_of(cohort));
    let score = mentees
        .iter()
        .map(|e| {
            mentors
                .iter()
                .map(|m| {
                    check_pair(m, e, params)
                        .ok()
                        .map(|()| score_pair_balanced(m, e, &weights, params.preference_balance).0)
                })
                .collect()
        })
        .collect();
    let forced = mentees
        .iter()
        .map(|e| {
            let pin = params
                .must_pair
                .iter()
                .find(|p| p.mentee_application_id == e.application_id)?;
            mentors
                .iter()
                .position(|m| m.application_id == pin.mentor_application_id)
        })
        .collect();
    Table {
        score,
        capacity: mentors.iter().map(|m| m.capacity).collect(),
        forced,
    }
}

/// The best key over every assignment (pinned mentees with their mentor).
fn brute_force<K: Ord>(t: &Table, key: &impl Fn(&[i64]) -> K) -> K {
    fn go<K: Ord>(
        i: usize,
        t: &Table,
        left: &mut [u32],
        chosen: &mut Vec<i64>,
        key: &impl Fn(&[i64]) -> K,
    ) -> Option<K> {
        let Some(row) = t.score.get(i) else {
            return Some(key(chosen));
        };
        let mut best = None;
        if t.forced[i].is_none() {
            best = go(i + 1, t, left, chosen, key);
        }
        for (j, s) in row.iter().enumerate() {
            let allowed = t.forced[i].is_none_or(|f| f == j);
            if let (Some(s), true, true) = (s, left[j] > 0, allowed) {
                left[j] -= 1;
                chosen.push(*s);
                let k = go(i + 1, t, left, chosen, key);
                chosen.pop();
                left[j] += 1;
                best = best.max(k);
            }
        }
        best
    }
    let mut left = t.capacity.clone();
    go(0, t, &mut left, &mut Vec::new(), key).expect("some assignment is possible")
}

/// (pairs, lowest score, total): what the fair objective maximises.
fn fair_key(scores: &[i64]) -> (usize, i64, i64) {
    (
        scores.len(),
        scores.iter().copied().min().unwrap_or(i64::MAX),
        scores.iter().sum(),
    )
}

fn random_params(
    rng: &mut StdRng,
    cohort: &[Candidate],
    mentors: u128,
    mentees: u128,
) -> RunParams {
    let mut params = RunParams {
        allow_same_employer: rng.random_bool(0.3),
        preference_balance: PreferenceBalance::from_share(rng.random_range(0..=10) as f64 / 10.0)
            .expect("a share"),
        ..RunParams::default()
    };
    if rng.random_bool(0.4) {
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
    if rng.random_bool(0.3) {
        // One must pair on a pair the rules allow.
        let feasible: Vec<(Uuid, Uuid)> = mentors_of(cohort)
            .iter()
            .flat_map(|m| mentees_of(cohort).into_iter().map(move |e| (*m, e)))
            .filter(|(m, e)| check_pair(m, e, &params).is_ok())
            .map(|(m, e)| (m.application_id, e.application_id))
            .collect();
        if !feasible.is_empty() {
            let (m, e) = feasible[rng.random_range(0..feasible.len())];
            params.must_pair.push(Pin::new(m, e));
        }
    }
    params
}

#[test]
fn the_fair_objective_finds_the_brute_force_max_min_with_the_most_pairs() {
    let mut rng = StdRng::seed_from_u64(1717);
    let mut raised = 0;
    for case in 0..300 {
        let (mentors, mentees) = (rng.random_range(1..=5), rng.random_range(1..=6));
        let cohort = random_cohort(&mut rng, mentors, mentees);
        let mut params = random_params(&mut rng, &cohort, mentors, mentees);
        let total = run(&cohort, &params);
        params.objective = Objective::Fair;
        let fair = run(&cohort, &params);
        assert_valid(&cohort, &params, &fair);
        assert!(params.must_pair.iter().all(|p| pairs(&fair)
            .contains(&(p.mentor_application_id, p.mentee_application_id))));
        let scores: Vec<i64> = fair.proposals.iter().map(|p| p.score).collect();
        let expected = brute_force(&table(&cohort, &params), &fair_key);
        assert_eq!(fair_key(&scores), expected, "case {case}: {cohort:#?}");
        assert_eq!(fair.proposals.len(), total.proposals.len(), "case {case}");
        assert!(fair.min_score >= total.min_score, "case {case}");
        assert!(fair.total_score <= total.total_score, "case {case}");
        raised += usize::from(fair.min_score > total.min_score);
        // Deterministic: the same cohort in another order, the same result.
        let mut shuffled = cohort.clone();
        shuffled.reverse();
        assert_eq!(run(&shuffled, &params), fair, "case {case}");
    }
    assert!(raised > 5, "the fair objective changes some runs: {raised}");
}

#[test]
fn the_largest_b_matching_agrees_with_brute_force() {
    let mut rng = StdRng::seed_from_u64(7);
    for case in 0..400 {
        let (rows, cols) = (rng.random_range(0..=7), rng.random_range(1..=4));
        let capacity: Vec<u32> = (0..cols).map(|_| rng.random_range(0..=3)).collect();
        let p = rng.random_range(0.1..0.9);
        let edges: Vec<Vec<bool>> = (0..rows)
            .map(|_| (0..cols).map(|_| rng.random_bool(p)).collect())
            .collect();
        let t = Table {
            score: edges
                .iter()
                .map(|r| r.iter().map(|&e| e.then_some(1)).collect())
                .collect(),
            capacity: capacity.clone(),
            forced: vec![None; rows],
        };
        let expected = if rows == 0 {
            0
        } else {
            brute_force(&t, &|s: &[i64]| s.len())
        };
        assert_eq!(
            max_pairs(rows, &capacity, |i, j| edges[i][j]),
            expected,
            "case {case}: {edges:?} {capacity:?}"
        );
    }
}

/// Blocking pairs by the definition, and how many each proposal is part of.
fn brute_force_blocking(
    cohort: &[Candidate],
    params: &RunParams,
    result: &MatchResult,
) -> (u64, Vec<u64>) {
    let weights = params.weight_table();
    let ps = &result.proposals;
    let mut per = vec![0u64; ps.len()];
    let mut n = 0;
    let matchable = |c: &&Candidate| c.status.is_matchable();
    for m in mentors_of(cohort).into_iter().filter(matchable) {
        let mine: Vec<usize> = (0..ps.len())
            .filter(|&k| ps[k].mentor_application_id == m.application_id)
            .collect();
        let weakest = mine
            .iter()
            .copied()
            .min_by_key(|&k| (ps[k].score, ps[k].mentee_application_id));
        for e in mentees_of(cohort).into_iter().filter(matchable) {
            let theirs = (0..ps.len()).find(|&k| ps[k].mentee_application_id == e.application_id);
            if theirs.is_some_and(|k| ps[k].mentor_application_id == m.application_id)
                || check_pair(m, e, params).is_err()
            {
                continue;
            }
            let s = score_pair_balanced(m, e, &weights, params.preference_balance).0;
            let mentee_wants = theirs.is_none_or(|k| s > ps[k].score);
            let free = (mine.len() as u32) < m.capacity;
            let mentor_wants = free || weakest.is_some_and(|k| s > ps[k].score);
            if mentee_wants && mentor_wants {
                n += 1;
                if let Some(k) = theirs {
                    per[k] += 1;
                }
                if let (false, Some(k)) = (free, weakest) {
                    per[k] += 1;
                }
            }
        }
    }
    (n, per)
}

#[test]
fn blocking_pairs_match_a_brute_force_count() {
    let mut rng = StdRng::seed_from_u64(4242);
    let mut seen = 0;
    for case in 0..300 {
        let (mentors, mentees) = (rng.random_range(1..=5), rng.random_range(1..=7));
        let cohort = random_cohort(&mut rng, mentors, mentees);
        let mut params = random_params(&mut rng, &cohort, mentors, mentees);
        if rng.random_bool(0.5) {
            params.objective = Objective::Fair;
        }
        let result = run(&cohort, &params);
        let (n, per) = brute_force_blocking(&cohort, &params, &result);
        assert_eq!(result.blocking_pairs, Some(n), "case {case}: {cohort:#?}");
        for (p, expected) in result.proposals.iter().zip(per) {
            assert_eq!(p.blocking_count, Some(expected), "case {case}");
            assert_eq!(
                p.blocking_alternatives.len() as u64,
                expected.min(LISTED_ALTERNATIVES as u64)
            );
            for a in &p.blocking_alternatives {
                assert_eq!(a.gain, a.score - p.score);
                assert!(a.gain > 0);
            }
            let gains: Vec<i64> = p.blocking_alternatives.iter().map(|a| a.gain).collect();
            assert!(gains.windows(2).all(|w| w[0] >= w[1]), "best first");
        }
        seen += n;
    }
    assert!(seen > 50, "the random cohorts have blocking pairs: {seen}");
}

#[test]
fn a_mentee_who_would_rather_have_the_other_mentor_is_a_blocking_pair() {
    // Mentor 1 fits mentee 101 best, but only mentor 1 can meet mentee 102
    // (in person, Seattle): the most pairs need 1–102, so 101 envies 1.
    let m1 = with(mentor(1), |c| {
        c.meeting_modes = vec![MeetingMode::Online, MeetingMode::InPerson];
        c.region = "Seattle".into();
        c.interests = tags(&["outreach", "youth", "archives"]);
    });
    let m2 = with(mentor(2), |c| c.region = "Tacoma".into());
    let e1 = with(mentee(101), |c| {
        c.interests = tags(&["outreach", "youth", "archives"]);
        c.region = "Seattle".into();
    });
    let e2 = with(mentee(102), |c| {
        c.meeting_modes = vec![MeetingMode::InPerson];
        c.region = "Seattle".into();
    });
    let result = run(&[m1, m2, e1, e2], &RunParams::default());
    assert_eq!(pairs(&result), vec![(id(1), id(102)), (id(2), id(101))]);
    assert_eq!(result.blocking_pairs, Some(1));
    let with_2 = &result.proposals[1];
    let alt = &with_2.blocking_alternatives[0];
    assert_eq!(
        (alt.side, alt.application_id),
        (ApplicationRole::Mentee, id(1))
    );
    let with_1 = &result.proposals[0];
    assert_eq!(
        with_1.blocking_alternatives[0].side,
        ApplicationRole::Mentor
    );
    assert_eq!(with_1.blocking_alternatives[0].application_id, id(101));
    assert_eq!(
        with_1.blocking_alternatives[0].score, alt.score,
        "the same blocking pair, seen from each proposal"
    );
}

fn weight_of(p: &Proposal, name: CriterionName) -> (i64, Option<i64>, Option<i64>) {
    let c = p
        .breakdown
        .iter()
        .find(|c| c.criterion == name)
        .expect("criterion present");
    (c.weight, c.mentor_weight, c.mentee_weight)
}

#[test]
fn the_mentors_preference_changes_the_weights_of_their_pairs() {
    let shared = tags(&["latina"]);
    let identity_mentor = with(mentor(1), |c| {
        c.matching_preference = MatchingPreference::Identity;
        c.identity_tags = shared.clone();
        c.identity_consent = true;
    });
    let career_mentor = with(mentor(2), |c| {
        c.matching_preference = MatchingPreference::Career;
        c.identity_tags = shared.clone();
        c.identity_consent = true;
    });
    let e = |n| {
        with(mentee(n), |c| {
            c.matching_preference = MatchingPreference::Career;
            c.identity_tags = shared.clone();
            c.identity_consent = true;
        })
    };
    let cohort = [identity_mentor, career_mentor, e(101), e(102)];
    let result = run(&cohort, &RunParams::default());
    let of = |mentor: u128| {
        result
            .proposals
            .iter()
            .find(|p| p.mentor_application_id == id(mentor))
            .expect("each mentor has a pair")
    };
    // Identity row 6, career row 1: half each is 3.5, rounded up.
    assert_eq!(weight_of(of(1), IDENTITY), (4, Some(6), Some(1)));
    assert_eq!(weight_of(of(2), IDENTITY), (1, Some(1), Some(1)));
    assert_eq!(of(1).mentor_preference, Some(MatchingPreference::Identity));
    assert_eq!(of(1).mentee_preference, Some(MatchingPreference::Career));
    assert!(of(1).score > of(2).score);
    for p in &result.proposals {
        let sum: i64 = p.breakdown.iter().map(|c| c.weight * c.score).sum();
        assert_eq!(sum, p.score);
    }

    // Only the mentee's preference: the mentor's is not heard.
    let params = RunParams {
        preference_balance: PreferenceBalance::MENTEE_ONLY,
        ..RunParams::default()
    };
    let mentee_only = run(&cohort, &params);
    assert!(
        mentee_only
            .proposals
            .iter()
            .all(|p| weight_of(p, IDENTITY).0 == 1)
    );

    // Identity still needs both to consent, whatever the weights.
    let mut no_consent = cohort.clone();
    no_consent[2].identity_consent = false;
    no_consent[3].identity_consent = false;
    let result = run(&no_consent, &RunParams::default());
    for p in &result.proposals {
        let c = p
            .breakdown
            .iter()
            .find(|c| c.criterion == IDENTITY)
            .unwrap();
        assert_eq!(c.score, 0);
    }
}

#[test]
fn a_comparison_sorts_pairs_into_kept_changed_added_and_removed() {
    let mut rng = StdRng::seed_from_u64(31);
    let mut moved = 0;
    for _ in 0..60 {
        let (mentors, mentees) = (rng.random_range(2..=5), rng.random_range(2..=7));
        let cohort = random_cohort(&mut rng, mentors, mentees);
        let params = random_params(&mut rng, &cohort, mentors, mentees);
        let a = run(&cohort, &params);
        let mut other_params = random_params(&mut rng, &cohort, mentors, mentees);
        other_params.objective = Objective::Fair;
        let b = run(&cohort, &other_params);
        let c = compare_runs(&a, &b, Some(50));
        assert_eq!(
            c.kept.len() + c.changed.len() + c.removed.len(),
            a.proposals.len()
        );
        assert_eq!(
            c.kept.len() + c.changed.len() + c.added.len(),
            b.proposals.len()
        );
        assert_eq!(c.run, run_stats(&a, Some(50)));
        assert_eq!(c.total_change, b.total_score - a.total_score);
        let mentee_change: i64 = c
            .applicants
            .iter()
            .filter(|x| x.role == ApplicationRole::Mentee)
            .map(|x| x.change)
            .sum();
        assert_eq!(mentee_change, c.total_change);
        let mentor_change: i64 = c
            .applicants
            .iter()
            .filter(|x| x.role == ApplicationRole::Mentor)
            .map(|x| x.change)
            .sum();
        assert_eq!(mentor_change, c.total_change);
        moved += c.changed.len() + c.added.len() + c.removed.len();
        let same = compare_runs(&a, &a, None);
        assert_eq!(same.kept.len(), a.proposals.len());
        assert!(same.applicants.iter().all(|x| x.change == 0));
        assert_eq!(same.run.below_threshold, None);
    }
    assert!(moved > 0);
}

#[test]
fn run_stats_give_the_median_and_the_pairs_below_the_threshold() {
    let mut cohort = vec![];
    for n in 1..=4u128 {
        cohort.push(with(mentor(n), |c| {
            c.interests = tags(&["a", "b", "c"][..(n as usize - 1).min(3)])
        }));
        cohort.push(with(mentee(100 + n), |c| {
            c.interests = tags(&["a", "b", "c"]);
            c.meeting_modes = vec![MeetingMode::Online];
        }));
    }
    let result = run(&cohort, &RunParams::default());
    let mut scores: Vec<i64> = result.proposals.iter().map(|p| p.score).collect();
    scores.sort();
    assert_eq!(scores.len(), 4);
    let stats = run_stats(&result, Some(scores[2]));
    assert_eq!(stats.count, 4);
    assert_eq!(stats.min_score, Some(scores[0]));
    assert_eq!(stats.total_score, scores.iter().sum::<i64>());
    assert_eq!(
        stats.median_score,
        Some((scores[1] + scores[2]) as f64 / 2.0)
    );
    assert_eq!(
        stats.below_threshold,
        Some(scores.iter().filter(|&&s| s < scores[2]).count())
    );
    let empty = run(&[mentor(1)], &RunParams::default());
    let none = run_stats(&empty, Some(10));
    assert_eq!(
        (none.count, none.min_score, none.median_score),
        (0, None, None)
    );
    assert_eq!(none.below_threshold, Some(0));
}

#[test]
fn a_mentor_who_would_most_like_to_support_the_mentees_stage_scores_higher() {
    use crate::domain::matching::SUPPORTED_STAGE;
    let keen = with(mentor(1), |c| {
        c.mentee_stages = vec![CareerStage::EarlyCareer, CareerStage::Student]
    });
    let other = with(mentor(2), |c| {
        c.mentee_stages = vec![CareerStage::MidCareer]
    });
    let silent = mentor(3);
    let e = mentee(101);
    let table = WeightTable::default();
    let line = |m: &Candidate| {
        let (score, breakdown) = score_pair_balanced(m, &e, &table, PreferenceBalance::default());
        let c = breakdown
            .into_iter()
            .find(|c| c.criterion == SUPPORTED_STAGE)
            .expect("the criterion is scored");
        (score, c.score, c.detail)
    };
    let (keen_score, s, detail) = line(&keen);
    assert_eq!(s, 10);
    assert_eq!(
        detail,
        "mentor would most like to support early career mentees"
    );
    let (other_score, s, _) = line(&other);
    assert_eq!(s, 0);
    let (silent_score, s, detail) = line(&silent);
    assert_eq!(
        (s, detail.as_str()),
        (0, "mentor named no mentee stage to support")
    );
    assert_eq!(keen_score, other_score + 10 * table.none.supported_stage);
    assert_eq!(other_score, silent_score);
    // The run prefers the keen mentor.
    let result = run(&[keen, other, e], &RunParams::default());
    assert_eq!(pairs(&result), vec![(id(1), id(101))]);
}

#[test]
fn weights_sent_without_the_supported_stage_weight_keep_its_default() {
    let row = r#"{"library_types": 3, "interests": 3, "career_stage": 3,
        "identity": 1, "region": 1, "meeting_modes": 1}"#;
    let w: crate::domain::matching::Weights = serde_json::from_str(row).unwrap();
    assert_eq!(w.supported_stage, 1);
}
