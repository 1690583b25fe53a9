use std::collections::HashMap;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::*;

const CYCLES: &str = "/api/v1/cycles";

fn cycle_path(id: &str) -> String {
    format!("{CYCLES}/{id}")
}

fn id_of(cycle: &Value) -> String {
    cycle["id"].as_str().expect("cycle id").to_owned()
}

/// The names of a list answer's items, in order.
fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The `Link` header as rel → target.
fn links(res: &Response) -> HashMap<String, String> {
    let Some(header) = res.headers().get("link") else {
        return HashMap::new();
    };
    header
        .to_str()
        .unwrap()
        .split(", ")
        .map(|part| {
            let (target, rel) = part.split_once("; ").expect("link part");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            let rel = rel
                .strip_prefix("rel=\"")
                .and_then(|r| r.strip_suffix('"'))
                .expect("rel");
            (rel.to_owned(), target.to_owned())
        })
        .collect()
}

/// The query parameters of a link target.
fn query_of(target: &str) -> HashMap<String, String> {
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// A cycle body with one field replaced.
fn body_with(name: &str, field: &str, value: Value) -> Value {
    let mut body = cycle_body(name);
    body[field] = value;
    body
}

/// The fields named in a 422 problem's `errors`.
fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn transition_res(app: &TestApp, token: &str, id: &str, to: &str) -> Response {
    app.post(
        &format!("{CYCLES}/{id}/transition"),
        Some(token),
        &json!({"to": to}),
    )
    .await
}

// ---------------------------------------------------------------- creation

#[tokio::test]
async fn the_committee_creates_a_draft_cycle_with_every_field_echoed() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .post(CYCLES, Some(&committee.token), &cycle_body("2024-2025"))
        .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    let id = id_of(&body);
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(location, cycle_path(&id));
    assert_eq!(body["status"], "draft");
    let sent = cycle_body("2024-2025");
    for field in [
        "name",
        "description",
        "applications_open_at",
        "applications_close_at",
        "match_by",
        "mentoring_starts_on",
        "mentoring_ends_on",
        "evaluation_closes_on",
        "meetings_expected",
    ] {
        assert_eq!(body[field], sent[field], "{field}");
    }
    assert!(body["created_at"].is_string() && body["updated_at"].is_string());

    let fetched: Value = app
        .get(&location, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, body);
}

#[tokio::test]
async fn description_and_meetings_expected_have_defaults() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = cycle_body("Defaults");
    body.as_object_mut().unwrap().remove("description");
    body.as_object_mut().unwrap().remove("meetings_expected");

    let res = app.post(CYCLES, Some(&committee.token), &body).await;

    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["description"], "");
    assert_eq!(created["meetings_expected"], 6);
}

#[tokio::test]
async fn an_admin_may_create_a_cycle_too() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    let res = app
        .post(CYCLES, Some(&admin.token), &cycle_body("By admin"))
        .await;

    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_plain_member_cannot_create_a_cycle() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .post(CYCLES, Some(&member.token), &cycle_body("2024-2025"))
        .await;

    assert_problem(res, 403).await;
}

#[tokio::test]
async fn an_anonymous_caller_cannot_create_a_cycle() {
    let app = spawn_app().await;

    let res = app.post(CYCLES, None, &cycle_body("2024-2025")).await;

    assert_problem(res, 401).await;
}

#[tokio::test]
async fn each_broken_date_rule_is_a_422_naming_its_field() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cases = [
        // Closing when applications open.
        (
            "applications_close_at",
            json!("2024-09-01T00:00:00Z"),
            "applications_close_at",
        ),
        // Matching before applications close.
        ("match_by", json!("2024-09-29"), "match_by"),
        // Mentoring before matching.
        (
            "mentoring_starts_on",
            json!("2024-10-14"),
            "mentoring_starts_on",
        ),
        // Mentoring ending the day it starts.
        (
            "mentoring_ends_on",
            json!("2024-10-15"),
            "mentoring_ends_on",
        ),
        // Evaluations closing before mentoring ends.
        (
            "evaluation_closes_on",
            json!("2025-04-14"),
            "evaluation_closes_on",
        ),
    ];

    for (field, value, reported) in cases {
        let res = app
            .post(
                CYCLES,
                Some(&committee.token),
                &body_with("2024-2025", field, value),
            )
            .await;

        let problem = assert_problem(res, 422).await;
        assert_eq!(error_fields(&problem), vec![reported], "{field}: {problem}");
        assert_eq!(problem["errors"][0]["code"], "date_order", "{problem}");
    }
    let list: Value = app
        .get(CYCLES, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0, "nothing was created: {list}");
}

#[tokio::test]
async fn matching_on_the_day_applications_close_is_allowed() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = cycle_body("Tight");
    body["match_by"] = json!("2024-09-30");
    body["mentoring_starts_on"] = json!("2024-09-30");

    let res = app.post(CYCLES, Some(&committee.token), &body).await;

    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn every_broken_date_rule_is_reported_at_once() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let body = json!({
        "name": "Backwards",
        "applications_open_at": "2025-09-01T00:00:00Z",
        "applications_close_at": "2025-08-01T00:00:00Z",
        "match_by": "2025-07-01",
        "mentoring_starts_on": "2025-06-01",
        "mentoring_ends_on": "2025-05-01",
        "evaluation_closes_on": "2025-04-01"
    });

    let res = app.post(CYCLES, Some(&committee.token), &body).await;

    let problem = assert_problem(res, 422).await;
    assert_eq!(
        error_fields(&problem),
        vec![
            "applications_close_at",
            "match_by",
            "mentoring_starts_on",
            "mentoring_ends_on",
            "evaluation_closes_on"
        ]
    );
}

#[tokio::test]
async fn meetings_expected_outside_one_to_fifty_two_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    for n in [0, 53, -1] {
        let res = app
            .post(
                CYCLES,
                Some(&committee.token),
                &body_with("2024-2025", "meetings_expected", json!(n)),
            )
            .await;

        let problem = assert_problem(res, 422).await;
        assert_eq!(error_fields(&problem), vec!["meetings_expected"], "{n}");
    }
    for n in [1, 52] {
        let res = app
            .post(
                CYCLES,
                Some(&committee.token),
                &body_with(&format!("Meetings {n}"), "meetings_expected", json!(n)),
            )
            .await;
        assert_eq!(res.status(), 201, "{n}");
    }
}

#[tokio::test]
async fn an_empty_or_overlong_name_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    for name in [String::new(), "   ".to_owned(), "x".repeat(101)] {
        let res = app
            .post(CYCLES, Some(&committee.token), &cycle_body(&name))
            .await;

        let problem = assert_problem(res, 422).await;
        assert_eq!(error_fields(&problem), vec!["name"], "{name:?}");
    }
}

#[tokio::test]
async fn a_missing_date_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = cycle_body("No match date");
    body.as_object_mut().unwrap().remove("match_by");

    let res = app.post(CYCLES, Some(&committee.token), &body).await;

    let problem = assert_problem(res, 422).await;
    assert!(
        problem["detail"].is_string() && problem["errors"].is_array(),
        "{problem}"
    );
}

#[tokio::test]
async fn a_duplicate_name_is_a_409() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    app.create_cycle(&committee, "2024-2025").await;

    let res = app
        .post(CYCLES, Some(&committee.token), &cycle_body("2024-2025"))
        .await;
    let padded = app
        .post(CYCLES, Some(&committee.token), &cycle_body("  2024-2025 "))
        .await;

    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("name"),
        "{problem}"
    );
    assert_problem(padded, 409).await;
}

// ---------------------------------------------------------------- visibility

#[tokio::test]
async fn drafts_are_invisible_to_anonymous_callers_and_members() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let draft = app.create_cycle(&committee, "Draft cycle").await;
    let open = app.create_cycle(&committee, "Open cycle").await;
    app.transition(&committee, &id_of(&open), "open").await;

    for token in [None, Some(member.token.as_str())] {
        let list: Value = app.get(CYCLES, token).await.json().await.unwrap();
        assert_eq!(names(&list), vec!["Open cycle"], "{token:?}");
        assert_eq!(list["total"], 1);

        let res = app.get(&cycle_path(&id_of(&draft)), token).await;
        assert_problem(res, 404).await;

        let res = app.get(&cycle_path(&id_of(&open)), token).await;
        assert_eq!(res.status(), 200);
    }
}

#[tokio::test]
async fn drafts_are_visible_to_the_committee() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let draft = app.create_cycle(&committee, "Draft cycle").await;

    let list: Value = app
        .get(CYCLES, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .get(&cycle_path(&id_of(&draft)), Some(&committee.token))
        .await;

    assert_eq!(names(&list), vec!["Draft cycle"]);
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "draft");
}

#[tokio::test]
async fn an_unknown_cycle_is_a_404() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .get(
            &cycle_path(&uuid::Uuid::new_v4().to_string()),
            Some(&committee.token),
        )
        .await;

    assert_problem(res, 404).await;
}

// ---------------------------------------------------------------- editing

#[tokio::test]
async fn the_committee_edits_a_cycle_and_omitted_fields_stay() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;

    let res = app
        .patch(
            &cycle_path(&id_of(&cycle)),
            Some(&committee.token),
            &json!({
                "name": "2024-2025 (extended)",
                "description": "Applications extended by a week.",
                "applications_close_at": "2024-10-07T23:59:59Z",
                "match_by": "2024-10-18",
                "mentoring_starts_on": "2024-10-18",
                "meetings_expected": 8
            }),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["name"], "2024-2025 (extended)");
    assert_eq!(body["description"], "Applications extended by a week.");
    assert_eq!(body["applications_close_at"], "2024-10-07T23:59:59Z");
    assert_eq!(body["match_by"], "2024-10-18");
    assert_eq!(body["mentoring_starts_on"], "2024-10-18");
    assert_eq!(body["meetings_expected"], 8);
    assert_eq!(body["applications_open_at"], cycle["applications_open_at"]);
    assert_eq!(body["mentoring_ends_on"], cycle["mentoring_ends_on"]);
    assert_eq!(body["evaluation_closes_on"], cycle["evaluation_closes_on"]);
    assert_eq!(body["status"], "draft");
    assert_eq!(body["created_at"], cycle["created_at"]);

    let fetched: Value = app
        .get(&cycle_path(&id_of(&cycle)), Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, body);
}

#[tokio::test]
async fn an_edit_checks_the_dates_as_a_whole() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let path = cycle_path(&id_of(&cycle));

    // match_by alone moved past the (unchanged) start of mentoring.
    let late_match = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"match_by": "2024-10-20"}),
        )
        .await;
    // Mentoring ending before its (unchanged) start.
    let early_end = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"mentoring_ends_on": "2024-10-01"}),
        )
        .await;

    let problem = assert_problem(late_match, 422).await;
    assert_eq!(error_fields(&problem), vec!["mentoring_starts_on"]);
    let problem = assert_problem(early_end, 422).await;
    assert_eq!(error_fields(&problem), vec!["mentoring_ends_on"]);
    let unchanged: Value = app
        .get(&path, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged, cycle);
}

#[tokio::test]
async fn an_edit_with_invalid_values_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;

    let res = app
        .patch(
            &cycle_path(&id_of(&cycle)),
            Some(&committee.token),
            &json!({"name": "", "meetings_expected": 53}),
        )
        .await;

    let problem = assert_problem(res, 422).await;
    assert_eq!(error_fields(&problem), vec!["meetings_expected", "name"]);
}

#[tokio::test]
async fn renaming_to_a_taken_name_is_a_409() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    app.create_cycle(&committee, "2023-2024").await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;

    let res = app
        .patch(
            &cycle_path(&id_of(&cycle)),
            Some(&committee.token),
            &json!({"name": "2023-2024"}),
        )
        .await;

    assert_problem(res, 409).await;
}

#[tokio::test]
async fn an_open_cycle_can_still_be_edited() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    app.transition(&committee, &id_of(&cycle), "open").await;

    let res = app
        .patch(
            &cycle_path(&id_of(&cycle)),
            Some(&committee.token),
            &json!({"description": "Now open."}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["description"], "Now open.");
    assert_eq!(body["status"], "open");
}

#[tokio::test]
async fn editing_is_a_409_once_the_cycle_is_active() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = id_of(&cycle);
    for to in ["open", "matching", "active"] {
        app.transition(&committee, &id, to).await;
    }

    let res = app
        .patch(
            &cycle_path(&id),
            Some(&committee.token),
            &json!({"description": "Too late."}),
        )
        .await;

    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("active"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_member_cannot_edit_a_cycle() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;

    let res = app
        .patch(
            &cycle_path(&id_of(&cycle)),
            Some(&member.token),
            &json!({"name": "Mine now"}),
        )
        .await;

    assert_problem(res, 403).await;
}

#[tokio::test]
async fn editing_an_unknown_cycle_is_a_404() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .patch(
            &cycle_path(&uuid::Uuid::new_v4().to_string()),
            Some(&committee.token),
            &json!({"name": "Ghost"}),
        )
        .await;

    assert_problem(res, 404).await;
}

// ---------------------------------------------------------------- deleting

#[tokio::test]
async fn deleting_a_draft_is_a_204_and_it_is_gone() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let path = cycle_path(&id_of(&cycle));

    let res = app.delete(&path, Some(&committee.token)).await;

    assert_eq!(res.status(), 204);
    assert_problem(app.get(&path, Some(&committee.token)).await, 404).await;
    assert_problem(app.delete(&path, Some(&committee.token)).await, 404).await;
    // The name is free again.
    app.create_cycle(&committee, "2024-2025").await;
}

#[tokio::test]
async fn a_draft_cycle_with_applications_is_not_deleted() {
    // Arrange: a cycle opened, applied to, and moved back to draft.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    app.applied(&member, &cycle_id, &mentee_body()).await;
    app.transition(&committee, &cycle_id, "draft").await;

    // Act
    let res = app
        .delete(&cycle_path(&cycle_id), Some(&committee.token))
        .await;

    // Assert: refused, and the application is still there.
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("applications"),
        "{problem}"
    );
    let mine = app
        .get("/api/v1/me/applications", Some(&member.token))
        .await;
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["total"], 1);
}

#[tokio::test]
async fn deleting_an_open_cycle_is_a_409() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    app.transition(&committee, &id_of(&cycle), "open").await;

    let res = app
        .delete(&cycle_path(&id_of(&cycle)), Some(&committee.token))
        .await;

    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("draft"),
        "{problem}"
    );
    let still_there = app
        .get(&cycle_path(&id_of(&cycle)), Some(&committee.token))
        .await;
    assert_eq!(still_there.status(), 200);
}

#[tokio::test]
async fn only_the_committee_deletes_cycles() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let path = cycle_path(&id_of(&cycle));

    let as_member = app.delete(&path, Some(&member.token)).await;
    let anonymous = app.delete(&path, None).await;

    assert_problem(as_member, 403).await;
    assert_problem(anonymous, 401).await;
    assert_eq!(app.get(&path, Some(&committee.token)).await.status(), 200);
}

// ---------------------------------------------------------------- transitions

#[tokio::test]
async fn a_cycle_moves_along_the_whole_forward_path() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = id_of(&cycle);

    for to in ["open", "matching", "active", "closed", "archived"] {
        let body = app.transition(&committee, &id, to).await;

        assert_eq!(body["status"], to);
        assert_eq!(body["id"], cycle["id"]);
        let fetched: Value = app
            .get(&cycle_path(&id), Some(&committee.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(fetched["status"], to);
    }
}

#[tokio::test]
async fn an_illegal_transition_is_a_409_naming_the_allowed_statuses() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = id_of(&cycle);

    let draft_to_active = transition_res(&app, &committee.token, &id, "active").await;
    let problem = assert_problem(draft_to_active, 409).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("allowed: open") && detail.contains("active"),
        "{detail}"
    );

    for to in ["open", "matching", "active"] {
        app.transition(&committee, &id, to).await;
    }
    let active_to_open = transition_res(&app, &committee.token, &id, "open").await;
    let problem = assert_problem(active_to_open, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("allowed: closed"),
        "{problem}"
    );

    let unchanged: Value = app
        .get(&cycle_path(&id), Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["status"], "active");
}

#[tokio::test]
async fn an_archived_cycle_cannot_move_at_all() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = id_of(&cycle);
    for to in ["open", "matching", "active", "closed", "archived"] {
        app.transition(&committee, &id, to).await;
    }

    for to in ["draft", "open", "matching", "active", "closed", "archived"] {
        let res = transition_res(&app, &committee.token, &id, to).await;

        let problem = assert_problem(res, 409).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("archived") && detail.contains("final"),
            "{to}: {detail}"
        );
    }
}

#[tokio::test]
async fn an_open_cycle_may_go_back_to_draft_and_a_matching_one_may_reopen() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = id_of(&cycle);

    app.transition(&committee, &id, "open").await;
    let back_to_draft = app.transition(&committee, &id, "draft").await;
    app.transition(&committee, &id, "open").await;
    app.transition(&committee, &id, "matching").await;
    let reopened = app.transition(&committee, &id, "open").await;

    assert_eq!(back_to_draft["status"], "draft");
    assert_eq!(reopened["status"], "open");
}

#[tokio::test]
async fn a_transition_to_an_unknown_status_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;

    let res = transition_res(&app, &committee.token, &id_of(&cycle), "paused").await;

    assert_problem(res, 422).await;
}

#[tokio::test]
async fn only_the_committee_moves_cycles() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = id_of(&cycle);

    let as_member = transition_res(&app, &member.token, &id, "open").await;
    let anonymous = app
        .post(
            &format!("{CYCLES}/{id}/transition"),
            None,
            &json!({"to": "open"}),
        )
        .await;

    assert_problem(as_member, 403).await;
    assert_problem(anonymous, 401).await;
}

#[tokio::test]
async fn moving_an_unknown_cycle_is_a_404() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = transition_res(
        &app,
        &committee.token,
        &uuid::Uuid::new_v4().to_string(),
        "open",
    )
    .await;

    assert_problem(res, 404).await;
}

#[tokio::test]
async fn only_one_cycle_is_open_at_a_time() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let first = app.create_cycle(&committee, "First cycle").await;
    let second = app.create_cycle(&committee, "Second cycle").await;
    app.transition(&committee, &id_of(&first), "open").await;

    let res = transition_res(&app, &committee.token, &id_of(&second), "open").await;

    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("First cycle"),
        "{problem}"
    );

    // Once the first moves on, the second may open, and then the first may
    // not reopen.
    app.transition(&committee, &id_of(&first), "matching").await;
    app.transition(&committee, &id_of(&second), "open").await;
    let reopen = transition_res(&app, &committee.token, &id_of(&first), "open").await;
    let problem = assert_problem(reopen, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("Second cycle"),
        "{problem}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_cycles_opened_at_once_give_one_200_and_one_409() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    for round in 0..10 {
        let a = id_of(&app.create_cycle(&committee, &format!("A{round}")).await);
        let b = id_of(&app.create_cycle(&committee, &format!("B{round}")).await);

        let (ra, rb) = tokio::join!(
            transition_res(&app, &committee.token, &a, "open"),
            transition_res(&app, &committee.token, &b, "open"),
        );

        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}");
        let (winner, loser) = if ra.status() == 200 { (a, rb) } else { (b, ra) };
        assert_problem(loser, 409).await;
        let open: Value = app
            .get(&format!("{CYCLES}?status=open"), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(open["total"], 1, "round {round}: {open}");
        assert_eq!(open["items"][0]["id"], winner.as_str());
        app.transition(&committee, &winner, "matching").await;
    }
}

// ---------------------------------------------------------------- current

#[tokio::test]
async fn there_is_no_current_cycle_until_one_opens() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let empty = app.get(&format!("{CYCLES}/current"), None).await;
    app.create_cycle(&committee, "Only a draft").await;
    let draft_only = app
        .get(&format!("{CYCLES}/current"), Some(&committee.token))
        .await;

    assert_problem(empty, 404).await;
    assert_problem(draft_only, 404).await;
}

#[tokio::test]
async fn the_current_cycle_is_the_open_one_else_the_active_one() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let running = id_of(&app.create_cycle(&committee, "Running").await);
    let next = id_of(&app.create_cycle(&committee, "Next").await);
    let current = || async {
        let res = app.get(&format!("{CYCLES}/current"), None).await;
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()
    };

    app.transition(&committee, &running, "open").await;
    let while_open = current().await;
    app.transition(&committee, &running, "matching").await;
    app.transition(&committee, &running, "active").await;
    let while_active = current().await;
    app.transition(&committee, &next, "open").await;
    let both = current().await;
    app.transition(&committee, &next, "draft").await;
    let back = current().await;

    assert_eq!(while_open["id"], running.as_str());
    assert_eq!(while_open["status"], "open");
    assert_eq!(while_active["id"], running.as_str());
    assert_eq!(while_active["status"], "active");
    assert_eq!(both["id"], next.as_str());
    assert_eq!(back["id"], running.as_str());
}

#[tokio::test]
async fn a_matching_or_closed_cycle_is_not_current() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let id = id_of(&app.create_cycle(&committee, "2024-2025").await);

    app.transition(&committee, &id, "open").await;
    app.transition(&committee, &id, "matching").await;
    let matching = app.get(&format!("{CYCLES}/current"), None).await;
    app.transition(&committee, &id, "active").await;
    app.transition(&committee, &id, "closed").await;
    let closed = app.get(&format!("{CYCLES}/current"), None).await;

    assert_problem(matching, 404).await;
    assert_problem(closed, 404).await;
}

// ---------------------------------------------------------------- lists

#[tokio::test]
async fn the_list_filters_by_status() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let open = app.create_cycle(&committee, "Open one").await;
    app.create_cycle(&committee, "Draft one").await;
    app.create_cycle(&committee, "Draft two").await;
    app.transition(&committee, &id_of(&open), "open").await;

    let open_list: Value = app
        .get(&format!("{CYCLES}?status=open"), None)
        .await
        .json()
        .await
        .unwrap();
    let drafts: Value = app
        .get(
            &format!("{CYCLES}?status=draft&sort=name"),
            Some(&committee.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let drafts_anonymous: Value = app
        .get(&format!("{CYCLES}?status=draft"), None)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(names(&open_list), vec!["Open one"]);
    assert_eq!(open_list["total"], 1);
    assert_eq!(names(&drafts), vec!["Draft one", "Draft two"]);
    assert_eq!(drafts["total"], 2);
    assert_eq!(names(&drafts_anonymous), Vec::<String>::new());
    assert_eq!(drafts_anonymous["total"], 0);
}

#[tokio::test]
async fn the_list_sorts_by_name_either_way() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    for name in ["Beta", "Alpha", "Gamma"] {
        app.create_cycle(&committee, name).await;
    }

    let ascending: Value = app
        .get(&format!("{CYCLES}?sort=name"), Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    let descending: Value = app
        .get(&format!("{CYCLES}?sort=-name"), Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(names(&ascending), vec!["Alpha", "Beta", "Gamma"]);
    assert_eq!(names(&descending), vec!["Gamma", "Beta", "Alpha"]);
}

#[tokio::test]
async fn the_list_is_newest_first_by_default() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let years = [
        ("2023-2024", 2023),
        ("2025-2026", 2025),
        ("2024-2025", 2024),
    ];
    for (name, year) in years {
        let mut body = cycle_body(name);
        for (field, value) in [
            ("applications_open_at", format!("{year}-09-01T00:00:00Z")),
            ("applications_close_at", format!("{year}-09-30T23:59:59Z")),
            ("match_by", format!("{year}-10-15")),
            ("mentoring_starts_on", format!("{year}-10-15")),
            ("mentoring_ends_on", format!("{}-04-15", year + 1)),
            ("evaluation_closes_on", format!("{}-05-15", year + 1)),
        ] {
            body[field] = json!(value);
        }
        let res = app.post(CYCLES, Some(&committee.token), &body).await;
        assert_eq!(res.status(), 201, "{name}");
    }

    let list: Value = app
        .get(CYCLES, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(names(&list), vec!["2025-2026", "2024-2025", "2023-2024"]);
}

#[tokio::test]
async fn an_unknown_sort_field_is_a_422() {
    let app = spawn_app().await;

    let res = app.get(&format!("{CYCLES}?sort=password_hash"), None).await;

    let problem = assert_problem(res, 422).await;
    assert_eq!(error_fields(&problem), vec!["sort"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("name"),
        "{problem}"
    );
}

// ---------------------------------------------------------------- pagination

/// Five drafts, "Cycle 1" to "Cycle 5".
async fn five_cycles(app: &TestApp, committee: &TestUser) {
    for i in 1..=5 {
        app.create_cycle(committee, &format!("Cycle {i}")).await;
    }
}

#[tokio::test]
async fn a_page_comes_in_an_envelope_with_the_total() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    five_cycles(&app, &committee).await;

    let res = app
        .get(
            &format!("{CYCLES}?per_page=2&sort=name"),
            Some(&committee.token),
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-total-count"], "5");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 2);
    assert_eq!(body["total"], 5);
    assert_eq!(names(&body), vec!["Cycle 1", "Cycle 2"]);
}

#[tokio::test]
async fn the_default_page_is_the_first_of_fifty() {
    let app = spawn_app().await;

    let body: Value = app.get(CYCLES, None).await.json().await.unwrap();

    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 50);
    assert_eq!(body["total"], 0);
    assert_eq!(body["items"], json!([]));
}

#[tokio::test]
async fn the_first_page_links_to_the_next_but_not_a_previous_one() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    five_cycles(&app, &committee).await;

    let res = app
        .get(
            &format!("{CYCLES}?per_page=2&sort=name"),
            Some(&committee.token),
        )
        .await;

    let links = links(&res);
    assert!(!links.contains_key("prev"), "{links:?}");
    let next = &links["next"];
    assert!(next.starts_with("/api/v1/cycles?"), "{next}");
    let query = query_of(next);
    assert_eq!(query["page"], "2");
    assert_eq!(query["per_page"], "2");
    assert_eq!(query["sort"], "name");
    assert_eq!(query_of(&links["first"])["page"], "1");
    assert_eq!(query_of(&links["last"])["page"], "3");
}

#[tokio::test]
async fn a_middle_page_links_both_ways_and_the_last_page_has_no_next() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    five_cycles(&app, &committee).await;

    let middle = app
        .get(
            &format!("{CYCLES}?per_page=2&page=2&sort=name"),
            Some(&committee.token),
        )
        .await;
    let last = app
        .get(
            &format!("{CYCLES}?per_page=2&page=3&sort=name"),
            Some(&committee.token),
        )
        .await;

    let middle_links = links(&middle);
    assert_eq!(query_of(&middle_links["prev"])["page"], "1");
    assert_eq!(query_of(&middle_links["next"])["page"], "3");
    assert_eq!(
        names(&middle.json::<Value>().await.unwrap()),
        vec!["Cycle 3", "Cycle 4"]
    );
    let last_links = links(&last);
    assert!(!last_links.contains_key("next"), "{last_links:?}");
    assert_eq!(query_of(&last_links["prev"])["page"], "2");
    assert_eq!(names(&last.json::<Value>().await.unwrap()), vec!["Cycle 5"]);
}

#[tokio::test]
async fn following_next_links_visits_every_item_once_and_keeps_the_filters() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    five_cycles(&app, &committee).await;
    let opened = app.create_cycle(&committee, "Open cycle").await;
    app.transition(&committee, &id_of(&opened), "open").await;

    let mut seen = Vec::new();
    let mut next = Some(format!("{CYCLES}?status=draft&sort=-name&per_page=2"));
    let mut pages = 0;
    while let Some(target) = next.take() {
        let res = app.get(&target, Some(&committee.token)).await;
        assert_eq!(res.status(), 200, "{target}");
        let links = links(&res);
        if let Some(n) = links.get("next") {
            let query = query_of(n);
            assert_eq!(query["status"], "draft", "{n}");
            assert_eq!(query["sort"], "-name", "{n}");
            assert_eq!(query["per_page"], "2", "{n}");
            next = Some(n.clone());
        }
        seen.extend(names(&res.json::<Value>().await.unwrap()));
        pages += 1;
        assert!(pages <= 3, "too many pages");
    }

    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        vec!["Cycle 5", "Cycle 4", "Cycle 3", "Cycle 2", "Cycle 1"]
    );
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_and_points_back_to_the_last_page() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    five_cycles(&app, &committee).await;

    let res = app
        .get(
            &format!("{CYCLES}?per_page=2&page=9"),
            Some(&committee.token),
        )
        .await;

    assert_eq!(res.status(), 200);
    let links = links(&res);
    assert!(!links.contains_key("next"), "{links:?}");
    assert_eq!(query_of(&links["prev"])["page"], "3");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["items"], json!([]));
    assert_eq!(body["total"], 5);
}

#[tokio::test]
async fn per_page_above_two_hundred_or_zero_is_a_422() {
    let app = spawn_app().await;

    for per_page in [201, 0] {
        let res = app
            .get(&format!("{CYCLES}?per_page={per_page}"), None)
            .await;

        let problem = assert_problem(res, 422).await;
        assert_eq!(error_fields(&problem), vec!["per_page"], "{per_page}");
    }
    let res = app.get(&format!("{CYCLES}?per_page=200"), None).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn page_zero_is_a_422() {
    let app = spawn_app().await;

    let res = app.get(&format!("{CYCLES}?page=0"), None).await;

    let problem = assert_problem(res, 422).await;
    assert_eq!(error_fields(&problem), vec!["page"]);
}

#[tokio::test]
async fn a_page_that_is_not_a_number_is_a_400() {
    let app = spawn_app().await;

    for query in ["page=abc", "page=-1", "per_page=1.5"] {
        let res = app.get(&format!("{CYCLES}?{query}"), None).await;

        let problem = assert_problem(res, 400).await;
        assert!(problem.get("errors").is_none(), "{query}: {problem}");
    }
}

#[tokio::test]
async fn list_answers_are_json_and_not_cached() {
    let app = spawn_app().await;

    let res = app
        .request(Method::GET, CYCLES, None)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
}
