//! Matching runs (proposals with explanations, unmatched applicants with
//! reasons, pins), candidate lists, accepting a run, and a realistic walk
//! from 150 accepted applications to published matches.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use futures_util::StreamExt;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

fn mentor(fields: Value) -> Value {
    overlay(mentor_body(), fields)
}

fn mentee(fields: Value) -> Value {
    overlay(mentee_body(), fields)
}

async fn run(app: &TestApp, committee: &TestUser, cycle_id: &str, params: Value) -> Response {
    app.post(
        &format!("/api/v1/cycles/{cycle_id}/matching-runs"),
        Some(&committee.token),
        &params,
    )
    .await
}

/// Runs the matching, asserting a 201; returns the run.
async fn ran(app: &TestApp, committee: &TestUser, cycle_id: &str, params: Value) -> Value {
    json_of(run(app, committee, cycle_id, params).await, 201).await
}

async fn accept(app: &TestApp, committee: &TestUser, run_id: &str, body: Value) -> Response {
    app.post(
        &format!("/api/v1/matching-runs/{run_id}/accept"),
        Some(&committee.token),
        &body,
    )
    .await
}

/// Reads a run back, asserting a 200.
async fn read_run(app: &TestApp, committee: &TestUser, run_id: &str) -> Value {
    let res = app
        .get(
            &format!("/api/v1/matching-runs/{run_id}"),
            Some(&committee.token),
        )
        .await;
    json_of(res, 200).await
}

/// The cycle's matches (first 200) and their total.
async fn matches_of(app: &TestApp, committee: &TestUser, cycle_id: &str, query: &str) -> Value {
    let res = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/matches?per_page=200{query}"),
            Some(&committee.token),
        )
        .await;
    json_of(res, 200).await
}

fn proposals(run: &Value) -> &Vec<Value> {
    run["proposals"].as_array().expect("proposals")
}

/// (mentor application id, mentee application id) of each proposal.
fn pairs(run: &Value) -> BTreeSet<(String, String)> {
    proposals(run).iter().map(pair_of).collect()
}

fn pair_of(v: &Value) -> (String, String) {
    (
        v["mentor_application_id"].as_str().unwrap().to_owned(),
        v["mentee_application_id"].as_str().unwrap().to_owned(),
    )
}

fn pair(mentor: &str, mentee: &str) -> (String, String) {
    (mentor.to_owned(), mentee.to_owned())
}

fn pin(mentor: &str, mentee: &str) -> Value {
    json!({"mentor_application_id": mentor, "mentee_application_id": mentee})
}

fn proposal_for<'a>(run: &'a Value, mentee: &str) -> &'a Value {
    proposals(run)
        .iter()
        .find(|p| p["mentee_application_id"] == mentee)
        .unwrap_or_else(|| panic!("no proposal for {mentee}: {run}"))
}

/// The breakdown line of `criterion`.
fn criterion<'a>(breakdown: &'a Value, criterion: &str) -> &'a Value {
    breakdown
        .as_array()
        .expect("breakdown")
        .iter()
        .find(|c| c["criterion"] == criterion)
        .unwrap_or_else(|| panic!("no {criterion} in {breakdown}"))
}

fn weighted_sum(breakdown: &Value) -> i64 {
    breakdown
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["weight"].as_i64().unwrap() * c["score"].as_i64().unwrap())
        .sum()
}

/// Two mentors and two mentees whose best pairs are obvious: an academic
/// instruction pair and a public youth-services pair in Spokane.
struct SmallCohort {
    committee: TestUser,
    cycle_id: String,
    academic_mentor: String,
    public_mentor: String,
    academic_mentee: String,
    public_mentee: String,
}

async fn small_cohort(app: &TestApp) -> SmallCohort {
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let career_mentee = |fields: Value| {
        overlay(
            mentee(
                json!({"matching_preference": "career", "identity_tags": [], "identity_consent": false}),
            ),
            fields,
        )
    };
    let academic_mentor = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({
                "library_types": ["academic"], "interests": ["instruction", "outreach"],
                "meeting_modes": ["online"],
            })),
        )
        .await;
    let public_mentor = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({
                "library_types": ["public"], "interests": ["youth services", "storytime"],
                "region": "Spokane", "meeting_modes": ["online"],
                "employer": "Spokane Public Library",
            })),
        )
        .await;
    let academic_mentee = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            career_mentee(
                json!({"library_types": ["academic"], "interests": ["outreach", "Instruction"]}),
            ),
        )
        .await;
    let public_mentee = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            career_mentee(json!({"library_types": ["public"], "interests": ["youth services"]})),
        )
        .await;
    SmallCohort {
        committee,
        cycle_id,
        academic_mentor,
        public_mentor,
        academic_mentee,
        public_mentee,
    }
}

// ---------------------------------------------------------------- runs

#[tokio::test]
async fn a_run_over_a_small_cohort_proposes_the_best_pairs_and_explains_each() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;

    // Act
    let res = run(&app, &c.committee, &c.cycle_id, json!({})).await;

    // Assert
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let run = json_of(res, 201).await;
    assert_eq!(
        location,
        format!("/api/v1/matching-runs/{}", run["id"].as_str().unwrap())
    );
    assert_eq!(run["status"], "completed");
    assert_eq!(run["cycle_id"], c.cycle_id.as_str());
    assert_eq!(run["created_by"], c.committee.id.to_string());
    assert_eq!(
        pairs(&run),
        BTreeSet::from([
            pair(&c.academic_mentor, &c.academic_mentee),
            pair(&c.public_mentor, &c.public_mentee),
        ])
    );
    assert_eq!(run["unmatched"], json!([]));
    assert_eq!(run["pin_conflicts"], json!([]));

    let academic = proposal_for(&run, &c.academic_mentee);
    let lib = criterion(&academic["breakdown"], "library_types");
    assert_eq!(lib["detail"], "both academic");
    assert_eq!(lib["score"], 10);
    let interests = criterion(&academic["breakdown"], "interests");
    assert_eq!(
        interests["detail"],
        "shared interests: instruction, outreach"
    );
    let public = proposal_for(&run, &c.public_mentee);
    assert_eq!(
        criterion(&public["breakdown"], "library_types")["detail"],
        "both public"
    );
    assert_eq!(
        criterion(&public["breakdown"], "interests")["detail"],
        "shared interests: youth services"
    );
    assert_eq!(
        criterion(&public["breakdown"], "region")["detail"],
        "both in Spokane"
    );

    let scores: Vec<i64> = proposals(&run)
        .iter()
        .map(|p| {
            assert_eq!(p["pinned"], false);
            assert_eq!(p["breakdown"].as_array().unwrap().len(), 7, "{p}");
            assert_eq!(p["score"].as_i64().unwrap(), weighted_sum(&p["breakdown"]));
            p["score"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(run["total_score"], scores.iter().sum::<i64>());
    assert_eq!(run["min_score"], *scores.iter().min().unwrap());
}

#[tokio::test]
async fn a_run_reads_back_unchanged_and_is_listed_for_its_cycle() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let params = json!({"allow_same_employer": true, "never_pair": [pin(&c.public_mentor, &c.academic_mentee)]});
    let created = ran(&app, &c.committee, &c.cycle_id, params).await;
    let id = created["id"].as_str().unwrap();

    // Act
    let fetched = app
        .get(
            &format!("/api/v1/matching-runs/{id}"),
            Some(&c.committee.token),
        )
        .await;
    let listed = app
        .get(
            &format!("/api/v1/cycles/{}/matching-runs", c.cycle_id),
            Some(&c.committee.token),
        )
        .await;

    // Assert
    assert_eq!(json_of(fetched, 200).await, created);
    assert_eq!(created["parameters"]["allow_same_employer"], true);
    assert_eq!(
        created["parameters"]["never_pair"],
        json!([pin(&c.public_mentor, &c.academic_mentee)])
    );
    let page = json_of(listed, 200).await;
    assert_eq!(page["total"], 1);
    let item = &page["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["status"], "completed");
    assert_eq!(item["proposal_count"], 2);
    assert_eq!(item["unmatched_count"], 0);
    assert_eq!(item["total_score"], created["total_score"]);
    assert_eq!(item["parameters"], created["parameters"]);
    assert!(item.get("proposals").is_none(), "{item}");
}

#[tokio::test]
async fn the_same_cohort_run_twice_gives_the_same_proposals() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let first = ran(&app, &c.committee, &c.cycle_id, json!({})).await;

    // Act
    let second = ran(&app, &c.committee, &c.cycle_id, json!({})).await;

    // Assert
    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["proposals"], second["proposals"]);
    assert_eq!(first["total_score"], second["total_score"]);
    let page = app
        .get(
            &format!("/api/v1/cycles/{}/matching-runs", c.cycle_id),
            Some(&c.committee.token),
        )
        .await;
    assert_eq!(json_of(page, 200).await["total"], 2);
}

#[tokio::test]
async fn a_run_while_the_cycle_is_still_open_is_a_409() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = run(&app, &committee, &cycle_id, json!({})).await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("open"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_run_for_an_unknown_cycle_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;

    // Act
    let res = run(
        &app,
        &committee,
        &uuid::Uuid::new_v4().to_string(),
        json!({}),
    )
    .await;

    // Assert
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn a_weight_above_one_hundred_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let weights = json!({"career": {"library_types": 101, "interests": 3, "career_stage": 3,
        "identity": 1, "region": 1, "meeting_modes": 1}});

    // Act
    let res = run(&app, &c.committee, &c.cycle_id, json!({"weights": weights})).await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert!(problem.to_string().contains("library_types"), "{problem}");
}

#[tokio::test]
async fn a_member_may_neither_run_list_nor_read_runs() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let member = app.member().await;
    let created = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = created["id"].as_str().unwrap();

    // Act
    let post = run(&app, &member, &c.cycle_id, json!({})).await;
    let list = app
        .get(
            &format!("/api/v1/cycles/{}/matching-runs", c.cycle_id),
            Some(&member.token),
        )
        .await;
    let get = app
        .get(
            &format!("/api/v1/matching-runs/{run_id}"),
            Some(&member.token),
        )
        .await;
    let accepted = accept(&app, &member, run_id, json!({})).await;

    // Assert
    for res in [post, list, get, accepted] {
        assert_problem(res, 403).await;
    }
    let page = app
        .get(
            &format!("/api/v1/cycles/{}/matching-runs", c.cycle_id),
            Some(&c.committee.token),
        )
        .await;
    assert_eq!(
        json_of(page, 200).await["total"],
        1,
        "the member ran nothing"
    );
}

#[tokio::test]
async fn unmatched_applicants_are_listed_with_the_reason() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let only_mentor = app
        .accepted_applicant(&committee, &cycle_id, mentor(json!({})))
        .await;
    let in_person_in_yakima = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentee(json!({"meeting_modes": ["in_person"], "region": "Yakima"})),
        )
        .await;
    let first_online = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;
    let second_online = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;

    // Act
    let run = ran(&app, &committee, &cycle_id, json!({})).await;

    // Assert
    let placed = pairs(&run);
    assert_eq!(placed.len(), 1, "{run}");
    let (m, e) = placed.first().unwrap();
    assert_eq!(m, &only_mentor);
    assert!(e == &first_online || e == &second_online);
    let unmatched: HashMap<&str, &Value> = run["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["application_id"].as_str().unwrap(), u))
        .collect();
    assert_eq!(unmatched.len(), 2, "{run}");
    let yakima = unmatched[in_person_in_yakima.as_str()];
    assert_eq!(yakima["role"], "mentee");
    let reason = yakima["reason"].as_str().unwrap();
    assert!(
        reason.contains("no feasible partner") && reason.contains("in-person region"),
        "{reason}"
    );
    let left_over = if e == &first_online {
        &second_online
    } else {
        &first_online
    };
    let reason = unmatched[left_over.as_str()]["reason"].as_str().unwrap();
    assert!(reason.starts_with("capacity exhausted"), "{reason}");
}

#[tokio::test]
async fn a_never_pair_pin_keeps_the_best_pair_apart() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let unpinned = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    assert!(pairs(&unpinned).contains(&pair(&c.academic_mentor, &c.academic_mentee)));
    let never = pin(&c.academic_mentor, &c.academic_mentee);

    // Act
    let run = ran(
        &app,
        &c.committee,
        &c.cycle_id,
        json!({"never_pair": [never]}),
    )
    .await;

    // Assert
    let placed = pairs(&run);
    assert!(
        !placed.contains(&pair(&c.academic_mentor, &c.academic_mentee)),
        "{run}"
    );
    assert_eq!(
        placed,
        BTreeSet::from([
            pair(&c.public_mentor, &c.academic_mentee),
            pair(&c.academic_mentor, &c.public_mentee),
        ])
    );
}

#[tokio::test]
async fn a_must_pair_pin_is_honoured_and_marked_pinned() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let must = pin(&c.public_mentor, &c.academic_mentee);

    // Act
    let run = ran(
        &app,
        &c.committee,
        &c.cycle_id,
        json!({"must_pair": [must]}),
    )
    .await;

    // Assert
    assert_eq!(run["pin_conflicts"], json!([]));
    let pinned = proposal_for(&run, &c.academic_mentee);
    assert_eq!(pinned["mentor_application_id"], c.public_mentor.as_str());
    assert_eq!(pinned["pinned"], true);
    let other = proposal_for(&run, &c.public_mentee);
    assert_eq!(other["mentor_application_id"], c.academic_mentor.as_str());
    assert_eq!(other["pinned"], false);
}

#[tokio::test]
async fn a_must_pair_pin_breaking_a_hard_rule_is_reported_as_a_conflict() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let in_person_mentor = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({"meeting_modes": ["in_person"]})),
        )
        .await;
    let online_mentee = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;

    // Act
    let run = ran(
        &app,
        &committee,
        &cycle_id,
        json!({"must_pair": [pin(&in_person_mentor, &online_mentee)]}),
    )
    .await;

    // Assert
    assert_eq!(run["proposals"], json!([]));
    let conflicts = run["pin_conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{run}");
    assert_eq!(conflicts[0]["rule"], "meeting_modes");
    assert_eq!(
        conflicts[0]["mentee_application_id"],
        online_mentee.as_str()
    );
}

#[tokio::test]
async fn a_mentee_who_prefers_identity_gets_the_consenting_mentor_who_shares_it() {
    // Both preferences count: the identity-sharing mentor prefers identity
    // too (a career-preferring one would halve identity's weight).
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    // Better on career fit, shares the identity but did not consent.
    let career_fit = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({
                "library_types": ["academic"], "interests": ["instruction"],
                "identity_tags": ["first-generation"], "identity_consent": false,
            })),
        )
        .await;
    let identity_fit = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({
                "library_types": ["public"], "interests": ["genealogy"],
                "identity_tags": ["First-Generation"], "identity_consent": true,
                "employer": "Tacoma Public Library", "matching_preference": "identity",
            })),
        )
        .await;
    let mentee_id = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentee(json!({
                "matching_preference": "identity", "identity_tags": ["first-generation"],
                "identity_consent": true, "library_types": ["academic"], "interests": ["instruction"],
            })),
        )
        .await;

    // Act
    let run = ran(&app, &committee, &cycle_id, json!({})).await;

    // Assert
    let chosen = proposal_for(&run, &mentee_id);
    assert_eq!(chosen["mentor_application_id"], identity_fit.as_str());
    let identity = criterion(&chosen["breakdown"], "identity");
    assert_eq!(identity["detail"], "shared identity: first-generation");
    assert!(identity["score"].as_i64().unwrap() > 0);
    assert!(
        identity["weight"].as_i64().unwrap()
            > criterion(&chosen["breakdown"], "library_types")["weight"]
                .as_i64()
                .unwrap(),
        "identity is weighed heavily for this mentee"
    );
    let unmatched = &run["unmatched"][0];
    assert_eq!(unmatched["application_id"], career_fit.as_str());
    assert_eq!(unmatched["role"], "mentor");
}

// ---------------------------------------------------------------- candidates

#[tokio::test]
async fn candidates_are_ranked_and_the_impossible_ones_name_the_rule() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentee_id = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentee(json!({
                "matching_preference": "career", "employer": "Seattle Public Library",
                "library_types": ["academic"], "interests": ["instruction", "outreach"],
            })),
        )
        .await;
    let best = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(
                json!({"library_types": ["academic"], "interests": ["instruction", "outreach"]}),
            ),
        )
        .await;
    let weaker = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({"library_types": ["law"], "interests": ["outreach"], "employer": "King County Law Library"})),
        )
        .await;
    let colleague = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({"employer": "  seattle public LIBRARY "})),
        )
        .await;
    let in_person_only = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({"meeting_modes": ["in_person"], "employer": "Pierce County Library"})),
        )
        .await;

    // Act
    let res = app
        .get(
            &format!("/api/v1/applications/{mentee_id}/candidates"),
            Some(&committee.token),
        )
        .await;

    // Assert
    let body = json_of(res, 200).await;
    assert_eq!(body["application_id"], mentee_id.as_str());
    let feasible = body["feasible"].as_array().unwrap();
    let ranked: Vec<&str> = feasible
        .iter()
        .map(|f| f["application_id"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, [best.as_str(), weaker.as_str()]);
    assert!(feasible[0]["score"].as_i64() > feasible[1]["score"].as_i64());
    for f in feasible {
        assert_eq!(f["score"].as_i64().unwrap(), weighted_sum(&f["breakdown"]));
    }
    assert_eq!(
        criterion(&feasible[0]["breakdown"], "interests")["detail"],
        "shared interests: instruction, outreach"
    );
    let excluded: BTreeMap<&str, &str> = body["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(!e["reason"].as_str().unwrap().is_empty(), "{e}");
            (
                e["application_id"].as_str().unwrap(),
                e["rule"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        excluded,
        BTreeMap::from([
            (colleague.as_str(), "same_employer"),
            (in_person_only.as_str(), "meeting_modes"),
        ])
    );
}

#[tokio::test]
async fn a_mentors_candidates_are_mentees_and_a_pending_one_is_not_accepted() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentor_id = app
        .accepted_applicant(&committee, &cycle_id, mentor(json!({})))
        .await;
    let accepted = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;
    let member_id = app.db_member("Still Pending").await;
    let pending = app
        .applied(
            &committee,
            &cycle_id,
            &mentee(json!({"member_id": member_id})),
        )
        .await;

    // Act
    let res = app
        .get(
            &format!("/api/v1/applications/{mentor_id}/candidates"),
            Some(&committee.token),
        )
        .await;

    // Assert
    let body = json_of(res, 200).await;
    assert_eq!(body["feasible"].as_array().unwrap().len(), 1);
    assert_eq!(body["feasible"][0]["application_id"], accepted.as_str());
    assert_eq!(body["excluded"].as_array().unwrap().len(), 1);
    assert_eq!(body["excluded"][0]["application_id"], pending["id"]);
    assert_eq!(body["excluded"][0]["rule"], "not_accepted");
}

#[tokio::test]
async fn a_member_cannot_see_candidates_and_an_unknown_application_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentee_id = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;

    // Act
    let as_member = app
        .get(
            &format!("/api/v1/applications/{mentee_id}/candidates"),
            Some(&member.token),
        )
        .await;
    let unknown = app
        .get(
            &format!("/api/v1/applications/{}/candidates", uuid::Uuid::new_v4()),
            Some(&committee.token),
        )
        .await;

    // Assert
    assert_problem(as_member, 403).await;
    assert_problem(unknown, 404).await;
}

// ---------------------------------------------------------------- accepting

#[tokio::test]
async fn a_match_made_by_hand_from_a_run_marks_the_run_accepted() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();
    let (mentor_id, mentee_id) = pair_of(&proposals(&run)[0]);

    // Act
    let res = app
        .post(
            &format!("/api/v1/cycles/{}/matches", c.cycle_id),
            Some(&c.committee.token),
            &json!({"mentor_application_id": mentor_id,
                    "mentee_application_id": mentee_id,
                    "matching_run_id": run_id}),
        )
        .await;

    // Assert
    assert_eq!(json_of(res, 201).await["matching_run_id"], run_id);
    assert_eq!(
        read_run(&app, &c.committee, run_id).await["status"],
        "accepted"
    );
}

#[tokio::test]
async fn accepting_a_run_turns_every_proposal_into_a_proposed_match() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();

    // Act
    let res = accept(&app, &c.committee, run_id, json!({})).await;

    // Assert
    let made = json_of(res, 201).await;
    let made = made.as_array().unwrap();
    assert_eq!(made.len(), 2);
    let made_pairs: BTreeSet<(String, String)> = made.iter().map(pair_of).collect();
    assert_eq!(made_pairs, pairs(&run));
    for m in made {
        assert_eq!(m["status"], "proposed");
        assert_eq!(m["matching_run_id"], run_id);
        assert_eq!(m["cycle_id"], c.cycle_id.as_str());
        assert_eq!(m["published_at"], Value::Null);
        let p = proposal_for(&run, m["mentee_application_id"].as_str().unwrap());
        assert_eq!(m["score"], p["score"]);
        assert_eq!(m["breakdown"], p["breakdown"]);
    }
    let listed = matches_of(&app, &c.committee, &c.cycle_id, "").await;
    assert_eq!(listed["total"], 2);
    assert_eq!(
        read_run(&app, &c.committee, run_id).await["status"],
        "accepted"
    );
    assert!(
        assert_counts_kept(&app).await >= 3,
        "two roles and the proposed matches"
    );
}

#[tokio::test]
async fn accepting_a_chosen_subset_makes_only_those_matches() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let chosen = pin(&c.public_mentor, &c.public_mentee);

    // Act
    let res = accept(
        &app,
        &c.committee,
        run["id"].as_str().unwrap(),
        json!({"proposals": [chosen]}),
    )
    .await;

    // Assert
    let made = json_of(res, 201).await;
    assert_eq!(made.as_array().unwrap().len(), 1);
    assert_eq!(made[0]["mentee_application_id"], c.public_mentee.as_str());
    let listed = matches_of(&app, &c.committee, &c.cycle_id, "").await;
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn accepting_with_no_body_at_all_accepts_every_proposal() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();

    // Act
    let res = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/matching-runs/{run_id}/accept"),
            Some(&c.committee.token),
        )
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(json_of(res, 201).await.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_misspelt_or_misshapen_subset_is_refused_and_never_accepts_everything() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();
    let chosen = pin(&c.public_mentor, &c.public_mentee);
    let path = format!("/api/v1/matching-runs/{run_id}/accept");

    // Act
    let misspelt = accept(&app, &c.committee, run_id, json!({"proposal": [chosen]})).await;
    let not_a_list = accept(&app, &c.committee, run_id, json!({"proposals": "all"})).await;
    let not_json = app
        .request(reqwest::Method::POST, &path, Some(&c.committee.token))
        .header("Content-Type", "text/plain")
        .body("proposals=all")
        .send()
        .await
        .expect("request");
    let broken = app
        .request(reqwest::Method::POST, &path, Some(&c.committee.token))
        .header("Content-Type", "application/json")
        .body(r#"{"proposals": ["#)
        .send()
        .await
        .expect("request");

    // Assert
    let problem = assert_problem(misspelt, 422).await;
    assert_eq!(problem_fields(&problem), ["proposal"]);
    let problem = assert_problem(not_a_list, 422).await;
    assert_eq!(problem_fields(&problem), ["proposals"]);
    assert_problem(not_json, 400).await;
    assert_problem(broken, 400).await;
    let listed = matches_of(&app, &c.committee, &c.cycle_id, "").await;
    assert_eq!(listed["total"], 0, "nothing is accepted");
}

#[tokio::test]
async fn accepting_a_subset_with_a_pair_the_run_never_proposed_is_a_422_and_makes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let proposed = pin(&c.public_mentor, &c.public_mentee);
    let never_proposed = pin(&c.public_mentor, &c.academic_mentee);

    // Act
    let res = accept(
        &app,
        &c.committee,
        run["id"].as_str().unwrap(),
        json!({"proposals": [proposed, never_proposed]}),
    )
    .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["proposals.1"]);
    let listed = matches_of(&app, &c.committee, &c.cycle_id, "").await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn accepting_an_unknown_run_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;

    // Act
    let res = accept(
        &app,
        &committee,
        &uuid::Uuid::new_v4().to_string(),
        json!({}),
    )
    .await;

    // Assert
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn accepting_a_run_again_is_a_409_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();
    json_of(accept(&app, &c.committee, run_id, json!({})).await, 201).await;
    let before = matches_of(&app, &c.committee, &c.cycle_id, "").await;

    // Act
    let res = accept(&app, &c.committee, run_id, json!({})).await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("already has a live match"),
        "{problem}"
    );
    let after = matches_of(&app, &c.committee, &c.cycle_id, "").await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_run_whose_accept_is_refused_stays_completed() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let first = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let second = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let first_id = first["id"].as_str().unwrap();
    json_of(accept(&app, &c.committee, first_id, json!({})).await, 201).await;
    let second_id = second["id"].as_str().unwrap();

    // Act
    let res = accept(&app, &c.committee, second_id, json!({})).await;

    // Assert
    assert_problem(res, 409).await;
    let read = |id: &str| {
        let path = format!("/api/v1/matching-runs/{id}");
        let token = c.committee.token.clone();
        let app = &app;
        async move { json_of(app.get(&path, Some(&token)).await, 200).await }
    };
    assert_eq!(read(second_id).await["status"], "completed");
    assert_eq!(read(first_id).await["status"], "accepted");
}

#[tokio::test]
async fn accepting_a_run_is_all_or_nothing_when_only_some_pairs_are_still_possible() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();
    let made = json_of(accept(&app, &c.committee, run_id, json!({})).await, 201).await;
    // One pair is cancelled: that mentee and mentor are free again, the
    // other pair is still live.
    let freed = made[0]["id"].as_str().unwrap();
    let cancelled = app
        .post(
            &format!("/api/v1/matches/{freed}/cancel"),
            Some(&c.committee.token),
            &json!({}),
        )
        .await;
    assert_eq!(json_of(cancelled, 200).await["status"], "cancelled");

    // Act
    let res = accept(&app, &c.committee, run_id, json!({})).await;

    // Assert
    assert_problem(res, 409).await;
    let all = matches_of(&app, &c.committee, &c.cycle_id, "").await;
    assert_eq!(all["total"], 2, "no match was added: {all}");
    let live = matches_of(&app, &c.committee, &c.cycle_id, "&status=proposed").await;
    assert_eq!(live["total"], 1);
}

#[tokio::test]
async fn a_new_run_leaves_out_mentees_who_already_have_a_match() {
    // Arrange
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let first = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let subset = json!({"proposals": [pin(&c.academic_mentor, &c.academic_mentee)]});
    json_of(
        accept(&app, &c.committee, first["id"].as_str().unwrap(), subset).await,
        201,
    )
    .await;

    // Act
    let second = ran(&app, &c.committee, &c.cycle_id, json!({})).await;

    // Assert
    assert_eq!(
        pairs(&second),
        BTreeSet::from([pair(&c.public_mentor, &c.public_mentee)])
    );
    assert_eq!(
        second["unmatched"],
        json!([]),
        "the full mentor is left out"
    );
}

// ---------------------------------------------------------------- a whole cohort

const MENTORS: usize = 50;
const MENTEES: usize = 100;
const REGIONS: [&str; 5] = [
    "Puget Sound",
    "Spokane",
    "Olympic Peninsula",
    "Tri-Cities",
    "Yakima",
];
const TYPES: [&str; 6] = [
    "public", "academic", "school", "special", "tribal", "medical",
];
const INTERESTS: [&str; 8] = [
    "instruction",
    "outreach",
    "cataloguing",
    "youth services",
    "grant writing",
    "digital archives",
    "leadership",
    "collection development",
];
const EMPLOYERS: [&str; 7] = [
    "King County Library System",
    "Spokane Public Library",
    "Washington State University",
    "Yakima Valley Libraries",
    "Jefferson County Library",
    "Washington State Library",
    "Sno-Isle Libraries",
];
const PREFERENCES: [&str; 4] = ["career", "identity", "both", "none"];

/// What the walk needs to know about each applicant to check the rules.
#[derive(Clone, Debug)]
struct Profile {
    role: &'static str,
    region: String,
    modes: Vec<&'static str>,
    employer: String,
    capacity: usize,
    accepted: bool,
}

fn profile(i: usize) -> Profile {
    let mentor = i < MENTORS;
    let modes = match i % 6 {
        0 => vec!["in_person"],
        1 | 2 => vec!["online", "in_person"],
        _ => vec!["online"],
    };
    // Every seventh mentee works where some mentor works (same employer).
    let employer = if mentor || i.is_multiple_of(7) {
        EMPLOYERS[i % EMPLOYERS.len()].to_owned()
    } else if i.is_multiple_of(3) {
        String::new()
    } else {
        format!("Library {i}")
    };
    let region = match i % 10 {
        0 => REGIONS[0].to_uppercase(),
        n => REGIONS[n % 5].to_owned(),
    };
    Profile {
        role: if mentor { "mentor" } else { "mentee" },
        region,
        modes,
        employer,
        capacity: if mentor { i % 3 + 1 } else { 1 },
        accepted: i % 13 != 5,
    }
}

fn body_of(i: usize, p: &Profile) -> Value {
    let common = json!({
        "library_types": [TYPES[i % TYPES.len()], TYPES[(i / 3) % TYPES.len()]],
        "interests": [INTERESTS[i % 8], INTERESTS[(i * 5 + 1) % 8]],
        "region": p.region,
        "meeting_modes": p.modes,
        "matching_preference": PREFERENCES[(i / 2) % 4],
        "identity_tags": if i.is_multiple_of(4) { json!(["first-generation"]) } else { json!(["rural"]) },
        "identity_consent": !i.is_multiple_of(5),
        "employer": p.employer,
    });
    if p.role == "mentor" {
        let stage = if i.is_multiple_of(2) {
            "senior"
        } else {
            "mid_career"
        };
        overlay(
            mentor(common),
            json!({"capacity": p.capacity, "career_stage": stage}),
        )
    } else {
        let stage = ["student", "early_career", "career_changer"][i % 3];
        overlay(mentee(common), json!({"career_stage": stage}))
    }
}

fn loose(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Every proposal of `run` against the hard rules, from what was sent.
fn assert_hard_rules(run: &Value, profiles: &HashMap<String, Profile>) {
    let mut per_mentor: HashMap<String, usize> = HashMap::new();
    let mut mentees = BTreeSet::new();
    for p in proposals(run) {
        let (m, e) = pair_of(p);
        let (mp, ep) = (&profiles[&m], &profiles[&e]);
        assert_eq!((mp.role, ep.role), ("mentor", "mentee"), "{p}");
        assert!(mp.accepted && ep.accepted, "only accepted: {p}");
        assert!(mentees.insert(e.clone()), "one match per mentee: {e}");
        *per_mentor.entry(m.clone()).or_default() += 1;
        let common: Vec<&&str> = mp.modes.iter().filter(|x| ep.modes.contains(x)).collect();
        assert!(!common.is_empty(), "meeting modes overlap: {p}");
        if common == [&"in_person"] {
            assert_eq!(
                loose(&mp.region),
                loose(&ep.region),
                "in person, one region: {p}"
            );
        }
        if !loose(&mp.employer).is_empty() {
            assert_ne!(loose(&mp.employer), loose(&ep.employer), "employers: {p}");
        }
        assert_eq!(p["score"].as_i64().unwrap(), weighted_sum(&p["breakdown"]));
    }
    for (m, n) in per_mentor {
        assert!(n <= profiles[&m].capacity, "mentor {m} over capacity: {n}");
    }
}

#[tokio::test]
async fn a_whole_cohort_goes_from_accepted_applications_to_published_matches() {
    // Arrange: 50 mentors (capacity 1-3) and 100 mentees, a few of whom
    // are not accepted; two of them are people who sign in.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let signed_mentor = app.member().await;
    let signed_mentee = app.member().await;
    let mut member_ids = vec![signed_mentor.id, signed_mentee.id];
    for _ in 2..MENTORS + MENTEES {
        member_ids.push(app.db_member("Cohort Applicant").await);
    }
    // The signed-in people are applicant 1 (a mentor) and MENTORS + 1 (a mentee).
    member_ids.swap(0, 1);
    member_ids.swap(0, MENTORS + 1);
    let submitted = futures_util::stream::iter(member_ids.iter().enumerate())
        .map(|(i, member_id)| {
            let (app, committee, cycle_id) = (&app, &committee, &cycle_id);
            async move {
                let p = profile(i);
                let body = overlay(body_of(i, &p), json!({"member_id": member_id}));
                let created = app.applied(committee, cycle_id, &body).await;
                let id = created["id"].as_str().unwrap().to_owned();
                let decision = if p.accepted { "accepted" } else { "waitlisted" };
                let res = app
                    .post(
                        &format!("/api/v1/applications/{id}/review"),
                        Some(&committee.token),
                        &json!({"decision": decision, "note": ""}),
                    )
                    .await;
                assert_eq!(res.status(), 200);
                (i, id, p)
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let mut ids = vec![String::new(); submitted.len()];
    let mut profiles = HashMap::new();
    for (i, id, p) in submitted {
        ids[i] = id.clone();
        profiles.insert(id, p);
    }

    // Act: run, accept everything, approve each, publish.
    let run = ran(&app, &committee, &cycle_id, json!({})).await;
    let made = json_of(
        accept(&app, &committee, run["id"].as_str().unwrap(), json!({})).await,
        201,
    )
    .await;
    let match_ids: Vec<String> = made
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let approvals = futures_util::stream::iter(&match_ids)
        .map(|id| {
            let (app, committee) = (&app, &committee);
            async move {
                app.post(
                    &format!("/api/v1/matches/{id}/approve"),
                    Some(&committee.token),
                    &json!({}),
                )
                .await
                .status()
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let published = json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;

    // Assert: the run respects every hard rule and places nearly everyone.
    let proposed = pairs(&run);
    assert_hard_rules(&run, &profiles);
    let accepted_mentees = profiles
        .values()
        .filter(|p| p.role == "mentee" && p.accepted)
        .count();
    assert!(
        proposed.len() * 10 >= accepted_mentees * 8,
        "most accepted mentees are placed: {} of {accepted_mentees}",
        proposed.len()
    );
    let placed: BTreeSet<&str> = proposed
        .iter()
        .flat_map(|(m, e)| [m.as_str(), e.as_str()])
        .collect();
    let unmatched: BTreeSet<&str> = run["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            assert!(!u["reason"].as_str().unwrap().is_empty(), "{u}");
            u["application_id"].as_str().unwrap()
        })
        .collect();
    let accepted: BTreeSet<&str> = profiles
        .iter()
        .filter(|(_, p)| p.accepted)
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(placed.is_disjoint(&unmatched));
    assert_eq!(
        &placed | &unmatched,
        accepted,
        "every accepted applicant is placed or explained"
    );

    // Assert: everything proposed was made, approved and published.
    assert_eq!(match_ids.len(), proposed.len());
    assert!(approvals.iter().all(|s| *s == 200), "{approvals:?}");
    assert_eq!(published["published"], proposed.len());
    let active = matches_of(&app, &committee, &cycle_id, "&status=active").await;
    assert_eq!(active["total"], proposed.len());
    let active_pairs: BTreeSet<(String, String)> = active["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(pair_of)
        .collect();
    assert_eq!(active_pairs, proposed);
    let all = matches_of(&app, &committee, &cycle_id, "").await;
    assert_eq!(all["total"], proposed.len(), "nothing else was made");
    let matched = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications?status=matched&per_page=200"),
            Some(&committee.token),
        )
        .await;
    assert_eq!(json_of(matched, 200).await["total"], placed.len());

    // Assert: the two people who sign in see their own matches.
    for (user, index, role) in [
        (&signed_mentor, 1, "mentor"),
        (&signed_mentee, MENTORS + 1, "mentee"),
    ] {
        let mine =
            json_of(app.get("/api/v1/me/matches", Some(&user.token)).await, 200).await["items"]
                .clone();
        let expected: Vec<&(String, String)> = proposed
            .iter()
            .filter(|(m, e)| m == &ids[index] || e == &ids[index])
            .collect();
        assert_eq!(mine.as_array().unwrap().len(), expected.len(), "{mine}");
        for m in mine.as_array().unwrap() {
            assert_eq!(m["role"], role);
            assert_eq!(m["status"], "active");
            assert_eq!(m["cycle_id"], cycle_id.as_str());
        }
    }
}

#[tokio::test]
async fn a_run_whose_stored_result_does_not_parse_is_a_500_problem_not_a_guess() {
    // Arrange
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let app = spawn_app().await;
    let c = small_cohort(&app).await;
    let run = ran(&app, &c.committee, &c.cycle_id, json!({})).await;
    let run_id = run["id"].as_str().unwrap();
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "UPDATE matching_runs SET result = $1 WHERE id = $2",
        _ => "UPDATE matching_runs SET result = ? WHERE id = ?",
    };
    let id: uuid::Uuid = run_id.parse().unwrap();
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [json!([]).into(), id.into()],
        ))
        .await
        .unwrap();

    // Act
    let read = app
        .get(
            &format!("/api/v1/matching-runs/{run_id}"),
            Some(&c.committee.token),
        )
        .await;
    let accepted = accept(&app, &c.committee, run_id, json!({})).await;

    // Assert
    assert_problem(read, 500).await;
    assert_problem(accepted, 500).await;
    assert_eq!(
        matches_of(&app, &c.committee, &c.cycle_id, "").await["total"],
        0
    );
}
