//! `/auth`: registration, sign-in, the access token's defences, refresh
//! rotation and sign-out.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::*;

const ISSUER: &str = "wla-mentorship";
const AUDIENCE: &str = "wla-mentorship-api";

/// Claims the app would issue for `sub` in its first session epoch, valid
/// for the next ten minutes.
fn claims_for(sub: uuid::Uuid) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": sub,
        "role": "member",
        "iat": now,
        "exp": now + 600,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "jti": uuid::Uuid::new_v4(),
        "epoch": 0,
    })
}

/// A JWT over `claims`, signed with `secret` using `alg`.
fn forge(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("encode token")
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

async fn get_me(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/me", Some(token)).await
}

/// Asserts a 401 that tells the client to use a bearer token.
async fn assert_unauthorized(res: reqwest::Response) -> Value {
    let challenge = res
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(challenge.as_deref(), Some("Bearer"));
    assert_problem(res, 401).await
}

async fn refresh(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh_token}),
    )
    .await
}

// --- registration ---------------------------------------------------------

#[tokio::test]
async fn registering_is_a_201_with_location_and_a_pending_member_without_password_fields() {
    let app = spawn_app().await;

    let res = app.register("Ada@Example.org").await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    let id = body["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert_eq!(location, format!("/api/v1/members/{id}"));
    assert_eq!(body["email"], "ada@example.org");
    assert_eq!(body["full_name"], "Test Person");
    assert_eq!(body["pronouns"], "they/them");
    assert_eq!(body["role"], "member");
    assert_eq!(body["membership_status"], "pending");
    assert_eq!(body["has_password"], true);
    for key in body.as_object().unwrap().keys() {
        assert!(!key.contains("password_hash"), "{key} in {body}");
        assert_ne!(key, "password", "{body}");
    }
    assert!(!body.to_string().contains("argon2"), "{body}");
}

#[tokio::test]
async fn registering_a_taken_email_is_a_409_whatever_its_case() {
    let app = spawn_app().await;
    assert_eq!(app.register("grace@example.org").await.status(), 201);

    let same = app.register("grace@example.org").await;
    let other_case = app.register("GRACE@Example.ORG").await;

    assert_problem(same, 409).await;
    assert_problem(other_case, 409).await;
}

#[tokio::test]
async fn registering_with_invalid_fields_is_a_422_naming_each_field() {
    let app = spawn_app().await;

    let res = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "not-an-email", "password": "short", "full_name": ""}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["email", "full_name", "password"], "{body}");
    for e in body["errors"].as_array().unwrap() {
        assert!(e["code"].is_string() && e["message"].is_string(), "{e}");
    }
}

#[tokio::test]
async fn registering_with_a_blank_name_is_a_422() {
    let app = spawn_app().await;

    let res = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "blank@example.org", "password": PASSWORD, "full_name": "   "}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "full_name", "{body}");
}

#[tokio::test]
async fn registering_with_an_overlong_password_is_a_422() {
    let app = spawn_app().await;

    let res = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "long@example.org", "password": "x".repeat(257), "full_name": "Long"}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
}

// --- login ----------------------------------------------------------------

#[tokio::test]
async fn logging_in_returns_a_bearer_token_pair() {
    let app = spawn_app().await;
    app.register("ada@example.org").await;

    let res = app.login("ada@example.org", PASSWORD).await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(access.split('.').count(), 3, "a JWT");
    assert!(
        body["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("wla_rt_")
    );
    let me = get_me(&app, access).await;
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<Value>().await.unwrap()["email"],
        "ada@example.org"
    );
}

#[tokio::test]
async fn logging_in_ignores_the_case_of_the_email() {
    let app = spawn_app().await;
    app.register("ada@example.org").await;

    let res = app.login("  ADA@example.ORG ", PASSWORD).await;

    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn logging_in_with_a_wrong_password_is_a_401() {
    let app = spawn_app().await;
    app.register("ada@example.org").await;

    let res = app.login("ada@example.org", "wrong password!").await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_401() {
    let app = spawn_app().await;
    app.register("ada@example.org").await;

    let wrong_password =
        assert_problem(app.login("ada@example.org", "not the password").await, 401).await;
    let unknown_email = assert_problem(app.login("nobody@example.org", PASSWORD).await, 401).await;

    assert_eq!(wrong_password["detail"], unknown_email["detail"]);
    assert_eq!(wrong_password["title"], unknown_email["title"]);
    assert_eq!(wrong_password["type"], unknown_email["type"]);
}

#[tokio::test]
async fn login_attempts_beyond_the_rate_limit_are_a_429_with_retry_after() {
    let app = spawn_app_with(&[("LOGIN_RATE_PER_MINUTE", "2")]).await;

    let first = app.login("nobody@example.org", PASSWORD).await;
    let second = app.login("nobody@example.org", PASSWORD).await;
    let third = app.login("nobody@example.org", PASSWORD).await;

    assert_eq!(first.status(), 401);
    assert_eq!(second.status(), 401);
    let retry_after: u64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(third, 429).await;
}

// --- the access token -----------------------------------------------------

#[tokio::test]
async fn a_token_forged_with_the_apps_own_secret_and_claims_is_accepted() {
    // The control for the attacks below: the forging itself is sound.
    let app = spawn_app().await;
    let member = app.member().await;

    let token = forge(Algorithm::HS256, JWT_SECRET, &claims_for(member.id));

    assert_eq!(get_me(&app, &token).await.status(), 200);
}

#[tokio::test]
async fn a_token_with_a_tampered_signature_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let (unsigned, signature) = member.token.rsplit_once('.').unwrap();
    let first = if signature.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{unsigned}.{first}{}", &signature[1..]);

    let res = get_me(&app, &tampered).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn a_token_whose_claims_were_edited_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let admin = app.admin().await;
    let parts: Vec<&str> = member.token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!(admin.id);
    claims["role"] = json!("admin");
    let edited = format!("{}.{}.{}", parts[0], b64(&claims), parts[2]);

    let res = get_me(&app, &edited).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let header = json!({"alg": "none", "typ": "JWT"});
    let token = format!("{}.{}.", b64(&header), b64(&claims_for(member.id)));

    let res = get_me(&app, &token).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn an_expired_token_signed_with_the_right_secret_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut claims = claims_for(member.id);
    let now = chrono::Utc::now().timestamp();
    claims["iat"] = json!(now - 7200);
    claims["exp"] = json!(now - 3600);

    let res = get_me(&app, &forge(Algorithm::HS256, JWT_SECRET, &claims)).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut claims = claims_for(member.id);
    claims["aud"] = json!("another-api");

    let res = get_me(&app, &forge(Algorithm::HS256, JWT_SECRET, &claims)).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut claims = claims_for(member.id);
    claims["iss"] = json!("someone-else");

    let res = get_me(&app, &forge(Algorithm::HS256, JWT_SECRET, &claims)).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn a_token_without_an_expiry_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut claims = claims_for(member.id);
    claims.as_object_mut().unwrap().remove("exp");

    let res = get_me(&app, &forge(Algorithm::HS256, JWT_SECRET, &claims)).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn a_token_signed_with_hs512_and_the_right_secret_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;

    let token = forge(Algorithm::HS512, JWT_SECRET, &claims_for(member.id));

    assert_unauthorized(get_me(&app, &token).await).await;
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;

    let token = forge(
        Algorithm::HS256,
        "another-secret-that-is-at-least-32-bytes",
        &claims_for(member.id),
    );

    assert_unauthorized(get_me(&app, &token).await).await;
}

#[tokio::test]
async fn a_valid_token_for_a_member_who_does_not_exist_is_a_401() {
    let app = spawn_app().await;

    let token = forge(
        Algorithm::HS256,
        JWT_SECRET,
        &claims_for(uuid::Uuid::new_v4()),
    );

    assert_unauthorized(get_me(&app, &token).await).await;
}

#[tokio::test]
async fn a_token_without_a_session_epoch_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut claims = claims_for(member.id);
    claims.as_object_mut().unwrap().remove("epoch");

    let res = get_me(&app, &forge(Algorithm::HS256, JWT_SECRET, &claims)).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn a_token_from_another_session_epoch_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut claims = claims_for(member.id);
    claims["epoch"] = json!(1);

    let res = get_me(&app, &forge(Algorithm::HS256, JWT_SECRET, &claims)).await;

    let body = assert_unauthorized(res).await;
    assert_eq!(body["detail"], "the token is invalid or has expired");
}

#[tokio::test]
async fn garbage_tokens_and_other_schemes_are_a_401_with_www_authenticate() {
    let app = spawn_app().await;
    let member = app.member().await;
    let path = "/api/v1/me";

    for header in [
        "Bearer not-a-token".to_owned(),
        "Bearer a.b.c".to_owned(),
        "Bearer ".to_owned(),
        "Basic xyz".to_owned(),
        format!("Basic {}", member.token),
        member.token.clone(),
    ] {
        let res = app
            .request(reqwest::Method::GET, path, None)
            .header("authorization", &header)
            .send()
            .await
            .unwrap();
        let body = assert_unauthorized(res).await;
        assert!(
            !body.to_string().contains(&member.token),
            "{header}: {body}"
        );
    }
}

#[tokio::test]
async fn no_token_at_all_is_a_401_with_www_authenticate() {
    let app = spawn_app().await;

    assert_unauthorized(app.get("/api/v1/me", None).await).await;
}

#[tokio::test]
async fn a_refresh_token_is_not_an_access_token() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = get_me(&app, &member.refresh_token).await;

    assert_unauthorized(res).await;
}

// --- refresh and logout ---------------------------------------------------

#[tokio::test]
async fn refreshing_returns_a_new_pair_that_works() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = refresh(&app, &member.refresh_token).await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let new_refresh = body["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, member.refresh_token);
    assert_ne!(body["access_token"], member.token.as_str());
    let me = get_me(&app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(
        me.json::<Value>().await.unwrap()["id"],
        member.id.to_string()
    );
    assert_eq!(refresh(&app, new_refresh).await.status(), 200);
}

#[tokio::test]
async fn a_refresh_token_is_spent_once_used() {
    let app = spawn_app().await;
    let member = app.member().await;
    assert_eq!(refresh(&app, &member.refresh_token).await.status(), 200);

    let again = refresh(&app, &member.refresh_token).await;

    assert_unauthorized(again).await;
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_revokes_the_whole_chain() {
    let app = spawn_app().await;
    let member = app.member().await;
    let next: Value = refresh(&app, &member.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let next_refresh = next["refresh_token"].as_str().unwrap();

    // Someone replays the spent token (it leaked)...
    assert_problem(refresh(&app, &member.refresh_token).await, 401).await;

    // ...so the legitimate holder's newer token is refused too.
    assert_problem(refresh(&app, next_refresh).await, 401).await;
}

#[tokio::test]
async fn reuse_revokes_only_its_own_chain() {
    let app = spawn_app().await;
    let member = app.member().await;
    let other_session: Value = app
        .login(&member.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    refresh(&app, &member.refresh_token).await;

    assert_problem(refresh(&app, &member.refresh_token).await, 401).await;

    let other = refresh(&app, other_session["refresh_token"].as_str().unwrap()).await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn refreshing_with_an_unknown_token_is_a_401() {
    let app = spawn_app().await;

    let res = refresh(&app, "wla_rt_made-up").await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn an_expired_refresh_token_is_a_401() {
    let app = spawn_app_with(&[("REFRESH_TOKEN_TTL_SECS", "0")]).await;
    let member = app.member().await;

    let res = refresh(&app, &member.refresh_token).await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn logging_out_is_a_204_and_the_refresh_token_stops_working() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": member.refresh_token}),
        )
        .await;

    assert_eq!(res.status(), 204);
    assert_problem(refresh(&app, &member.refresh_token).await, 401).await;
}

#[tokio::test]
async fn logging_out_ends_the_access_token_at_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    assert_eq!(get_me(&app, &member.token).await.status(), 200);

    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": member.refresh_token}),
        )
        .await;

    assert_eq!(res.status(), 204);
    let body = assert_unauthorized(get_me(&app, &member.token).await).await;
    assert_eq!(body["detail"], "the token is invalid or has expired");
}

#[tokio::test]
async fn logging_out_ends_every_access_token_but_other_sessions_refresh() {
    // Arrange: the same member signed in on a second device.
    let app = spawn_app().await;
    let member = app.member().await;
    let other: Value = app
        .login(&member.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let other_access = other["access_token"].as_str().unwrap();
    assert_eq!(get_me(&app, other_access).await.status(), 200);

    // Act: sign out on the first device.
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": member.refresh_token}),
        )
        .await;

    // Assert: both access tokens are dead; the other chain still refreshes
    // into a working access token, the signed-out one does not.
    assert_eq!(res.status(), 204);
    assert_unauthorized(get_me(&app, &member.token).await).await;
    assert_unauthorized(get_me(&app, other_access).await).await;
    let renewed = refresh(&app, other["refresh_token"].as_str().unwrap()).await;
    assert_eq!(renewed.status(), 200);
    let renewed: Value = renewed.json().await.unwrap();
    let me = get_me(&app, renewed["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), 200);
    assert_problem(refresh(&app, &member.refresh_token).await, 401).await;
}

#[tokio::test]
async fn logging_out_ends_the_chain_including_later_refresh_tokens() {
    let app = spawn_app().await;
    let member = app.member().await;
    let next: Value = refresh(&app, &member.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let next_refresh = next["refresh_token"].as_str().unwrap();

    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": next_refresh}),
        )
        .await;

    assert_eq!(res.status(), 204);
    assert_problem(refresh(&app, next_refresh).await, 401).await;
}

#[tokio::test]
async fn logging_out_with_an_unknown_token_is_a_204() {
    let app = spawn_app().await;

    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": "wla_rt_never-issued"}),
        )
        .await;

    assert_eq!(res.status(), 204);
}

// --- invitations ----------------------------------------------------------

#[tokio::test]
async fn accepting_an_unknown_invitation_is_a_401() {
    let app = spawn_app().await;

    let res = app
        .post(
            "/api/v1/auth/accept-invite",
            None,
            &json!({"token": "wla_inv_made-up", "password": PASSWORD}),
        )
        .await;

    assert_unauthorized(res).await;
}

#[tokio::test]
async fn two_concurrent_refreshes_with_one_token_cannot_both_succeed() {
    let app = spawn_app().await;
    let member = app.member().await;

    let (a, b) = tokio::join!(
        refresh(&app, &member.refresh_token),
        refresh(&app, &member.refresh_token)
    );

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401]);
}

#[tokio::test]
async fn two_concurrent_registrations_of_one_email_give_one_201_and_one_409() {
    let app = spawn_app().await;

    let (a, b) = tokio::join!(
        app.register("twin@example.org"),
        app.register("TWIN@example.org")
    );

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
}
