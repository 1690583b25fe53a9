//! Applying to a cycle, editing, withdrawing, the committee's review, the
//! audit trail, the member's own views and privacy.
use reqwest::Response;
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::domain::member::{MembershipStatus, Role};
use wla_mentorship::store::members;

use crate::helpers::*;

fn application_path(id: &str) -> String {
    format!("/api/v1/applications/{id}")
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// Adds a question to `cycle_id` as `committee`; returns its id.
async fn add_question(app: &TestApp, committee: &TestUser, cycle_id: &str, body: Value) -> String {
    let res = app
        .post(
            &format!("/api/v1/cycles/{cycle_id}/questions"),
            Some(&committee.token),
            &body,
        )
        .await;
    id_of(&json_of(res, 201).await)
}

async fn audit_of(app: &TestApp, committee: &TestUser, application_id: &str) -> Vec<Value> {
    let res = app
        .get(
            &format!("{}/audit", application_path(application_id)),
            Some(&committee.token),
        )
        .await;
    json_of(res, 200).await["items"].as_array().unwrap().clone()
}

async fn review(
    app: &TestApp,
    user: &TestUser,
    application_id: &str,
    decision: &str,
    note: &str,
) -> Response {
    app.post(
        &format!("{}/review", application_path(application_id)),
        Some(&user.token),
        &json!({"decision": decision, "note": note}),
    )
    .await
}

async fn withdraw(app: &TestApp, user: &TestUser, application_id: &str) -> Response {
    app.post(
        &format!("{}/withdraw", application_path(application_id)),
        Some(&user.token),
        &json!({}),
    )
    .await
}

fn body_with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn body_without(mut body: Value, field: &str) -> Value {
    body.as_object_mut().unwrap().remove(field);
    body
}

/// A body for the committee to submit on behalf of `member_id`.
fn on_behalf_of(body: Value, member_id: Uuid) -> Value {
    body_with(body, "member_id", json!(member_id))
}

/// A member whose membership expired yesterday although marked active.
async fn expired_member(app: &TestApp) -> TestUser {
    let user = app.member().await;
    let current = members::get(&app.db, user.id).await.unwrap();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    let changes = members::MemberChanges {
        membership_expires_on: Some(Some(yesterday)),
        ..Default::default()
    };
    members::update(&app.db, current, changes).await.unwrap();
    user
}

/// The one 422 error naming `field`, with its code.
fn error_code(problem: &Value, field: &str) -> String {
    problem_error(problem, field)["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------- applying

#[tokio::test]
async fn a_mentor_applies_to_an_open_cycle() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_with(
        mentor_body(),
        "interests",
        json!([" Outreach ", "INSTRUCTION", "outreach", ""]),
    );

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created = json_of(res, 201).await;
    assert_eq!(location, application_path(&id_of(&created)));
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["role"], "mentor");
    assert_eq!(created["cycle_id"], cycle_id.as_str());
    assert_eq!(created["member_id"], member.id.to_string());
    assert_eq!(created["member_email"], member.email.as_str());
    assert_eq!(created["interests"], json!(["outreach", "instruction"]));
    assert_eq!(created["capacity"], 1, "capacity defaults to 1");
    assert_eq!(created["submitted_by_committee"], false);
    assert_eq!(created["library_types"], json!(["public", "academic"]));
    let fetched = json_of(app.get(&location, Some(&member.token)).await, 200).await;
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_mentee_applies_to_an_open_cycle() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_with(
        mentee_body(),
        "identity_tags",
        json!(["  First-Generation", "Rural "]),
    );

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    assert!(res.headers().contains_key("location"));
    let created = json_of(res, 201).await;
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["role"], "mentee");
    assert_eq!(
        created["identity_tags"],
        json!(["first-generation", "rural"])
    );
    assert_eq!(created["identity_consent"], true);
    assert_eq!(created["library_school"], "enrolled");
    assert_eq!(created["learning_goals"], mentee_body()["learning_goals"]);
    assert!(
        created.get("capacity").is_none(),
        "no mentor fields: {created}"
    );
    assert!(created.get("review").is_none(), "no review for the author");
}

#[tokio::test]
async fn a_mentor_may_offer_three_places() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .apply(
            &member,
            &cycle_id,
            &body_with(mentor_body(), "capacity", json!(3)),
        )
        .await;

    // Assert
    assert_eq!(json_of(res, 201).await["capacity"], 3);
}

#[tokio::test]
async fn applying_without_signing_in_is_a_401() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .post(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            None,
            &mentor_body(),
        )
        .await;

    // Assert
    assert_problem(res, 401).await;
}

#[tokio::test]
async fn a_member_whose_membership_is_pending_cannot_apply() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let pending = app.user(Role::Member, MembershipStatus::Pending).await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app.apply(&pending, &cycle_id, &mentee_body()).await;

    // Assert
    let problem = assert_problem(res, 403).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("membership") && detail.contains("not confirmed"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_member_whose_membership_has_lapsed_cannot_apply() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let lapsed = app.user(Role::Member, MembershipStatus::Lapsed).await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app.apply(&lapsed, &cycle_id, &mentee_body()).await;

    // Assert
    let problem = assert_problem(res, 403).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("lapsed") && detail.contains("renew"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_member_whose_membership_has_expired_cannot_apply() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let expired = expired_member(&app).await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app.apply(&expired, &cycle_id, &mentee_body()).await;

    // Assert
    let problem = assert_problem(res, 403).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("expired"),
        "{problem}"
    );
}

#[tokio::test]
async fn applying_to_a_draft_cycle_is_a_404_for_a_member() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle = app.create_cycle(&committee, "Draft 2025-2026").await;

    // Act
    let res = app.apply(&member, &id_of(&cycle), &mentee_body()).await;

    // Assert
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn applying_to_an_unknown_cycle_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let member = app.member().await;

    // Act
    let res = app
        .apply(&member, &Uuid::new_v4().to_string(), &mentee_body())
        .await;

    // Assert
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn applying_once_the_cycle_is_matching_is_a_409_naming_the_status() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    app.transition(&committee, &cycle_id, "matching").await;

    // Act
    let res = app.apply(&member, &cycle_id, &mentee_body()).await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("matching"),
        "{problem}"
    );
}

#[tokio::test]
async fn applying_twice_to_one_cycle_is_a_409_whatever_the_role() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    app.applied(&member, &cycle_id, &mentor_body()).await;

    // Act
    let same_role = app.apply(&member, &cycle_id, &mentor_body()).await;
    let other_role = app.apply(&member, &cycle_id, &mentee_body()).await;

    // Assert
    let problem = assert_problem(same_role, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("already applied"),
        "{problem}"
    );
    assert_problem(other_role, 409).await;
    let mine = json_of(
        app.get("/api/v1/me/applications", Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 1);
}

#[tokio::test]
async fn applying_again_after_withdrawing_is_still_a_409() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let first = app.applied(&member, &cycle_id, &mentor_body()).await;
    json_of(withdraw(&app, &member, &id_of(&first)).await, 200).await;

    // Act
    let res = app.apply(&member, &cycle_id, &mentee_body()).await;

    // Assert
    assert_problem(res, 409).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_by_one_member_give_exactly_one_application() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = mentee_body();

    // Act
    let responses =
        futures_util::future::join_all((0..4).map(|_| app.apply(&member, &cycle_id, &body))).await;

    // Assert
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409]);
    for res in responses.into_iter().filter(|r| r.status() == 409) {
        assert_problem(res, 409).await;
    }
    let mine = json_of(
        app.get("/api/v1/me/applications", Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_in_both_roles_give_exactly_one_application() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let (mentor, mentee) = (mentor_body(), mentee_body());

    // Act
    let (a, b) = tokio::join!(
        app.apply(&member, &cycle_id, &mentor),
        app.apply(&member, &cycle_id, &mentee)
    );

    // Assert
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
}

#[tokio::test]
async fn a_mentor_capacity_outside_one_to_three_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;

    for capacity in [0, 4, -1] {
        // Act
        let res = app
            .apply(
                &member,
                &cycle_id,
                &body_with(mentor_body(), "capacity", json!(capacity)),
            )
            .await;

        // Assert
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), ["capacity"], "{capacity}");
        assert_eq!(error_code(&problem, "capacity"), "range");
    }
}

#[tokio::test]
async fn mentor_fields_on_a_mentee_application_are_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_with(
        body_with(mentee_body(), "capacity", json!(2)),
        "current_role",
        json!("Library Assistant"),
    );

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    let problem = assert_problem(res, 422).await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["capacity", "current_role"]);
    assert_eq!(error_code(&problem, "capacity"), "not_allowed");
    assert_eq!(error_code(&problem, "current_role"), "not_allowed");
}

#[tokio::test]
async fn mentee_fields_on_a_mentor_application_are_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_with(mentor_body(), "library_school", json!("graduated"));

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["library_school"]);
    assert_eq!(error_code(&problem, "library_school"), "not_allowed");
}

#[tokio::test]
async fn a_missing_required_mentor_field_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_without(
        body_without(mentor_body(), "current_role"),
        "support_approach",
    );

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    let problem = assert_problem(res, 422).await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["current_role", "support_approach"]);
    assert_eq!(error_code(&problem, "current_role"), "required");
}

#[tokio::test]
async fn a_missing_required_mentee_field_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_without(mentee_body(), "library_school");

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["library_school"]);
    assert_eq!(error_code(&problem, "library_school"), "required");
}

#[tokio::test]
async fn invalid_standard_fields_are_each_named() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_with(
        body_with(
            body_with(mentee_body(), "library_types", json!([])),
            "meeting_modes",
            json!([]),
        ),
        "region",
        json!(""),
    );

    // Act
    let res = app.apply(&member, &cycle_id, &body).await;

    // Assert
    let problem = assert_problem(res, 422).await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["library_types", "meeting_modes", "region"]);
}

#[tokio::test]
async fn a_value_outside_an_enumeration_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;

    for (field, value) in [
        ("library_types", json!(["bookshop"])),
        ("career_stage", json!("retired")),
        ("matching_preference", json!("astrology")),
        ("role", json!("boss")),
    ] {
        // Act
        let res = app
            .apply(&member, &cycle_id, &body_with(mentee_body(), field, value))
            .await;

        // Assert
        let problem = assert_problem(res, 422).await;
        assert!(!problem_fields(&problem).is_empty(), "{field}: {problem}");
    }
    let mine = json_of(
        app.get("/api/v1/me/applications", Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 0);
}

// ----------------------------------------------------------------- answers

/// An open cycle with one question of each kind (the text one required, for
/// both roles; a mentee-only yes/no); returns (cycle id, [text, single,
/// multi, scale, yes_no] ids).
async fn cycle_with_questions(app: &TestApp, committee: &TestUser) -> (String, Vec<String>) {
    let cycle_id = app.open_cycle(committee).await;
    let mut ids = Vec::new();
    for body in [
        json!({"prompt": "Tell us about yourself", "kind": "text", "required": true}),
        json!({"prompt": "Preferred day", "kind": "single_choice", "options": ["weekday", "weekend"]}),
        json!({"prompt": "Topics", "kind": "multi_choice", "options": ["cataloguing", "outreach", "grants"]}),
        json!({"prompt": "Confidence", "kind": "scale"}),
        json!({"prompt": "Mentored before?", "kind": "yes_no", "audience": "mentee"}),
    ] {
        ids.push(add_question(app, committee, &cycle_id, body).await);
    }
    (cycle_id, ids)
}

fn with_answers(body: Value, answers: Value) -> Value {
    body_with(body, "answers", answers)
}

#[tokio::test]
async fn answers_of_every_kind_are_stored() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;
    let answers = json!([
        {"question_id": q[0], "value": "A school librarian in Yakima."},
        {"question_id": q[1], "value": "weekend"},
        {"question_id": q[2], "value": ["grants", "outreach"]},
        {"question_id": q[3], "value": 4},
        {"question_id": q[4], "value": false},
    ]);

    // Act
    let res = app
        .apply(
            &member,
            &cycle_id,
            &with_answers(mentee_body(), answers.clone()),
        )
        .await;

    // Assert
    let created = json_of(res, 201).await;
    assert_eq!(created["answers"], answers);
}

/// Applies as a mentee with the required text answer plus `extra`; returns
/// the 422 problem.
async fn refused_answers(
    app: &TestApp,
    member: &TestUser,
    cycle_id: &str,
    required: &str,
    extra: Value,
) -> Value {
    let answers = json!([{"question_id": required, "value": "About me"}, extra]);
    let res = app
        .apply(member, cycle_id, &with_answers(mentee_body(), answers))
        .await;
    assert_problem(res, 422).await
}

/// Asserts the problem's only error is about `question_id` with `code`,
/// pointing at the answer at `index`.
fn assert_names_question(problem: &Value, index: usize, question_id: &str, code: &str) {
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["field"], format!("answers.{index}"), "{problem}");
    assert_eq!(errors[0]["code"], code, "{problem}");
    assert!(
        errors[0]["message"].as_str().unwrap().contains(question_id),
        "{problem}"
    );
}

#[tokio::test]
async fn an_answer_to_an_unknown_question_is_a_422_naming_it() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;
    let stranger = Uuid::new_v4().to_string();

    // Act
    let problem = refused_answers(
        &app,
        &member,
        &cycle_id,
        &q[0],
        json!({"question_id": stranger, "value": "hi"}),
    )
    .await;

    // Assert
    assert_names_question(&problem, 1, &stranger, "unknown_question");
}

#[tokio::test]
async fn an_answer_to_another_cycles_question_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;
    let draft = app.create_cycle(&committee, "Next year").await;
    let elsewhere = add_question(
        &app,
        &committee,
        &id_of(&draft),
        json!({"prompt": "Elsewhere", "kind": "text"}),
    )
    .await;

    // Act
    let problem = refused_answers(
        &app,
        &member,
        &cycle_id,
        &q[0],
        json!({"question_id": elsewhere, "value": "hi"}),
    )
    .await;

    // Assert
    assert_names_question(&problem, 1, &elsewhere, "unknown_question");
}

#[tokio::test]
async fn an_answer_of_the_wrong_kind_is_a_422_naming_the_question() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;

    for (index, value) in [
        (3, json!("five")),
        (4, json!("yes")),
        (2, json!("outreach")),
        (1, json!(1)),
    ] {
        // Act
        let problem = refused_answers(
            &app,
            &member,
            &cycle_id,
            &q[0],
            json!({"question_id": q[index], "value": value}),
        )
        .await;

        // Assert
        assert_names_question(&problem, 1, &q[index], "invalid_answer");
    }
}

#[tokio::test]
async fn an_option_not_offered_is_a_422_naming_the_question() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;

    // Act
    let single = refused_answers(
        &app,
        &member,
        &cycle_id,
        &q[0],
        json!({"question_id": q[1], "value": "holiday"}),
    )
    .await;
    let multi = refused_answers(
        &app,
        &member,
        &cycle_id,
        &q[0],
        json!({"question_id": q[2], "value": ["outreach", "knitting"]}),
    )
    .await;

    // Assert
    assert_names_question(&single, 1, &q[1], "invalid_answer");
    assert_names_question(&multi, 1, &q[2], "invalid_answer");
}

#[tokio::test]
async fn a_scale_answer_of_six_is_a_422_naming_the_question() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;

    for value in [6, 0] {
        // Act
        let problem = refused_answers(
            &app,
            &member,
            &cycle_id,
            &q[0],
            json!({"question_id": q[3], "value": value}),
        )
        .await;

        // Assert
        assert_names_question(&problem, 1, &q[3], "invalid_answer");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("1 to 5")
        );
    }
}

#[tokio::test]
async fn a_missing_required_answer_is_a_422_naming_the_question() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;

    // Act
    let res = app
        .apply(
            &member,
            &cycle_id,
            &with_answers(mentor_body(), json!([{"question_id": q[3], "value": 5}])),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["code"], "required");
    assert!(
        errors[0]["field"].as_str().unwrap().contains(&q[0]),
        "{problem}"
    );
}

#[tokio::test]
async fn a_mentor_answering_a_mentee_question_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;
    let answers = json!([
        {"question_id": q[0], "value": "About me"},
        {"question_id": q[4], "value": true},
    ]);

    // Act
    let res = app
        .apply(&member, &cycle_id, &with_answers(mentor_body(), answers))
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_names_question(&problem, 1, &q[4], "wrong_audience");
}

// ---------------------------------------------------- the committee submits

#[tokio::test]
async fn the_committee_submits_a_paper_application_for_a_member() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .apply(
            &committee,
            &cycle_id,
            &on_behalf_of(mentee_body(), member.id),
        )
        .await;

    // Assert
    let created = json_of(res, 201).await;
    assert_eq!(created["member_id"], member.id.to_string());
    assert_eq!(created["submitted_by_committee"], true);
    assert_eq!(created["status"], "submitted");
    assert!(created.get("member_id").is_some());
    let mine = json_of(
        app.get("/api/v1/me/applications", Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 1, "the member sees it as theirs");
    assert_eq!(mine["items"][0]["id"], created["id"]);
}

#[tokio::test]
async fn the_committee_may_submit_for_a_member_while_the_cycle_is_matching() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    app.transition(&committee, &cycle_id, "matching").await;

    // Act
    let res = app
        .apply(
            &committee,
            &cycle_id,
            &on_behalf_of(mentor_body(), member.id),
        )
        .await;

    // Assert
    let created = json_of(res, 201).await;
    assert_eq!(created["submitted_by_committee"], true);
    assert_eq!(created["member_id"], member.id.to_string());
}

#[tokio::test]
async fn the_committee_cannot_submit_to_an_archived_cycle() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    for to in ["matching", "active", "closed", "archived"] {
        app.transition(&committee, &cycle_id, to).await;
    }

    // Act
    let res = app
        .apply(
            &committee,
            &cycle_id,
            &on_behalf_of(mentor_body(), member.id),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("archived"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_member_cannot_submit_for_someone_else() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let other = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .apply(&member, &cycle_id, &on_behalf_of(mentee_body(), other.id))
        .await;

    // Assert
    assert_problem(res, 403).await;
    let theirs = json_of(
        app.get("/api/v1/me/applications", Some(&other.token)).await,
        200,
    )
    .await;
    assert_eq!(theirs["total"], 0);
}

#[tokio::test]
async fn a_member_naming_themself_applies_as_usual() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .apply(&member, &cycle_id, &on_behalf_of(mentee_body(), member.id))
        .await;

    // Assert
    let created = json_of(res, 201).await;
    assert_eq!(created["submitted_by_committee"], false);
}

#[tokio::test]
async fn the_committee_submitting_for_an_unknown_member_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .apply(
            &committee,
            &cycle_id,
            &on_behalf_of(mentee_body(), Uuid::new_v4()),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["member_id"]);
}

#[tokio::test]
async fn the_committee_cannot_submit_for_a_lapsed_member() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let lapsed = app.user(Role::Member, MembershipStatus::Lapsed).await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .apply(
            &committee,
            &cycle_id,
            &on_behalf_of(mentee_body(), lapsed.id),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 403).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("lapsed"),
        "{problem}"
    );
}

// ------------------------------------------------------------------ editing

#[tokio::test]
async fn the_author_edits_while_the_cycle_is_open_and_the_audit_names_the_fields() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let id = id_of(&created);

    // Act
    let res = app
        .patch(
            &application_path(&id),
            Some(&member.token),
            &json!({"availability": "Tuesday evenings", "capacity": 3, "region": "Puget Sound"}),
        )
        .await;

    // Assert
    let updated = json_of(res, 200).await;
    assert_eq!(updated["availability"], "Tuesday evenings");
    assert_eq!(updated["capacity"], 3);
    assert_eq!(
        updated["motivation"], created["motivation"],
        "omitted fields stay"
    );
    assert_eq!(updated["created_at"], created["created_at"]);
    let audit = audit_of(&app, &committee, &id).await;
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "updated"]);
    assert_eq!(audit[1]["actor_id"], member.id.to_string());
    assert_eq!(
        audit[1]["fields"],
        json!(["availability", "capacity"]),
        "only fields whose values changed"
    );
    assert!(audit[1]["created_at"].is_string());
}

#[tokio::test]
async fn an_edit_that_changes_nothing_is_not_recorded() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let id = id_of(&created);

    // Act
    let res = app
        .patch(
            &application_path(&id),
            Some(&member.token),
            &json!({"region": "Puget Sound", "role": "mentor"}),
        )
        .await;

    // Assert
    assert_eq!(json_of(res, 200).await["updated_at"], created["updated_at"]);
    assert_eq!(audit_of(&app, &committee, &id).await.len(), 1);
}

#[tokio::test]
async fn re_sending_the_same_tags_in_another_case_or_order_is_no_change() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let id = id_of(&created);

    // Act
    let res = app
        .patch(
            &application_path(&id),
            Some(&member.token),
            &json!({"interests": [" Instruction", "OUTREACH"], "library_types": ["public", "academic"]}),
        )
        .await;

    // Assert: the stored form is the same, so nothing is audited.
    assert_eq!(json_of(res, 200).await["updated_at"], created["updated_at"]);
    assert_eq!(audit_of(&app, &committee, &id).await.len(), 1);
}

#[tokio::test]
async fn the_author_cannot_edit_once_the_cycle_is_matching() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;
    app.transition(&committee, &cycle_id, "matching").await;

    // Act
    let res = app
        .patch(
            &application_path(&id_of(&created)),
            Some(&member.token),
            &json!({"availability": "Mornings"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("matching"),
        "{problem}"
    );
    let fetched = json_of(
        app.get(&application_path(&id_of(&created)), Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(fetched["availability"], "Evenings");
}

#[tokio::test]
async fn the_committee_edits_after_applications_close_and_the_audit_shows_who() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;
    let id = id_of(&created);
    app.transition(&committee, &cycle_id, "matching").await;

    // Act
    let res = app
        .patch(
            &application_path(&id),
            Some(&committee.token),
            &json!({"region": "Olympic Peninsula", "meeting_modes": ["online", "in_person"]}),
        )
        .await;

    // Assert
    let updated = json_of(res, 200).await;
    assert_eq!(updated["region"], "Olympic Peninsula");
    let audit = audit_of(&app, &committee, &id).await;
    let last = audit.last().unwrap();
    assert_eq!(last["actor_id"], committee.id.to_string());
    assert_eq!(last["action"], "updated");
    assert_eq!(last["fields"], json!(["meeting_modes", "region"]));
    let text = serde_json::to_string(&audit).unwrap();
    assert!(
        !text.contains("Olympic"),
        "the audit names fields, never values"
    );
}

#[tokio::test]
async fn changing_the_role_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;

    // Act
    let res = app
        .patch(
            &application_path(&id_of(&created)),
            Some(&member.token),
            &json!({"role": "mentor"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["role"]);
    assert_eq!(error_code(&problem, "role"), "immutable");
    let message = problem_error(&problem, "role")["message"].as_str().unwrap();
    assert!(
        !message.contains("apply again"),
        "one application per cycle, even after withdrawing: {message}"
    );
}

#[tokio::test]
async fn an_unknown_field_in_an_edit_is_a_422_naming_it() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;

    // Act
    let res = app
        .patch(
            &application_path(&id_of(&created)),
            Some(&member.token),
            &json!({"status": "accepted"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["status"]);
    let fetched = json_of(
        app.get(&application_path(&id_of(&created)), Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(fetched["status"], "submitted");
}

#[tokio::test]
async fn an_edit_breaking_a_rule_is_a_422_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let path = application_path(&id_of(&created));

    // Act
    let too_many = app
        .patch(
            &path,
            Some(&member.token),
            &json!({"capacity": 4, "availability": "Any"}),
        )
        .await;
    let no_types = app
        .patch(&path, Some(&member.token), &json!({"library_types": []}))
        .await;

    // Assert
    let problem = assert_problem(too_many, 422).await;
    assert_eq!(problem_fields(&problem), ["capacity"]);
    let problem = assert_problem(no_types, 422).await;
    assert_eq!(problem_fields(&problem), ["library_types"]);
    let fetched = json_of(app.get(&path, Some(&member.token)).await, 200).await;
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_withdrawn_application_cannot_be_edited_by_its_author() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;
    json_of(withdraw(&app, &member, &id_of(&created)).await, 200).await;

    // Act
    let res = app
        .patch(
            &application_path(&id_of(&created)),
            Some(&member.token),
            &json!({"availability": "Mornings"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("withdrawn"),
        "{problem}"
    );
}

// --------------------------------------------------------------- withdrawing

#[tokio::test]
async fn the_author_withdraws_once() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;
    let id = id_of(&created);

    // Act
    let first = withdraw(&app, &member, &id).await;
    let again = withdraw(&app, &member, &id).await;

    // Assert
    assert_eq!(json_of(first, 200).await["status"], "withdrawn");
    let problem = assert_problem(again, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("already withdrawn")
    );
    let audit = audit_of(&app, &committee, &id).await;
    let last = audit.last().unwrap();
    assert_eq!(last["action"], "withdrawn");
    assert_eq!(last["actor_id"], member.id.to_string());
}

// ----------------------------------------------------------------- reviewing

#[tokio::test]
async fn the_committee_accepts_waitlists_and_declines() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let id = id_of(&created);

    for decision in ["accepted", "waitlisted", "declined"] {
        // Act
        let res = review(
            &app,
            &committee,
            &id,
            decision,
            &format!("  {decision} by the panel "),
        )
        .await;

        // Assert
        let reviewed = json_of(res, 200).await;
        assert_eq!(reviewed["status"], decision);
        assert_eq!(
            reviewed["review"]["note"],
            format!("{decision} by the panel")
        );
        assert_eq!(reviewed["review"]["reviewed_by"], committee.id.to_string());
        assert!(reviewed["review"]["reviewed_at"].is_string());
    }
    let audit = audit_of(&app, &committee, &id).await;
    let reviews: Vec<&Value> = audit.iter().filter(|e| e["action"] == "reviewed").collect();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[0]["fields"], json!(["status", "review_note"]));
    assert_eq!(reviews[0]["actor_id"], committee.id.to_string());
}

#[tokio::test]
async fn a_member_cannot_review_even_their_own_application() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;

    // Act
    let res = review(&app, &member, &id_of(&created), "accepted", "I am great").await;

    // Assert
    assert_problem(res, 403).await;
    let fetched = json_of(
        app.get(&application_path(&id_of(&created)), Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(fetched["status"], "submitted");
}

#[tokio::test]
async fn a_withdrawn_application_cannot_be_reviewed() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    json_of(withdraw(&app, &member, &id_of(&created)).await, 200).await;

    // Act
    let res = review(&app, &committee, &id_of(&created), "accepted", "").await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("withdrawn"),
        "{problem}"
    );
}

#[tokio::test]
async fn an_unknown_decision_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;

    // Act
    let res = review(&app, &committee, &id_of(&created), "maybe", "").await;

    // Assert
    assert_problem(res, 422).await;
}

#[tokio::test]
async fn reviewing_an_unknown_application_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;

    // Act
    let res = review(
        &app,
        &committee,
        &Uuid::new_v4().to_string(),
        "accepted",
        "",
    )
    .await;

    // Assert
    assert_problem(res, 404).await;
}

// ---------------------------------------------------------- the member's own

#[tokio::test]
async fn my_applications_are_only_my_own() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let me = app.member().await;
    let other = app.member().await;
    let first = app.open_cycle(&committee).await;
    let mine_before = app.applied(&me, &first, &mentor_body()).await;
    app.applied(&other, &first, &mentee_body()).await;
    app.transition(&committee, &first, "matching").await;
    let second = app.open_cycle(&committee).await;
    let mine_after = app.applied(&me, &second, &mentee_body()).await;

    // Act
    let res = app.get("/api/v1/me/applications", Some(&me.token)).await;

    // Assert
    let page = json_of(res, 200).await;
    assert_eq!(page["total"], 2);
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            mine_after["id"].as_str().unwrap(),
            mine_before["id"].as_str().unwrap()
        ],
        "newest first"
    );
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["member_id"] == me.id.to_string())
    );
}

#[tokio::test]
async fn my_latest_application_in_a_role_prefills_the_next_one() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let last_year = app.open_cycle(&committee).await;
    let question = add_question(
        &app,
        &committee,
        &last_year,
        json!({"prompt": "Anything else?", "kind": "text"}),
    )
    .await;
    let body = with_answers(
        body_with(mentor_body(), "capacity", json!(2)),
        json!([{"question_id": question, "value": "Happy to help"}]),
    );
    app.applied(&member, &last_year, &body).await;
    app.transition(&committee, &last_year, "matching").await;
    let this_year = app.open_cycle(&committee).await;

    // Act
    let res = app
        .get(
            "/api/v1/me/applications/latest?role=mentor",
            Some(&member.token),
        )
        .await;

    // Assert
    let form = json_of(res, 200).await;
    assert_eq!(form["role"], "mentor");
    assert_eq!(form["capacity"], 2);
    assert_eq!(form["current_role"], mentor_body()["current_role"]);
    assert_eq!(
        form["answers"],
        json!([]),
        "last year's questions are left out"
    );
    assert!(
        form.get("id").is_none() && form.get("member_id").is_none(),
        "{form}"
    );
    let reapplied = app.applied(&member, &this_year, &form).await;
    assert_eq!(reapplied["cycle_id"], this_year.as_str());
}

#[tokio::test]
async fn my_latest_application_in_a_role_i_never_took_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    app.applied(&member, &cycle_id, &mentor_body()).await;

    // Act
    let res = app
        .get(
            "/api/v1/me/applications/latest?role=mentee",
            Some(&member.token),
        )
        .await;

    // Assert
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn my_latest_application_in_an_unknown_role_is_a_400() {
    // Arrange
    let app = spawn_app().await;
    let member = app.member().await;

    // Act
    let unknown = app
        .get(
            "/api/v1/me/applications/latest?role=boss",
            Some(&member.token),
        )
        .await;
    let missing = app
        .get("/api/v1/me/applications/latest", Some(&member.token))
        .await;

    // Assert
    assert_problem(unknown, 400).await;
    assert_problem(missing, 400).await;
}

// ------------------------------------------------------------------- privacy

#[tokio::test]
async fn another_member_can_neither_read_edit_nor_withdraw_an_application() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let author = app.member().await;
    let snoop = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&author, &cycle_id, &mentee_body()).await;
    let path = application_path(&id_of(&created));

    // Act
    let read = app.get(&path, Some(&snoop.token)).await;
    let edit = app
        .patch(&path, Some(&snoop.token), &json!({"availability": "Never"}))
        .await;
    let withdrawn = withdraw(&app, &snoop, &id_of(&created)).await;
    let anonymous = app.get(&path, None).await;

    // Assert
    assert_problem(read, 404).await;
    assert_problem(edit, 404).await;
    assert_problem(withdrawn, 404).await;
    assert_problem(anonymous, 401).await;
    let fetched = json_of(app.get(&path, Some(&author.token)).await, 200).await;
    assert_eq!(fetched, created, "unchanged");
}

#[tokio::test]
async fn the_author_sees_their_identity_answers_but_never_the_review() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let author = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&author, &cycle_id, &mentee_body()).await;
    let id = id_of(&created);
    let note = "Confidential: reference concerns";
    json_of(review(&app, &committee, &id, "waitlisted", note).await, 200).await;

    // Act
    let own = json_of(
        app.get(&application_path(&id), Some(&author.token)).await,
        200,
    )
    .await;
    let listed = json_of(
        app.get("/api/v1/me/applications", Some(&author.token))
            .await,
        200,
    )
    .await;

    // Assert
    assert_eq!(own["identity_tags"], json!(["first-generation"]));
    assert_eq!(own["identity_consent"], true);
    assert_eq!(own["status"], "waitlisted");
    assert!(own.get("review").is_none(), "{own}");
    assert!(listed["items"][0].get("review").is_none());
    for body in [&own, &listed] {
        assert!(!body.to_string().contains("Confidential"), "{body}");
    }
}

#[tokio::test]
async fn the_committee_sees_the_review_note() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let reviewer = app.committee().await;
    let author = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&author, &cycle_id, &mentor_body()).await;
    let id = id_of(&created);
    json_of(
        review(&app, &reviewer, &id, "accepted", "Strong fit").await,
        200,
    )
    .await;

    // Act
    let fetched = json_of(
        app.get(&application_path(&id), Some(&committee.token))
            .await,
        200,
    )
    .await;
    let listed = json_of(
        app.get(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(&committee.token),
        )
        .await,
        200,
    )
    .await;

    // Assert
    assert_eq!(fetched["review"]["note"], "Strong fit");
    assert_eq!(fetched["review"]["reviewed_by"], reviewer.id.to_string());
    assert_eq!(listed["items"][0]["review"]["note"], "Strong fit");
    assert_eq!(fetched["identity_tags"], json!([]));
}

#[tokio::test]
async fn the_committee_search_does_not_match_identity_tags() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let author = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let body = body_with(mentee_body(), "identity_tags", json!(["zanzibarian"]));
    app.applied(&author, &cycle_id, &body).await;
    let list = format!("/api/v1/cycles/{cycle_id}/applications");

    // Act
    let by_identity = json_of(
        app.get(&format!("{list}?q=zanzibarian"), Some(&committee.token))
            .await,
        200,
    )
    .await;
    let by_interest = json_of(
        app.get(&format!("{list}?q=Instruction"), Some(&committee.token))
            .await,
        200,
    )
    .await;

    // Assert
    assert_eq!(by_identity["total"], 0);
    assert_eq!(by_identity["items"], json!([]));
    assert_eq!(by_interest["total"], 1, "the search itself works");
}

#[tokio::test]
async fn only_the_committee_lists_counts_and_audits_applications() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let author = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&author, &cycle_id, &mentee_body()).await;

    // Act
    let list = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(&author.token),
        )
        .await;
    let summary = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications/summary"),
            Some(&author.token),
        )
        .await;
    let audit = app
        .get(
            &format!("{}/audit", application_path(&id_of(&created))),
            Some(&author.token),
        )
        .await;
    let anonymous = app
        .get(&format!("/api/v1/cycles/{cycle_id}/applications"), None)
        .await;

    // Assert
    assert_problem(list, 403).await;
    assert_problem(summary, 403).await;
    assert_problem(audit, 403).await;
    assert_problem(anonymous, 401).await;
}

#[tokio::test]
async fn an_admin_acts_as_the_committee() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let author = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&author, &cycle_id, &mentee_body()).await;

    // Act
    let res = review(&app, &admin, &id_of(&created), "accepted", "ok").await;

    // Assert
    assert_eq!(
        json_of(res, 200).await["review"]["reviewed_by"],
        admin.id.to_string()
    );
}

#[tokio::test]
async fn a_malformed_list_filter_is_a_400() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let res = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications?role=boss"),
            Some(&committee.token),
        )
        .await;

    // Assert
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn answering_one_question_twice_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let (cycle_id, q) = cycle_with_questions(&app, &committee).await;

    // Act
    let problem = refused_answers(
        &app,
        &member,
        &cycle_id,
        &q[0],
        json!({"question_id": q[0], "value": "Again"}),
    )
    .await;

    // Assert
    assert_names_question(&problem, 1, &q[0], "duplicate");
}

#[tokio::test]
async fn a_wrongly_typed_value_in_an_edit_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;

    // Act
    let res = app
        .patch(
            &application_path(&id_of(&created)),
            Some(&member.token),
            &json!({"capacity": "three"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["capacity"]);
}

#[tokio::test]
async fn an_identity_answer_sent_in_the_wrong_shape_is_not_echoed_back() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentee_body()).await;
    let private = "xylo-identity-value";

    // Act
    let on_apply = app
        .apply(
            &member,
            &cycle_id,
            &body_with(mentee_body(), "identity_tags", json!(private)),
        )
        .await;
    let on_edit = app
        .patch(
            &application_path(&id_of(&created)),
            Some(&member.token),
            &json!({"identity_tags": private}),
        )
        .await;

    // Assert
    for res in [on_apply, on_edit] {
        let problem = assert_problem(res, 422).await;
        assert!(!problem.to_string().contains(private), "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("sequence"),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn every_documented_form_and_application_operation_is_routed() {
    // Arrange
    let app = spawn_app().await;
    let spec: Value = serde_json::from_str(&wla_mentorship::api::docs::openapi_json()).unwrap();
    let mut checked = 0;

    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap_or_default();
            if tag != "applications" && tag != "forms" {
                continue;
            }
            let concrete = path
                .replace("{id}", &Uuid::new_v4().to_string())
                .replace("{qid}", &Uuid::new_v4().to_string());
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();

            // Act
            let res = app
                .request(method.clone(), &format!("{concrete}?role=mentor"), None)
                .json(&json!({}))
                .send()
                .await
                .unwrap();

            // Assert
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or_default();
            let unrouted = status == 405
                || (status == 404
                    && body["detail"]
                        .as_str()
                        .is_some_and(|d| d.starts_with("no resource")));
            assert!(
                !unrouted,
                "{method} {path} is documented but not routed: {status} {body}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} operations found");
}

// ------------------------------------------------------- unreadable values

/// Overwrites a stored value behind the service's back (each test has its
/// own database, so every application is the test's own).
async fn corrupt(app: &TestApp, sql: &str) {
    use sea_orm::ConnectionTrait;
    app.db.execute_unprepared(sql).await.unwrap();
}

#[tokio::test]
async fn a_stored_status_the_code_does_not_know_is_a_500_not_a_default() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let id = created["id"].as_str().unwrap();
    corrupt(&app, "UPDATE applications SET status = 'paused'").await;

    // Act
    let res = app.get(&application_path(id), Some(&member.token)).await;

    // Assert
    let problem = assert_problem(res, 500).await;
    assert!(!problem.to_string().contains("paused"), "{problem}");
}

#[tokio::test]
async fn a_stored_list_that_does_not_parse_is_a_500_not_an_empty_list() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let created = app.applied(&member, &cycle_id, &mentor_body()).await;
    let id = created["id"].as_str().unwrap();
    corrupt(
        &app,
        r#"UPDATE applications SET library_types = '["academic", "bookmobile"]'"#,
    )
    .await;

    // Act
    let res = app.get(&application_path(id), Some(&member.token)).await;

    // Assert
    assert_problem(res, 500).await;
}
