//! Matches: made by hand under the hard rules and live-match limits,
//! approved, published, seen by both people (and nothing private), their
//! later life, the committee's audit trail, and concurrent proposals.
use std::collections::BTreeSet;

use reqwest::Response;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use wla_mentorship::store::members;

use crate::helpers::*;

fn mentor(fields: Value) -> Value {
    overlay(mentor_body(), fields)
}

fn mentee(fields: Value) -> Value {
    overlay(mentee_body(), fields)
}

fn detail(problem: &Value) -> &str {
    problem["detail"].as_str().expect("detail")
}

async fn propose(
    app: &TestApp,
    user: &TestUser,
    cycle_id: &str,
    mentor_id: &str,
    mentee_id: &str,
    extra: Value,
) -> Response {
    let body = overlay(
        json!({"mentor_application_id": mentor_id, "mentee_application_id": mentee_id}),
        extra,
    );
    app.post(
        &format!("/api/v1/cycles/{cycle_id}/matches"),
        Some(&user.token),
        &body,
    )
    .await
}

/// Proposes a pair, asserting a 201; returns the match.
async fn proposed(
    app: &TestApp,
    user: &TestUser,
    cycle_id: &str,
    mentor_id: &str,
    mentee_id: &str,
) -> Value {
    json_of(
        propose(app, user, cycle_id, mentor_id, mentee_id, json!({})).await,
        201,
    )
    .await
}

/// `POST /matches/{id}/{verb}`.
async fn act(app: &TestApp, user: &TestUser, match_id: &str, verb: &str, body: Value) -> Response {
    app.post(
        &format!("/api/v1/matches/{match_id}/{verb}"),
        Some(&user.token),
        &body,
    )
    .await
}

/// Applies `verb`, asserting a 200; returns the match.
async fn acted(app: &TestApp, user: &TestUser, match_id: &str, verb: &str) -> Value {
    json_of(act(app, user, match_id, verb, json!({})).await, 200).await
}

async fn publish(app: &TestApp, user: &TestUser, cycle_id: &str) -> Response {
    app.post(
        &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
        Some(&user.token),
        &json!({}),
    )
    .await
}

async fn total_matches(app: &TestApp, committee: &TestUser, cycle_id: &str, query: &str) -> u64 {
    let path = format!("/api/v1/cycles/{cycle_id}/matches{query}");
    list_total(app, committee, &path).await
}

/// The `total` of the list at `path`.
async fn list_total(app: &TestApp, user: &TestUser, path: &str) -> u64 {
    let res = app.get(path, Some(&user.token)).await;
    json_of(res, 200).await["total"].as_u64().unwrap()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// A cycle in matching with one accepted mentor and one accepted mentee.
struct Pair {
    committee: TestUser,
    cycle_id: String,
    mentor: String,
    mentee: String,
}

async fn pair(app: &TestApp) -> Pair {
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentor = app
        .accepted_applicant(&committee, &cycle_id, mentor(json!({})))
        .await;
    let mentee = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;
    Pair {
        committee,
        cycle_id,
        mentor,
        mentee,
    }
}

/// A pair matched, approved and published; returns the match id.
async fn active_match(app: &TestApp, p: &Pair) -> String {
    let m = proposed(app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let id = id_of(&m);
    acted(app, &p.committee, &id, "approve").await;
    json_of(publish(app, &p.committee, &p.cycle_id).await, 200).await;
    id
}

// ---------------------------------------------------------------- by hand

#[tokio::test]
async fn declining_an_application_cancels_its_unpublished_match_so_publishing_skips_it() {
    // Arrange: an approved match.
    let app = spawn_app().await;
    let p = pair(&app).await;
    let id = id_of(&proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await);
    acted(&app, &p.committee, &id, "approve").await;

    // Act: the committee changes its mind about the mentee, then publishes.
    let declined = app
        .post(
            &format!("/api/v1/applications/{}/review", p.mentee),
            Some(&p.committee.token),
            &json!({"decision": "declined"}),
        )
        .await;
    let published = json_of(publish(&app, &p.committee, &p.cycle_id).await, 200).await;

    // Assert
    json_of(declined, 200).await;
    assert_eq!(published["published"], 0);
    let m = json_of(
        app.get(&format!("/api/v1/matches/{id}"), Some(&p.committee.token))
            .await,
        200,
    )
    .await;
    assert_eq!(m["status"], "cancelled");
    let mentee = json_of(
        app.get(
            &format!("/api/v1/applications/{}", p.mentee),
            Some(&p.committee.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mentee["status"], "declined");
}

#[tokio::test]
async fn a_match_made_by_hand_is_proposed_with_its_score_and_note() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;

    // Act
    let res = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &p.mentee,
        json!({"note": "  Both care about instruction. "}),
    )
    .await;

    // Assert
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created = json_of(res, 201).await;
    assert_eq!(location, format!("/api/v1/matches/{}", id_of(&created)));
    assert_eq!(created["status"], "proposed");
    assert_eq!(created["cycle_id"], p.cycle_id.as_str());
    assert_eq!(created["mentor_application_id"], p.mentor.as_str());
    assert_eq!(created["mentee_application_id"], p.mentee.as_str());
    assert_eq!(created["matching_run_id"], Value::Null);
    assert_eq!(created["note"], "Both care about instruction.");
    assert_eq!(created["published_at"], Value::Null);
    let breakdown = created["breakdown"].as_array().unwrap();
    assert_eq!(breakdown.len(), 7);
    let sum: i64 = breakdown
        .iter()
        .map(|c| c["weight"].as_i64().unwrap() * c["score"].as_i64().unwrap())
        .sum();
    assert_eq!(created["score"], sum);
    let fetched = app.get(&location, Some(&p.committee.token)).await;
    assert_eq!(json_of(fetched, 200).await, created);
}

#[tokio::test]
async fn the_same_mentee_cannot_be_matched_twice() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let other_mentor = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentor(json!({})))
        .await;
    proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;

    // Act
    let res = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &other_mentor,
        &p.mentee,
        json!({}),
    )
    .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(
        detail(&problem).contains("already has a live match"),
        "{problem}"
    );
    assert_eq!(total_matches(&app, &p.committee, &p.cycle_id, "").await, 1);
}

#[tokio::test]
async fn a_pair_from_the_same_employer_is_a_409_unless_the_committee_allows_it() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentor_id = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentor(json!({"employer": "Spokane Public Library"})),
        )
        .await;
    let mentee_id = app
        .accepted_applicant(
            &committee,
            &cycle_id,
            mentee(json!({"employer": " spokane public library"})),
        )
        .await;

    // Act
    let refused = propose(
        &app,
        &committee,
        &cycle_id,
        &mentor_id,
        &mentee_id,
        json!({}),
    )
    .await;
    let allowed = propose(
        &app,
        &committee,
        &cycle_id,
        &mentor_id,
        &mentee_id,
        json!({"allow_same_employer": true}),
    )
    .await;

    // Assert
    let problem = assert_problem(refused, 409).await;
    assert!(detail(&problem).contains("same employer"), "{problem}");
    assert_eq!(json_of(allowed, 201).await["status"], "proposed");
}

#[tokio::test]
async fn an_application_that_is_not_accepted_cannot_be_matched() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentor_id = app
        .accepted_applicant(&committee, &cycle_id, mentor(json!({})))
        .await;
    let member_id = app.db_member("Waitlisted Mentee").await;
    let waitlisted = app
        .applied(
            &committee,
            &cycle_id,
            &mentee(json!({"member_id": member_id})),
        )
        .await;
    let waitlisted = id_of(&waitlisted);
    let res = app
        .post(
            &format!("/api/v1/applications/{waitlisted}/review"),
            Some(&committee.token),
            &json!({"decision": "waitlisted", "note": ""}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // Act
    let res = propose(
        &app,
        &committee,
        &cycle_id,
        &mentor_id,
        &waitlisted,
        json!({}),
    )
    .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(detail(&problem).contains("accepted"), "{problem}");
    assert_eq!(total_matches(&app, &committee, &cycle_id, "").await, 0);
}

#[tokio::test]
async fn two_mentors_or_an_application_of_another_cycle_cannot_be_matched() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let second_mentor = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentor(json!({})))
        .await;
    let other_cycle = app.cycle_in_matching(&p.committee).await;
    let elsewhere = app
        .accepted_applicant(&p.committee, &other_cycle, mentee(json!({})))
        .await;

    // Act
    let two_mentors = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &second_mentor,
        json!({}),
    )
    .await;
    let swapped = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentee,
        &p.mentor,
        json!({}),
    )
    .await;
    let foreign = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &elsewhere,
        json!({}),
    )
    .await;

    // Assert
    for res in [two_mentors, swapped] {
        let problem = assert_problem(res, 409).await;
        assert!(
            detail(&problem).contains("one mentor application"),
            "{problem}"
        );
    }
    let problem = assert_problem(foreign, 409).await;
    assert!(detail(&problem).contains("this cycle"), "{problem}");
}

#[tokio::test]
async fn a_match_naming_a_run_that_is_not_of_its_cycle_is_a_422() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let other_cycle = app.cycle_in_matching(&p.committee).await;
    let res = app
        .post(
            &format!("/api/v1/cycles/{other_cycle}/matching-runs"),
            Some(&p.committee.token),
            &json!({}),
        )
        .await;
    let other_run = json_of(res, 201).await;

    // Act
    let unknown = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &p.mentee,
        json!({"matching_run_id": uuid::Uuid::new_v4()}),
    )
    .await;
    let foreign = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &p.mentee,
        json!({"matching_run_id": other_run["id"]}),
    )
    .await;

    // Assert
    for res in [unknown, foreign] {
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), ["matching_run_id"]);
    }
    assert_eq!(total_matches(&app, &p.committee, &p.cycle_id, "").await, 0);
}

#[tokio::test]
async fn a_mentor_at_capacity_cannot_take_another_mentee() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let second_mentee = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentee(json!({})))
        .await;
    proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;

    // Act
    let res = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &second_mentee,
        json!({}),
    )
    .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(detail(&problem).contains("capacity"), "{problem}");
    assert_eq!(total_matches(&app, &p.committee, &p.cycle_id, "").await, 1);
}

#[tokio::test]
async fn a_match_in_a_cycle_still_open_is_a_409() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mentor_id = app
        .accepted_applicant(&committee, &cycle_id, mentor(json!({})))
        .await;
    let mentee_id = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;

    // Act
    let res = propose(
        &app,
        &committee,
        &cycle_id,
        &mentor_id,
        &mentee_id,
        json!({}),
    )
    .await;

    // Assert
    let problem = assert_problem(res, 409).await;
    assert!(detail(&problem).contains("open"), "{problem}");
}

#[tokio::test]
async fn an_unknown_match_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let unknown = uuid::Uuid::new_v4();

    // Act
    let get = app
        .get(
            &format!("/api/v1/matches/{unknown}"),
            Some(&committee.token),
        )
        .await;
    let approve = act(&app, &committee, &unknown.to_string(), "approve", json!({})).await;
    let events = app
        .get(
            &format!("/api/v1/matches/{unknown}/events"),
            Some(&committee.token),
        )
        .await;

    // Assert
    for res in [get, approve, events] {
        assert_problem(res, 404).await;
    }
}

// ---------------------------------------------------------------- lifecycle

#[tokio::test]
async fn approving_and_publishing_makes_the_match_active_and_both_applications_matched() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let id = id_of(&m);
    let approved = acted(&app, &p.committee, &id, "approve").await;
    assert_eq!(approved["status"], "approved");

    // Act
    let res = publish(&app, &p.committee, &p.cycle_id).await;

    // Assert
    let body = json_of(res, 200).await;
    assert_eq!(body["published"], 1);
    assert_eq!(body["matches"][0]["id"], id.as_str());
    assert_eq!(body["matches"][0]["status"], "active");
    assert!(body["matches"][0]["published_at"].is_string(), "{body}");
    let fetched = app
        .get(&format!("/api/v1/matches/{id}"), Some(&p.committee.token))
        .await;
    assert_eq!(json_of(fetched, 200).await["status"], "active");
    for application in [&p.mentor, &p.mentee] {
        let res = app
            .get(
                &format!("/api/v1/applications/{application}"),
                Some(&p.committee.token),
            )
            .await;
        assert_eq!(json_of(res, 200).await["status"], "matched");
    }
    let again = json_of(publish(&app, &p.committee, &p.cycle_id).await, 200).await;
    assert_eq!(again["published"], 0, "nothing is published twice");
    let summary = app
        .get(
            &format!("/api/v1/cycles/{}/applications/summary", p.cycle_id),
            Some(&p.committee.token),
        )
        .await;
    let summary = json_of(summary, 200).await;
    assert_eq!(summary["by_role"]["mentor"]["matched"], 1);
    assert_eq!(
        summary["accepted_mentor_capacity"], 1,
        "a matched mentor's places still count"
    );
    assert!(assert_counts_kept(&app).await >= 2);
}

#[tokio::test]
async fn publishing_records_each_application_becoming_matched_once_in_its_audit_trail() {
    // Arrange: a mentor of capacity 2 whose two matches are published in
    // two rounds.
    let app = spawn_app().await;
    let p = pair(&app).await;
    let mentor_id = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentor(json!({"capacity": 2})))
        .await;
    let second_mentee = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentee(json!({})))
        .await;
    let first = proposed(&app, &p.committee, &p.cycle_id, &mentor_id, &p.mentee).await;
    acted(&app, &p.committee, &id_of(&first), "approve").await;
    json_of(publish(&app, &p.committee, &p.cycle_id).await, 200).await;
    let second = proposed(&app, &p.committee, &p.cycle_id, &mentor_id, &second_mentee).await;
    acted(&app, &p.committee, &id_of(&second), "approve").await;

    // Act
    json_of(publish(&app, &p.committee, &p.cycle_id).await, 200).await;

    // Assert
    let matched_entries = |application: String| {
        let path = format!("/api/v1/applications/{application}/audit");
        let (app, token) = (&app, p.committee.token.clone());
        async move {
            let trail = json_of(app.get(&path, Some(&token)).await, 200).await;
            trail["items"]
                .as_array()
                .expect("a list")
                .iter()
                .filter(|e| e["action"] == "matched")
                .map(|e| (e["fields"].clone(), e["actor_id"].clone()))
                .collect::<Vec<_>>()
        }
    };
    let committee_id = json!(p.committee.id);
    for application in [mentor_id, p.mentee.clone(), second_mentee] {
        assert_eq!(
            matched_entries(application).await,
            [(json!(["status"]), committee_id.clone())]
        );
    }
}

#[tokio::test]
async fn publishing_leaves_proposed_matches_alone() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;

    // Act
    let body = json_of(publish(&app, &p.committee, &p.cycle_id).await, 200).await;

    // Assert
    assert_eq!(body["published"], 0);
    assert_eq!(body["matches"], json!([]));
    let fetched = app
        .get(
            &format!("/api/v1/matches/{}", id_of(&m)),
            Some(&p.committee.token),
        )
        .await;
    assert_eq!(json_of(fetched, 200).await["status"], "proposed");
}

/// A pair's match approved and a second pair's proposed, in one cycle:
/// the pair, and the approved match.
async fn one_approved_one_proposed(app: &TestApp) -> (Pair, Value) {
    let p = pair(app).await;
    let second_mentor = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentor(json!({})))
        .await;
    let second_mentee = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentee(json!({})))
        .await;
    let first = proposed(app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    proposed(
        app,
        &p.committee,
        &p.cycle_id,
        &second_mentor,
        &second_mentee,
    )
    .await;
    acted(app, &p.committee, &id_of(&first), "approve").await;
    (p, first)
}

#[tokio::test]
async fn the_list_filters_by_status() {
    // Arrange
    let app = spawn_app().await;
    let (p, first) = one_approved_one_proposed(&app).await;

    // Act
    let approved = app
        .get(
            &format!("/api/v1/cycles/{}/matches?status=approved", p.cycle_id),
            Some(&p.committee.token),
        )
        .await;

    // Assert
    let page = json_of(approved, 200).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], first["id"]);
    assert_eq!(
        total_matches(&app, &p.committee, &p.cycle_id, "?status=proposed").await,
        1
    );
    assert_eq!(total_matches(&app, &p.committee, &p.cycle_id, "").await, 2);
    assert_eq!(
        assert_counts_kept(&app).await,
        2 + 2,
        "matches and applications by status"
    );
    // A match removed outside the API leaves its count too.
    let first_id: uuid::Uuid = first["id"].as_str().unwrap().parse().unwrap();
    wla_mentorship::store::entities::matches::Entity::delete_by_id(first_id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(total_matches(&app, &p.committee, &p.cycle_id, "").await, 1);
    assert_eq!(
        total_matches(&app, &p.committee, &p.cycle_id, "?status=approved").await,
        0
    );
    assert_counts_kept(&app).await;
    let bad = app
        .get(
            &format!("/api/v1/cycles/{}/matches?status=maybe", p.cycle_id),
            Some(&p.committee.token),
        )
        .await;
    assert_problem(bad, 400).await;
}

#[tokio::test]
async fn the_counts_are_taken_from_the_rows_already_there_when_they_are_first_kept() {
    use migration::MigratorTrait;

    // Arrange: matches and applications in several statuses, then the
    // database as it was before the counts were kept (and before
    // PostgreSQL kept them as deltas).
    let app = spawn_app().await;
    let (p, _) = one_approved_one_proposed(&app).await;
    let before_counts = migrations_since("m20261206_000020_list_counts");
    migration::Migrator::down(&app.db, Some(before_counts))
        .await
        .unwrap();

    // Act
    migration::Migrator::up(&app.db, None).await.unwrap();

    // Assert
    assert_eq!(assert_counts_kept(&app).await, 2 + 2);
    assert_eq!(
        total_matches(&app, &p.committee, &p.cycle_id, "?status=approved").await,
        1
    );
}

/// Sets the status of the application `id` in `txn`, as a statement of
/// its own.
async fn set_status_in(txn: &sea_orm::DatabaseTransaction, id: &str, status: &str) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    use wla_mentorship::store::entities::application;
    let id: uuid::Uuid = id.parse().unwrap();
    application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(status))
        .filter(application::Column::Id.eq(id))
        .exec(txn)
        .await
        .unwrap();
}

#[tokio::test]
async fn writers_moving_counts_in_opposite_orders_both_commit() {
    use sea_orm::TransactionTrait;
    use std::time::Duration;

    // Arrange: two accepted mentors and two accepted mentees in one cycle.
    let app = spawn_app().await;
    let p = pair(&app).await;
    let (other_mentor, other_mentee) = two_more(&app, &p).await;
    let first = app.db.begin().await.unwrap();
    let second = app.db.begin().await.unwrap();

    // Act: each transaction moves a mentee's count and a mentor's, in
    // opposite orders. A count row locked by its first statement until
    // the commit would leave the first transaction waiting on the second
    // here, and the second on the first below (PostgreSQL breaks such a
    // deadlock by failing one). SQLite writes one transaction at a time.
    set_status_in(&first, &p.mentee, "waitlisted").await;
    if is_postgres() {
        set_status_in(&second, &p.mentor, "waitlisted").await;
        tokio::time::timeout(
            Duration::from_secs(10),
            set_status_in(&first, &other_mentor, "declined"),
        )
        .await
        .expect("the first writer waited on a count the second holds");
        set_status_in(&second, &other_mentee, "declined").await;
        first.commit().await.unwrap();
        second.commit().await.unwrap();
    } else {
        set_status_in(&first, &other_mentor, "declined").await;
        first.commit().await.unwrap();
        set_status_in(&second, &p.mentor, "waitlisted").await;
        set_status_in(&second, &other_mentee, "declined").await;
        second.commit().await.unwrap();
    }

    // Assert: the totals are the rows' own, before and after a fold; a
    // fold leaves one row per key and none at zero (no application is
    // accepted any more).
    assert_eq!(assert_counts_kept(&app).await, 4);
    wla_mentorship::store::fold_counts_once(&app.db)
        .await
        .unwrap();
    assert_eq!(assert_counts_kept(&app).await, 4);
    assert_eq!(count_rows(&app, "application_counts").await, 4);
    assert_eq!(
        total_applications(&app, &p.committee, &p.cycle_id, "?status=accepted").await,
        0
    );
    assert_eq!(
        total_applications(&app, &p.committee, &p.cycle_id, "?status=declined").await,
        2
    );
}

/// The rows of `table`.
async fn count_rows(app: &TestApp, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let backend = app.db.get_database_backend();
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// The `total` of the cycle's list of applications with `query`.
async fn total_applications(app: &TestApp, user: &TestUser, cycle_id: &str, query: &str) -> u64 {
    let path = format!("/api/v1/cycles/{cycle_id}/applications{query}");
    list_total(app, user, &path).await
}

#[tokio::test]
async fn cancelling_frees_the_mentee_and_the_mentors_slot() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let (other_mentor, other_mentee) = two_more(&app, &p).await;
    let first = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;

    // Act
    let cancelled = acted(&app, &p.committee, &id_of(&first), "cancel").await;

    // Assert
    assert_eq!(cancelled["status"], "cancelled");
    let for_mentee = proposed(&app, &p.committee, &p.cycle_id, &other_mentor, &p.mentee).await;
    assert_eq!(for_mentee["status"], "proposed");
    let for_mentor = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &other_mentee).await;
    assert_eq!(for_mentor["status"], "proposed");
    assert_eq!(
        total_matches(&app, &p.committee, &p.cycle_id, "?status=cancelled").await,
        1
    );
}

/// A second mentor and a second mentee, both free, beside `p`.
async fn two_more(app: &TestApp, p: &Pair) -> (String, String) {
    let other_mentor = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentor(json!({})))
        .await;
    let other_mentee = app
        .accepted_applicant(&p.committee, &p.cycle_id, mentee(json!({})))
        .await;
    (other_mentor, other_mentee)
}

#[tokio::test]
async fn a_completed_match_keeps_its_mentee_and_the_mentors_slot_for_the_cycle() {
    // Arrange: a mentor of capacity 1 whose one match is completed.
    let app = spawn_app().await;
    let p = pair(&app).await;
    let (other_mentor, other_mentee) = two_more(&app, &p).await;
    let id = active_match(&app, &p).await;
    acted(&app, &p.committee, &id, "complete").await;

    // Act
    let for_mentee = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &other_mentor,
        &p.mentee,
        json!({}),
    )
    .await;
    let for_mentor = propose(
        &app,
        &p.committee,
        &p.cycle_id,
        &p.mentor,
        &other_mentee,
        json!({}),
    )
    .await;
    let run = app
        .post(
            &format!("/api/v1/cycles/{}/matching-runs", p.cycle_id),
            Some(&p.committee.token),
            &json!({}),
        )
        .await;
    let candidates = app
        .get(
            &format!("/api/v1/applications/{}/candidates", p.mentor),
            Some(&p.committee.token),
        )
        .await;

    // Assert
    let problem = assert_problem(for_mentee, 409).await;
    assert!(detail(&problem).contains("completed a match"), "{problem}");
    let problem = assert_problem(for_mentor, 409).await;
    assert!(detail(&problem).contains("capacity"), "{problem}");
    let run = json_of(run, 201).await;
    let pairs: Vec<(&str, &str)> = run["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .map(|x| {
            (
                x["mentor_application_id"].as_str().unwrap(),
                x["mentee_application_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, [(other_mentor.as_str(), other_mentee.as_str())]);
    let candidates = json_of(candidates, 200).await;
    assert_eq!(candidates["feasible"], json!([]), "{candidates}");
    assert_eq!(
        candidates["excluded"][0]["rule"], "capacity",
        "{candidates}"
    );
}

#[tokio::test]
async fn a_match_that_ended_early_frees_its_mentee_and_the_mentors_slot() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let (other_mentor, other_mentee) = two_more(&app, &p).await;
    let id = active_match(&app, &p).await;
    let reason = json!({"reason": "The mentor changed jobs."});
    json_of(act(&app, &p.committee, &id, "end-early", reason).await, 200).await;

    // Act
    let for_mentee = proposed(&app, &p.committee, &p.cycle_id, &other_mentor, &p.mentee).await;
    let for_mentor = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &other_mentee).await;

    // Assert
    assert_eq!(for_mentee["status"], "proposed");
    assert_eq!(for_mentor["status"], "proposed");
    assert_eq!(
        total_matches(&app, &p.committee, &p.cycle_id, "?status=ended_early").await,
        1
    );
}

#[tokio::test]
async fn illegal_actions_are_409s_naming_the_allowed_statuses() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let id = id_of(&m);

    // Act / Assert: a proposed match cannot complete, end or extend.
    let res = act(&app, &p.committee, &id, "complete", json!({})).await;
    let problem = assert_problem(res, 409).await;
    assert!(
        detail(&problem).contains("allowed from: active"),
        "{problem}"
    );
    let res = act(&app, &p.committee, &id, "end-early", json!({"reason": "x"})).await;
    assert!(detail(&assert_problem(res, 409).await).contains("active"));
    let res = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-06-15"}),
    )
    .await;
    assert!(detail(&assert_problem(res, 409).await).contains("active"));

    // Act / Assert: an active match cannot be approved or cancelled.
    acted(&app, &p.committee, &id, "approve").await;
    let res = act(&app, &p.committee, &id, "approve", json!({})).await;
    let problem = assert_problem(res, 409).await;
    assert!(
        detail(&problem).contains("allowed from: proposed"),
        "{problem}"
    );
    json_of(publish(&app, &p.committee, &p.cycle_id).await, 200).await;
    let res = act(&app, &p.committee, &id, "approve", json!({})).await;
    let problem = assert_problem(res, 409).await;
    assert!(
        detail(&problem).contains("allowed from: proposed"),
        "{problem}"
    );
    let res = act(&app, &p.committee, &id, "cancel", json!({})).await;
    let problem = assert_problem(res, 409).await;
    assert!(
        detail(&problem).contains("allowed from: proposed, approved"),
        "{problem}"
    );

    // Act / Assert: a completed match is finished.
    assert_eq!(
        acted(&app, &p.committee, &id, "complete").await["status"],
        "completed"
    );
    let res = act(&app, &p.committee, &id, "complete", json!({})).await;
    assert_problem(res, 409).await;
}

#[tokio::test]
async fn an_archived_cycles_matches_are_frozen() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let id = active_match(&app, &p).await;
    for to in ["active", "closed", "archived"] {
        app.transition(&p.committee, &p.cycle_id, to).await;
    }
    let before = app
        .get(&format!("/api/v1/matches/{id}"), Some(&p.committee.token))
        .await;
    let before = json_of(before, 200).await;

    // Act
    let completed = act(&app, &p.committee, &id, "complete", json!({})).await;
    let ended = act(
        &app,
        &p.committee,
        &id,
        "end-early",
        json!({"reason": "moved away"}),
    )
    .await;
    let noted = app
        .patch(
            &format!("/api/v1/matches/{id}"),
            Some(&p.committee.token),
            &json!({"note": "late note"}),
        )
        .await;

    // Assert
    for res in [completed, ended, noted] {
        let problem = assert_problem(res, 409).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("archived"), "{detail}");
    }
    let after = app
        .get(&format!("/api/v1/matches/{id}"), Some(&p.committee.token))
        .await;
    assert_eq!(json_of(after, 200).await, before);
}

#[tokio::test]
async fn ending_early_needs_a_reason_and_records_it() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let id = active_match(&app, &p).await;

    // Act
    let missing = act(&app, &p.committee, &id, "end-early", json!({})).await;
    let empty = act(&app, &p.committee, &id, "end-early", json!({"reason": ""})).await;
    let blank = act(
        &app,
        &p.committee,
        &id,
        "end-early",
        json!({"reason": "   "}),
    )
    .await;
    let ended = act(
        &app,
        &p.committee,
        &id,
        "end-early",
        json!({"reason": " The mentee moved out of state. "}),
    )
    .await;

    // Assert
    assert_problem(missing, 422).await;
    for res in [empty, blank] {
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), ["reason"]);
    }
    let ended = json_of(ended, 200).await;
    assert_eq!(ended["status"], "ended_early");
    assert_eq!(ended["ended_reason"], "The mentee moved out of state.");
}

#[tokio::test]
async fn an_extension_must_end_after_the_mentoring_period() {
    // Arrange: the cycle's mentoring ends on 2025-04-15.
    let app = spawn_app().await;
    let p = pair(&app).await;
    let id = active_match(&app, &p).await;

    // Act
    let before = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-04-01"}),
    )
    .await;
    let on_the_day = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-04-15"}),
    )
    .await;
    let after = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-06-15"}),
    )
    .await;

    // Assert
    for res in [before, on_the_day] {
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), ["until"]);
    }
    let extended = json_of(after, 200).await;
    assert_eq!(extended["status"], "active");
    assert_eq!(extended["extended_until"], "2025-06-15");
    let shorter = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-06-01"}),
    )
    .await;
    assert_problem(shorter, 422).await;
    let longer = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-07-15"}),
    )
    .await;
    assert_eq!(json_of(longer, 200).await["extended_until"], "2025-07-15");
}

#[tokio::test]
async fn the_committee_sets_and_clears_its_note() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let path = format!("/api/v1/matches/{}", id_of(&m));

    // Act
    let set = app
        .patch(
            &path,
            Some(&p.committee.token),
            &json!({"note": "  Both love outreach.  "}),
        )
        .await;

    // Assert
    assert_eq!(json_of(set, 200).await["note"], "Both love outreach.");
    let fetched = json_of(app.get(&path, Some(&p.committee.token)).await, 200).await;
    assert_eq!(fetched["note"], "Both love outreach.");
    assert_eq!(fetched["status"], "proposed");
    let cleared = app
        .patch(&path, Some(&p.committee.token), &json!({"note": ""}))
        .await;
    assert_eq!(json_of(cleared, 200).await["note"], Value::Null);
    let too_long = app
        .patch(
            &path,
            Some(&p.committee.token),
            &json!({"note": "x".repeat(5001)}),
        )
        .await;
    assert_problem(too_long, 422).await;
}

#[tokio::test]
async fn the_events_list_each_committee_action_with_its_actor() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let second = app.committee().await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let id = id_of(&m);
    acted(&app, &second, &id, "approve").await;
    let noted = app
        .patch(
            &format!("/api/v1/matches/{id}"),
            Some(&p.committee.token),
            &json!({"note": "Checked with both."}),
        )
        .await;
    assert_eq!(noted.status(), 200);
    json_of(publish(&app, &second, &p.cycle_id).await, 200).await;
    let extended = act(
        &app,
        &p.committee,
        &id,
        "extend",
        json!({"until": "2025-06-15"}),
    )
    .await;
    assert_eq!(extended.status(), 200);

    // Act
    let res = app
        .get(
            &format!("/api/v1/matches/{id}/events"),
            Some(&p.committee.token),
        )
        .await;

    // Assert
    let events = json_of(res, 200).await;
    let seen: Vec<(&str, String)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["id"].is_string() && e["created_at"].is_string(), "{e}");
            (
                e["action"].as_str().unwrap(),
                e["actor_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let (first, other) = (p.committee.id.to_string(), second.id.to_string());
    assert_eq!(
        seen,
        [
            ("proposed", first.clone()),
            ("approve", other.clone()),
            ("note", first.clone()),
            ("publish", other),
            ("extend", first),
        ]
    );
    assert_eq!(events["items"][4]["detail"], "until 2025-06-15");
}

// ---------------------------------------------------------------- who sees what

#[tokio::test]
async fn both_people_see_their_published_match_with_the_partners_contact_and_nothing_private() {
    // Arrange: two members apply themselves, with identity answers.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mentor_user = app.member().await;
    let mentee_user = app.member().await;
    let bystander = app.member().await;
    for (user, name, pronouns) in [
        (&mentor_user, "Rosa Whitehorse", "she/her"),
        (&mentee_user, "Jun Okafor", "he/him"),
    ] {
        let current = members::get(&app.db, user.id).await.unwrap();
        let changes = members::MemberChanges {
            full_name: Some(name.into()),
            pronouns: Some(Some(pronouns.into())),
            ..Default::default()
        };
        members::update(&app.db, current, changes).await.unwrap();
    }
    let mentor_app = app
        .applied(
            &mentor_user,
            &cycle_id,
            &mentor(json!({"identity_tags": ["two-spirit"], "identity_consent": true})),
        )
        .await;
    let mentee_app = app
        .applied(
            &mentee_user,
            &cycle_id,
            &mentee(json!({"identity_tags": ["first-generation"], "identity_consent": true})),
        )
        .await;
    let (mentor_id, mentee_id) = (id_of(&mentor_app), id_of(&mentee_app));
    app.accept_application(&committee, &mentor_id).await;
    app.accept_application(&committee, &mentee_id).await;
    app.transition(&committee, &cycle_id, "matching").await;
    let m = json_of(
        propose(
            &app,
            &committee,
            &cycle_id,
            &mentor_id,
            &mentee_id,
            json!({"note": "Committee only: a strong pair."}),
        )
        .await,
        201,
    )
    .await;
    acted(&app, &committee, &id_of(&m), "approve").await;
    let unpublished = app
        .get("/api/v1/me/matches", Some(&mentee_user.token))
        .await;
    assert_eq!(
        json_of(unpublished, 200).await["items"],
        json!([]),
        "nothing before publishing"
    );
    json_of(publish(&app, &committee, &cycle_id).await, 200).await;

    // Act
    let as_mentee = app
        .get("/api/v1/me/matches", Some(&mentee_user.token))
        .await;
    let as_mentor = app
        .get("/api/v1/me/matches", Some(&mentor_user.token))
        .await;
    let as_bystander = app.get("/api/v1/me/matches", Some(&bystander.token)).await;

    // Assert
    let as_mentee = json_of(as_mentee, 200).await["items"].clone();
    let as_mentor = json_of(as_mentor, 200).await["items"].clone();
    assert_eq!(json_of(as_bystander, 200).await["items"], json!([]));
    let expected_keys = BTreeSet::from([
        "id",
        "cycle_id",
        "status",
        "role",
        "published_at",
        "extended_until",
        "partner",
        "cadence",
    ]);
    let partner_keys = BTreeSet::from(["full_name", "pronouns", "email", "role", "library_types"]);
    for (view, my_role, partner, partner_app) in [
        (&as_mentee, "mentee", &mentor_user, &mentor_app),
        (&as_mentor, "mentor", &mentee_user, &mentee_app),
    ] {
        let list = view.as_array().unwrap();
        assert_eq!(list.len(), 1, "{view}");
        let mine = &list[0];
        assert_eq!(keys(mine), expected_keys, "{mine}");
        assert_eq!(keys(&mine["partner"]), partner_keys, "{mine}");
        assert_eq!(mine["id"], m["id"]);
        assert_eq!(mine["cycle_id"], cycle_id.as_str());
        assert_eq!(mine["status"], "active");
        assert_eq!(mine["role"], my_role);
        assert!(mine["published_at"].is_string());
        assert_eq!(mine["partner"]["email"], partner.email.as_str());
        assert_eq!(mine["partner"]["role"], partner_app["role"]);
        assert_eq!(
            mine["partner"]["library_types"],
            partner_app["library_types"]
        );
        let text = mine.to_string();
        for private in [
            "two-spirit",
            "first-generation",
            "identity",
            "score",
            "breakdown",
            "Committee only",
            "note",
            "employer",
        ] {
            assert!(!text.contains(private), "{private} leaked: {text}");
        }
    }
    assert_eq!(as_mentee[0]["partner"]["full_name"], "Rosa Whitehorse");
    assert_eq!(as_mentee[0]["partner"]["pronouns"], "she/her");
    assert_eq!(as_mentor[0]["partner"]["full_name"], "Jun Okafor");
    assert_eq!(as_mentor[0]["partner"]["pronouns"], "he/him");
}

#[tokio::test]
async fn my_matches_need_a_signed_in_caller() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let res = app.get("/api/v1/me/matches", None).await;

    // Assert
    assert_problem(res, 401).await;
}

#[tokio::test]
async fn a_member_is_refused_every_committee_match_endpoint() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let member = app.member().await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let (cycle, id) = (p.cycle_id.as_str(), id_of(&m));
    let pair_body = json!({"mentor_application_id": p.mentor, "mentee_application_id": p.mentee});
    let calls: Vec<(&str, String, Value)> = vec![
        ("POST", format!("/api/v1/cycles/{cycle}/matches"), pair_body),
        (
            "GET",
            format!("/api/v1/cycles/{cycle}/matches"),
            json!(null),
        ),
        ("GET", format!("/api/v1/matches/{id}"), json!(null)),
        (
            "PATCH",
            format!("/api/v1/matches/{id}"),
            json!({"note": "mine"}),
        ),
        ("POST", format!("/api/v1/matches/{id}/approve"), json!({})),
        ("POST", format!("/api/v1/matches/{id}/cancel"), json!({})),
        ("POST", format!("/api/v1/matches/{id}/complete"), json!({})),
        (
            "POST",
            format!("/api/v1/matches/{id}/end-early"),
            json!({"reason": "because"}),
        ),
        (
            "POST",
            format!("/api/v1/matches/{id}/end-early"),
            json!({"reason": ""}),
        ),
        (
            "POST",
            format!("/api/v1/matches/{id}/extend"),
            json!({"until": "2025-06-15"}),
        ),
        (
            "POST",
            format!("/api/v1/cycles/{cycle}/matches/publish"),
            json!({}),
        ),
        ("GET", format!("/api/v1/matches/{id}/events"), json!(null)),
    ];

    for (method, path, body) in calls {
        // Act
        let res = match method {
            "GET" => app.get(&path, Some(&member.token)).await,
            "PATCH" => app.patch(&path, Some(&member.token), &body).await,
            _ => app.post(&path, Some(&member.token), &body).await,
        };

        // Assert
        assert_eq!(res.status(), 403, "{method} {path} {body}");
        assert_problem(res, 403).await;
    }
    let unchanged = app
        .get(&format!("/api/v1/matches/{id}"), Some(&p.committee.token))
        .await;
    assert_eq!(json_of(unchanged, 200).await, m);
    let events = app
        .get(
            &format!("/api/v1/matches/{id}/events"),
            Some(&p.committee.token),
        )
        .await;
    assert_eq!(
        json_of(events, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

// ---------------------------------------------------------------- concurrency

/// Fires one proposal per (mentor, mentee) at once; returns the statuses.
async fn propose_all_at_once(
    app: &TestApp,
    committee: &TestUser,
    cycle_id: &str,
    pairs: &[(String, String)],
) -> Vec<u16> {
    let calls = pairs.iter().map(|(mentor_id, mentee_id)| async move {
        let res = propose(app, committee, cycle_id, mentor_id, mentee_id, json!({})).await;
        let status = res.status().as_u16();
        if status != 201 {
            let problem = assert_problem(res, 409).await;
            assert!(
                detail(&problem).contains("live match") || detail(&problem).contains("capacity"),
                "{problem}"
            );
        }
        status
    });
    futures_util::future::join_all(calls).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_proposals_for_one_mentee_make_exactly_one_match() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentee_id = app
        .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
        .await;
    let mut pairs = Vec::new();
    for _ in 0..6 {
        let mentor_id = app
            .accepted_applicant(&committee, &cycle_id, mentor(json!({})))
            .await;
        pairs.push((mentor_id, mentee_id.clone()));
    }

    // Act
    let statuses = propose_all_at_once(&app, &committee, &cycle_id, &pairs).await;

    // Assert
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(total_matches(&app, &committee, &cycle_id, "").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_proposals_for_one_mentor_never_exceed_the_capacity() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.cycle_in_matching(&committee).await;
    let mentor_id = app
        .accepted_applicant(&committee, &cycle_id, mentor(json!({"capacity": 2})))
        .await;
    let mut pairs = Vec::new();
    for _ in 0..6 {
        let mentee_id = app
            .accepted_applicant(&committee, &cycle_id, mentee(json!({})))
            .await;
        pairs.push((mentor_id.clone(), mentee_id));
    }

    // Act
    let statuses = propose_all_at_once(&app, &committee, &cycle_id, &pairs).await;

    // Assert
    let made = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(made, 2, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(
        total_matches(&app, &committee, &cycle_id, "").await,
        made as u64
    );
}

// ---------------------------------------------------------------- stored values

/// Sets one column of one row to `value` behind the service's back.
async fn overwrite(app: &TestApp, table: &str, column: &str, id: &str, value: &str) {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => format!("UPDATE {table} SET {column} = $1 WHERE id = $2"),
        _ => format!("UPDATE {table} SET {column} = ? WHERE id = ?"),
    };
    let id: uuid::Uuid = id.parse().unwrap();
    let value: sea_orm::Value = if column == "breakdown" {
        serde_json::from_str::<Value>(value).unwrap().into()
    } else {
        value.into()
    };
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [value, id.into()],
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_match_with_an_unknown_stored_status_or_breakdown_is_a_500_problem_not_a_guess() {
    // Arrange
    let app = spawn_app().await;
    let p = pair(&app).await;
    let m = proposed(&app, &p.committee, &p.cycle_id, &p.mentor, &p.mentee).await;
    let id = id_of(&m);
    let path = format!("/api/v1/matches/{id}");
    let read = || app.get(&path, Some(&p.committee.token));

    for (column, value) in [("status", "paused"), ("breakdown", r#"{"score": 3}"#)] {
        overwrite(&app, "matches", column, &id, value).await;

        // Act
        let res = read().await;

        // Assert
        let problem = assert_problem(res, 500).await;
        assert!(!detail(&problem).contains("paused"), "{problem}");
        assert!(problem["request_id"].is_string());
        overwrite(&app, "matches", "status", &id, "proposed").await;
        overwrite(&app, "matches", "breakdown", &id, "[]").await;
    }
    assert_eq!(json_of(read().await, 200).await["status"], "proposed");
}
