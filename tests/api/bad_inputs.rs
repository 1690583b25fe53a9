//! Bad inputs to endpoints whose other tests only send good ones: each is
//! a problem+json with the status the contract gives, naming what is wrong.
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_testimonials_filter_that_is_not_a_role_or_a_cycle_id_is_a_400_and_page_0_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let role = app.get("/api/v1/testimonials?role=alumni", None).await;
    let cycle = app
        .get("/api/v1/testimonials?cycle_id=last-year", None)
        .await;
    let page = app.get("/api/v1/testimonials?page=0", None).await;

    // Assert
    for res in [role, cycle] {
        assert_problem(res, 400).await;
    }
    let problem = assert_problem(page, 422).await;
    assert_eq!(problem_fields(&problem), ["page"]);
}

#[tokio::test]
async fn the_trends_need_the_committee_and_a_page_that_exists() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;

    // Act
    let anonymous = app.get("/api/v1/reports/trends", None).await;
    let a_member = app.get("/api/v1/reports/trends", Some(&member.token)).await;
    let page_zero = app
        .get("/api/v1/reports/trends?page=0", Some(&committee.token))
        .await;
    let too_many = app
        .get(
            "/api/v1/reports/trends?per_page=1000",
            Some(&committee.token),
        )
        .await;

    // Assert
    assert_problem(anonymous, 401).await;
    assert_problem(a_member, 403).await;
    assert_eq!(
        problem_fields(&assert_problem(page_zero, 422).await),
        ["page"]
    );
    assert_eq!(
        problem_fields(&assert_problem(too_many, 422).await),
        ["per_page"]
    );
}

#[tokio::test]
async fn notification_settings_take_a_boolean_and_nothing_else() {
    // Arrange
    let app = spawn_app().await;
    let member = app.member().await;
    let put = |body: serde_json::Value| {
        app.request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&member.token),
        )
        .json(&body)
        .send()
    };

    // Act
    let text = put(json!({"reminders": "no"})).await.unwrap();
    let missing = put(json!({})).await.unwrap();
    let unknown = put(json!({"reminders": false, "digest": true}))
        .await
        .unwrap();
    let anonymous = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            None,
        )
        .json(&json!({"reminders": false}))
        .send()
        .await
        .unwrap();

    // Assert: nothing changed.
    for res in [text, missing, unknown] {
        assert_problem(res, 422).await;
    }
    assert_problem(anonymous, 401).await;
    let settings = json_of(
        app.get("/api/v1/me/notification-settings", Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(settings, json!({"reminders": true}));
}

#[tokio::test]
async fn a_forgotten_password_request_needs_an_email_of_at_most_254_characters() {
    // Arrange
    let app = spawn_app().await;
    let long = format!("{}@example.org", "a".repeat(250));

    // Act
    let missing = app
        .post("/api/v1/auth/forgot-password", None, &json!({}))
        .await;
    let number = app
        .post("/api/v1/auth/forgot-password", None, &json!({"email": 42}))
        .await;
    let too_long = app
        .post(
            "/api/v1/auth/forgot-password",
            None,
            &json!({"email": long}),
        )
        .await;

    // Assert
    for res in [missing, number] {
        assert_problem(res, 422).await;
    }
    let problem = assert_problem(too_long, 422).await;
    assert_eq!(problem_fields(&problem), ["email"]);
}
