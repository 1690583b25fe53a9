//! Each cycle's own form questions (`/cycles/{id}/questions`) and the form
//! a front end renders (`/cycles/{id}/form?role=`).
use serde_json::{Value, json};

use crate::helpers::*;

fn questions_path(cycle_id: &str) -> String {
    format!("/api/v1/cycles/{cycle_id}/questions")
}

fn question_path(cycle_id: &str, question_id: &str) -> String {
    format!("/api/v1/cycles/{cycle_id}/questions/{question_id}")
}

fn form_path(cycle_id: &str, role: &str) -> String {
    format!("/api/v1/cycles/{cycle_id}/form?role={role}")
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// Adds a question as `committee`, asserting a 201; returns it.
async fn add_question(app: &TestApp, committee: &TestUser, cycle_id: &str, body: Value) -> Value {
    let res = app
        .post(&questions_path(cycle_id), Some(&committee.token), &body)
        .await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "add question: {json}");
    json
}

fn text_question(prompt: &str) -> Value {
    json!({"prompt": prompt, "kind": "text"})
}

fn choice_question(prompt: &str, options: &[&str]) -> Value {
    json!({"prompt": prompt, "kind": "single_choice", "options": options})
}

/// The questions on a cycle's list (all its pages), as `token` sees them.
async fn list_questions(app: &TestApp, cycle_id: &str, token: Option<&str>) -> Value {
    let page = get_json(
        app,
        &format!("{}?per_page=200", questions_path(cycle_id)),
        token,
    )
    .await;
    assert_eq!(page["page"], 1);
    page["items"].clone()
}

/// The prompts of a list of questions, in order.
fn prompts(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list of questions")
        .iter()
        .map(|q| q["prompt"].as_str().unwrap().to_owned())
        .collect()
}

async fn get_json(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

/// An open cycle with one optional single-choice question, and a member's
/// application answering it; returns (cycle id, question id).
async fn cycle_with_an_answered_question(app: &TestApp, committee: &TestUser) -> (String, String) {
    let cycle_id = app.open_cycle(committee).await;
    let question = add_question(
        app,
        committee,
        &cycle_id,
        choice_question("Preferred meeting day?", &["weekday", "weekend"]),
    )
    .await;
    let qid = id_of(&question);
    let member = app.member().await;
    let mut body = mentor_body();
    body["answers"] = json!([{"question_id": qid, "value": "weekday"}]);
    app.applied(&member, &cycle_id, &body).await;
    (cycle_id, qid)
}

#[tokio::test]
async fn the_committee_adds_one_question_of_each_kind() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let bodies = [
        json!({"prompt": "Anything else we should know?", "kind": "text"}),
        json!({"prompt": "Match me on", "kind": "single_choice",
               "options": ["career alignment", "identity", "no preference"], "required": true}),
        json!({"prompt": "Topics", "kind": "multi_choice", "options": ["cataloguing", "outreach"],
               "audience": "mentee"}),
        json!({"prompt": "How confident are you about interviewing?", "kind": "scale", "audience": "mentee"}),
        json!({"prompt": "Have you mentored before?", "kind": "yes_no", "audience": "mentor"}),
    ];

    // Act
    let mut created = Vec::new();
    for body in &bodies {
        let res = app
            .post(&questions_path(&cycle_id), Some(&committee.token), body)
            .await;
        assert_eq!(res.status(), 201, "{body}");
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let question: Value = res.json().await.unwrap();
        assert_eq!(location, question_path(&cycle_id, &id_of(&question)));
        created.push(question);
    }

    // Assert
    let kinds: Vec<&str> = created
        .iter()
        .map(|q| q["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["text", "single_choice", "multi_choice", "scale", "yes_no"]
    );
    let positions: Vec<i64> = created
        .iter()
        .map(|q| q["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2, 3, 4, 5], "each goes after the last");
    assert_eq!(created[0]["audience"], "both", "audience defaults to both");
    assert_eq!(created[0]["required"], false, "required defaults to false");
    assert_eq!(created[0]["options"], json!([]));
    assert_eq!(created[1]["required"], true);
    assert_eq!(
        created[1]["options"],
        json!(["career alignment", "identity", "no preference"])
    );
    assert_eq!(created[2]["audience"], "mentee");
    assert_eq!(created[4]["audience"], "mentor");
    assert!(
        created
            .iter()
            .all(|q| q["retired"] == false && q["cycle_id"] == cycle_id.as_str())
    );
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(listed.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_choice_question_without_two_distinct_options_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let bodies = [
        json!({"prompt": "Pick", "kind": "single_choice"}),
        json!({"prompt": "Pick", "kind": "single_choice", "options": ["only one"]}),
        json!({"prompt": "Pick", "kind": "multi_choice", "options": ["same", "same"]}),
        json!({"prompt": "Pick", "kind": "multi_choice", "options": ["a", " "]}),
    ];

    for body in &bodies {
        // Act
        let res = app
            .post(&questions_path(&cycle_id), Some(&committee.token), body)
            .await;

        // Assert
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), ["options"], "{body}");
    }
    let listed = list_questions(&app, &cycle_id, Some(&committee.token)).await;
    assert_eq!(listed, json!([]), "nothing was added");
}

#[tokio::test]
async fn a_question_of_another_kind_with_options_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    for kind in ["text", "scale", "yes_no"] {
        // Act
        let res = app
            .post(
                &questions_path(&cycle_id),
                Some(&committee.token),
                &json!({"prompt": "Which?", "kind": kind, "options": ["a", "b"]}),
            )
            .await;

        // Assert
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), ["options"], "{kind}");
    }
}

#[tokio::test]
async fn a_blank_prompt_or_an_unknown_kind_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let blank = app
        .post(
            &questions_path(&cycle_id),
            Some(&committee.token),
            &json!({"prompt": "", "kind": "text"}),
        )
        .await;
    let unknown_kind = app
        .post(
            &questions_path(&cycle_id),
            Some(&committee.token),
            &json!({"prompt": "Essay", "kind": "essay"}),
        )
        .await;

    // Assert
    let problem = assert_problem(blank, 422).await;
    assert_eq!(problem_fields(&problem), ["prompt"]);
    assert_problem(unknown_kind, 422).await;
}

#[tokio::test]
async fn a_member_cannot_add_change_or_delete_questions() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let question = add_question(&app, &committee, &cycle_id, text_question("Why?")).await;
    let path = question_path(&cycle_id, &id_of(&question));

    // Act
    let add = app
        .post(
            &questions_path(&cycle_id),
            Some(&member.token),
            &text_question("Mine"),
        )
        .await;
    let change = app
        .patch(&path, Some(&member.token), &json!({"prompt": "Changed"}))
        .await;
    let delete = app.delete(&path, Some(&member.token)).await;
    let anonymous = app
        .post(&questions_path(&cycle_id), None, &text_question("Anon"))
        .await;

    // Assert
    assert_problem(add, 403).await;
    assert_problem(change, 403).await;
    assert_problem(delete, 403).await;
    assert_problem(anonymous, 401).await;
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(prompts(&listed), ["Why?"], "unchanged");
}

#[tokio::test]
async fn questions_are_listed_in_order_of_position() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    for (prompt, position) in [("third", 30), ("first", 10), ("second", 20)] {
        let mut body = text_question(prompt);
        body["position"] = json!(position);
        add_question(&app, &committee, &cycle_id, body).await;
    }
    let last = add_question(&app, &committee, &cycle_id, text_question("fourth")).await;

    // Act
    let listed = list_questions(&app, &cycle_id, None).await;

    // Assert
    assert_eq!(prompts(&listed), ["first", "second", "third", "fourth"]);
    assert_eq!(
        last["position"], 31,
        "a question without position goes last"
    );
}

#[tokio::test]
async fn moving_a_question_reorders_the_form() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    add_question(&app, &committee, &cycle_id, text_question("a")).await;
    add_question(&app, &committee, &cycle_id, text_question("b")).await;
    let c = add_question(&app, &committee, &cycle_id, text_question("c")).await;

    // Act
    let res = app
        .patch(
            &question_path(&cycle_id, &id_of(&c)),
            Some(&committee.token),
            &json!({"position": 0}),
        )
        .await;

    // Assert
    assert_eq!(res.status(), 200);
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(prompts(&listed), ["c", "a", "b"]);
}

#[tokio::test]
async fn anonymous_callers_see_current_questions_and_the_committee_sees_retired_ones_too() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    add_question(&app, &committee, &cycle_id, text_question("current")).await;
    let mut retired = text_question("retired");
    retired["retired"] = json!(true);
    add_question(&app, &committee, &cycle_id, retired).await;

    // Act
    let anonymous = list_questions(&app, &cycle_id, None).await;
    let as_member = list_questions(&app, &cycle_id, Some(&member.token)).await;
    let as_committee = list_questions(&app, &cycle_id, Some(&committee.token)).await;

    // Assert
    assert_eq!(prompts(&anonymous), ["current"]);
    assert_eq!(prompts(&as_member), ["current"]);
    assert_eq!(prompts(&as_committee), ["current", "retired"]);
    assert_eq!(as_committee[1]["retired"], true);
}

#[tokio::test]
async fn the_questions_of_a_draft_cycle_are_hidden_from_all_but_the_committee() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle = app.create_cycle(&committee, "Draft 2025-2026").await;
    let cycle_id = id_of(&cycle);
    add_question(&app, &committee, &cycle_id, text_question("draft question")).await;

    // Act
    let anonymous = app.get(&questions_path(&cycle_id), None).await;
    let as_member = app
        .get(&questions_path(&cycle_id), Some(&member.token))
        .await;
    let as_committee = list_questions(&app, &cycle_id, Some(&committee.token)).await;

    // Assert
    assert_problem(anonymous, 404).await;
    assert_problem(as_member, 404).await;
    assert_eq!(prompts(&as_committee), ["draft question"]);
}

#[tokio::test]
async fn questions_of_an_unknown_cycle_are_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let unknown = uuid::Uuid::new_v4().to_string();

    // Act
    let list = app.get(&questions_path(&unknown), None).await;
    let add = app
        .post(
            &questions_path(&unknown),
            Some(&committee.token),
            &text_question("x"),
        )
        .await;
    let form = app.get(&form_path(&unknown, "mentor"), None).await;

    // Assert
    assert_problem(list, 404).await;
    assert_problem(add, 404).await;
    assert_problem(form, 404).await;
}

#[tokio::test]
async fn the_mentor_form_lists_the_standard_fields_and_the_questions_for_mentors() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    for (prompt, audience) in [
        ("for mentors", "mentor"),
        ("for mentees", "mentee"),
        ("for all", "both"),
    ] {
        let mut body = text_question(prompt);
        body["audience"] = json!(audience);
        add_question(&app, &committee, &cycle_id, body).await;
    }

    // Act
    let form = get_json(&app, &form_path(&cycle_id, "mentor"), None).await;

    // Assert
    assert_eq!(form["cycle_id"], cycle_id.as_str());
    assert_eq!(form["role"], "mentor");
    let fields = form["standard_fields"].as_array().unwrap();
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no {name} field: {form}"))
    };
    let library_types = field("library_types");
    assert_eq!(library_types["kind"], "multi_choice");
    assert_eq!(library_types["required"], true);
    assert_eq!(
        library_types["options"],
        json!([
            "public",
            "academic",
            "school",
            "special",
            "tribal",
            "government",
            "law",
            "medical",
            "archives",
            "other"
        ])
    );
    let capacity = field("capacity");
    assert_eq!(
        (capacity["min"].as_i64(), capacity["max"].as_i64()),
        (Some(1), Some(3))
    );
    assert_eq!(capacity["default"], 1);
    assert_eq!(
        field("career_stage")["options"].as_array().unwrap().len(),
        5
    );
    assert_eq!(
        field("matching_preference")["options"],
        json!(["career", "identity", "both", "none"])
    );
    for name in [
        "current_role",
        "years_experience",
        "support_approach",
        "motivation",
        "region",
    ] {
        assert_eq!(field(name)["required"], true, "{name}");
    }
    for name in [
        "identity_tags",
        "identity_consent",
        "employer",
        "pronouns",
        "interests",
    ] {
        assert_eq!(field(name)["required"], false, "{name}");
    }
    assert!(
        !fields
            .iter()
            .any(|f| f["name"] == "learning_goals" || f["name"] == "library_school"),
        "no mentee fields on the mentor form"
    );
    assert_eq!(prompts(&form["questions"]), ["for mentors", "for all"]);
}

#[tokio::test]
async fn the_mentee_form_lists_the_mentee_fields_and_the_questions_for_mentees() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    for (prompt, audience) in [
        ("for mentors", "mentor"),
        ("for mentees", "mentee"),
        ("for all", "both"),
    ] {
        let mut body = text_question(prompt);
        body["audience"] = json!(audience);
        add_question(&app, &committee, &cycle_id, body).await;
    }

    // Act
    let form = get_json(&app, &form_path(&cycle_id, "mentee"), None).await;

    // Assert
    let names: Vec<&str> = form["standard_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in [
        "library_types",
        "learning_goals",
        "career_goals",
        "motivation",
        "library_school",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for name in ["capacity", "current_role", "years_experience"] {
        assert!(!names.contains(&name), "{name} on the mentee form");
    }
    assert_eq!(prompts(&form["questions"]), ["for mentees", "for all"]);
}

#[tokio::test]
async fn the_form_of_a_draft_cycle_is_a_404_for_anonymous_callers() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "Draft form").await;
    let cycle_id = id_of(&cycle);

    // Act
    let anonymous = app.get(&form_path(&cycle_id, "mentor"), None).await;
    let as_committee = app
        .get(&form_path(&cycle_id, "mentor"), Some(&committee.token))
        .await;

    // Assert
    assert_problem(anonymous, 404).await;
    assert_eq!(
        as_committee.status(),
        200,
        "the committee previews its draft"
    );
}

#[tokio::test]
async fn the_form_without_a_known_role_is_a_400() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;

    // Act
    let missing = app
        .get(&format!("/api/v1/cycles/{cycle_id}/form"), None)
        .await;
    let unknown = app.get(&form_path(&cycle_id, "boss"), None).await;

    // Assert
    assert_problem(missing, 400).await;
    assert_problem(unknown, 400).await;
}

#[tokio::test]
async fn before_any_application_a_question_may_change_kind_and_be_deleted() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let question = add_question(&app, &committee, &cycle_id, text_question("Confidence?")).await;
    let path = question_path(&cycle_id, &id_of(&question));

    // Act
    let changed = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"kind": "scale", "required": true}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    let deleted = app.delete(&path, Some(&committee.token)).await;
    let again = app.delete(&path, Some(&committee.token)).await;

    // Assert
    assert_eq!(changed["kind"], "scale");
    assert_eq!(changed["required"], true);
    assert_eq!(changed["prompt"], "Confidence?", "omitted fields stay");
    assert_eq!(deleted.status(), 204);
    assert_problem(again, 404).await;
    let listed = list_questions(&app, &cycle_id, Some(&committee.token)).await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn changing_a_question_into_an_invalid_one_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let question = add_question(&app, &committee, &cycle_id, text_question("Anything?")).await;

    // Act: a choice question needs options
    let res = app
        .patch(
            &question_path(&cycle_id, &id_of(&question)),
            Some(&committee.token),
            &json!({"kind": "single_choice"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["options"]);
}

#[tokio::test]
async fn a_question_is_only_found_under_its_own_cycle() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let other = app.create_cycle(&committee, "Another cycle").await;
    let question = add_question(&app, &committee, &cycle_id, text_question("Mine")).await;
    let wrong_path = question_path(&id_of(&other), &id_of(&question));

    // Act
    let change = app
        .patch(
            &wrong_path,
            Some(&committee.token),
            &json!({"prompt": "Hijacked"}),
        )
        .await;
    let delete = app.delete(&wrong_path, Some(&committee.token)).await;

    // Assert
    assert_problem(change, 404).await;
    assert_problem(delete, 404).await;
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(prompts(&listed), ["Mine"]);
}

#[tokio::test]
async fn once_the_cycle_has_applications_a_question_cannot_be_deleted() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, qid) = cycle_with_an_answered_question(&app, &committee).await;

    // Act
    let res = app
        .delete(&question_path(&cycle_id, &qid), Some(&committee.token))
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("retire"),
        "{problem}"
    );
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "still there");
}

#[tokio::test]
async fn once_the_cycle_has_applications_a_question_cannot_change_kind() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, qid) = cycle_with_an_answered_question(&app, &committee).await;

    // Act
    let res = app
        .patch(
            &question_path(&cycle_id, &qid),
            Some(&committee.token),
            &json!({"kind": "multi_choice"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("kind"),
        "{problem}"
    );
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(listed[0]["kind"], "single_choice");
}

#[tokio::test]
async fn once_the_cycle_has_applications_an_option_cannot_be_removed() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, qid) = cycle_with_an_answered_question(&app, &committee).await;

    // Act
    let res = app
        .patch(
            &question_path(&cycle_id, &qid),
            Some(&committee.token),
            &json!({"options": ["weekday", "evening"]}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("weekend"),
        "{problem}"
    );
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(listed[0]["options"], json!(["weekday", "weekend"]));
}

#[tokio::test]
async fn once_the_cycle_has_applications_a_question_cannot_become_required() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, qid) = cycle_with_an_answered_question(&app, &committee).await;

    // Act
    let res = app
        .patch(
            &question_path(&cycle_id, &qid),
            Some(&committee.token),
            &json!({"required": true}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("required"),
        "{problem}"
    );
}

#[tokio::test]
async fn once_the_cycle_has_applications_the_audience_may_widen_but_not_narrow() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mut body = text_question("For mentors");
    body["audience"] = json!("mentor");
    let question = add_question(&app, &committee, &cycle_id, body).await;
    let path = question_path(&cycle_id, &id_of(&question));
    let member = app.member().await;
    app.applied(&member, &cycle_id, &mentor_body()).await;

    // Act
    let narrowed = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"audience": "mentee"}),
        )
        .await;
    let widened = app
        .patch(&path, Some(&committee.token), &json!({"audience": "both"}))
        .await;

    // Assert
    assert_problem(narrowed, 409).await;
    assert_eq!(widened.status(), 200);
    let widened: Value = widened.json().await.unwrap();
    assert_eq!(widened["audience"], "both");
}

#[tokio::test]
async fn once_the_cycle_has_applications_a_question_may_be_reworded_given_options_and_retired() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, qid) = cycle_with_an_answered_question(&app, &committee).await;
    let path = question_path(&cycle_id, &qid);

    // Act
    let reworded = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"prompt": "Which day suits you?"}),
        )
        .await;
    assert_eq!(reworded.status(), 200);
    let reworded: Value = reworded.json().await.unwrap();
    let extended = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"options": ["weekday", "weekend", "either"]}),
        )
        .await;
    assert_eq!(extended.status(), 200);
    let extended: Value = extended.json().await.unwrap();
    let retired = app
        .patch(&path, Some(&committee.token), &json!({"retired": true}))
        .await;
    assert_eq!(retired.status(), 200);
    let retired: Value = retired.json().await.unwrap();

    // Assert
    assert_eq!(reworded["prompt"], "Which day suits you?");
    assert_eq!(extended["options"], json!(["weekday", "weekend", "either"]));
    assert_eq!(extended["prompt"], "Which day suits you?");
    assert_eq!(retired["retired"], true);
    assert_eq!(retired["options"], json!(["weekday", "weekend", "either"]));
}

#[tokio::test]
async fn a_retired_question_leaves_the_form_and_takes_no_new_answers() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, qid) = cycle_with_an_answered_question(&app, &committee).await;
    let res = app
        .patch(
            &question_path(&cycle_id, &qid),
            Some(&committee.token),
            &json!({"retired": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let newcomer = app.member().await;
    let mut body = mentee_body();
    body["answers"] = json!([{"question_id": qid, "value": "weekend"}]);

    // Act
    let form = get_json(&app, &form_path(&cycle_id, "mentor"), None).await;
    let public = list_questions(&app, &cycle_id, None).await;
    let res = app.apply(&newcomer, &cycle_id, &body).await;

    // Assert
    assert_eq!(form["questions"], json!([]));
    assert_eq!(public, json!([]));
    let problem = assert_problem(res, 422).await;
    let error = &problem["errors"][0];
    assert_eq!(error["code"], "unknown_question", "{problem}");
    assert!(
        error["field"].as_str().unwrap().starts_with("answers"),
        "{problem}"
    );
    assert!(
        error["message"].as_str().unwrap().contains(&qid),
        "{problem}"
    );
}

#[tokio::test]
async fn an_answer_given_before_a_question_was_retired_survives_later_edits() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let question = add_question(
        &app,
        &committee,
        &cycle_id,
        choice_question("Preferred meeting day?", &["weekday", "weekend"]),
    )
    .await;
    let qid = id_of(&question);
    let member = app.member().await;
    let mut body = mentor_body();
    body["answers"] = json!([{"question_id": qid, "value": "weekday"}]);
    let application = app.applied(&member, &cycle_id, &body).await;
    let res = app
        .patch(
            &question_path(&cycle_id, &qid),
            Some(&committee.token),
            &json!({"retired": true}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // Act
    let res = app
        .patch(
            &format!("/api/v1/applications/{}", id_of(&application)),
            Some(&member.token),
            &json!({"availability": "Friday mornings"}),
        )
        .await;

    // Assert
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["availability"], "Friday mornings");
    assert_eq!(
        updated["answers"],
        json!([{"question_id": qid, "value": "weekday"}])
    );
}

#[tokio::test]
async fn once_the_cycle_has_applications_a_new_question_may_only_be_optional() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let (cycle_id, _) = cycle_with_an_answered_question(&app, &committee).await;
    let mut required = text_question("Added late, required");
    required["required"] = json!(true);

    // Act
    let refused = app
        .post(
            &questions_path(&cycle_id),
            Some(&committee.token),
            &required,
        )
        .await;
    let optional = app
        .post(
            &questions_path(&cycle_id),
            Some(&committee.token),
            &text_question("Added late, optional"),
        )
        .await;

    // Assert
    let problem = assert_problem(refused, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("optional"),
        "{problem}"
    );
    assert_eq!(optional.status(), 201);
    let listed = list_questions(&app, &cycle_id, None).await;
    assert_eq!(
        prompts(&listed),
        ["Preferred meeting day?", "Added late, optional"]
    );
}

#[tokio::test]
async fn an_earlier_application_stays_editable_after_an_optional_question_is_added() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let member = app.member().await;
    let application = app.applied(&member, &cycle_id, &mentee_body()).await;
    add_question(&app, &committee, &cycle_id, text_question("Added later")).await;

    // Act
    let res = app
        .patch(
            &format!("/api/v1/applications/{}", id_of(&application)),
            Some(&committee.token),
            &json!({"region": "Tri-Cities"}),
        )
        .await;

    // Assert
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["region"], "Tri-Cities");
}

#[tokio::test]
async fn a_stored_question_kind_the_code_does_not_know_is_a_500_not_a_default() {
    use sea_orm::ConnectionTrait;
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let path = format!("/api/v1/cycles/{cycle_id}/questions");
    let res = app
        .post(
            &path,
            Some(&committee.token),
            &json!({"prompt": "Why?", "kind": "text"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.db
        .execute_unprepared("UPDATE questions SET kind = 'essay'")
        .await
        .unwrap();

    // Act
    let res = app.get(&path, Some(&committee.token)).await;

    // Assert
    assert_problem(res, 500).await;
}
