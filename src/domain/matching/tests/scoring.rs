//! Scores, preference weighting, consent and redaction.
use super::*;
use crate::domain::matching::{
    Criterion, CriterionName, IDENTITY, MatchingError, REDACTED_DETAIL, WeightTable, Weights,
    candidates_for, score_pair, stage_rank, summarize,
};

/// Mentee 2 wants public libraries, three interests, and shares identity
/// tags with mentor 1; mentor 3 fits the career side only. Everyone has
/// the same preference, so the mix of both is that row.
fn cohort(preference: MatchingPreference) -> Vec<Candidate> {
    let identity = tags(&["latina", "first generation"]);
    let interests = tags(&["outreach", "instruction", "makerspaces"]);
    let m1 = with(mentor(1), |c| {
        c.library_types = vec![LibraryType::School];
        c.identity_tags = identity.clone();
        c.identity_consent = true;
        c.matching_preference = preference;
    });
    let m3 = with(mentor(3), |c| {
        c.interests = interests.clone();
        c.matching_preference = preference;
    });
    let e = with(mentee(2), |c| {
        c.matching_preference = preference;
        c.interests = interests.clone();
        c.identity_tags = identity.clone();
        c.identity_consent = true;
    });
    vec![m1, e, m3]
}

fn criterion(breakdown: &[Criterion], name: CriterionName) -> &Criterion {
    breakdown
        .iter()
        .find(|c| c.criterion == name)
        .expect("criterion present")
}

#[test]
fn an_identity_preferring_mentee_gets_the_identity_sharing_mentor() {
    let result = run(&cohort(MatchingPreference::Identity), &RunParams::default());
    assert_eq!(pairs(&result), vec![(id(1), id(2))]);
    assert_eq!(result.proposals[0].score, 86);
}

#[test]
fn a_career_preferring_mentee_gets_the_career_aligned_mentor() {
    let result = run(&cohort(MatchingPreference::Career), &RunParams::default());
    assert_eq!(pairs(&result), vec![(id(3), id(2))]);
    assert_eq!(result.proposals[0].score, 106);
    let ranked = candidates_for(
        id(2),
        &cohort(MatchingPreference::Career),
        &RunParams::default(),
    )
    .expect("known application");
    let order: Vec<_> = ranked
        .feasible
        .iter()
        .map(|c| (c.application_id, c.score))
        .collect();
    assert_eq!(order, vec![(id(3), 106), (id(1), 56)]);
}

#[test]
fn the_committee_can_override_the_weights_for_a_run() {
    let defaults = WeightTable::default();
    let weights = WeightTable {
        identity: defaults.career,
        ..defaults
    };
    let params = RunParams {
        weights: Some(weights),
        ..RunParams::default()
    };
    let result = run(&cohort(MatchingPreference::Identity), &params);
    assert_eq!(pairs(&result), vec![(id(3), id(2))]);
    assert_eq!(
        criterion(&result.proposals[0].breakdown, IDENTITY).weight,
        1
    );
}

#[test]
fn weights_outside_zero_to_a_hundred_are_refused() {
    let mut weights = WeightTable::default();
    weights.both.identity = -1;
    let params = RunParams {
        weights: Some(weights),
        ..RunParams::default()
    };
    let err = run_matching(&cohort(MatchingPreference::Both), &params).unwrap_err();
    assert_eq!(
        err,
        MatchingError::InvalidWeights(
            "weights.both.identity must be between 0 and 100, got -1".into()
        )
    );
}

#[test]
fn every_default_preference_weighs_the_same_in_total() {
    let t = WeightTable::default();
    let total = |w: &Weights| {
        w.library_types
            + w.interests
            + w.career_stage
            + w.identity
            + w.region
            + w.meeting_modes
            + w.supported_stage
    };
    for w in [&t.career, &t.identity, &t.both, &t.none] {
        assert_eq!(total(w), 13);
    }
    assert!(t.identity.identity > t.identity.library_types.max(t.identity.interests));
    assert!(t.career.career_stage > t.career.identity);
    assert_eq!(t.validate(), Ok(()));
}

#[test]
fn identity_counts_only_when_both_consented() {
    let c = cohort(MatchingPreference::Identity);
    let (m, e) = (&c[0], &c[1]);
    let table = WeightTable::default();
    let (both, breakdown) = score_pair(m, e, &table);
    assert_eq!(criterion(&breakdown, IDENTITY).score, 10);
    assert_eq!(
        criterion(&breakdown, IDENTITY).detail,
        "shared identity: first generation, latina"
    );
    for (m, e) in [
        (with(m.clone(), |c| c.identity_consent = false), e.clone()),
        (m.clone(), with(e.clone(), |c| c.identity_consent = false)),
    ] {
        let (score, breakdown) = score_pair(&m, &e, &table);
        let identity = criterion(&breakdown, IDENTITY);
        assert_eq!((identity.score, score), (0, both - 60));
        assert!(!identity.detail.contains("latina"));
    }
    let one = with(e.clone(), |c| c.identity_tags = tags(&[" Latina "]));
    assert_eq!(criterion(&score_pair(m, &one, &table).1, IDENTITY).score, 8);
}

#[test]
fn redacted_results_hide_identity_details_and_keep_scores() {
    let result = run(&cohort(MatchingPreference::Identity), &RunParams::default());
    let redacted = result.redacted();
    let json = serde_json::to_string(&redacted).expect("serializes");
    assert!(
        serde_json::to_string(&result)
            .expect("serializes")
            .contains("latina")
    );
    assert!(!json.contains("latina") && json.contains(REDACTED_DETAIL));
    assert_eq!(redacted.total_score, result.total_score);
    let identity = criterion(&redacted.proposals[0].breakdown, IDENTITY);
    assert_eq!((identity.score, identity.weight), (10, 6));
    let ranked = candidates_for(
        id(2),
        &cohort(MatchingPreference::Identity),
        &RunParams::default(),
    )
    .expect("known application")
    .redacted();
    assert!(
        !serde_json::to_string(&ranked)
            .expect("serializes")
            .contains("latina")
    );
}

#[test]
fn the_breakdown_says_what_the_pair_shares() {
    let m = with(mentor(1), |c| {
        c.library_types = vec![LibraryType::Academic, LibraryType::Public];
        c.interests = tags(&["Outreach", "instruction", "cataloging"]);
    });
    let e = with(mentee(2), |c| {
        c.library_types = vec![LibraryType::Academic];
        c.interests = tags(&[" instruction", "outreach"]);
        c.region = "Seattle".into();
    });
    let (score, breakdown) = score_pair(&m, &e, &WeightTable::default());
    assert_eq!(
        summarize(&breakdown),
        "both academic; shared interests: instruction, outreach; \
         mentor senior, mentee early career: mentor further along; both can meet online"
    );
    assert_eq!(
        breakdown.iter().map(|c| c.weight * c.score).sum::<i64>(),
        score
    );
    assert_eq!(score, 20 + 14 + 20 + 12);
    assert_eq!(breakdown[4].detail, "mentor in Spokane, mentee in Seattle");
}

#[test]
fn library_type_fit_is_the_share_of_the_mentees_targets_the_mentor_knows() {
    let table = WeightTable::default();
    let e = with(mentee(2), |c| {
        c.library_types = vec![LibraryType::Public, LibraryType::Law, LibraryType::Tribal]
    });
    let lib = |m: &Candidate| score_pair(m, &e, &table).1[0].clone();
    assert_eq!(lib(&mentor(1)).score, 3);
    let m = with(mentor(1), |c| c.library_types = vec![LibraryType::Medical]);
    assert_eq!(lib(&m).score, 0);
    assert_eq!(
        lib(&m).detail,
        "mentor has no public or tribal or law experience"
    );
}

#[test]
fn career_stage_rewards_a_mentor_further_along() {
    use CareerStage::*;
    assert!(stage_rank(Student) < stage_rank(EarlyCareer));
    assert_eq!(stage_rank(EarlyCareer), stage_rank(CareerChanger));
    assert!(
        stage_rank(EarlyCareer) < stage_rank(MidCareer)
            && stage_rank(MidCareer) < stage_rank(Senior)
    );
    let stage = |m: CareerStage, e: CareerStage| {
        let (m, e) = (
            with(mentor(1), |c| c.career_stage = m),
            with(mentee(2), |c| c.career_stage = e),
        );
        score_pair(&m, &e, &WeightTable::default()).1[2].score
    };
    assert_eq!(stage(MidCareer, CareerChanger), 10);
    assert_eq!(stage(Senior, Student), 8);
    assert_eq!(stage(MidCareer, MidCareer), 3);
    assert_eq!(stage(EarlyCareer, Senior), 0);
}
