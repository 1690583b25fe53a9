//! End-of-cycle evaluations: who may submit them and when, the committee's
//! report with the seed's figures, the public report's suppression of small
//! groups, and testimonials published only with consent and approval.
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::service::evaluations;
use wla_mentorship::store::entities::cycle;

use crate::cadence::{Cohort, cohort, met};
use crate::helpers::*;

/// Mentoring ended yesterday; evaluations close in a month.
pub async fn open_evaluations(app: &TestApp, cycle_id: &str) {
    let today = Utc::now().date_naive();
    cycle::Entity::update_many()
        .col_expr(
            cycle::Column::MentoringEndsOn,
            Expr::value(today - Duration::days(1)),
        )
        .col_expr(
            cycle::Column::EvaluationClosesOn,
            Expr::value(today + Duration::days(30)),
        )
        .filter(cycle::Column::Id.eq(Uuid::parse_str(cycle_id).unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
}

pub fn answers(keep: &str, again: &str) -> Value {
    json!({
        "overall_rating": 5, "match_rating": 4, "meetings_held": 6,
        "plans_to_keep_in_touch": keep, "would_participate_again": again,
        "what_worked": "Monthly calls."
    })
}

pub async fn submit(
    app: &TestApp,
    who: &TestUser,
    cycle_id: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/cycles/{cycle_id}/evaluations"),
        Some(&who.token),
        body,
    )
    .await
}

pub async fn submitted(app: &TestApp, who: &TestUser, cycle_id: &str, body: &Value) -> Value {
    json_of(submit(app, who, cycle_id, body).await, 201).await
}

async fn report(app: &TestApp, who: Option<&TestUser>, path: &str) -> Value {
    json_of(app.get(path, who.map(|w| w.token.as_str())).await, 200).await
}

fn figure(report: &Value, name: &str) -> (Value, Value, Value) {
    let f = &report[name];
    (
        f["numerator"].clone(),
        f["denominator"].clone(),
        f["percent"].clone(),
    )
}

#[tokio::test]
async fn a_cohort_like_the_seeds_2023_2024_yields_75_and_85_percent() {
    // Arrange: 20 pairs. In 15 both partners plan to keep in touch; in the
    // other 5 the mentee is unsure. 17 of the 20 mentors would mentor again.
    let app = spawn_app().await;
    let Cohort {
        committee,
        cycle_id,
        pairs,
    } = cohort(&app, 20).await;
    open_evaluations(&app, &cycle_id).await;
    for (i, pair) in pairs.iter().enumerate() {
        let again = if i < 17 { "as_mentor" } else { "no" };
        let mentee_keeps = if i < 15 { "yes" } else { "unsure" };
        submitted(&app, &pair.mentor, &cycle_id, &answers("yes", again)).await;
        submitted(
            &app,
            &pair.mentee,
            &cycle_id,
            &answers(mentee_keeps, "as_mentee"),
        )
        .await;
    }

    // Act
    let inside = report(
        &app,
        Some(&committee),
        &format!("/api/v1/cycles/{cycle_id}/report"),
    )
    .await;
    let public = report(
        &app,
        None,
        &format!("/api/v1/cycles/{cycle_id}/report/public"),
    )
    .await;

    // Assert
    for r in [&inside, &public] {
        assert_eq!(
            figure(r, "pairs_keep_in_touch"),
            (json!(15), json!(20), json!(75.0)),
            "{r}"
        );
        assert_eq!(
            figure(r, "mentors_again"),
            (json!(17), json!(20), json!(85.0))
        );
        assert_eq!(
            figure(r, "mentors_responded"),
            (json!(20), json!(20), json!(100.0))
        );
        assert_eq!(
            figure(r, "all_responded"),
            (json!(40), json!(40), json!(100.0))
        );
        assert_eq!(r["overall_rating"]["counts"], json!([0, 0, 0, 0, 40]));
        assert_eq!(r["match_rating"]["mean"], 4.0);
        assert!(
            r["definitions"]["pairs_keep_in_touch"]
                .as_str()
                .unwrap()
                .contains("every partner who answered said yes")
        );
    }
    assert_eq!(inside["ended_early_reasons"], json!([]));
    assert_eq!(public["ended_early_reasons"], Value::Null);
    assert_eq!(public["min_group"], 5);
    let trends = report(&app, Some(&committee), "/api/v1/reports/trends").await;
    let this_cycle = trends["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["cycle_id"] == cycle_id.as_str())
        .expect("the cycle in the trends");
    assert_eq!(
        this_cycle["pairs_keep_in_touch"],
        inside["pairs_keep_in_touch"]
    );
    let member = app.member().await;
    assert_problem(
        app.get("/api/v1/reports/trends", Some(&member.token)).await,
        403,
    )
    .await;
    assert!(!public.to_string().contains("Monthly calls"));
}

#[tokio::test]
async fn the_public_report_hides_a_group_of_4_and_shows_a_group_of_5() {
    // Arrange: 5 pairs; 4 mentors and 5 mentees answer; one pair ended
    // early.
    let app = spawn_app().await;
    let c = cohort(&app, 5).await;
    let end = app
        .post(
            &format!("/api/v1/matches/{}/end-early", c.pairs[4].match_id),
            Some(&c.committee.token),
            &json!({"reason_code": "job_change"}),
        )
        .await;
    json_of(end, 200).await;
    open_evaluations(&app, &c.cycle_id).await;
    for (i, pair) in c.pairs.iter().enumerate() {
        if i < 4 {
            submitted(&app, &pair.mentor, &c.cycle_id, &answers("yes", "either")).await;
        }
        submitted(
            &app,
            &pair.mentee,
            &c.cycle_id,
            &answers("yes", "as_mentor"),
        )
        .await;
    }

    // Act
    let public = report(
        &app,
        None,
        &format!("/api/v1/cycles/{}/report/public", c.cycle_id),
    )
    .await;
    let inside = report(
        &app,
        Some(&c.committee),
        &format!("/api/v1/cycles/{}/report", c.cycle_id),
    )
    .await;

    // Assert: 4 mentors answered — hidden; 5 mentees — shown.
    assert_eq!(public["mentors_again"]["suppressed"], true);
    assert_eq!(public["mentors_again"]["numerator"], Value::Null);
    assert_eq!(public["mentees_again"]["suppressed"], false);
    assert_eq!(
        figure(&public, "mentees_as_mentor"),
        (json!(5), json!(5), json!(100.0))
    );
    assert_eq!(
        figure(&public, "mentors_responded"),
        (json!(4), json!(5), json!(80.0))
    );
    assert_eq!(
        figure(&inside, "mentors_again"),
        (json!(4), json!(4), json!(100.0))
    );
    assert_eq!(
        figure(&inside, "ended_early"),
        (json!(1), json!(5), json!(20.0))
    );
    assert_eq!(
        inside["ended_early_reasons"],
        json!([{"reason_code": "job_change", "count": 1}])
    );
    assert_eq!(public["ended_early_reasons"], Value::Null);
}

#[tokio::test]
async fn one_evaluation_per_participant_within_the_window_with_valid_answers() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let pair = &c.pairs[0];
    let stranger = app.member().await;

    // Act + Assert: before mentoring ends, evaluations are not open yet.
    cycle::Entity::update_many()
        .col_expr(
            cycle::Column::EvaluationClosesOn,
            Expr::value(Utc::now().date_naive() + Duration::days(200)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let early = submit(
        &app,
        &pair.mentor,
        &c.cycle_id,
        &answers("yes", "as_mentor"),
    )
    .await;
    let problem = assert_problem(early, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("evaluations open")
    );

    open_evaluations(&app, &c.cycle_id).await;
    let outsider = submit(&app, &stranger, &c.cycle_id, &answers("yes", "as_mentor")).await;
    assert_problem(outsider, 403).await;
    let bad = submit(
        &app,
        &pair.mentor,
        &c.cycle_id,
        &json!({
            "overall_rating": 0, "match_rating": 6, "meetings_held": -1,
            "plans_to_keep_in_touch": "yes", "would_participate_again": "as_mentor",
            "quote_consent": "named"
        }),
    )
    .await;
    let problem = assert_problem(bad, 422).await;
    assert_eq!(
        problem_fields(&problem),
        [
            "overall_rating",
            "match_rating",
            "meetings_held",
            "quote_consent"
        ]
    );
    let unknown = submit(
        &app,
        &pair.mentor,
        &c.cycle_id,
        &json!({"overall_rating": 5, "match_rating": 5, "meetings_held": 1,
                "plans_to_keep_in_touch": "maybe", "would_participate_again": "no"}),
    )
    .await;
    assert_problem(unknown, 422).await;

    let first = submitted(
        &app,
        &pair.mentor,
        &c.cycle_id,
        &answers("yes", "as_mentor"),
    )
    .await;
    assert_eq!(first["role"], "mentor");
    assert_eq!(first["match_id"], pair.match_id.as_str());
    let second = submit(&app, &pair.mentor, &c.cycle_id, &answers("no", "no")).await;
    assert_problem(second, 409).await;
    let mine = json_of(
        app.get("/api/v1/me/evaluations", Some(&pair.mentor.token))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["id"], first["id"]);

    // After the close, the author can no longer change it.
    cycle::Entity::update_many()
        .col_expr(
            cycle::Column::EvaluationClosesOn,
            Expr::value(Utc::now().date_naive() - Duration::days(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let late = app
        .patch(
            &format!("/api/v1/evaluations/{}", first["id"].as_str().unwrap()),
            Some(&pair.mentor.token),
            &json!({"match_rating": 1}),
        )
        .await;
    assert_problem(late, 409).await;
}

#[tokio::test]
async fn nobody_but_the_author_and_the_committee_reads_or_changes_an_evaluation() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let pair = &c.pairs[0];
    met(&app, &pair.mentee, &pair.match_id, 20).await;
    open_evaluations(&app, &c.cycle_id).await;
    let form = json_of(
        app.get(
            &format!("/api/v1/cycles/{}/evaluation-form", c.cycle_id),
            Some(&pair.mentee.token),
        )
        .await,
        200,
    )
    .await;
    let e = submitted(&app, &pair.mentee, &c.cycle_id, &answers("yes", "either")).await;
    let url = format!("/api/v1/evaluations/{}", e["id"].as_str().unwrap());
    let stranger = app.member().await;

    // Act + Assert
    assert_eq!(form["prefill_meetings_held"], 1);
    assert!(form["standard_fields"].as_array().unwrap().len() >= 9);
    for who in [&pair.mentor, &stranger] {
        assert_problem(app.get(&url, Some(&who.token)).await, 404).await;
        let edit = app
            .patch(&url, Some(&who.token), &json!({"match_rating": 1}))
            .await;
        assert_problem(edit, 404).await;
        let list = app
            .get(
                &format!("/api/v1/cycles/{}/evaluations", c.cycle_id),
                Some(&who.token),
            )
            .await;
        assert_problem(list, 403).await;
        let inside = app
            .get(
                &format!("/api/v1/cycles/{}/report", c.cycle_id),
                Some(&who.token),
            )
            .await;
        assert_problem(inside, 403).await;
    }
    json_of(app.get(&url, Some(&c.committee.token)).await, 200).await;
    let all = json_of(
        app.get(
            &format!("/api/v1/cycles/{}/evaluations", c.cycle_id),
            Some(&c.committee.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(all["total"], 1);
    let edited = json_of(
        app.patch(
            &url,
            Some(&pair.mentee.token),
            &json!({"what_worked": null, "match_rating": 3}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(edited["what_worked"], Value::Null);
    assert_eq!(edited["match_rating"], 3);
}

#[tokio::test]
async fn a_quote_is_public_only_with_consent_and_approval_and_anonymous_ones_carry_no_name() {
    // Arrange: three mentees with quotes: named, anonymous, no consent.
    let app = spawn_app().await;
    let c = cohort(&app, 3).await;
    open_evaluations(&app, &c.cycle_id).await;
    let with_quote = |consent: &str, quote: &str| {
        let mut body = answers("yes", "as_mentee");
        body["quote"] = json!(quote);
        body["quote_consent"] = json!(consent);
        body
    };
    let named = submitted(
        &app,
        &c.pairs[0].mentee,
        &c.cycle_id,
        &with_quote("named", "My mentor gave me confidence."),
    )
    .await;
    let anonymous = submitted(
        &app,
        &c.pairs[1].mentee,
        &c.cycle_id,
        &with_quote(
            "anonymous",
            "I met Jane Doe at Acme Library and it changed my career.",
        ),
    )
    .await;
    let private = submitted(
        &app,
        &c.pairs[2].mentee,
        &c.cycle_id,
        &with_quote("none", "Only for the committee."),
    )
    .await;
    let approve = |id: &Value, body: Value| {
        let app = &app;
        let url = format!("/api/v1/evaluations/{}/quote/approve", id.as_str().unwrap());
        let token = c.committee.token.clone();
        async move { app.post(&url, Some(&token), &body).await }
    };
    let listed = || async {
        json_of(
            app.get(
                &format!("/api/v1/testimonials?cycle_id={}", c.cycle_id),
                None,
            )
            .await,
            200,
        )
        .await
    };

    // Act + Assert: nothing is public before approval.
    assert_eq!(listed().await["total"], 0);
    assert_problem(approve(&private["id"], json!({})).await, 409).await;
    let partner = app
        .post(
            &format!(
                "/api/v1/evaluations/{}/quote/approve",
                named["id"].as_str().unwrap()
            ),
            Some(&c.pairs[0].mentor.token),
            &json!({}),
        )
        .await;
    assert_problem(partner, 403).await;
    json_of(approve(&named["id"], json!({"position": 2})).await, 200).await;
    let redacted = json_of(
        approve(
            &anonymous["id"],
            json!({"text": "I met [a librarian] and it changed my career.", "position": 1}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        redacted["quote"], "I met Jane Doe at Acme Library and it changed my career.",
        "the original is kept"
    );

    let page = listed().await;
    assert_eq!(page["total"], 2);
    let items = page["items"].as_array().unwrap();
    assert_eq!(
        items[0]["text"],
        "I met [a librarian] and it changed my career."
    );
    assert_eq!(items[0]["author_name"], Value::Null);
    assert_eq!(items[0]["role"], "mentee");
    assert_eq!(items[1]["text"], "My mentor gave me confidence.");
    assert!(items[1]["author_name"].is_string());
    let text = page.to_string();
    assert!(!text.contains("Jane Doe"), "{text}");
    assert!(!text.contains("Only for the committee"), "{text}");
    let mentors_only = json_of(app.get("/api/v1/testimonials?role=mentor", None).await, 200).await;
    assert_eq!(mentors_only["total"], 0);

    // The author withdraws consent: the quote leaves the testimonials.
    let withdrawn = app
        .patch(
            &format!("/api/v1/evaluations/{}", named["id"].as_str().unwrap()),
            Some(&c.pairs[0].mentee.token),
            &json!({"quote_consent": "none"}),
        )
        .await;
    json_of(withdrawn, 200).await;
    assert_eq!(listed().await["total"], 1);
}

async fn outbox_to(app: &TestApp, admin: &TestUser, event: &str) -> Vec<String> {
    let page = json_of(
        app.get(
            &format!("/api/v1/notifications?event={event}&per_page=100"),
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    let mut to: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["recipient_id"].as_str().unwrap().to_owned())
        .collect();
    to.sort();
    to
}

#[tokio::test]
async fn participants_are_asked_once_and_reminded_once_in_the_last_week() {
    // Arrange: two pairs, evaluations open and closing in 30 days.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let c = cohort(&app, 2).await;
    open_evaluations(&app, &c.cycle_id).await;
    let today = Utc::now().date_naive();

    // Act: the schedule runs twice today.
    let asked = evaluations::queue_requests(&app.db, today).await.unwrap();
    let again = evaluations::queue_requests(&app.db, today).await.unwrap();

    // Assert
    assert_eq!((asked, again), (4, 0));
    assert_eq!(
        outbox_to(&app, &admin, "evaluation_requested").await.len(),
        4
    );
    assert!(
        outbox_to(&app, &admin, "evaluation_reminder")
            .await
            .is_empty()
    );

    // Act: one mentor answers; five days before the close the rest are
    // reminded, once.
    submitted(
        &app,
        &c.pairs[0].mentor,
        &c.cycle_id,
        &answers("yes", "as_mentor"),
    )
    .await;
    let late = today + Duration::days(25);
    let reminded = evaluations::queue_requests(&app.db, late).await.unwrap();
    let reminded_again = evaluations::queue_requests(&app.db, late).await.unwrap();
    let after_close = evaluations::queue_requests(&app.db, today + Duration::days(31))
        .await
        .unwrap();

    // Assert
    assert_eq!((reminded, reminded_again, after_close), (3, 0, 0));
    let to = outbox_to(&app, &admin, "evaluation_reminder").await;
    assert_eq!(to.len(), 3);
    assert!(!to.contains(&c.pairs[0].mentor.id.to_string()));
}
