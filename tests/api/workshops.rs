//! Workshops: the committee's sessions, what each caller sees, registration
//! with a fair waitlist (also under a race of 50), attendance, CSV, and
//! calendar feeds that subscribe.
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, EventStatus};
use reqwest::Response;
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::auth::JwtKeys;
use wla_mentorship::config::Settings;
use wla_mentorship::domain::member::Role;
use wla_mentorship::store::members;

use crate::helpers::*;

async fn json_of(res: Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let text = res.text().await.expect("body");
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A valid workshop body starting `in_days` from now, for `audience`.
fn workshop_body(in_days: i64, capacity: i32, audience: &str) -> Value {
    let starts = Utc::now() + Duration::days(in_days);
    json!({
        "title": "Peer coaching circle",
        "description": "Practise coaching conversations in small groups.",
        "facilitator": "Grace Hopper",
        "format": "online",
        "join_url": "https://meet.example.org/peer-coaching",
        "starts_at": rfc3339(starts),
        "ends_at": rfc3339(starts + Duration::minutes(90)),
        "capacity": capacity,
        "audience": audience
    })
}

impl TestApp {
    /// A workshop created by `committee` from `body`, published unless
    /// `publish` is false; returns its JSON.
    async fn workshop(&self, committee: &TestUser, body: &Value, publish: bool) -> Value {
        let created = json_of(
            self.post("/api/v1/workshops", Some(&committee.token), body)
                .await,
            201,
        )
        .await;
        if !publish {
            return created;
        }
        let id = id_of(&created);
        json_of(
            self.post(
                &format!("/api/v1/workshops/{id}/transition"),
                Some(&committee.token),
                &json!({"to": "published"}),
            )
            .await,
            200,
        )
        .await
    }

    /// The committee registers `member` for the workshop.
    async fn add_to(&self, committee: &TestUser, workshop_id: &str, member: Uuid) -> Response {
        self.post(
            &format!("/api/v1/workshops/{workshop_id}/registrations"),
            Some(&committee.token),
            &json!({ "member_id": member }),
        )
        .await
    }

    async fn register_for(&self, user: &TestUser, workshop_id: &str) -> Response {
        self.post(
            &format!("/api/v1/workshops/{workshop_id}/registration"),
            Some(&user.token),
            &json!({}),
        )
        .await
    }

    /// `n` active members made straight in the database, each with an
    /// access token (no password hashing, so a crowd is quick to make).
    async fn crowd(&self, n: usize) -> Vec<TestUser> {
        let settings = Settings::from_lookup(|k| match k {
            "JWT_SECRET" => Some(JWT_SECRET.to_owned()),
            _ => None,
        })
        .expect("settings");
        let keys = JwtKeys::new(&settings.jwt);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let id = self.db_member(&format!("Member {i}")).await;
            let m = members::get(&self.db, id).await.unwrap();
            out.push(TestUser {
                id,
                email: m.email,
                token: keys.issue(id, Role::Member, m.session_epoch).unwrap(),
                refresh_token: String::new(),
            });
        }
        out
    }
}

#[tokio::test]
async fn anonymous_visitors_see_public_published_workshops_only() {
    // Arrange: a public and a members' workshop published, a public draft.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let public = app
        .workshop(&committee, &workshop_body(10, 5, "public"), true)
        .await;
    app.workshop(&committee, &workshop_body(11, 5, "members"), true)
        .await;
    let draft = app
        .workshop(&committee, &workshop_body(12, 5, "public"), false)
        .await;
    let member = app.member().await;

    // Act
    let anonymous = json_of(app.get("/api/v1/workshops", None).await, 200).await;
    let as_member = json_of(app.get("/api/v1/workshops", Some(&member.token)).await, 200).await;
    let as_committee = json_of(
        app.get("/api/v1/workshops", Some(&committee.token)).await,
        200,
    )
    .await;
    let draft_for_member = app
        .get(
            &format!("/api/v1/workshops/{}", id_of(&draft)),
            Some(&member.token),
        )
        .await;

    // Assert
    assert_eq!(anonymous["total"], 1);
    assert_eq!(anonymous["items"][0]["id"], public["id"]);
    assert_eq!(anonymous["items"][0]["join_url"], Value::Null);
    assert_eq!(anonymous["items"][0]["my_registration"], Value::Null);
    assert_eq!(as_member["total"], 2);
    assert_eq!(as_committee["total"], 3);
    assert_eq!(
        as_committee["items"][0]["join_url"],
        "https://meet.example.org/peer-coaching"
    );
    assert_problem(draft_for_member, 404).await;
}

#[tokio::test]
async fn an_end_before_the_start_is_a_422_naming_ends_at() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = workshop_body(10, 5, "public");
    body["ends_at"] = json!(rfc3339(Utc::now() + Duration::days(9)));

    // Act
    let res = app
        .post("/api/v1/workshops", Some(&committee.token), &body)
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["ends_at"]);
}

#[tokio::test]
async fn members_may_not_create_workshops_and_unknown_fields_are_refused() {
    let app = spawn_app().await;
    let member = app.member().await;
    let committee = app.committee().await;
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&member.token),
            &workshop_body(10, 5, "public"),
        )
        .await;
    assert_problem(res, 403).await;
    let mut body = workshop_body(10, 5, "public");
    body["fee"] = json!(10);
    let res = app
        .post("/api/v1/workshops", Some(&committee.token), &body)
        .await;
    assert_problem(res, 422).await;
}

#[tokio::test]
async fn a_full_workshop_waitlists_and_a_freed_place_promotes_the_first_in_line() {
    // Arrange: two places, four members.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let w = app
        .workshop(&committee, &workshop_body(10, 2, "members"), true)
        .await;
    let id = id_of(&w);
    let people = app.crowd(4).await;

    // Act
    let mut answers = Vec::new();
    for p in &people {
        answers.push(json_of(app.register_for(p, &id).await, 201).await);
    }
    let again = json_of(app.register_for(&people[3], &id).await, 200).await;
    let left = app
        .delete(
            &format!("/api/v1/workshops/{id}/registration"),
            Some(&people[0].token),
        )
        .await;
    let promoted = json_of(
        app.get(&format!("/api/v1/workshops/{id}"), Some(&people[2].token))
            .await,
        200,
    )
    .await;
    let still_waiting = json_of(
        app.get(&format!("/api/v1/workshops/{id}"), Some(&people[3].token))
            .await,
        200,
    )
    .await;

    // Assert
    assert_eq!(
        answers[0],
        json!({"status": "registered", "position": null})
    );
    assert_eq!(answers[1]["status"], "registered");
    assert_eq!(answers[2], json!({"status": "waitlisted", "position": 1}));
    assert_eq!(answers[3], json!({"status": "waitlisted", "position": 2}));
    assert_eq!(again, answers[3]);
    assert_eq!(left.status(), 204);
    assert_eq!(promoted["my_registration"]["status"], "registered");
    assert_eq!(
        promoted["join_url"],
        "https://meet.example.org/peer-coaching"
    );
    assert_eq!(
        still_waiting["my_registration"],
        json!({"status": "waitlisted", "position": 1})
    );
    assert_eq!(still_waiting["join_url"], Value::Null);
    assert_eq!(still_waiting["registered_count"], 2);
    assert_eq!(still_waiting["waitlist_count"], 1);
    let admin = app.admin().await;
    let outbox = json_of(
        app.get(
            "/api/v1/notifications?event=workshop_promoted",
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(outbox["total"], 1);
    assert_eq!(outbox["items"][0]["recipient_id"], people[2].id.to_string());
}

#[tokio::test]
async fn fifty_members_registering_at_once_for_ten_places_leave_ten_registered_and_forty_in_line() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let w = app
        .workshop(&committee, &workshop_body(10, 10, "members"), true)
        .await;
    let id = id_of(&w);
    let people = app.crowd(50).await;

    // Act: all at once.
    let started = std::time::Instant::now();
    let answers = futures_util::future::join_all(people.iter().map(|p| async {
        let res = app.register_for(p, &id).await;
        json_of(res, 201).await
    }))
    .await;
    let elapsed = started.elapsed();

    // Assert
    let registered = answers
        .iter()
        .filter(|a| a["status"] == "registered")
        .count();
    let mut positions: Vec<u64> = answers
        .iter()
        .filter(|a| a["status"] == "waitlisted")
        .map(|a| a["position"].as_u64().unwrap())
        .collect();
    positions.sort();
    assert_eq!(registered, 10);
    assert_eq!(positions, (1..=40).collect::<Vec<u64>>());
    eprintln!("50 concurrent registrations took {elapsed:?}");

    // Act: one cancellation promotes exactly one.
    let leaver = people
        .iter()
        .zip(&answers)
        .find(|(_, a)| a["status"] == "registered")
        .unwrap()
        .0;
    let left = app
        .delete(
            &format!("/api/v1/workshops/{id}/registration"),
            Some(&leaver.token),
        )
        .await;
    assert_eq!(left.status(), 204);
    let list = json_of(
        app.get(
            &format!("/api/v1/workshops/{id}/registrations?per_page=200"),
            Some(&committee.token),
        )
        .await,
        200,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    let now_registered = items.iter().filter(|i| i["status"] == "registered").count();
    let waiting: Vec<u64> = items
        .iter()
        .filter(|i| i["status"] == "waitlisted")
        .map(|i| i["position"].as_u64().unwrap())
        .collect();
    assert_eq!(now_registered, 10);
    assert_eq!(waiting, (1..=39).collect::<Vec<u64>>());
}

#[tokio::test]
async fn a_capacity_below_the_registered_count_is_a_409_unless_the_excess_moves_to_the_waitlist() {
    // Arrange: three registered of three places.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let w = app
        .workshop(&committee, &workshop_body(10, 3, "members"), true)
        .await;
    let id = id_of(&w);
    let people = app.crowd(3).await;
    for p in &people {
        json_of(app.register_for(p, &id).await, 201).await;
    }
    let path = format!("/api/v1/workshops/{id}");

    // Act
    let refused = app
        .patch(&path, Some(&committee.token), &json!({"capacity": 2}))
        .await;
    let moved = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"capacity": 2, "move_excess_to_waitlist": true}),
        )
        .await;
    let last = json_of(app.get(&path, Some(&people[2].token)).await, 200).await;
    let raised = app
        .patch(&path, Some(&committee.token), &json!({"capacity": 3}))
        .await;
    let back = json_of(app.get(&path, Some(&people[2].token)).await, 200).await;

    // Assert
    let problem = assert_problem(refused, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("move_excess_to_waitlist"),
        "{problem}"
    );
    let moved = json_of(moved, 200).await;
    assert_eq!(moved["registered_count"], 2);
    assert_eq!(moved["sequence"], 2, "publish and this change raised it");
    assert_eq!(
        last["my_registration"],
        json!({"status": "waitlisted", "position": 1})
    );
    json_of(raised, 200).await;
    assert_eq!(back["my_registration"]["status"], "registered");
}

#[tokio::test]
async fn registration_after_its_close_is_a_409_with_the_reason() {
    // Arrange: registration closed an hour ago, the workshop is tomorrow.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = workshop_body(1, 5, "members");
    body["registration_closes_at"] = json!(rfc3339(Utc::now() - Duration::hours(1)));
    let w = app.workshop(&committee, &body, true).await;
    let member = app.member().await;

    // Act
    let res = app.register_for(&member, &id_of(&w)).await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("registration closed"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_cycle_workshop_is_hidden_from_members_outside_the_cycle() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2026-2027").await;
    let mut body = workshop_body(10, 5, "cycle");
    body["cycle_id"] = cycle["id"].clone();
    let w = app.workshop(&committee, &body, true).await;
    let outsider = app.member().await;
    let id = id_of(&w);

    // Act
    let read = app
        .get(&format!("/api/v1/workshops/{id}"), Some(&outsider.token))
        .await;
    let register = app.register_for(&outsider, &id).await;
    let ics = app
        .get(
            &format!("/api/v1/workshops/{id}.ics"),
            Some(&outsider.token),
        )
        .await;
    let list = json_of(
        app.get("/api/v1/workshops", Some(&outsider.token)).await,
        200,
    )
    .await;

    // Assert
    assert_problem(read, 404).await;
    assert_problem(register, 404).await;
    assert_problem(ics, 404).await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn only_the_committee_lists_registrations_and_the_csv_neutralises_formulas() {
    // Arrange: a member whose name starts like a formula.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let w = app
        .workshop(&committee, &workshop_body(10, 1, "members"), true)
        .await;
    let id = id_of(&w);
    let sly = app.db_member("=HYPERLINK(\"http://x\")").await;
    let other = app.crowd(1).await.remove(0);
    json_of(app.add_to(&committee, &id, sly).await, 201).await;
    let second = json_of(app.add_to(&committee, &id, other.id).await, 201).await;

    // Act
    let as_member = app
        .get(
            &format!("/api/v1/workshops/{id}/registrations"),
            Some(&other.token),
        )
        .await;
    let csv = app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/workshops/{id}/registrations"),
            Some(&committee.token),
        )
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(second, json!({"status": "waitlisted", "position": 1}));
    assert_problem(as_member, 403).await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[0][3], "registered");
    assert_eq!(&rows[1][3], "waitlisted");
    assert_eq!(&rows[1][4], "1");

    // The committee removes the registered one: the waitlist moves up.
    let removed = app
        .delete(
            &format!("/api/v1/workshops/{id}/registrations/{sly}"),
            Some(&committee.token),
        )
        .await;
    assert_eq!(removed.status(), 204);
    let mine = json_of(
        app.get(&format!("/api/v1/workshops/{id}"), Some(&other.token))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["my_registration"]["status"], "registered");
}

/// A published match of a new cycle (mentoring 2024-10-15 to 2025-04-15)
/// extended past today: its cycle, mentor, mentee and match ids.
struct Pair {
    cycle_id: String,
    mentor: TestUser,
    mentee: TestUser,
    match_id: String,
}

async fn published_pair(app: &TestApp, committee: &TestUser) -> Pair {
    let cycle_id = app.open_cycle(committee).await;
    let mentor = app.member().await;
    let mentee = app.member().await;
    let mut ids = Vec::new();
    for (user, body) in [(&mentor, mentor_body()), (&mentee, mentee_body())] {
        let id = id_of(&app.applied(user, &cycle_id, &body).await);
        app.accept_application(committee, &id).await;
        ids.push(id);
    }
    app.transition(committee, &cycle_id, "matching").await;
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
    for (path, body) in [
        (format!("/api/v1/matches/{match_id}/approve"), json!({})),
        (
            format!("/api/v1/cycles/{cycle_id}/matches/publish"),
            json!({}),
        ),
        (
            format!("/api/v1/matches/{match_id}/extend"),
            json!({"until": (Utc::now() + Duration::days(90)).date_naive().to_string()}),
        ),
    ] {
        json_of(app.post(&path, Some(&committee.token), &body).await, 200).await;
    }
    Pair {
        cycle_id,
        mentor,
        mentee,
        match_id,
    }
}

#[tokio::test]
async fn attendance_is_marked_after_the_start_and_counts_for_the_cycle() {
    // Arrange: a published pair; a workshop for their cycle that started
    // an hour ago, with the mentor registered; one still to come.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let pair = published_pair(&app, &committee).await;
    let mut body = workshop_body(0, 5, "cycle");
    body["cycle_id"] = json!(pair.cycle_id);
    body["starts_at"] = json!(rfc3339(Utc::now() - Duration::hours(1)));
    body["ends_at"] = json!(rfc3339(Utc::now() + Duration::hours(1)));
    let w = app.workshop(&committee, &body, true).await;
    let id = id_of(&w);
    let future = app
        .workshop(&committee, &workshop_body(5, 5, "members"), true)
        .await;
    json_of(
        app.post(
            &format!("/api/v1/workshops/{id}/registrations"),
            Some(&committee.token),
            &json!({"member_id": pair.mentor.id}),
        )
        .await,
        201,
    )
    .await;
    let put = |workshop: String, ids: Value| {
        app.request(
            reqwest::Method::PUT,
            &format!("/api/v1/workshops/{workshop}/attendance"),
            Some(&committee.token),
        )
        .json(&json!({ "member_ids": ids }))
        .send()
    };
    let report_path = format!("/api/v1/cycles/{}/workshop-attendance", pair.cycle_id);

    // Act
    let early = put(id_of(&future), json!([])).await.unwrap();
    let unknown = put(id.clone(), json!([Uuid::new_v4()])).await.unwrap();
    let marked = put(id.clone(), json!([pair.mentor.id])).await.unwrap();
    let report = app.get(&report_path, Some(&committee.token)).await;
    let as_member = app.get(&report_path, Some(&pair.mentee.token)).await;
    let seen_by_mentee = app
        .get(&format!("/api/v1/workshops/{id}"), Some(&pair.mentee.token))
        .await;

    // Assert
    assert_problem(early, 409).await;
    let problem = assert_problem(unknown, 422).await;
    assert_eq!(problem_fields(&problem), ["member_ids"]);
    assert_eq!(
        json_of(marked, 200).await,
        json!({"member_ids": [pair.mentor.id]})
    );
    assert_eq!(
        json_of(report, 200).await,
        json!({"cycle_id": pair.cycle_id, "participants": 2, "attended": 1, "share": 0.5})
    );
    assert_problem(as_member, 403).await;
    let seen = json_of(seen_by_mentee, 200).await;
    assert_eq!(
        seen["join_url"],
        Value::Null,
        "the mentee is not registered"
    );
}

#[tokio::test]
async fn a_personal_feed_holds_the_planned_meetings_of_the_members_match() {
    // Arrange: a planned meeting in a week.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let pair = published_pair(&app, &committee).await;
    let day = (Utc::now() + Duration::days(7)).date_naive();
    let meeting = json_of(
        app.post(
            &format!("/api/v1/matches/{}/meetings", pair.match_id),
            Some(&pair.mentor.token),
            &json!({"held_on": day.to_string(), "status": "planned", "mode": "online",
                    "duration_minutes": 60, "topics": ["Goals"]}),
        )
        .await,
        201,
    )
    .await;

    // Act
    let feed = json_of(
        app.get("/api/v1/me/calendar", Some(&pair.mentee.token))
            .await,
        200,
    )
    .await;
    let url = feed["feed_url"].as_str().unwrap();
    let res = app.get(&url[url.find("/api/v1/").unwrap()..], None).await;

    // Assert
    let body = res.text().await.unwrap();
    let cal = parse(&body);
    assert_eq!(
        uids(&cal),
        [format!("meeting-{}@wla-mentorship", id_of(&meeting))]
    );
    assert!(
        body.contains(&format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d"))),
        "{body}"
    );
}

fn parse(body: &str) -> Calendar {
    Calendar::from_str(body).expect("an RFC 5545 calendar")
}

fn uids(cal: &Calendar) -> Vec<String> {
    cal.events()
        .map(|e| e.get_uid().expect("UID").to_owned())
        .collect()
}

#[tokio::test]
async fn the_public_feed_parses_keeps_its_uids_and_answers_304_to_a_current_etag() {
    // Arrange: two public workshops, one then cancelled; a members' one.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let kept = app
        .workshop(&committee, &workshop_body(10, 5, "public"), true)
        .await;
    let cancelled = app
        .workshop(&committee, &workshop_body(11, 5, "public"), true)
        .await;
    app.workshop(&committee, &workshop_body(12, 5, "members"), true)
        .await;
    json_of(
        app.post(
            &format!("/api/v1/workshops/{}/transition", id_of(&cancelled)),
            Some(&committee.token),
            &json!({"to": "cancelled"}),
        )
        .await,
        200,
    )
    .await;

    // Act
    let first = app.get("/api/v1/workshops.ics", None).await;
    let content_type = first.headers()["content-type"].to_str().unwrap().to_owned();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let first = first.text().await.unwrap();
    let second = app
        .get("/api/v1/workshops.ics", None)
        .await
        .text()
        .await
        .unwrap();
    let polled = app
        .request(reqwest::Method::GET, "/api/v1/workshops.ics", None)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(content_type, "text/calendar; charset=utf-8");
    let cal = parse(&first);
    assert_eq!(uids(&cal), uids(&parse(&second)));
    assert_eq!(
        uids(&cal),
        [
            format!("workshop-{}@wla-mentorship", id_of(&kept)),
            format!("workshop-{}@wla-mentorship", id_of(&cancelled)),
        ]
    );
    let statuses: Vec<Option<EventStatus>> = cal.events().map(|e| e.get_status()).collect();
    assert_eq!(
        statuses,
        [Some(EventStatus::Confirmed), Some(EventStatus::Cancelled)]
    );
    assert_eq!(
        cal.events().nth(1).unwrap().property_value("SEQUENCE"),
        Some("2")
    );
    assert!(
        !first.contains("meet.example.org"),
        "no join link in public feeds"
    );
    assert!(first.split("\r\n").all(|l| l.len() <= 75));
    assert_eq!(polled.status(), 304);
}

#[tokio::test]
async fn a_personal_feed_holds_registrations_with_join_links_and_rotating_its_token_retires_the_old_url()
 {
    // Arrange: a member registered for one workshop.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let w = app
        .workshop(&committee, &workshop_body(10, 5, "members"), true)
        .await;
    let member = app.member().await;
    let other = app.member().await;
    json_of(app.register_for(&member, &id_of(&w)).await, 201).await;

    // Act
    let feed = json_of(
        app.get("/api/v1/me/calendar", Some(&member.token)).await,
        200,
    )
    .await;
    let same = json_of(
        app.get("/api/v1/me/calendar", Some(&member.token)).await,
        200,
    )
    .await;
    let others = json_of(
        app.get("/api/v1/me/calendar", Some(&other.token)).await,
        200,
    )
    .await;
    let url = feed["feed_url"].as_str().unwrap().to_owned();
    let path = &url[url.find("/api/v1/").unwrap()..];
    let body = app.get(path, None).await.text().await.unwrap();
    let again = app.get(path, None).await.text().await.unwrap();
    let other_body = {
        let u = others["feed_url"].as_str().unwrap();
        app.get(&u[u.find("/api/v1/").unwrap()..], None)
            .await
            .text()
            .await
            .unwrap()
    };
    let guessed = app.get("/api/v1/calendar/wla_cal_0000.ics", None).await;
    let rotated = json_of(
        app.post(
            "/api/v1/me/calendar/rotate",
            Some(&member.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let old = app.get(path, None).await;
    let new_url = rotated["feed_url"].as_str().unwrap();
    let new = app
        .get(&new_url[new_url.find("/api/v1/").unwrap()..], None)
        .await;

    // Assert
    assert_eq!(feed, same);
    assert!(
        feed["webcal_url"]
            .as_str()
            .unwrap()
            .starts_with("webcal://")
    );
    assert_ne!(feed["feed_url"], others["feed_url"]);
    let cal = parse(&body);
    assert_eq!(uids(&cal), uids(&parse(&again)));
    assert_eq!(
        uids(&cal),
        [format!("workshop-{}@wla-mentorship", id_of(&w))]
    );
    assert!(
        body.contains("meet.example.org"),
        "the join link is in the personal feed"
    );
    assert_eq!(
        uids(&parse(&other_body)).len(),
        0,
        "the other member's feed is theirs"
    );
    assert_problem(guessed, 404).await;
    assert_problem(old, 404).await;
    assert_eq!(new.status(), 200);
    assert_ne!(rotated["feed_url"], feed["feed_url"]);
}

#[tokio::test]
async fn a_reminder_the_day_before_carries_the_workshop_as_an_ics_attachment() {
    // Arrange: a workshop in twelve hours with a registered member.
    let sink = crate::smtp::SmtpSink::start().await;
    let app = spawn_app_with(&[
        ("SMTP_URL", sink.url().as_str()),
        ("MAIL_FROM", "WLA Mentorship <mentorship@wla.example.org>"),
        ("ASSOCIATION_TIMEZONE", "America/New_York"),
    ])
    .await;
    let committee = app.committee().await;
    let mut body = workshop_body(0, 5, "members");
    let starts = Utc::now() + Duration::hours(12);
    body["starts_at"] = json!(rfc3339(starts));
    body["ends_at"] = json!(rfc3339(starts + Duration::hours(1)));
    let w = app.workshop(&committee, &body, true).await;
    let member = app.member().await;
    json_of(app.register_for(&member, &id_of(&w)).await, 201).await;
    let tz = chrono_tz::America::New_York;

    // Act
    let queued =
        wla_mentorship::service::workshops::messages::queue_reminders(&app.db, Utc::now(), tz)
            .await
            .unwrap();
    let again =
        wla_mentorship::service::workshops::messages::queue_reminders(&app.db, Utc::now(), tz)
            .await
            .unwrap();
    let mail = sink
        .wait_for(1, std::time::Duration::from_secs(10))
        .await
        .remove(0);

    // Assert
    assert_eq!(queued, 1);
    assert_eq!(again, 0);
    assert!(
        mail.text_body()
            .contains(&starts.with_timezone(&tz).format("%Z").to_string())
    );
    let parsed = mailparse::parse_mail(mail.data.as_bytes()).unwrap();
    let ics = parsed
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/calendar")
        .expect("a text/calendar attachment")
        .get_body()
        .unwrap();
    let cal = parse(&ics);
    assert_eq!(
        uids(&cal),
        [format!("workshop-{}@wla-mentorship", id_of(&w))]
    );
    assert!(ics.contains("meet.example.org"));
}

#[tokio::test]
async fn members_may_not_change_a_workshop_and_only_drafts_are_deleted() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let published = app
        .workshop(&committee, &workshop_body(10, 5, "members"), true)
        .await;
    let draft = app
        .workshop(&committee, &workshop_body(10, 5, "members"), false)
        .await;
    let path = format!("/api/v1/workshops/{}", id_of(&published));

    // Act
    let patch = app
        .patch(&path, Some(&member.token), &json!({"capacity": 50}))
        .await;
    let transition = app
        .post(
            &format!("{path}/transition"),
            Some(&member.token),
            &json!({"to": "cancelled"}),
        )
        .await;
    let delete_by_member = app.delete(&path, Some(&member.token)).await;
    let delete_published = app.delete(&path, Some(&committee.token)).await;
    let delete_draft = app
        .delete(
            &format!("/api/v1/workshops/{}", id_of(&draft)),
            Some(&committee.token),
        )
        .await;
    let completed_early = app
        .post(
            &format!("{path}/transition"),
            Some(&committee.token),
            &json!({"to": "completed"}),
        )
        .await;
    let patch_ics = app
        .patch(&format!("{path}.ics"), Some(&committee.token), &json!({}))
        .await;
    let leave_without_place = app
        .delete(&format!("{path}/registration"), Some(&member.token))
        .await;

    // Assert
    assert_problem(patch, 403).await;
    assert_problem(transition, 403).await;
    assert_problem(delete_by_member, 403).await;
    let problem = assert_problem(delete_published, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("cancel it instead")
    );
    assert_eq!(delete_draft.status(), 204);
    let problem = assert_problem(completed_early, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("after it ends")
    );
    assert_problem(leave_without_place, 404).await;
    assert_eq!(patch_ics.headers()["allow"], "GET");
    assert_problem(patch_ics, 405).await;
}
