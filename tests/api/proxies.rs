//! The client address behind a reverse proxy: forwarding headers count only
//! when the peer is a trusted proxy (`TRUSTED_PROXIES`).
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, json_of, spawn_app, spawn_app_with};

async fn login_from(app: &TestApp, forwarded_for: &str) -> u16 {
    app.request(Method::POST, "/api/v1/auth/login", None)
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({"email": "nobody@example.org", "password": "wrong-password"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_login_bucket() {
    // Arrange: the test client's loopback address is the trusted proxy.
    let app = spawn_app_with(&[
        ("LOGIN_RATE_PER_MINUTE", "2"),
        ("TRUSTED_PROXIES", "127.0.0.1, ::1"),
    ])
    .await;

    // Act: one client uses up its bucket.
    assert_eq!(login_from(&app, "198.51.100.1").await, 401);
    assert_eq!(login_from(&app, "198.51.100.1").await, 401);
    let third = login_from(&app, "198.51.100.1").await;
    let other = login_from(&app, "198.51.100.2").await;

    // Assert: only that client is limited.
    assert_eq!(third, 429);
    assert_eq!(other, 401);
}

#[tokio::test]
async fn a_forged_forwarding_header_from_an_untrusted_peer_changes_nothing() {
    // Arrange: no trusted proxies, so the peer is the client.
    let app = spawn_app_with(&[("LOGIN_RATE_PER_MINUTE", "2")]).await;

    // Act: the same peer pretends to be three different clients.
    assert_eq!(login_from(&app, "198.51.100.1").await, 401);
    assert_eq!(login_from(&app, "198.51.100.2").await, 401);
    let third = login_from(&app, "198.51.100.3").await;

    // Assert: one bucket for the peer.
    assert_eq!(third, 429);
}

#[tokio::test]
async fn a_client_cannot_forge_its_way_past_a_trusted_proxy() {
    // Arrange
    let app = spawn_app_with(&[
        ("LOGIN_RATE_PER_MINUTE", "2"),
        ("TRUSTED_PROXIES", "127.0.0.1, ::1"),
    ])
    .await;

    // Act: the client prepends a different forged address each time; the
    // proxy appends the real one (198.51.100.9).
    assert_eq!(login_from(&app, "1.1.1.1, 198.51.100.9").await, 401);
    assert_eq!(login_from(&app, "2.2.2.2, 198.51.100.9").await, 401);
    let third = login_from(&app, "3.3.3.3, 198.51.100.9").await;

    // Assert
    assert_eq!(third, 429);
}

/// The personal calendar feed's address as `/me/calendar` gives it, with
/// the forwarding headers a proxy (or a forger) sends.
async fn feed_address(app: &TestApp, forwarded_host: &str) -> serde_json::Value {
    let member = app.member().await;
    let res = app
        .request(Method::GET, "/api/v1/me/calendar", Some(&member.token))
        .header("X-Forwarded-Host", forwarded_host)
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    json_of(res, 200).await
}

#[tokio::test]
async fn a_calendar_feed_is_at_the_host_the_client_used_whatever_it_forwards() {
    // Arrange: no trusted proxies.
    let app = spawn_app().await;

    // Act
    let feed = feed_address(&app, "evil.example").await;
    let url = feed["feed_url"].as_str().unwrap();
    let read = reqwest::get(url).await.unwrap();

    // Assert: the address the test client connected to, and it serves.
    assert!(
        url.starts_with(&app.url("/api/v1/calendar/wla_cal_")),
        "{url}"
    );
    assert_eq!(read.status(), 200);
    assert_eq!(
        feed["webcal_url"].as_str().unwrap(),
        url.replacen("http://", "webcal://", 1)
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_a_calendar_feed_is_at_the_public_host() {
    // Arrange: the test client's loopback address is the trusted proxy.
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1, ::1")]).await;

    // Act
    let feed = feed_address(&app, "mentorship.wla.org").await;

    // Assert
    let url = feed["feed_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://mentorship.wla.org/api/v1/calendar/wla_cal_"),
        "{url}"
    );
    assert!(
        feed["webcal_url"]
            .as_str()
            .unwrap()
            .starts_with("webcal://mentorship.wla.org/api/v1/calendar/")
    );
}

#[tokio::test]
async fn a_configured_public_api_url_places_the_calendar_feed() {
    // Arrange
    let app = spawn_app_with(&[
        ("PUBLIC_API_URL", "https://wla.org/mentorship/"),
        ("TRUSTED_PROXIES", "127.0.0.1, ::1"),
    ])
    .await;

    // Act
    let feed = feed_address(&app, "elsewhere.example").await;

    // Assert
    let url = feed["feed_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://wla.org/mentorship/api/v1/calendar/wla_cal_"),
        "{url}"
    );
    assert!(url.ends_with(".ics"), "{url}");
}
