//! The client address behind a reverse proxy: forwarding headers count only
//! when the peer is a trusted proxy (`TRUSTED_PROXIES`).
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with};

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
