//! The meeting log of a published match: its two partners record and read
//! meetings, shared notes for both and private notes for the author alone;
//! dates within the match's period; nobody else (the committee included)
//! learns a log exists.
use chrono::{Duration, Utc};
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

fn day_from_today(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days)).to_string()
}

/// Two members matched in a cycle whose mentoring runs 2024-10-15 to
/// 2025-04-15; the match is published unless `publish` is false (then
/// approved).
struct Partners {
    committee: TestUser,
    mentor: TestUser,
    mentee: TestUser,
    match_id: String,
}

async fn partners(app: &TestApp, publish: bool) -> Partners {
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mentor = app.member().await;
    let mentee = app.member().await;
    let mut ids = Vec::new();
    for (user, body) in [(&mentor, mentor_body()), (&mentee, mentee_body())] {
        let application = app.applied(user, &cycle_id, &body).await;
        let id = id_of(&application);
        app.accept_application(&committee, &id).await;
        ids.push(id);
    }
    app.transition(&committee, &cycle_id, "matching").await;
    let m = json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches"),
            Some(&committee.token),
            &json!({"mentor_application_id": ids[0], "mentee_application_id": ids[1]}),
        )
        .await,
        201,
    )
    .await;
    let match_id = id_of(&m);
    let approve = app
        .post(
            &format!("/api/v1/matches/{match_id}/approve"),
            Some(&committee.token),
            &json!({}),
        )
        .await;
    json_of(approve, 200).await;
    if publish {
        let res = app
            .post(
                &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
                Some(&committee.token),
                &json!({}),
            )
            .await;
        json_of(res, 200).await;
    }
    Partners {
        committee,
        mentor,
        mentee,
        match_id,
    }
}

/// Extends the match past today, so planned meetings fit its period.
async fn extend_past_today(app: &TestApp, p: &Partners) {
    let res = app
        .post(
            &format!("/api/v1/matches/{}/extend", p.match_id),
            Some(&p.committee.token),
            &json!({"until": day_from_today(90)}),
        )
        .await;
    json_of(res, 200).await;
}

fn held(fields: Value) -> Value {
    overlay(
        json!({
            "held_on": "2024-11-05", "status": "held", "mode": "online",
            "duration_minutes": 60, "topics": ["Goals for the partnership"],
            "shared_notes": "Agreed on monthly calls.",
            "private_notes": "Ask about the conference next time."
        }),
        fields,
    )
}

async fn record(app: &TestApp, user: &TestUser, match_id: &str, body: &Value) -> Response {
    app.post(
        &format!("/api/v1/matches/{match_id}/meetings"),
        Some(&user.token),
        body,
    )
    .await
}

async fn recorded(app: &TestApp, user: &TestUser, match_id: &str, body: &Value) -> Value {
    json_of(record(app, user, match_id, body).await, 201).await
}

async fn list(app: &TestApp, user: &TestUser, match_id: &str, query: &str) -> Response {
    app.get(
        &format!("/api/v1/matches/{match_id}/meetings{query}"),
        Some(&user.token),
    )
    .await
}

async fn assert_invalid(res: Response, field: &str) {
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), [field], "{problem}");
}

#[tokio::test]
async fn a_partner_records_a_held_meeting_and_both_see_it_with_private_notes_for_the_author_alone()
{
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;

    // Act
    let res = record(&app, &p.mentor, &p.match_id, &held(json!({}))).await;

    // Assert: 201 with Location and the author's whole meeting.
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created = json_of(res, 201).await;
    let id = id_of(&created);
    assert_eq!(location, format!("/api/v1/meetings/{id}"));
    assert_eq!(created["author_id"], p.mentor.id.to_string());
    assert_eq!(created["match_id"], p.match_id);
    assert_eq!(created["held_on"], "2024-11-05");
    assert_eq!(created["status"], "held");
    assert_eq!(created["mode"], "online");
    assert_eq!(created["duration_minutes"], 60);
    assert_eq!(created["topics"], json!(["Goals for the partnership"]));
    assert_eq!(created["shared_notes"], "Agreed on monthly calls.");
    assert_eq!(
        created["private_notes"],
        "Ask about the conference next time."
    );

    let mine = json_of(app.get(&location, Some(&p.mentor.token)).await, 200).await;
    assert_eq!(mine["private_notes"], "Ask about the conference next time.");
    let theirs = json_of(app.get(&location, Some(&p.mentee.token)).await, 200).await;
    assert_eq!(theirs["shared_notes"], "Agreed on monthly calls.");
    assert_eq!(theirs["private_notes"], Value::Null);

    let page = json_of(list(&app, &p.mentee, &p.match_id, "").await, 200).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["page"], 1);
    assert_eq!(page["items"][0]["id"], id);
    assert_eq!(page["items"][0]["shared_notes"], "Agreed on monthly calls.");
    assert_eq!(page["items"][0]["private_notes"], Value::Null);
    let page = json_of(list(&app, &p.mentor, &p.match_id, "").await, 200).await;
    assert_eq!(
        page["items"][0]["private_notes"],
        "Ask about the conference next time."
    );
}

#[tokio::test]
async fn the_list_is_a_page_newest_first_filtered_by_status() {
    // Arrange: three held meetings by both partners and a planned one.
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    extend_past_today(&app, &p).await;
    for (user, date) in [
        (&p.mentor, "2024-11-05"),
        (&p.mentee, "2025-01-10"),
        (&p.mentor, "2024-12-03"),
    ] {
        recorded(&app, user, &p.match_id, &held(json!({"held_on": date}))).await;
    }
    let planned = day_from_today(7);
    recorded(
        &app,
        &p.mentee,
        &p.match_id,
        &held(json!({"held_on": planned, "status": "planned"})),
    )
    .await;

    // Act
    let all = json_of(list(&app, &p.mentor, &p.match_id, "?per_page=2").await, 200).await;
    let second = json_of(
        list(&app, &p.mentor, &p.match_id, "?per_page=2&page=2").await,
        200,
    )
    .await;
    let held_only = json_of(
        list(&app, &p.mentee, &p.match_id, "?status=held").await,
        200,
    )
    .await;
    let planned_only = json_of(
        list(&app, &p.mentee, &p.match_id, "?status=planned").await,
        200,
    )
    .await;

    // Assert
    assert_eq!(all["total"], 4);
    assert_eq!(all["per_page"], 2);
    let dates: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|m| m["held_on"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [planned.as_str(), "2025-01-10", "2024-12-03", "2024-11-05"]
    );
    assert_eq!(held_only["total"], 3);
    assert_eq!(planned_only["total"], 1);
    assert_eq!(planned_only["items"][0]["status"], "planned");
}

#[tokio::test]
async fn a_planned_meeting_is_today_or_later_and_a_held_one_is_not_in_the_future() {
    // Arrange: the match runs past today.
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    extend_past_today(&app, &p).await;
    let planned = |date: String| held(json!({"held_on": date, "status": "planned"}));

    // Act
    let today = record(&app, &p.mentee, &p.match_id, &planned(day_from_today(0))).await;
    let next_week = record(&app, &p.mentee, &p.match_id, &planned(day_from_today(7))).await;
    let yesterday = record(&app, &p.mentee, &p.match_id, &planned(day_from_today(-1))).await;
    let past_the_end = record(&app, &p.mentee, &p.match_id, &planned(day_from_today(91))).await;
    let held_tomorrow = record(
        &app,
        &p.mentee,
        &p.match_id,
        &held(json!({"held_on": day_from_today(1)})),
    )
    .await;

    // Assert
    json_of(today, 201).await;
    let next = json_of(next_week, 201).await;
    assert_eq!(next["status"], "planned");
    for res in [yesterday, past_the_end, held_tomorrow] {
        assert_invalid(res, "held_on").await;
    }
}

#[tokio::test]
async fn a_held_meeting_lies_within_the_match_period() {
    // Arrange: mentoring runs 2024-10-15 to 2025-04-15.
    let app = spawn_app().await;
    let p = partners(&app, true).await;

    // Act
    let on_the_first_day = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": "2024-10-15"})),
    )
    .await;
    let on_the_last_day = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": "2025-04-15"})),
    )
    .await;
    let before = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": "2024-10-14"})),
    )
    .await;
    let after = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": "2025-04-16"})),
    )
    .await;
    let in_the_future = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": day_from_today(1)})),
    )
    .await;

    // Assert
    json_of(on_the_first_day, 201).await;
    json_of(on_the_last_day, 201).await;
    for res in [before, after, in_the_future] {
        assert_invalid(res, "held_on").await;
    }
}

#[tokio::test]
async fn an_extension_lengthens_the_period_for_held_meetings() {
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    let res = app
        .post(
            &format!("/api/v1/matches/{}/extend", p.match_id),
            Some(&p.committee.token),
            &json!({"until": "2025-06-30"}),
        )
        .await;
    json_of(res, 200).await;

    // Act
    let within = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": "2025-06-30"})),
    )
    .await;
    let beyond = record(
        &app,
        &p.mentor,
        &p.match_id,
        &held(json!({"held_on": "2025-07-01"})),
    )
    .await;

    // Assert
    json_of(within, 201).await;
    assert_invalid(beyond, "held_on").await;
}

#[tokio::test]
async fn bad_values_are_422s_naming_the_field() {
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    let cases = [
        (json!({"mode": "carrier_pigeon"}), "mode"),
        (json!({"status": "maybe"}), "status"),
        (json!({"duration_minutes": 4}), "duration_minutes"),
        (json!({"duration_minutes": 481}), "duration_minutes"),
        (json!({"held_on": "2024-13-01"}), "held_on"),
        (json!({"held_on": "0999-01-01"}), "held_on"),
        (json!({"topics": vec!["t"; 21]}), "topics"),
        (json!({"topics": ["ok", "x".repeat(101)]}), "topics.1"),
        (json!({"shared_notes": "x".repeat(10_001)}), "shared_notes"),
        (
            json!({"private_notes": "x".repeat(10_001)}),
            "private_notes",
        ),
        (json!({"venue": "library"}), "venue"),
    ];

    for (fields, field) in cases {
        // Act
        let res = record(&app, &p.mentor, &p.match_id, &held(fields)).await;

        // Assert
        assert_invalid(res, field).await;
    }
    let page = json_of(list(&app, &p.mentor, &p.match_id, "").await, 200).await;
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn the_author_changes_a_meeting_in_part_and_deletes_it() {
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    let m = recorded(&app, &p.mentee, &p.match_id, &held(json!({}))).await;
    let path = format!("/api/v1/meetings/{}", id_of(&m));

    // Act
    let changed = app
        .patch(
            &path,
            Some(&p.mentee.token),
            &json!({"duration_minutes": 45, "mode": "in_person", "private_notes": null}),
        )
        .await;
    let bad = app
        .patch(
            &path,
            Some(&p.mentee.token),
            &json!({"held_on": "2024-01-01"}),
        )
        .await;
    let unknown = app
        .patch(
            &path,
            Some(&p.mentee.token),
            &json!({"author_id": p.mentor.id}),
        )
        .await;

    // Assert
    let changed = json_of(changed, 200).await;
    assert_eq!(changed["duration_minutes"], 45);
    assert_eq!(changed["mode"], "in_person");
    assert_eq!(changed["held_on"], "2024-11-05");
    assert_eq!(changed["shared_notes"], "Agreed on monthly calls.");
    assert_eq!(changed["private_notes"], Value::Null);
    assert_invalid(bad, "held_on").await;
    assert_invalid(unknown, "author_id").await;

    let deleted = app.delete(&path, Some(&p.mentee.token)).await;
    assert_eq!(deleted.status(), 204);
    assert_problem(app.get(&path, Some(&p.mentee.token)).await, 404).await;
}

#[tokio::test]
async fn the_partner_who_did_not_write_a_meeting_reads_it_but_may_not_change_it() {
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    let m = recorded(&app, &p.mentor, &p.match_id, &held(json!({}))).await;
    let path = format!("/api/v1/meetings/{}", id_of(&m));

    // Act
    let patched = app
        .patch(
            &path,
            Some(&p.mentee.token),
            &json!({"duration_minutes": 30}),
        )
        .await;
    let deleted = app.delete(&path, Some(&p.mentee.token)).await;

    // Assert
    assert_problem(patched, 403).await;
    assert_problem(deleted, 403).await;
    let unchanged = json_of(app.get(&path, Some(&p.mentor.token)).await, 200).await;
    assert_eq!(unchanged["duration_minutes"], 60);
}

#[tokio::test]
async fn another_member_and_the_committee_are_told_the_log_does_not_exist() {
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    let m = recorded(&app, &p.mentor, &p.match_id, &held(json!({}))).await;
    let path = format!("/api/v1/meetings/{}", id_of(&m));
    let stranger = app.member().await;

    for user in [&stranger, &p.committee] {
        // Act
        let listed = list(&app, user, &p.match_id, "").await;
        let posted = record(&app, user, &p.match_id, &held(json!({}))).await;
        let got = app.get(&path, Some(&user.token)).await;
        let patched = app
            .patch(&path, Some(&user.token), &json!({"duration_minutes": 30}))
            .await;
        let deleted = app.delete(&path, Some(&user.token)).await;

        // Assert
        for res in [listed, posted, got, patched, deleted] {
            assert_problem(res, 404).await;
        }
    }
    let still = json_of(app.get(&path, Some(&p.mentor.token)).await, 200).await;
    assert_eq!(still["duration_minutes"], 60);
    let page = json_of(list(&app, &p.mentor, &p.match_id, "").await, 200).await;
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn an_unpublished_or_unknown_match_has_no_log() {
    // Arrange: an approved match, not yet published.
    let app = spawn_app().await;
    let p = partners(&app, false).await;
    let unknown = uuid::Uuid::new_v4().to_string();

    // Act
    let listed = list(&app, &p.mentor, &p.match_id, "").await;
    let posted = record(&app, &p.mentee, &p.match_id, &held(json!({}))).await;
    let unknown_match = list(&app, &p.mentor, &unknown, "").await;
    let unknown_meeting = app
        .get(
            &format!("/api/v1/meetings/{unknown}"),
            Some(&p.mentor.token),
        )
        .await;

    // Assert
    for res in [listed, posted, unknown_match, unknown_meeting] {
        assert_problem(res, 404).await;
    }
}

#[tokio::test]
async fn a_completed_match_log_is_read_but_no_longer_written() {
    // Arrange
    let app = spawn_app().await;
    let p = partners(&app, true).await;
    let m = recorded(&app, &p.mentor, &p.match_id, &held(json!({}))).await;
    let path = format!("/api/v1/meetings/{}", id_of(&m));
    let res = app
        .post(
            &format!("/api/v1/matches/{}/complete", p.match_id),
            Some(&p.committee.token),
            &json!({}),
        )
        .await;
    json_of(res, 200).await;

    // Act
    let listed = list(&app, &p.mentee, &p.match_id, "").await;
    let posted = record(&app, &p.mentee, &p.match_id, &held(json!({}))).await;
    let patched = app
        .patch(
            &path,
            Some(&p.mentor.token),
            &json!({"duration_minutes": 30}),
        )
        .await;
    let deleted = app.delete(&path, Some(&p.mentor.token)).await;

    // Assert
    assert_eq!(json_of(listed, 200).await["total"], 1);
    for res in [posted, patched, deleted] {
        assert_problem(res, 409).await;
    }
}
