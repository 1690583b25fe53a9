//! The allocation-free rules and scores a run uses against the explained
//! ones, pair by pair.
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::domain::matching::profile::{Interner, PairJudge};
use crate::domain::matching::{PreferenceBalance, WeightTable, broken_rules, score_pair_balanced};

#[test]
fn the_fast_path_agrees_with_the_explained_rules_and_scores_on_every_pair() {
    let mut rng = StdRng::seed_from_u64(17);
    let mut compared = 0;
    for round in 0..40u128 {
        let mut cohort = super::optimality::random_cohort(&mut rng, 12, 18);
        // Messy text the profiles must treat as the explained path does.
        for (k, c) in cohort.iter_mut().enumerate() {
            if k % 3 == 0 {
                c.interests.push(" Outreach ".into());
                c.interests.push(String::new());
                c.identity_tags.push("QUEER".into());
            }
            if k % 4 == 1 {
                c.library_types.extend(c.library_types.clone());
                c.region = c.region.to_uppercase();
            }
        }
        let mut table = WeightTable::default();
        table.career.identity = (round * 7 % 101) as i64;
        table.none.library_types = (round * 13 % 101) as i64;
        let params = RunParams {
            weights: Some(table.clone()),
            allow_same_employer: round % 3 == 0,
            never_pair: vec![pin(1, 101), pin(2, 103)],
            preference_balance: PreferenceBalance::from_share((round % 11) as f64 / 10.0)
                .expect("a share from 0 to 1"),
            ..Default::default()
        };
        let judge = PairJudge::new(&params, &table);
        let mut interner = Interner::default();
        if round % 2 == 1 {
            // More tags than fit in bits: the cohort's get ids past 128
            // and are compared as lists.
            let filler = with(mentee(999), |c| {
                c.interests = (0..200).map(|k| format!("filler {k}")).collect();
            });
            interner.profile(&filler);
        }
        let profiles: Vec<_> = cohort.iter().map(|c| interner.profile(c)).collect();
        for (a, pa) in cohort.iter().zip(&profiles) {
            for (b, pb) in cohort.iter().zip(&profiles) {
                let slow = broken_rules(a, b, &params).first().copied();
                assert_eq!(judge.first_broken(pa, pb), slow, "{a:?}\n{b:?}");
                if slow.is_none() {
                    let balance = params.preference_balance;
                    assert_eq!(
                        judge.score(pa, pb),
                        score_pair_balanced(a, b, &table, balance).0
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 500, "feasible pairs were scored: {compared}");
}
