//! `/me`: the caller's own account and personal API tokens.
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use wla_mentorship::store::entities::api_token;

use crate::helpers::*;

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn me(app: &TestApp, token: &str) -> Value {
    let res = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(res.status(), 200, "GET /me");
    res.json().await.unwrap()
}

/// Creates a personal API token for `user`; returns the 201 body.
async fn create_token(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let res = app
        .post("/api/v1/me/tokens", Some(&user.token), &body)
        .await;
    assert_eq!(res.status(), 201, "create token");
    res.json().await.unwrap()
}

async fn list_tokens(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get("/api/v1/me/tokens", Some(token)).await;
    assert_eq!(res.status(), 200, "list tokens");
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().expect("a page of tokens").clone()
}

// --- the account ----------------------------------------------------------

#[tokio::test]
async fn reading_me_without_a_token_is_a_401() {
    let app = spawn_app().await;

    let res = app.get("/api/v1/me", None).await;

    assert_problem(res, 401).await;
}

#[tokio::test]
async fn reading_me_returns_the_callers_own_account() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.member().await;

    let body = me(&app, &member.token).await;

    assert_eq!(body["id"], member.id.to_string());
    assert_eq!(body["email"], member.email);
    assert_eq!(body["role"], "member");
    assert_eq!(body["membership_status"], "active");
    assert!(body.get("password_hash").is_none(), "{body}");
}

#[tokio::test]
async fn patching_me_changes_name_and_pronouns() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"full_name": "  Ada King  ", "pronouns": "she/her"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["full_name"], "Ada King");
    assert_eq!(body["pronouns"], "she/her");
    let stored = me(&app, &member.token).await;
    assert_eq!(stored["full_name"], "Ada King");
    assert_eq!(stored["pronouns"], "she/her");
}

#[tokio::test]
async fn null_clears_pronouns_and_an_omitted_field_stays() {
    let app = spawn_app().await;
    let member = app.member().await;
    assert_eq!(me(&app, &member.token).await["pronouns"], "they/them");

    let omitted = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"wla_member_id": "WLA-7"}),
        )
        .await;
    assert_eq!(
        omitted.json::<Value>().await.unwrap()["pronouns"],
        "they/them"
    );

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"pronouns": null}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["pronouns"].is_null(), "{body}");
    assert_eq!(body["wla_member_id"], "WLA-7");
    assert!(me(&app, &member.token).await["pronouns"].is_null());
}

#[tokio::test]
async fn patching_me_with_a_blank_name_is_a_422() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"full_name": "  "}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "full_name", "{body}");
    assert_eq!(me(&app, &member.token).await["full_name"], "Test Person");
}

#[tokio::test]
async fn setting_my_own_role_is_a_403_and_changes_nothing() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"role": "admin", "full_name": "Sneaky"}),
        )
        .await;

    assert_problem(res, 403).await;
    let body = me(&app, &member.token).await;
    assert_eq!(body["role"], "member");
    assert_eq!(body["full_name"], "Test Person");
    let members = app.get("/api/v1/members", Some(&member.token)).await;
    assert_problem(members, 403).await;
}

#[tokio::test]
async fn setting_my_own_membership_status_is_a_403_and_changes_nothing() {
    let app = spawn_app().await;
    let pending = app
        .user(
            wla_mentorship::domain::member::Role::Member,
            wla_mentorship::domain::member::MembershipStatus::Pending,
        )
        .await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&pending.token),
            &json!({"membership_status": "active", "pronouns": "he/him"}),
        )
        .await;

    assert_problem(res, 403).await;
    let body = me(&app, &pending.token).await;
    assert_eq!(body["membership_status"], "pending");
    assert_eq!(body["pronouns"], "they/them");
}

#[tokio::test]
async fn changing_my_email_to_a_taken_one_is_a_409() {
    let app = spawn_app().await;
    let member = app.member().await;
    let other = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"email": other.email.to_uppercase(), "current_password": PASSWORD}),
        )
        .await;

    assert_problem(res, 409).await;
    assert_eq!(me(&app, &member.token).await["email"], member.email);
}

// --- password -------------------------------------------------------------

#[tokio::test]
async fn changing_the_password_without_the_current_one_is_a_422() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"password": NEW_PASSWORD}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "current_password", "{body}");
    assert_eq!(app.login(&member.email, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn changing_the_password_with_a_wrong_current_one_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"password": NEW_PASSWORD, "current_password": "not my password"}),
        )
        .await;

    assert_problem(res, 401).await;
    assert_eq!(app.login(&member.email, PASSWORD).await.status(), 200);
    assert_problem(app.login(&member.email, NEW_PASSWORD).await, 401).await;
}

#[tokio::test]
async fn a_too_short_new_password_is_a_422() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"password": "short", "current_password": PASSWORD}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
}

#[tokio::test]
async fn changing_the_password_with_the_current_one_works_and_signs_out_every_session() {
    let app = spawn_app().await;
    let member = app.member().await;
    let second: Value = app
        .login(&member.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"password": NEW_PASSWORD, "current_password": PASSWORD}),
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(app.login(&member.email, NEW_PASSWORD).await.status(), 200);
    assert_problem(app.login(&member.email, PASSWORD).await, 401).await;
    for old in [
        member.token.as_str(),
        second["access_token"].as_str().unwrap(),
    ] {
        let body = assert_problem(app.get("/api/v1/me", Some(old)).await, 401).await;
        assert_eq!(body["detail"], "the token is invalid or has expired");
    }
    for old in [
        member.refresh_token.as_str(),
        second["refresh_token"].as_str().unwrap(),
    ] {
        let res = app
            .post("/api/v1/auth/refresh", None, &json!({"refresh_token": old}))
            .await;
        assert_problem(res, 401).await;
    }
}

// --- the sign-in email -----------------------------------------------------

#[tokio::test]
async fn changing_my_email_without_the_current_password_is_a_422() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"email": "new@example.org", "full_name": "New Name"}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&body), ["current_password"], "{body}");
    let stored = me(&app, &member.token).await;
    assert_eq!(stored["email"], member.email);
    assert_eq!(stored["full_name"], "Test Person");
}

#[tokio::test]
async fn changing_my_email_with_a_wrong_current_password_is_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"email": "new@example.org", "current_password": "not my password"}),
        )
        .await;

    assert_problem(res, 401).await;
    assert_eq!(me(&app, &member.token).await["email"], member.email);
    assert_problem(app.login("new@example.org", PASSWORD).await, 401).await;
}

#[tokio::test]
async fn changing_my_email_with_the_current_password_works() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"email": "New@Example.org", "current_password": PASSWORD}),
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["email"],
        "new@example.org"
    );
    assert_eq!(app.login("new@example.org", PASSWORD).await.status(), 200);
    assert_problem(app.login(&member.email, PASSWORD).await, 401).await;
    // Only a new password ends the session.
    assert_eq!(me(&app, &member.token).await["email"], "new@example.org");
}

#[tokio::test]
async fn sending_my_current_email_is_no_change_and_needs_no_password() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .patch(
            "/api/v1/me",
            Some(&member.token),
            &json!({"email": member.email.to_uppercase(), "pronouns": "she/her"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["email"], member.email);
    assert_eq!(body["pronouns"], "she/her");
}

#[tokio::test]
async fn a_personal_token_cannot_change_the_email_or_password_even_with_it() {
    // Arrange: a full-rights script token; it does not know the password,
    // but even one that sends it is refused.
    let app = spawn_app().await;
    let member = app.member().await;
    let created = create_token(&app, &member, json!({"name": "script"})).await;
    let secret = created["secret"].as_str().unwrap();

    // Act
    let email = app
        .patch(
            "/api/v1/me",
            Some(secret),
            &json!({"email": "thief@example.org", "current_password": PASSWORD}),
        )
        .await;
    let password = app
        .patch(
            "/api/v1/me",
            Some(secret),
            &json!({"password": NEW_PASSWORD, "current_password": PASSWORD}),
        )
        .await;
    let no_password = app
        .patch(
            "/api/v1/me",
            Some(secret),
            &json!({"email": "thief@example.org"}),
        )
        .await;

    // Assert: 403s that say why; nothing changed; other edits still work.
    for res in [email, password, no_password] {
        let body = assert_problem(res, 403).await;
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("personal API token"), "{detail}");
    }
    assert_eq!(me(&app, &member.token).await["email"], member.email);
    assert_eq!(app.login(&member.email, PASSWORD).await.status(), 200);
    let name = app
        .patch(
            "/api/v1/me",
            Some(secret),
            &json!({"full_name": "Scripted"}),
        )
        .await;
    assert_eq!(name.status(), 200);
}

// --- personal API tokens --------------------------------------------------

#[tokio::test]
async fn creating_a_token_shows_its_secret_once() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(&member.token),
            &json!({"name": "roster script"}),
        )
        .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("wla_pat_"), "{secret}");
    assert!(secret.len() > 40, "{secret}");
    assert_eq!(
        location,
        format!("/api/v1/me/tokens/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["name"], "roster script");
    assert_eq!(created["read_only"], false);
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));

    let listed = list_tokens(&app, &member.token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], created["id"]);
    assert_eq!(listed[0]["prefix"], created["prefix"]);
    assert!(listed[0].get("secret").is_none(), "{}", listed[0]);
    assert!(!Value::Array(listed).to_string().contains(secret));
}

#[tokio::test]
async fn a_personal_token_authenticates_as_its_owner() {
    let app = spawn_app().await;
    let member = app.member().await;
    let created = create_token(&app, &member, json!({"name": "script"})).await;

    let res = app
        .get("/api/v1/me", Some(created["secret"].as_str().unwrap()))
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["id"],
        member.id.to_string()
    );
    let listed = list_tokens(&app, &member.token).await;
    assert!(listed[0]["last_used_at"].is_string(), "{}", listed[0]);
}

#[tokio::test]
async fn signing_out_leaves_personal_tokens_working() {
    let app = spawn_app().await;
    let member = app.member().await;
    let created = create_token(&app, &member, json!({"name": "script"})).await;

    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": member.refresh_token}),
        )
        .await;

    assert_eq!(res.status(), 204);
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", Some(secret)).await.status(), 200);
}

#[tokio::test]
async fn a_read_only_token_may_read_but_not_write() {
    let app = spawn_app().await;
    let member = app.member().await;
    let created = create_token(&app, &member, json!({"name": "reader", "read_only": true})).await;
    assert_eq!(created["read_only"], true);
    let secret = created["secret"].as_str().unwrap();

    assert_eq!(app.get("/api/v1/me", Some(secret)).await.status(), 200);
    let patch = app
        .patch("/api/v1/me", Some(secret), &json!({"full_name": "Changed"}))
        .await;
    let post = app
        .post(
            "/api/v1/me/tokens",
            Some(secret),
            &json!({"name": "escalate"}),
        )
        .await;
    let delete = app
        .delete(
            &format!("/api/v1/me/tokens/{}", created["id"].as_str().unwrap()),
            Some(secret),
        )
        .await;

    assert_problem(patch, 403).await;
    assert_problem(post, 403).await;
    assert_problem(delete, 403).await;
    assert_eq!(me(&app, &member.token).await["full_name"], "Test Person");
    assert_eq!(list_tokens(&app, &member.token).await.len(), 1);
}

#[tokio::test]
async fn a_token_expiring_in_the_past_is_a_422() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(&member.token),
            &json!({"name": "stale", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "expires_at", "{body}");
    assert!(list_tokens(&app, &member.token).await.is_empty());
}

#[tokio::test]
async fn a_token_with_an_empty_name_is_a_422() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(&member.token),
            &json!({"name": ""}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
}

#[tokio::test]
async fn a_token_with_a_future_expiry_works_until_it_expires() {
    let app = spawn_app().await;
    let member = app.member().await;
    let expires = (Utc::now() + Duration::days(30)).to_rfc3339();
    let created = create_token(
        &app,
        &member,
        json!({"name": "temp", "expires_at": expires}),
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    assert!(created["expires_at"].is_string());
    assert_eq!(app.get("/api/v1/me", Some(secret)).await.status(), 200);

    // Time passes: the expiry is now behind us.
    let id: uuid::Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let row = api_token::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Some(Utc::now() - Duration::minutes(1)));
    row.update(&app.db).await.unwrap();

    assert_problem(app.get("/api/v1/me", Some(secret)).await, 401).await;
}

#[tokio::test]
async fn revoking_a_token_is_a_204_and_it_then_gets_a_401() {
    let app = spawn_app().await;
    let member = app.member().await;
    let created = create_token(&app, &member, json!({"name": "script"})).await;
    let secret = created["secret"].as_str().unwrap();
    let path = format!("/api/v1/me/tokens/{}", created["id"].as_str().unwrap());

    let res = app.delete(&path, Some(&member.token)).await;

    assert_eq!(res.status(), 204);
    assert_problem(app.get("/api/v1/me", Some(secret)).await, 401).await;
    assert!(list_tokens(&app, &member.token).await.is_empty());
    assert_problem(app.delete(&path, Some(&member.token)).await, 404).await;
}

#[tokio::test]
async fn revoking_another_members_token_is_a_404_and_it_keeps_working() {
    let app = spawn_app().await;
    let owner = app.member().await;
    let intruder = app.committee().await;
    let created = create_token(&app, &owner, json!({"name": "owner's"})).await;
    let path = format!("/api/v1/me/tokens/{}", created["id"].as_str().unwrap());

    let res = app.delete(&path, Some(&intruder.token)).await;

    assert_problem(res, 404).await;
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", Some(secret)).await.status(), 200);
    assert!(list_tokens(&app, &intruder.token).await.is_empty());
    assert_eq!(list_tokens(&app, &owner.token).await.len(), 1);
}

#[tokio::test]
async fn revoking_an_unknown_or_malformed_token_id_is_a_404_or_400() {
    let app = spawn_app().await;
    let member = app.member().await;

    let unknown = app
        .delete(
            &format!("/api/v1/me/tokens/{}", uuid::Uuid::new_v4()),
            Some(&member.token),
        )
        .await;
    let malformed = app
        .delete("/api/v1/me/tokens/not-a-uuid", Some(&member.token))
        .await;

    assert_problem(unknown, 404).await;
    assert_problem(malformed, 400).await;
}

#[tokio::test]
async fn the_token_endpoints_need_a_sign_in() {
    let app = spawn_app().await;

    assert_problem(app.get("/api/v1/me/tokens", None).await, 401).await;
    let post = app
        .post("/api/v1/me/tokens", None, &json!({"name": "anon"}))
        .await;
    assert_problem(post, 401).await;
    let delete = app
        .delete(&format!("/api/v1/me/tokens/{}", uuid::Uuid::new_v4()), None)
        .await;
    assert_problem(delete, 401).await;
}

#[tokio::test]
async fn an_unknown_stored_role_is_a_500_problem_not_a_plain_member() {
    use sea_orm::ConnectionTrait;
    // Arrange: a member whose role column holds a value no release wrote.
    let app = spawn_app().await;
    let member = app.member().await;
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE members SET role = 'root' WHERE id = $1",
        _ => "UPDATE members SET role = 'root' WHERE id = ?",
    };
    app.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [member.id.into()],
        ))
        .await
        .unwrap();

    // Act
    let res = app.get("/api/v1/me", Some(&member.token)).await;

    // Assert: a problem that says nothing internal.
    let problem = assert_problem(res, 500).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(!detail.contains("root"), "{detail}");
    assert!(problem["request_id"].is_string());
}

#[tokio::test]
async fn a_signed_in_read_answers_after_the_database_closed_the_servers_connections() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let member = app.member().await;
    assert_eq!(me(&app, &member.token).await["id"], member.id.to_string());
    if is_postgres() {
        // What a restart of the database does to the connections the
        // server keeps for reads: the next read runs on a new one.
        app.db
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await
            .expect("terminates the other connections");
    }
    assert_eq!(me(&app, &member.token).await["id"], member.id.to_string());
}

/// Reads made on several threads, each running its own runtime as
/// actix-web's workers do, answer alike; on PostgreSQL each thread reads on
/// the one connection it opened (its socket served by that thread's
/// runtime), again and again.
#[actix_web::test]
async fn reads_from_several_threads_answer_alike_each_on_its_own_connection() {
    use wla_mentorship::store::local::LocalReads;
    let app = spawn_app().await;
    let member = app.member().await;
    let reads = LocalReads::for_url(&app.database_url).expect("reads outside the pool");
    let url = app.database_url.as_str();
    // Three threads read in turn; each runtime keeps running (serving its
    // sockets) while it waits for its next turn.
    let (emails, opened) = std::thread::scope(|scope| {
        let turns: Vec<_> = (0..3)
            .map(|_| {
                let (go, mut turn) = tokio::sync::mpsc::unbounded_channel::<()>();
                let (answer, answered) = std::sync::mpsc::channel();
                let reads = &reads;
                scope.spawn(move || {
                    runtime().block_on(async {
                        while turn.recv().await.is_some() {
                            let found = reads.member(member.id).await.expect("reads");
                            answer.send(found.map(|m| m.email)).unwrap();
                        }
                    });
                });
                (go, answered)
            })
            .collect();
        let mut emails = Vec::new();
        // Twice round: the second time no thread opens another.
        for _ in 0..2 {
            for (go, answered) in &turns {
                go.send(()).unwrap();
                emails.push(answered.recv().unwrap());
            }
        }
        // Counted while the readers' runtimes still serve their sockets.
        let opened = is_postgres().then(|| {
            scope
                .spawn(move || runtime().block_on(read_connections(url)))
                .join()
                .expect("counts")
        });
        drop(turns);
        (emails, opened)
    });
    assert_eq!(emails, vec![Some(member.email.clone()); 6]);
    if let Some(opened) = opened {
        // Each thread opened one, and read on it both times round.
        assert_eq!(opened, 3);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The connections the hot reads hold open to the database at `url`
/// (named apart from the pool's).
async fn read_connections(url: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = sea_orm::Database::connect(url).await.expect("connects");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'wla-mentorship reads'",
        ))
        .await
        .expect("counts connections")
        .expect("a count");
    db.close().await.expect("closes");
    row.try_get::<i64>("", "n").expect("a number")
}
