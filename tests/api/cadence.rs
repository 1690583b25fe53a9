//! The meeting cadence: the committee's list of a cycle's matches as on
//! track, behind or silent (counts only), each partner's own cadence in
//! `/me/matches`, the reminders to partners of a match that fell behind,
//! and how ending early and extending are recorded.
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::service::cadence;
use wla_mentorship::store::entities::{cycle, matches};

use crate::helpers::*;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_ago(days: i64) -> String {
    (today() - Duration::days(days)).to_string()
}

/// One published pair.
pub struct Pair {
    pub mentor: TestUser,
    pub mentee: TestUser,
    pub match_id: String,
}

/// A cycle whose six-month mentoring period started 100 days ago (six
/// meetings expected, so three by today), with `count` pairs published on
/// its first day.
pub struct Cohort {
    pub committee: TestUser,
    pub cycle_id: String,
    pub pairs: Vec<Pair>,
}

pub async fn cohort(app: &TestApp, count: usize) -> Cohort {
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mut apps = Vec::new();
    for _ in 0..count {
        let mentor = app.member().await;
        let mentee = app.member().await;
        let mut ids = Vec::new();
        for (user, body) in [(&mentor, mentor_body()), (&mentee, mentee_body())] {
            let id = app.applied(user, &cycle_id, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned();
            app.accept_application(&committee, &id).await;
            ids.push(id);
        }
        apps.push((mentor, mentee, ids));
    }
    app.transition(&committee, &cycle_id, "matching").await;
    let mut pairs = Vec::new();
    for (mentor, mentee, ids) in apps {
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
        let match_id = m["id"].as_str().unwrap().to_owned();
        let approve = app
            .post(
                &format!("/api/v1/matches/{match_id}/approve"),
                Some(&committee.token),
                &json!({}),
            )
            .await;
        json_of(approve, 200).await;
        pairs.push(Pair {
            mentor,
            mentee,
            match_id,
        });
    }
    let published = app
        .post(
            &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
            Some(&committee.token),
            &json!({}),
        )
        .await;
    json_of(published, 200).await;
    app.transition(&committee, &cycle_id, "active").await;
    // The period runs from 100 days ago for 181 days; the matches were
    // published on its first day.
    let starts = today() - Duration::days(100);
    let id = Uuid::parse_str(&cycle_id).unwrap();
    cycle::Entity::update_many()
        .col_expr(cycle::Column::MentoringStartsOn, Expr::value(starts))
        .col_expr(
            cycle::Column::MentoringEndsOn,
            Expr::value(starts + Duration::days(181)),
        )
        .filter(cycle::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    matches::Entity::update_many()
        .col_expr(
            matches::Column::PublishedAt,
            Expr::value(starts.and_hms_opt(16, 0, 0).unwrap().and_utc()),
        )
        .filter(matches::Column::CycleId.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    Cohort {
        committee,
        cycle_id,
        pairs,
    }
}

/// `user` records a meeting held `days_ago` days ago, with notes.
pub async fn met(app: &TestApp, user: &TestUser, match_id: &str, days_ago_: i64) {
    let res = app
        .post(
            &format!("/api/v1/matches/{match_id}/meetings"),
            Some(&user.token),
            &json!({
                "held_on": days_ago(days_ago_), "status": "held", "mode": "online",
                "duration_minutes": 45, "topics": ["Goals"],
                "shared_notes": "shared-secret-words", "private_notes": "private-secret-words"
            }),
        )
        .await;
    json_of(res, 201).await;
}

async fn cadence_page(app: &TestApp, who: &TestUser, cycle_id: &str, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/cycles/{cycle_id}/cadence?{query}"),
            Some(&who.token),
        )
        .await,
        200,
    )
    .await
}

fn entry<'a>(page: &'a Value, match_id: &str) -> &'a Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["match_id"] == match_id)
        .unwrap_or_else(|| panic!("{match_id} not in {page}"))
}

fn match_ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["match_id"].as_str().unwrap())
        .collect()
}

/// Three pairs: on track (three meetings), behind (one, recent), silent
/// (one, 60 days ago), and an untouched fourth (silent since the start).
async fn three_paces(app: &TestApp) -> Cohort {
    let c = cohort(app, 4).await;
    let [on_track, behind, silent, _] = &c.pairs[..] else {
        unreachable!()
    };
    for days in [5, 35, 65] {
        met(app, &on_track.mentor, &on_track.match_id, days).await;
    }
    met(app, &behind.mentee, &behind.match_id, 10).await;
    met(app, &silent.mentor, &silent.match_id, 60).await;
    c
}

#[tokio::test]
async fn the_committee_sees_each_match_on_track_behind_or_silent_with_counts_only() {
    // Arrange
    let app = spawn_app().await;
    let c = three_paces(&app).await;
    let p = &c.pairs;

    // Act
    let page = cadence_page(&app, &c.committee, &c.cycle_id, "").await;

    // Assert
    assert_eq!(page["total"], 4);
    let on_track = entry(&page, &p[0].match_id);
    assert_eq!(on_track["cadence"]["state"], "on_track");
    assert_eq!(on_track["cadence"]["meetings_held"], 3);
    assert_eq!(on_track["cadence"]["meetings_expected_to_date"], 3);
    assert_eq!(on_track["cadence"]["meetings_expected"], 6);
    assert_eq!(on_track["cadence"]["last_held_on"], days_ago(5));
    assert_eq!(on_track["cadence"]["quiet_days"], 5);
    let behind = entry(&page, &p[1].match_id);
    assert_eq!(behind["cadence"]["state"], "behind");
    assert_eq!(behind["cadence"]["behind_by"], 2);
    let silent = entry(&page, &p[2].match_id);
    assert_eq!(silent["cadence"]["state"], "silent");
    assert_eq!(silent["cadence"]["quiet_days"], 60);
    let untouched = entry(&page, &p[3].match_id);
    assert_eq!(untouched["cadence"]["state"], "silent");
    assert_eq!(untouched["cadence"]["meetings_held"], 0);
    assert_eq!(untouched["cadence"]["quiet_days"], 100);
    assert_eq!(behind["status"], "active");
    assert_eq!(behind["starts_on"], days_ago(100));
    assert!(behind["mentor"]["full_name"].is_string());
    assert_eq!(behind["mentee"]["member_id"], p[1].mentee.id.to_string());
    // Longest silence first by default.
    assert_eq!(
        match_ids(&page),
        [
            &p[3].match_id,
            &p[2].match_id,
            &p[1].match_id,
            &p[0].match_id
        ]
    );
    let text = page.to_string();
    assert!(!text.contains("secret-words"), "notes leaked: {text}");
    assert!(!text.contains("Goals"), "topics leaked: {text}");
}

#[tokio::test]
async fn the_cadence_filters_by_state_sorts_and_takes_the_silence_threshold() {
    // Arrange
    let app = spawn_app().await;
    let c = three_paces(&app).await;
    let p = &c.pairs;

    // Act
    let behind = cadence_page(&app, &c.committee, &c.cycle_id, "state=behind").await;
    let by_held = cadence_page(&app, &c.committee, &c.cycle_id, "sort=-meetings_held").await;
    let patient = cadence_page(
        &app,
        &c.committee,
        &c.cycle_id,
        "silent_after_days=90&state=behind&sort=quiet_days",
    )
    .await;
    let ended = cadence_page(&app, &c.committee, &c.cycle_id, "status=ended_early").await;

    // Assert
    assert_eq!(match_ids(&behind), [&p[1].match_id]);
    assert_eq!(match_ids(&by_held)[0], p[0].match_id);
    assert_eq!(
        match_ids(&patient),
        [&p[1].match_id, &p[2].match_id],
        "with 90 days, the 60-day silence is only behind"
    );
    assert_eq!(ended["total"], 0);
}

#[tokio::test]
async fn the_cadence_is_for_the_committee_and_refuses_bad_input() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let url = |q: &str| format!("/api/v1/cycles/{}/cadence?{q}", c.cycle_id);

    // Act + Assert: a partner, another member, an unknown cycle.
    for who in [&c.pairs[0].mentor, &app.member().await] {
        assert_problem(app.get(&url(""), Some(&who.token)).await, 403).await;
    }
    assert_problem(app.get(&url(""), None).await, 401).await;
    let unknown = format!("/api/v1/cycles/{}/cadence", Uuid::new_v4());
    assert_problem(app.get(&unknown, Some(&c.committee.token)).await, 404).await;
    for (query, field) in [
        ("silent_after_days=0", "silent_after_days"),
        ("silent_after_days=366", "silent_after_days"),
        ("sort=notes", "sort"),
    ] {
        let problem =
            assert_problem(app.get(&url(query), Some(&c.committee.token)).await, 422).await;
        assert_eq!(problem_fields(&problem), [field], "{query}: {problem}");
    }
    assert_problem(
        app.get(&url("state=sleepy"), Some(&c.committee.token))
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn each_partner_sees_their_own_cadence_and_nobody_else_does() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let pair = &c.pairs[0];
    met(&app, &pair.mentor, &pair.match_id, 20).await;
    let stranger = app.member().await;

    // Act
    let mentor = json_of(
        app.get("/api/v1/me/matches", Some(&pair.mentor.token))
            .await,
        200,
    )
    .await;
    let mentee = json_of(
        app.get("/api/v1/me/matches", Some(&pair.mentee.token))
            .await,
        200,
    )
    .await;
    let other = json_of(
        app.get("/api/v1/me/matches", Some(&stranger.token)).await,
        200,
    )
    .await;

    // Assert
    for page in [&mentor, &mentee] {
        let cadence = &page["items"][0]["cadence"];
        assert_eq!(cadence["state"], "behind", "{page}");
        assert_eq!(cadence["meetings_held"], 1);
        assert_eq!(cadence["meetings_expected_to_date"], 3);
        assert_eq!(cadence["last_held_on"], days_ago(20));
    }
    assert_eq!(other["total"], 0);
}

/// The meeting reminders in the outbox, as an admin lists them.
async fn reminders(app: &TestApp, admin: &TestUser) -> Vec<Value> {
    let page = json_of(
        app.get(
            "/api/v1/notifications?event=meeting_reminder&per_page=100",
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

fn recipients(list: &[Value]) -> Vec<String> {
    let mut to: Vec<String> = list
        .iter()
        .map(|n| n["recipient_id"].as_str().unwrap().to_owned())
        .collect();
    to.sort();
    to
}

#[tokio::test]
async fn partners_of_a_match_behind_get_one_reminder_per_period_and_none_once_it_ends() {
    // Arrange: one pair on track, one behind, one behind whose mentee
    // turned reminders off.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let c = cohort(&app, 3).await;
    let p = &c.pairs;
    for days in [5, 35, 65] {
        met(&app, &p[0].mentor, &p[0].match_id, days).await;
    }
    met(&app, &p[1].mentor, &p[1].match_id, 10).await;
    met(&app, &p[2].mentor, &p[2].match_id, 10).await;
    let off = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&p[2].mentee.token),
        )
        .json(&json!({"reminders": false}))
        .send()
        .await
        .unwrap();
    json_of(off, 200).await;

    // Act: the schedule runs twice today (two instances or a restart).
    let first = cadence::queue_reminders(&app.db, today(), 45)
        .await
        .unwrap();
    let second = cadence::queue_reminders(&app.db, today(), 45)
        .await
        .unwrap();

    // Assert
    let sent = reminders(&app, &admin).await;
    let mut expected = vec![
        p[1].mentor.id.to_string(),
        p[1].mentee.id.to_string(),
        p[2].mentor.id.to_string(),
    ];
    expected.sort();
    assert_eq!(recipients(&sent), expected);
    assert_eq!((first, second), (3, 0));
    let one = json_of(
        app.get(
            &format!("/api/v1/notifications/{}", sent[0]["id"].as_str().unwrap()),
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    let body = one.to_string();
    assert!(body.contains("1 of the 3 expected"), "{body}");
    assert!(!body.contains("secret-words"), "{body}");

    // Act: the second pair ends; a month later the other two are behind
    // (four meetings expected by then).
    let end = app
        .post(
            &format!("/api/v1/matches/{}/end-early", p[1].match_id),
            Some(&c.committee.token),
            &json!({"reason_code": "schedule"}),
        )
        .await;
    json_of(end, 200).await;
    let next_month = cadence::queue_reminders(&app.db, today() + Duration::days(31), 45)
        .await
        .unwrap();

    // Assert: only the pairs still running hear again (the mentee who
    // turned reminders off still hears nothing).
    assert_eq!(next_month, 3);
    let sent = reminders(&app, &admin).await;
    assert_eq!(sent.len(), 6);
    assert!(!recipients(&sent).contains(&p[2].mentee.id.to_string()));
    let ended_pair = [p[1].mentor.id.to_string(), p[1].mentee.id.to_string()];
    let to_ended = recipients(&sent)
        .into_iter()
        .filter(|r| ended_pair.contains(r))
        .count();
    assert_eq!(to_ended, 2, "no new reminder to an ended match");
}

#[tokio::test]
async fn ending_early_takes_a_listed_reason_and_the_free_text_other_needs() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 3).await;
    let end = |i: usize, body: Value| {
        let app = &app;
        let url = format!("/api/v1/matches/{}/end-early", c.pairs[i].match_id);
        let token = c.committee.token.clone();
        async move { app.post(&url, Some(&token), &body).await }
    };

    // Act + Assert: bad input, then two endings.
    for (body, field) in [
        (json!({}), "reason"),
        (json!({"reason_code": "other"}), "reason"),
        (json!({"reason_code": "other", "reason": "   "}), "reason"),
        (
            json!({"reason_code": "schedule", "reason": "x".repeat(2001)}),
            "reason",
        ),
    ] {
        let problem = assert_problem(end(0, body.clone()).await, 422).await;
        assert_eq!(problem_fields(&problem), [field], "{body}: {problem}");
    }
    assert_problem(end(0, json!({"reason_code": "bored"})).await, 422).await;
    let partner = app
        .post(
            &format!("/api/v1/matches/{}/end-early", c.pairs[0].match_id),
            Some(&c.pairs[0].mentee.token),
            &json!({"reason_code": "mismatch"}),
        )
        .await;
    assert_problem(partner, 403).await;

    let coded = json_of(end(0, json!({"reason_code": "job_change"})).await, 200).await;
    assert_eq!(coded["status"], "ended_early");
    assert_eq!(coded["ended_reason_code"], "job_change");
    assert_eq!(coded["ended_reason"], Value::Null);
    assert_eq!(coded["ended_on"], today().to_string());
    let worded = json_of(
        end(1, json!({"reason": " We could not find a time to meet. "})).await,
        200,
    )
    .await;
    assert_eq!(worded["ended_reason_code"], "other");
    assert_eq!(worded["ended_reason"], "We could not find a time to meet.");

    // The committee's cadence shows the endings and measures them on the
    // day they ended.
    let ended = cadence_page(&app, &c.committee, &c.cycle_id, "status=ended_early").await;
    assert_eq!(ended["total"], 2);
    let e = entry(&ended, &c.pairs[0].match_id);
    assert_eq!(e["ended_reason_code"], "job_change");
    assert_eq!(e["cadence"]["as_of"], today().to_string());
}

#[tokio::test]
async fn an_extension_keeps_the_pairs_reason_and_shows_it_with_their_agreement() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let pair = &c.pairs[0];
    let until = (today() + Duration::days(150)).to_string();
    let url = format!("/api/v1/matches/{}/extend", pair.match_id);

    // Act
    let long = app
        .post(
            &url,
            Some(&c.committee.token),
            &json!({"until": until, "reason": "x".repeat(2001)}),
        )
        .await;
    let extended = json_of(
        app.post(
            &url,
            Some(&c.committee.token),
            &json!({"until": until, "reason": " Finishing the portfolio review. "}),
        )
        .await,
        200,
    )
    .await;
    let agreement = json_of(
        app.get(
            &format!("/api/v1/matches/{}/agreement", pair.match_id),
            Some(&pair.mentee.token),
        )
        .await,
        200,
    )
    .await;
    let stranger = app.member().await;
    let hidden = app
        .get(
            &format!("/api/v1/matches/{}/agreement", pair.match_id),
            Some(&stranger.token),
        )
        .await;

    // Assert
    let problem = assert_problem(long, 422).await;
    assert_eq!(problem_fields(&problem), ["reason"]);
    assert_eq!(extended["extended_until"], until);
    assert_eq!(
        extended["extension_reason"],
        "Finishing the portfolio review."
    );
    let term = &agreement["term"];
    assert_eq!(term["starts_on"], days_ago(100));
    assert_eq!(term["ends_on"], until);
    assert_eq!(term["extended_until"], until);
    assert_eq!(term["extension_reason"], "Finishing the portfolio review.");
    assert_eq!(term["ended_on"], Value::Null);
    assert_problem(hidden, 404).await;
}
