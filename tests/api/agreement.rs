//! Partnership agreements: the cycle's template, the pair's agreement with
//! its versions and optimistic concurrency, signatures cleared by an edit
//! (and the other partner emailed), and who may read what.
use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::smtp::{Received, SmtpSink};

const WAIT: Duration = Duration::from_secs(10);

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> Response {
    app.request(Method::PUT, path, Some(token))
        .json(body)
        .send()
        .await
        .expect("request")
}

/// A cycle whose two members applied themselves and were matched.
struct Partnership {
    committee: TestUser,
    cycle_id: String,
    match_id: String,
    mentor: TestUser,
    mentee: TestUser,
}

impl Partnership {
    fn agreement(&self) -> String {
        format!("/api/v1/matches/{}/agreement", self.match_id)
    }
}

/// Two members apply, are accepted and matched; the match is approved and,
/// when `published`, published.
async fn partnership(app: &TestApp, published: bool) -> Partnership {
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mentor = app.member().await;
    let mentee = app.member().await;
    let mentor_app = app.applied(&mentor, &cycle_id, &mentor_body()).await;
    let mentee_app = app.applied(&mentee, &cycle_id, &mentee_body()).await;
    let (mentor_app, mentee_app) = (
        mentor_app["id"].as_str().unwrap().to_owned(),
        mentee_app["id"].as_str().unwrap().to_owned(),
    );
    app.accept_application(&committee, &mentor_app).await;
    app.accept_application(&committee, &mentee_app).await;
    app.transition(&committee, &cycle_id, "matching").await;
    let m = json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches"),
            Some(&committee.token),
            &json!({"mentor_application_id": mentor_app, "mentee_application_id": mentee_app}),
        )
        .await,
        201,
    )
    .await;
    let match_id = m["id"].as_str().unwrap().to_owned();
    json_of(
        app.post(
            &format!("/api/v1/matches/{match_id}/approve"),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    if published {
        json_of(
            app.post(
                &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
                Some(&committee.token),
                &json!({}),
            )
            .await,
            200,
        )
        .await;
    }
    Partnership {
        committee,
        cycle_id,
        match_id,
        mentor,
        mentee,
    }
}

async fn read(app: &TestApp, p: &Partnership, who: &TestUser) -> Value {
    json_of(app.get(&p.agreement(), Some(&who.token)).await, 200).await
}

async fn save(app: &TestApp, p: &Partnership, who: &TestUser, body: Value) -> Response {
    put(app, &p.agreement(), &who.token, &body).await
}

async fn saved(app: &TestApp, p: &Partnership, who: &TestUser, body: Value) -> Value {
    json_of(save(app, p, who, body).await, 200).await
}

async fn sign(app: &TestApp, p: &Partnership, who: &TestUser) -> Response {
    app.post(
        &format!("{}/sign", p.agreement()),
        Some(&who.token),
        &json!({}),
    )
    .await
}

fn answer<'a>(agreement: &'a Value, key: &str) -> &'a Value {
    agreement["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .map(|s| &s["answer"])
        .unwrap_or_else(|| panic!("no section {key}: {agreement}"))
}

const DEFAULT_KEYS: [&str; 6] = [
    "communication_styles",
    "goals",
    "mode_and_channel",
    "meeting_frequency",
    "confidentiality",
    "concerns_and_ending",
];

#[tokio::test]
async fn both_partners_read_the_default_templates_sections_unanswered() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;

    // Act
    let mentor_view = read(&app, &p, &p.mentor).await;
    let mentee_view = read(&app, &p, &p.mentee).await;
    let template = json_of(
        app.get(
            &format!("/api/v1/cycles/{}/agreement-template", p.cycle_id),
            Some(&p.mentee.token),
        )
        .await,
        200,
    )
    .await;

    // Assert
    assert_eq!(mentor_view, mentee_view);
    assert_eq!(mentor_view["version"], 0);
    assert_eq!(mentor_view["match_id"], p.match_id.as_str());
    let keys: Vec<&str> = mentor_view["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, DEFAULT_KEYS);
    for key in DEFAULT_KEYS {
        assert_eq!(answer(&mentor_view, key), "");
    }
    assert_eq!(
        mentor_view["signatures"],
        json!({"mentor_signed_at": null, "mentee_signed_at": null})
    );
    assert_eq!(mentor_view["complete"], false);
    assert_eq!(template["is_default"], true);
    assert_eq!(template["sections"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_save_with_the_right_version_bumps_it_and_a_stale_one_is_a_409_that_loses_nothing() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    let first = saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "Plan a workshop together"}}),
    )
    .await;
    assert_eq!(first["version"], 1);
    let second = saved(
        &app,
        &p,
        &p.mentee,
        json!({"version": 1, "answers": {"meeting_frequency": "First Tuesday, 4pm"}}),
    )
    .await;
    assert_eq!(second["version"], 2);
    assert_eq!(answer(&second, "goals"), "Plan a workshop together");

    // Act: the mentor saves over the version they read before.
    let stale = save(
        &app,
        &p,
        &p.mentor,
        json!({"version": 1, "answers": {"goals": "Something else"}}),
    )
    .await;

    // Assert
    let problem = assert_problem(stale, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("version 2"),
        "{problem}"
    );
    let now = read(&app, &p, &p.mentor).await;
    assert_eq!(now["version"], 2);
    assert_eq!(answer(&now, "goals"), "Plan a workshop together");
    assert_eq!(answer(&now, "meeting_frequency"), "First Tuesday, 4pm");
    assert_eq!(now["updated_by"], p.mentee.id.to_string());
}

#[tokio::test]
async fn two_partners_saving_the_same_version_at_once_make_one_save_and_one_409() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    saved(&app, &p, &p.mentor, json!({"version": 0, "answers": {}})).await;

    // Act
    let (a, b) = tokio::join!(
        save(
            &app,
            &p,
            &p.mentor,
            json!({"version": 1, "answers": {"goals": "mentor's"}})
        ),
        save(
            &app,
            &p,
            &p.mentee,
            json!({"version": 1, "answers": {"confidentiality": "mentee's"}})
        ),
    );

    // Assert
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let now = read(&app, &p, &p.mentee).await;
    assert_eq!(now["version"], 2);
    let kept = [answer(&now, "goals"), answer(&now, "confidentiality")];
    assert!(kept.contains(&&json!("")), "exactly one edit landed: {now}");
}

#[tokio::test]
async fn both_partners_sign_and_the_agreement_is_complete_but_a_side_signs_once() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    assert_problem(sign(&app, &p, &p.mentor).await, 409).await; // never saved
    saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "Grow"}}),
    )
    .await;

    // Act
    let half = json_of(sign(&app, &p, &p.mentor).await, 200).await;
    let twice = sign(&app, &p, &p.mentor).await;
    let whole = json_of(sign(&app, &p, &p.mentee).await, 200).await;

    // Assert
    assert!(half["signatures"]["mentor_signed_at"].is_string());
    assert!(half["signatures"]["mentee_signed_at"].is_null());
    assert_eq!(half["complete"], false);
    assert_problem(twice, 409).await;
    assert!(whole["signatures"]["mentee_signed_at"].is_string());
    assert_eq!(whole["complete"], true);
    assert_eq!(whole["version"], 1);
}

fn is_changed(m: &Received) -> bool {
    m.subject()
        .is_some_and(|s| s.contains("changed your partnership agreement"))
}

/// Waits until `n` "agreement changed" messages have arrived; returns all.
async fn changed_mail(sink: &SmtpSink, n: usize) -> Vec<Received> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = sink.messages();
        if all.iter().filter(|m| is_changed(m)).count() >= n {
            return all;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no agreement_changed message in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_edit_after_signing_clears_both_signatures_and_emails_the_other_partner_once() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[
        ("SMTP_URL", sink.url().as_str()),
        ("MAIL_FROM", "WLA Mentorship <mentorship@wla.example.org>"),
        ("PUBLIC_BASE_URL", "https://wla.example.org"),
        ("MAIL_RETRY_BASE_MS", "20"),
    ])
    .await;
    let p = partnership(&app, true).await;
    saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "Grow"}}),
    )
    .await;
    json_of(sign(&app, &p, &p.mentor).await, 200).await;
    json_of(sign(&app, &p, &p.mentee).await, 200).await;
    // Sharing changes no answer: the signatures stay.
    let shared = saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 1, "shared_with_committee": true}),
    )
    .await;
    assert_eq!(shared["complete"], true);

    // Act
    let edited = saved(
        &app,
        &p,
        &p.mentee,
        json!({"version": 2, "answers": {"goals": "Grow and publish"}}),
    )
    .await;

    // Assert
    assert_eq!(edited["version"], 3);
    assert_eq!(
        edited["signatures"],
        json!({"mentor_signed_at": null, "mentee_signed_at": null})
    );
    assert_eq!(edited["complete"], false);
    let all = changed_mail(&sink, 1).await;
    let changed: Vec<_> = all.iter().filter(|m| is_changed(m)).collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].to, vec![p.mentor.email.clone()]);
    let link = format!("https://wla.example.org/matches/{}/agreement", p.match_id);
    assert!(
        changed[0].text_body().contains(&link),
        "{}",
        changed[0].text_body()
    );
    // A further edit while unsigned sends nothing more.
    saved(
        &app,
        &p,
        &p.mentee,
        json!({"version": 3, "answers": {"goals": "Grow, publish, present"}}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(sink.messages().iter().filter(|m| is_changed(m)).count(), 1);
}

#[tokio::test]
async fn the_versions_list_holds_each_saved_version_with_who_and_what() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "A"}}),
    )
    .await;
    saved(
        &app,
        &p,
        &p.mentee,
        json!({"version": 1, "answers": {"goals": "B"}}),
    )
    .await;
    saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 2, "answers": {"goals": "C"}}),
    )
    .await;

    // Act
    let page = json_of(
        app.get(
            &format!("{}/versions", p.agreement()),
            Some(&p.mentee.token),
        )
        .await,
        200,
    )
    .await;

    // Assert
    assert_eq!(page["total"], 3);
    let items = page["items"].as_array().unwrap();
    let got: Vec<(i64, &str, &str)> = items
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["answers"]["goals"].as_str().unwrap(),
                v["updated_by"].as_str().unwrap(),
            )
        })
        .collect();
    let (mentor, mentee) = (p.mentor.id.to_string(), p.mentee.id.to_string());
    assert_eq!(
        got,
        [
            (1, "A", mentor.as_str()),
            (2, "B", mentee.as_str()),
            (3, "C", mentor.as_str())
        ]
    );
}

#[tokio::test]
async fn another_member_gets_a_404_from_every_agreement_endpoint() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "A"}}),
    )
    .await;
    let other = app.member().await;

    // Act + Assert
    assert_problem(app.get(&p.agreement(), Some(&other.token)).await, 404).await;
    assert_problem(
        save(
            &app,
            &p,
            &other,
            json!({"version": 1, "answers": {"goals": "x"}}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(sign(&app, &p, &other).await, 404).await;
    assert_problem(
        app.get(&format!("{}/versions", p.agreement()), Some(&other.token))
            .await,
        404,
    )
    .await;
    assert_eq!(answer(&read(&app, &p, &p.mentor).await, "goals"), "A");
}

#[tokio::test]
async fn the_committee_sees_signatures_but_not_answers_until_the_pair_shares_them() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    saved(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "Private"}}),
    )
    .await;
    json_of(sign(&app, &p, &p.mentee).await, 200).await;
    let versions = format!("{}/versions", p.agreement());

    // Act
    let unshared = read(&app, &p, &p.committee).await;
    let unshared_versions = app.get(&versions, Some(&p.committee.token)).await;
    let committee_edit = save(
        &app,
        &p,
        &p.committee,
        json!({"version": 1, "answers": {"goals": "x"}}),
    )
    .await;
    saved(
        &app,
        &p,
        &p.mentee,
        json!({"version": 1, "shared_with_committee": true}),
    )
    .await;
    let shared = read(&app, &p, &p.committee).await;
    let shared_versions = app.get(&versions, Some(&p.committee.token)).await;

    // Assert
    assert!(unshared["signatures"]["mentee_signed_at"].is_string());
    for section in unshared["sections"].as_array().unwrap() {
        assert!(section["answer"].is_null(), "{unshared}");
        assert!(section["title"].is_string());
    }
    assert_problem(unshared_versions, 404).await;
    assert_problem(committee_edit, 403).await;
    assert_eq!(shared["shared_with_committee"], true);
    assert_eq!(answer(&shared, "goals"), "Private");
    assert_eq!(json_of(shared_versions, 200).await["total"], 2);
}

#[tokio::test]
async fn a_match_not_yet_published_has_no_agreement() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, false).await;

    // Act + Assert
    for who in [&p.mentor, &p.mentee, &p.committee] {
        assert_problem(app.get(&p.agreement(), Some(&who.token)).await, 404).await;
    }
    assert_problem(
        save(&app, &p, &p.mentor, json!({"version": 0, "answers": {}})).await,
        404,
    )
    .await;
    assert_problem(sign(&app, &p, &p.mentee).await, 404).await;
}

#[tokio::test]
async fn the_committee_sets_a_cycles_template_and_new_agreements_use_it() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;
    let path = format!("/api/v1/cycles/{}/agreement-template", p.cycle_id);
    let body = json!({"sections": [
        {"key": "goals", "title": "  Goals  ", "prompt": "What will you achieve?"},
        {"key": "cadence", "title": "Cadence", "prompt": ""}
    ]});

    // Act
    let by_member = put(&app, &path, &p.mentor.token, &body).await;
    let set = json_of(put(&app, &path, &p.committee.token, &body).await, 200).await;
    let agreement = read(&app, &p, &p.mentee).await;

    // Assert
    assert_problem(by_member, 403).await;
    assert_eq!(set["is_default"], false);
    assert_eq!(set["sections"][0]["title"], "Goals");
    let keys: Vec<&str> = agreement["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["goals", "cadence"]);
}

#[tokio::test]
async fn a_bad_template_is_a_422_naming_the_section_field() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let path = format!("/api/v1/cycles/{cycle_id}/agreement-template");
    let section = |key: &str| json!({"key": key, "title": "T", "prompt": "P"});

    // Act
    let bad_key = put(
        &app,
        &path,
        &committee.token,
        &json!({"sections": [section("goals"), section("ok_2"), section("Bad-Key")]}),
    )
    .await;
    let duplicate = put(
        &app,
        &path,
        &committee.token,
        &json!({"sections": [section("goals"), section("goals")]}),
    )
    .await;
    let empty = put(&app, &path, &committee.token, &json!({"sections": []})).await;
    let unknown = put(
        &app,
        &path,
        &committee.token,
        &json!({"sections": [{"key": "a", "title": "T", "colour": "red"}]}),
    )
    .await;

    // Assert
    assert_eq!(
        problem_fields(&assert_problem(bad_key, 422).await),
        ["sections.2.key"]
    );
    assert_eq!(
        problem_fields(&assert_problem(duplicate, 422).await),
        ["sections.1.key"]
    );
    assert_eq!(
        problem_fields(&assert_problem(empty, 422).await),
        ["sections"]
    );
    assert_eq!(
        problem_fields(&assert_problem(unknown, 422).await),
        ["sections.0.colour"]
    );
}

#[tokio::test]
async fn unknown_fields_and_answers_to_no_section_are_422s_naming_them() {
    // Arrange
    let app = spawn_app().await;
    let p = partnership(&app, true).await;

    // Act
    let unknown_field = save(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {}, "signed": true}),
    )
    .await;
    let unknown_key = save(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"hobbies": "chess"}}),
    )
    .await;
    let too_long = save(
        &app,
        &p,
        &p.mentor,
        json!({"version": 0, "answers": {"goals": "x".repeat(5001)}}),
    )
    .await;

    // Assert
    assert_eq!(
        problem_fields(&assert_problem(unknown_field, 422).await),
        ["signed"]
    );
    assert_eq!(
        problem_fields(&assert_problem(unknown_key, 422).await),
        ["answers.hobbies"]
    );
    assert_eq!(
        problem_fields(&assert_problem(too_long, 422).await),
        ["answers.goals"]
    );
    assert_eq!(read(&app, &p, &p.mentor).await["version"], 0);
}
