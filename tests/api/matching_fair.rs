//! Matching for both parties: the mentor's preference in a pair's weights,
//! the fair objective and blocking pairs (both checked by brute force over
//! the candidate lists), and comparing two runs.
use std::collections::{BTreeMap, BTreeSet};

use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

fn mentor(fields: Value) -> Value {
    overlay(mentor_body(), fields)
}

fn mentee(fields: Value) -> Value {
    overlay(mentee_body(), fields)
}

async fn run(app: &TestApp, user: &TestUser, cycle_id: &str, params: Value) -> Response {
    app.post(
        &format!("/api/v1/cycles/{cycle_id}/matching-runs"),
        Some(&user.token),
        &params,
    )
    .await
}

async fn ran(app: &TestApp, committee: &TestUser, cycle_id: &str, params: Value) -> Value {
    json_of(run(app, committee, cycle_id, params).await, 201).await
}

async fn compare(app: &TestApp, user: &TestUser, a: &str, b: &str, query: &str) -> Response {
    app.get(
        &format!("/api/v1/matching-runs/{a}/compare/{b}{query}"),
        Some(&user.token),
    )
    .await
}

fn proposals(run: &Value) -> &Vec<Value> {
    run["proposals"].as_array().expect("proposals")
}

fn id_of(v: &Value, key: &str) -> String {
    v[key].as_str().expect("an id").to_owned()
}

fn criterion<'a>(breakdown: &'a Value, name: &str) -> &'a Value {
    breakdown
        .as_array()
        .expect("breakdown")
        .iter()
        .find(|c| c["criterion"] == name)
        .unwrap_or_else(|| panic!("no {name} in {breakdown}"))
}

// ------------------------------------------------------ both preferences

#[tokio::test]
async fn a_mentors_identity_preference_changes_the_weights_of_that_mentors_pairs() {
    // Arrange: two mentors alike but for their preference, two mentees who
    // prefer career alignment; everyone shares an identity and consented.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let shared = json!({"identity_tags": ["first-generation"], "identity_consent": true});
    let identity_mentor = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            overlay(
                mentor(shared.clone()),
                json!({"matching_preference": "identity", "employer": "Library A"}),
            ),
        )
        .await;
    let career_mentor = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            overlay(
                mentor(shared.clone()),
                json!({"matching_preference": "career", "employer": "Library B"}),
            ),
        )
        .await;
    for _ in 0..2 {
        app.accepted_applicant(
            &committee,
            &cycle_id,
            overlay(
                mentee(shared.clone()),
                json!({"matching_preference": "career"}),
            ),
        )
        .await;
    }

    // Act
    let equal = ran(&app, &committee, &cycle_id, json!({})).await;
    let mentee_only = ran(
        &app,
        &committee,
        &cycle_id,
        json!({"preference_balance": 1}),
    )
    .await;

    // Assert
    assert_eq!(equal["parameters"]["preference_balance"], 0.5);
    assert_eq!(equal["parameters"]["objective"], "total");
    let of = |run: &Value, mentor: &str| -> Value {
        proposals(run)
            .iter()
            .find(|p| p["mentor_application_id"] == mentor)
            .cloned()
            .unwrap_or_else(|| panic!("no pair for {mentor}: {run}"))
    };
    let identity_pair = of(&equal, &identity_mentor);
    let identity = criterion(&identity_pair["breakdown"], "identity");
    // Identity row 6, career row 1, half each: 3.5 rounds to 4.
    assert_eq!(
        (
            &identity["mentor_weight"],
            &identity["mentee_weight"],
            &identity["weight"]
        ),
        (&json!(6), &json!(1), &json!(4))
    );
    assert_eq!(identity_pair["mentor_preference"], "identity");
    assert_eq!(identity_pair["mentee_preference"], "career");
    let career_pair = of(&equal, &career_mentor);
    assert_eq!(
        criterion(&career_pair["breakdown"], "identity")["weight"],
        1
    );
    assert!(identity_pair["score"].as_i64() > career_pair["score"].as_i64());
    for p in proposals(&equal) {
        let sum: i64 = p["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["weight"].as_i64().unwrap() * c["score"].as_i64().unwrap())
            .sum();
        assert_eq!(Some(sum), p["score"].as_i64());
    }
    // With the mentee's share at 1 the mentor's preference is not heard.
    let unheard = of(&mentee_only, &identity_mentor);
    assert_eq!(criterion(&unheard["breakdown"], "identity")["weight"], 1);
    assert_eq!(mentee_only["parameters"]["preference_balance"], 1.0);
}

#[tokio::test]
async fn a_balance_outside_zero_to_one_or_an_unknown_objective_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;

    for (body, field) in [
        (json!({"preference_balance": 1.5}), "preference_balance"),
        (json!({"preference_balance": -0.1}), "preference_balance"),
        (json!({"preference_balance": "half"}), "preference_balance"),
        (json!({"objective": "happiest"}), "objective"),
    ] {
        // Act
        let res = run(&app, &committee, &cycle_id, body.clone()).await;

        // Assert
        let problem = assert_problem(res, 422).await;
        assert!(
            problem_fields(&problem).iter().any(|f| f == field),
            "{body}: {problem}"
        );
    }
}

// -------------------------------------- fair objective and blocking pairs

const TYPES: [&str; 4] = ["academic", "public", "school", "special"];
const INTERESTS: [&str; 5] = ["instruction", "outreach", "cataloging", "archives", "youth"];
const PREFERENCES: [&str; 4] = ["career", "identity", "both", "none"];
const STAGES: [&str; 3] = ["student", "early_career", "mid_career"];

/// Four mentors (capacities 1, 2, 1, 1) and six mentees of varied fit.
struct Cohort {
    committee: TestUser,
    cycle_id: String,
    /// Mentor application id → capacity.
    mentors: BTreeMap<String, u32>,
    mentees: Vec<String>,
}

async fn varied_cohort(app: &TestApp) -> Cohort {
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let common = |i: usize| {
        json!({
            "library_types": [TYPES[i % 4], TYPES[(i * 3 + 1) % 4]],
            "interests": [INTERESTS[i % 5], INTERESTS[(i * 2 + 1) % 5], INTERESTS[(i * 7 + 3) % 5]],
            "matching_preference": PREFERENCES[(i * 3) % 4],
            "identity_tags": if i.is_multiple_of(3) { json!(["rural"]) } else { json!(["first-generation"]) },
            "identity_consent": i % 4 != 1,
            "region": if i.is_multiple_of(2) { "Spokane" } else { "Puget Sound" },
            "meeting_modes": if i % 5 == 2 { json!(["in_person"]) } else { json!(["online", "in_person"]) },
            "employer": format!("Library {i}"),
        })
    };
    let mut mentors = BTreeMap::new();
    for (i, capacity) in [1u32, 2, 1, 1].into_iter().enumerate() {
        let body = overlay(
            mentor(common(i)),
            json!({"capacity": capacity, "career_stage": if i % 2 == 0 { "senior" } else { "mid_career" }}),
        );
        let id = app.accepted_applicant(&committee, &cycle_id, body).await;
        mentors.insert(id, capacity);
    }
    let mut mentees = Vec::new();
    for i in 4..10 {
        let body = overlay(mentee(common(i)), json!({"career_stage": STAGES[i % 3]}));
        mentees.push(app.accepted_applicant(&committee, &cycle_id, body).await);
    }
    Cohort {
        committee,
        cycle_id,
        mentors,
        mentees,
    }
}

/// Each mentee's feasible mentors and pair scores, from the candidate
/// lists (the run's default settings).
async fn scores(app: &TestApp, c: &Cohort) -> Vec<BTreeMap<String, i64>> {
    let mut out = Vec::new();
    for e in &c.mentees {
        let res = app
            .get(
                &format!("/api/v1/applications/{e}/candidates"),
                Some(&c.committee.token),
            )
            .await;
        let list = json_of(res, 200).await;
        out.push(
            list["feasible"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (id_of(f, "application_id"), f["score"].as_i64().unwrap()))
                .collect(),
        );
    }
    out
}

/// The best (pairs, lowest score) over every assignment.
fn brute_force_max_min(
    scores: &[BTreeMap<String, i64>],
    mentors: &BTreeMap<String, u32>,
) -> (usize, i64) {
    fn go(
        i: usize,
        scores: &[BTreeMap<String, i64>],
        left: &mut BTreeMap<String, u32>,
        chosen: &mut Vec<i64>,
    ) -> (usize, i64) {
        let Some(row) = scores.get(i) else {
            return (
                chosen.len(),
                chosen.iter().copied().min().unwrap_or(i64::MAX),
            );
        };
        let mut best = go(i + 1, scores, left, chosen);
        for (m, s) in row {
            if left[m] > 0 {
                *left.get_mut(m).unwrap() -= 1;
                chosen.push(*s);
                best = best.max(go(i + 1, scores, left, chosen));
                chosen.pop();
                *left.get_mut(m).unwrap() += 1;
            }
        }
        best
    }
    go(0, scores, &mut mentors.clone(), &mut Vec::new())
}

/// Blocking pairs of a run by the definition, from the candidate scores,
/// and how many proposal entries list them (one on the mentee's pair, one
/// on the weakest pair of a full mentor).
fn brute_force_blocking(run: &Value, scores: &[BTreeMap<String, i64>], c: &Cohort) -> (u64, u64) {
    let pair_of: BTreeMap<String, (String, i64)> = proposals(run)
        .iter()
        .map(|p| {
            (
                id_of(p, "mentee_application_id"),
                (
                    id_of(p, "mentor_application_id"),
                    p["score"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    let (mut n, mut listed) = (0, 0);
    for (e, row) in c.mentees.iter().zip(scores) {
        for (m, &s) in row {
            let mine = pair_of.get(e);
            if mine.is_some_and(|(mm, _)| mm == m) {
                continue;
            }
            let theirs: Vec<i64> = pair_of
                .values()
                .filter(|(mm, _)| mm == m)
                .map(|(_, s)| *s)
                .collect();
            let free = (theirs.len() as u32) < c.mentors[m];
            let mentee_wants = mine.is_none_or(|(_, own)| s > *own);
            // A full mentor has pairs: beat the weakest.
            let mentor_wants = free || theirs.iter().copied().min().is_some_and(|low| s > low);
            if mentee_wants && mentor_wants {
                n += 1;
                listed += u64::from(mine.is_some()) + u64::from(!free);
            }
        }
    }
    (n, listed)
}

#[tokio::test]
async fn the_fair_objective_reaches_the_brute_force_max_min_with_as_many_pairs() {
    // Arrange
    let app = spawn_app().await;
    let c = varied_cohort(&app).await;
    let scores = scores(&app, &c).await;

    // Act
    let total = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let fair = ran(
        &app,
        &c.committee,
        &c.cycle_id,
        json!({"objective": "fair"}),
    )
    .await;

    // Assert
    let (most, max_min) = brute_force_max_min(&scores, &c.mentors);
    assert!(most >= 4, "the cohort forms pairs: {most}");
    assert_eq!(fair["parameters"]["objective"], "fair");
    assert_eq!(proposals(&fair).len(), most);
    assert_eq!(proposals(&total).len(), most);
    assert_eq!(fair["min_score"].as_i64(), Some(max_min));
    assert!(fair["min_score"].as_i64() >= total["min_score"].as_i64());
    assert!(fair["total_score"].as_i64() <= total["total_score"].as_i64());
    // The proposals are pairs the candidate lists allow, within capacity.
    let mut load: BTreeMap<String, u32> = BTreeMap::new();
    for p in proposals(&fair) {
        let e = c
            .mentees
            .iter()
            .position(|e| p["mentee_application_id"] == e.as_str())
            .expect("a mentee of the cohort");
        let m = id_of(p, "mentor_application_id");
        assert_eq!(scores[e].get(&m).copied(), p["score"].as_i64());
        *load.entry(m.clone()).or_default() += 1;
        assert!(load[&m] <= c.mentors[&m]);
    }
}

#[tokio::test]
async fn blocking_pairs_are_counted_as_the_definition_says_and_listed_per_proposal() {
    // Arrange
    let app = spawn_app().await;
    let c = varied_cohort(&app).await;
    let scores = scores(&app, &c).await;

    for objective in ["total", "fair"] {
        // Act
        let run = ran(
            &app,
            &c.committee,
            &c.cycle_id,
            json!({"objective": objective}),
        )
        .await;

        // Assert
        let (expected, listed) = brute_force_blocking(&run, &scores, &c);
        assert_eq!(
            run["blocking_pairs"].as_u64(),
            Some(expected),
            "{objective}: {run}"
        );
        let counted: u64 = proposals(&run)
            .iter()
            .map(|p| p["blocking_count"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, listed, "{objective}: {run}");
        for p in proposals(&run) {
            for alt in p["blocking_alternatives"].as_array().unwrap() {
                assert!(alt["gain"].as_i64().unwrap() > 0);
                assert_eq!(
                    alt["gain"].as_i64().unwrap(),
                    alt["score"].as_i64().unwrap() - p["score"].as_i64().unwrap()
                );
                assert!(["mentor", "mentee"].contains(&alt["side"].as_str().unwrap()));
            }
        }
    }
}

#[tokio::test]
async fn a_list_of_runs_shows_each_runs_blocking_pairs_kept_or_taken_from_older_results() {
    use migration::MigratorTrait;

    // Arrange: two runs.
    let app = spawn_app().await;
    let c = varied_cohort(&app).await;
    let mut runs = Vec::new();
    for objective in ["total", "fair"] {
        runs.push(
            ran(
                &app,
                &c.committee,
                &c.cycle_id,
                json!({"objective": objective}),
            )
            .await,
        );
    }
    let listed = || async {
        let path = format!("/api/v1/cycles/{}/matching-runs", c.cycle_id);
        json_of(app.get(&path, Some(&c.committee.token)).await, 200).await["items"].clone()
    };

    // Act: the list; then the database as it was before runs kept the
    // count beside their result, migrated again, and the list once more.
    let kept = listed().await;
    let before = migrations_since("m20261206_000022_run_blocking_pairs");
    migration::Migrator::down(&app.db, Some(before))
        .await
        .unwrap();
    migration::Migrator::up(&app.db, None).await.unwrap();
    let taken = listed().await;

    // Assert
    for run in &runs {
        let item = kept
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == run["id"])
            .expect("the run is listed");
        assert!(run["blocking_pairs"].is_u64(), "{run}");
        assert_eq!(item["blocking_pairs"], run["blocking_pairs"]);
    }
    assert_eq!(taken, kept);
}

// --------------------------------------------------------- comparison

#[tokio::test]
async fn two_runs_compare_pair_by_pair_with_a_summary_of_each() {
    // Arrange
    let app = spawn_app().await;
    let c = varied_cohort(&app).await;
    let total = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let fair = ran(
        &app,
        &c.committee,
        &c.cycle_id,
        json!({"objective": "fair", "preference_balance": 0.2}),
    )
    .await;
    let (a, b) = (id_of(&total, "id"), id_of(&fair, "id"));
    let threshold = total["min_score"].as_i64().unwrap() + 1;

    // Act
    let res = compare(
        &app,
        &c.committee,
        &a,
        &b,
        &format!("?threshold={threshold}"),
    )
    .await;

    // Assert
    let cmp = json_of(res, 200).await;
    assert_eq!(
        (cmp["run_id"].as_str(), cmp["other_run_id"].as_str()),
        (Some(a.as_str()), Some(b.as_str()))
    );
    assert_eq!(cmp["threshold"], threshold);
    let len = |k: &str| cmp[k].as_array().unwrap().len();
    assert_eq!(
        len("kept") + len("changed") + len("removed"),
        proposals(&total).len()
    );
    assert_eq!(
        len("kept") + len("changed") + len("added"),
        proposals(&fair).len()
    );
    for (side, run) in [("run", &total), ("other", &fair)] {
        let s = &cmp[side];
        assert_eq!(s["count"].as_u64(), Some(proposals(run).len() as u64));
        assert_eq!(s["total_score"], run["total_score"]);
        assert_eq!(s["min_score"], run["min_score"]);
        assert_eq!(s["blocking_pairs"], run["blocking_pairs"]);
        let below = proposals(run)
            .iter()
            .filter(|p| p["score"].as_i64().unwrap() < threshold)
            .count();
        assert_eq!(s["below_threshold"].as_u64(), Some(below as u64));
        let mut sorted: Vec<i64> = proposals(run)
            .iter()
            .map(|p| p["score"].as_i64().unwrap())
            .collect();
        sorted.sort();
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2] as f64
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0
        };
        assert_eq!(s["median_score"].as_f64(), Some(median));
    }
    assert_eq!(
        cmp["run"]["below_threshold"].as_u64().map(|n| n >= 1),
        Some(true)
    );
    assert_eq!(
        cmp["total_change"].as_i64().unwrap(),
        fair["total_score"].as_i64().unwrap() - total["total_score"].as_i64().unwrap()
    );
    // Each mentee's change is their score in the fair run less the other.
    let score_in = |run: &Value, mentee: &str| {
        proposals(run)
            .iter()
            .find(|p| p["mentee_application_id"] == mentee)
            .map_or(0, |p| p["score"].as_i64().unwrap())
    };
    let applicants = cmp["applicants"].as_array().unwrap();
    let mentees: BTreeSet<&str> = applicants
        .iter()
        .filter(|x| x["role"] == "mentee")
        .map(|x| x["application_id"].as_str().unwrap())
        .collect();
    for x in applicants.iter().filter(|x| x["role"] == "mentee") {
        let e = x["application_id"].as_str().unwrap();
        assert_eq!(
            x["change"].as_i64(),
            Some(score_in(&fair, e) - score_in(&total, e))
        );
    }
    let paired: BTreeSet<&str> = proposals(&total)
        .iter()
        .chain(proposals(&fair))
        .map(|p| p["mentee_application_id"].as_str().unwrap())
        .collect();
    assert_eq!(mentees, paired);

    // Without a threshold nothing is counted below one.
    let plain = json_of(compare(&app, &c.committee, &a, &b, "").await, 200).await;
    assert_eq!(plain["run"]["below_threshold"], Value::Null);
    assert_eq!(plain["threshold"], Value::Null);
}

#[tokio::test]
async fn comparing_is_for_the_committee_known_runs_and_one_cycle() {
    // Arrange
    let app = spawn_app().await;
    let c = varied_cohort(&app).await;
    let first = id_of(&ran(&app, &c.committee, &c.cycle_id, json!({})).await, "id");
    let second = id_of(
        &ran(
            &app,
            &c.committee,
            &c.cycle_id,
            json!({"objective": "fair"}),
        )
        .await,
        "id",
    );
    let elsewhere_cycle = app.cycle_in_matching(&c.committee).await;
    let elsewhere = id_of(
        &ran(&app, &c.committee, &elsewhere_cycle, json!({})).await,
        "id",
    );
    let member = app.member().await;
    let unknown = uuid::Uuid::new_v4().to_string();

    // Act and assert: another member's token.
    assert_problem(compare(&app, &member, &first, &second, "").await, 403).await;
    // Unknown runs, either side.
    assert_problem(
        compare(&app, &c.committee, &unknown, &second, "").await,
        404,
    )
    .await;
    assert_problem(compare(&app, &c.committee, &first, &unknown, "").await, 404).await;
    // Runs of different cycles.
    let problem = assert_problem(
        compare(&app, &c.committee, &first, &elsewhere, "").await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["other_id"]);
    // A negative threshold.
    let problem = assert_problem(
        compare(&app, &c.committee, &first, &second, "?threshold=-1").await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["threshold"]);
    // A run compared with itself keeps every pair.
    let same = json_of(compare(&app, &c.committee, &first, &first, "").await, 200).await;
    assert!(same["changed"].as_array().unwrap().is_empty());
    assert!(
        same["applicants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["change"] == 0)
    );
}

// ------------------------------------------- the mentor's preferred stages

#[tokio::test]
async fn a_mentor_may_name_the_mentee_stages_they_would_support_and_runs_score_them() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let member = app.db_member("Applicant").await;
    let keen_body = overlay(
        mentor(json!({"mentee_stages": ["student", "early_career", "student"], "employer": "A"})),
        json!({"member_id": member}),
    );
    let created = app.applied(&committee, &cycle_id, &keen_body).await;
    let keen = id_of(&created, "id");
    app.accept_application(&committee, &keen).await;
    let other = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({"mentee_stages": ["mid_career"], "employer": "B"})),
        )
        .await;
    let student = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentee(json!({"career_stage": "student"})),
        )
        .await;

    // Act
    let run = ran(&app, &committee, &cycle_id, json!({})).await;
    let wrong_role = app
        .post(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(&committee.token),
            &overlay(
                mentee(json!({"mentee_stages": ["student"]})),
                json!({"member_id": app.db_member("Mentee").await}),
            ),
        )
        .await;

    // Assert
    assert_eq!(created["mentee_stages"], json!(["student", "early_career"]));
    let pair = &proposals(&run)[0];
    assert_eq!(pair["mentor_application_id"], keen.as_str());
    assert_eq!(pair["mentee_application_id"], student.as_str());
    let line = criterion(&pair["breakdown"], "supported_stage");
    assert_eq!(line["score"], 10);
    assert_eq!(
        line["detail"],
        "mentor would most like to support student mentees"
    );
    assert_eq!(run["unmatched"][0]["application_id"], other.as_str());
    let problem = assert_problem(wrong_role, 422).await;
    assert_eq!(problem_fields(&problem), ["mentee_stages"]);
    assert_eq!(
        problem_error(&problem, "mentee_stages")["code"],
        "not_allowed"
    );
}
