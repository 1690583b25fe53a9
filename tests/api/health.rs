use crate::helpers::*;

#[tokio::test]
async fn liveness_answers_200() {
    let app = spawn_app().await;
    let res = app.get("/health/live", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
}

#[tokio::test]
async fn readiness_is_200_while_the_database_answers_and_503_after_it_stops() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health/ready", None).await.status(), 200);

    let broken = spawn_app_unreachable_db().await;
    assert_problem(broken.get("/health/ready", None).await, 503).await;
}

#[tokio::test]
async fn responses_carry_security_headers_and_no_server_version() {
    let app = spawn_app().await;
    let res = app.get("/health/live", None).await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert!(res.headers().get("server").is_none());
}

#[tokio::test]
async fn a_request_id_is_echoed_or_generated() {
    let app = spawn_app().await;
    let res = app
        .request(reqwest::Method::GET, "/health/live", None)
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = app.get("/health/live", None).await;
    let generated = res.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(generated).is_ok());
}

#[tokio::test]
async fn an_unsafe_request_id_is_replaced() {
    let app = spawn_app().await;
    let res = app
        .request(reqwest::Method::GET, "/health/live", None)
        .header("x-request-id", "a".repeat(300))
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "a".repeat(300).as_str());
}
