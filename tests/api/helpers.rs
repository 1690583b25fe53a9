//! `spawn_app()` and the small vocabulary the tests are written in.
#![allow(dead_code)]
use std::collections::HashMap;

use reqwest::{Method, RequestBuilder, Response};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::config::Settings;
use wla_mentorship::domain::member::{MembershipStatus, Role};
use wla_mentorship::startup::Application;
use wla_mentorship::store::{self, members};

pub const JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// A connection of the test's own, for arranging data directly.
    pub db: DatabaseConnection,
    /// The app's own pool (shared, so closing it stops the app's database).
    pub app_db: DatabaseConnection,
    /// The URL of the test's database, for opening more connections.
    pub database_url: String,
    database: TestDatabase,
}

/// Where a test's database lives, so it can be removed afterwards.
enum TestDatabase {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestApp {
    /// Removes the test's database: the SQLite files, or the PostgreSQL
    /// database (forcing out the app's still-open connections). Runs on
    /// its own thread, as the test's runtime may be shutting down.
    fn drop(&mut self) {
        match &self.database {
            TestDatabase::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            TestDatabase::Postgres { admin_url, name } => {
                let (url, sql) = (
                    admin_url.clone(),
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                );
                let dropped = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let admin = sea_orm::Database::connect(&url).await.ok()?;
                        admin.execute_unprepared(&sql).await.ok()?;
                        admin.close().await.ok()
                    })
                });
                let _ = dropped.join();
            }
        }
    }
}

/// A signed-in account.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: Uuid,
    pub email: String,
    pub token: String,
    pub refresh_token: String,
}

/// An app with the default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// An app with some settings overridden (`("LOGIN_RATE_PER_MINUTE", "2")`).
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let (database_url, database) = fresh_database().await;
    let mut env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.clone()),
        ("BIND_ADDR".into(), "127.0.0.1:0".into()),
        ("JWT_SECRET".into(), JWT_SECRET.into()),
        ("LOGIN_RATE_PER_MINUTE".into(), "1000".into()),
    ]);
    for (k, v) in overrides {
        env.insert(k.to_string(), v.to_string());
    }
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("settings");
    let app = Application::build(settings).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let app_db = app.db();
    tokio::spawn(app.run_until_stopped());
    let db = store::connect(&database_url)
        .await
        .expect("test connection");
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        app_db,
        database_url,
        database,
    }
}

/// Starts another instance of the service on `app`'s database (as behind
/// a load balancer), with `overrides`; it runs until the test ends.
pub async fn start_instance(app: &TestApp, overrides: &[(&str, &str)]) {
    let mut env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), app.database_url.clone()),
        ("BIND_ADDR".into(), "127.0.0.1:0".into()),
        ("JWT_SECRET".into(), JWT_SECRET.into()),
    ]);
    for (k, v) in overrides {
        env.insert(k.to_string(), v.to_string());
    }
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("settings");
    let instance = Application::build(settings).await.expect("instance builds");
    tokio::spawn(instance.run_until_stopped());
}

/// An app whose database pool has been closed, as when the database
/// server goes away.
pub async fn spawn_app_unreachable_db() -> TestApp {
    let app = spawn_app().await;
    app.app_db
        .clone()
        .close()
        .await
        .expect("close the app's pool");
    app
}

/// A database of this test's own: a SQLite file in the temp dir, or a new
/// database on the server named by TEST_DATABASE_URL.
async fn fresh_database() -> (String, TestDatabase) {
    // The creation time in the name lets CI drop what a killed run left
    // behind without touching the databases of a run still going.
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let name = format!("wla_test_{created}_{}", Uuid::new_v4().simple());
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) if url.starts_with("postgres") => {
            let admin = sea_orm::Database::connect(&url)
                .await
                .expect("TEST_DATABASE_URL answers");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
            let db_url = format!("{base}/{name}");
            (
                db_url,
                TestDatabase::Postgres {
                    admin_url: url,
                    name,
                },
            )
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            let db_url = format!("sqlite://{}?mode=rwc", path.display());
            (db_url, TestDatabase::Sqlite(path))
        }
    }
}

pub fn is_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A request, with a bearer token when one is given.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::PATCH, path, token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn register(&self, email: &str) -> Response {
        self.post(
            "/api/v1/auth/register",
            None,
            &json!({"email": email, "password": PASSWORD, "full_name": "Test Person", "pronouns": "they/them"}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers, sets role and membership directly in the database, and
    /// signs in.
    pub async fn user(&self, role: Role, membership: MembershipStatus) -> TestUser {
        let email = format!("{}-{}@example.org", role.as_str(), Uuid::new_v4().simple());
        let res = self.register(&email).await;
        assert_eq!(res.status(), 201, "register {email}");
        let id: Uuid = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let current = members::get(&self.db, id).await.unwrap();
        let changes = members::MemberChanges {
            role: Some(role),
            membership_status: Some(membership),
            ..Default::default()
        };
        members::update(&self.db, current, changes).await.unwrap();
        let body: Value = self.login(&email, PASSWORD).await.json().await.unwrap();
        TestUser {
            id,
            email,
            token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// An active member.
    pub async fn member(&self) -> TestUser {
        self.user(Role::Member, MembershipStatus::Active).await
    }

    pub async fn committee(&self) -> TestUser {
        self.user(Role::Committee, MembershipStatus::Active).await
    }

    pub async fn admin(&self) -> TestUser {
        self.user(Role::Admin, MembershipStatus::Active).await
    }

    /// Creates a draft cycle as `committee`, with `name` and the 2024-2025
    /// calendar; returns its JSON.
    pub async fn create_cycle(&self, committee: &TestUser, name: &str) -> Value {
        let res = self
            .post("/api/v1/cycles", Some(&committee.token), &cycle_body(name))
            .await;
        assert_eq!(res.status(), 201, "create cycle");
        res.json().await.unwrap()
    }

    /// Moves a cycle to `to`, asserting success.
    pub async fn transition(&self, committee: &TestUser, cycle_id: &str, to: &str) -> Value {
        let res = self
            .post(
                &format!("/api/v1/cycles/{cycle_id}/transition"),
                Some(&committee.token),
                &json!({"to": to}),
            )
            .await;
        assert_eq!(res.status(), 200, "transition to {to}");
        res.json().await.unwrap()
    }
}

/// A valid cycle body for the 2024-2025 calendar.
pub fn cycle_body(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Six months of mentoring.",
        "applications_open_at": "2024-09-01T00:00:00Z",
        "applications_close_at": "2024-09-30T23:59:59Z",
        "match_by": "2024-10-15",
        "mentoring_starts_on": "2024-10-15",
        "mentoring_ends_on": "2025-04-15",
        "evaluation_closes_on": "2025-05-15",
        "meetings_expected": 6
    })
}

/// Asserts `status` and returns the JSON body (shown when the status is
/// not the one expected).
pub async fn json_of(res: Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.expect("json body");
    assert_eq!(actual, status, "{body}");
    body
}

/// Asserts a problem+json answer with `status`; returns its body.
pub async fn assert_problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content-type was {content_type}"
    );
    let request_id = res
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    assert_eq!(body["request_id"].as_str(), request_id.as_deref(), "{body}");
    body
}

/// A complete mentor application body (no answers to extra questions).
pub fn mentor_body() -> Value {
    json!({
        "role": "mentor",
        "library_types": ["academic", "public"],
        "interests": ["instruction", "outreach"],
        "career_stage": "senior",
        "region": "Puget Sound",
        "meeting_modes": ["online", "in_person"],
        "availability": "Weekday afternoons",
        "matching_preference": "career",
        "identity_tags": [],
        "identity_consent": false,
        "employer": "University of Washington Libraries",
        "pronouns": "she/her",
        "current_role": "Instruction Librarian",
        "years_experience": 12,
        "past_experience": "Reference, then instruction.",
        "support_approach": "Monthly conversations and reviewing cover letters.",
        "motivation": "I had great mentors and want to pass it on.",
        "answers": []
    })
}

/// A complete mentee application body (no answers to extra questions).
pub fn mentee_body() -> Value {
    json!({
        "role": "mentee",
        "library_types": ["academic"],
        "interests": ["instruction"],
        "career_stage": "student",
        "region": "Spokane",
        "meeting_modes": ["online"],
        "availability": "Evenings",
        "matching_preference": "identity",
        "identity_tags": ["first-generation"],
        "identity_consent": true,
        "employer": "",
        "pronouns": "they/them",
        "learning_goals": "What academic instruction work is like day to day.",
        "career_goals": "An instruction librarian position after my MLIS.",
        "motivation": "I am new to the field in Washington.",
        "library_school": "enrolled",
        "answers": []
    })
}

impl TestApp {
    /// Creates a cycle as `committee` (uniquely named) and opens it;
    /// returns its id.
    pub async fn open_cycle(&self, committee: &TestUser) -> String {
        let name = format!("Cycle {}", Uuid::new_v4().simple());
        let cycle = self.create_cycle(committee, &name).await;
        let id = cycle["id"].as_str().expect("cycle id").to_owned();
        self.transition(committee, &id, "open").await;
        id
    }

    /// Submits `body` to cycle `cycle_id` as `user`.
    pub async fn apply(&self, user: &TestUser, cycle_id: &str, body: &Value) -> Response {
        self.post(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(&user.token),
            body,
        )
        .await
    }

    /// Submits `body` as `user`, asserting a 201; returns the application.
    pub async fn applied(&self, user: &TestUser, cycle_id: &str, body: &Value) -> Value {
        let res = self.apply(user, cycle_id, body).await;
        let status = res.status();
        let json: Value = res.json().await.expect("json body");
        assert_eq!(status, 201, "apply: {json}");
        json
    }
}

/// The `field`s named in a 422 problem's `errors`.
pub fn problem_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The `errors` entry of a 422 problem naming `field`.
pub fn problem_error<'a>(problem: &'a Value, field: &str) -> &'a Value {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no error for {field}: {problem}"))
}

// ------------------------------------------------------------- matching

/// `body` with each of `fields` set over it.
pub fn overlay(mut body: Value, fields: Value) -> Value {
    for (k, v) in fields.as_object().expect("fields are an object") {
        body[k] = v.clone();
    }
    body
}

impl TestApp {
    /// A cycle created, opened and moved to `matching` by `committee`;
    /// returns its id.
    pub async fn cycle_in_matching(&self, committee: &TestUser) -> String {
        let id = self.open_cycle(committee).await;
        self.transition(committee, &id, "matching").await;
        id
    }

    /// An active member created straight in the database (no password).
    pub async fn db_member(&self, full_name: &str) -> Uuid {
        members::create(
            &self.db,
            members::NewMember {
                email: format!("{}@example.org", Uuid::new_v4().simple()),
                password_hash: None,
                full_name: full_name.to_owned(),
                pronouns: None,
                role: Role::Member,
                wla_member_id: None,
                membership_status: MembershipStatus::Active,
                membership_expires_on: None,
            },
        )
        .await
        .expect("create member")
        .id
    }

    /// Accepts an application as `committee`.
    pub async fn accept_application(&self, committee: &TestUser, application_id: &str) {
        let res = self
            .post(
                &format!("/api/v1/applications/{application_id}/review"),
                Some(&committee.token),
                &json!({"decision": "accepted", "note": ""}),
            )
            .await;
        assert_eq!(res.status(), 200, "accept {application_id}");
    }

    /// A new member for whom `committee` submits `body` and accepts it;
    /// returns the application id.
    pub async fn accepted_applicant(
        &self,
        committee: &TestUser,
        cycle_id: &str,
        body: Value,
    ) -> String {
        let member_id = self.db_member("Applicant").await;
        let body = overlay(body, json!({ "member_id": member_id }));
        let created = self.applied(committee, cycle_id, &body).await;
        let id = created["id"].as_str().expect("application id").to_owned();
        self.accept_application(committee, &id).await;
        id
    }
}

/// Asserts that the counts the database keeps of each cycle's applications
/// (by role and status) and matches (by status) are the rows' own counts,
/// and returns how many counted groups there are (so a caller can tell the
/// check was not made over nothing).
pub async fn assert_counts_kept(app: &TestApp) -> u64 {
    let db = &app.db;
    let backend = db.get_database_backend();
    let scalar = |sql: &str| sea_orm::Statement::from_string(backend, sql.to_owned());
    let mut groups = 0;
    for (table, counts, keys) in [
        (
            "applications",
            "application_counts",
            "cycle_id, role, status",
        ),
        ("matches", "match_counts", "cycle_id, status"),
    ] {
        let own = format!("SELECT {keys}, COUNT(*) AS n FROM {table} GROUP BY {keys}");
        // PostgreSQL keeps a key's count as rows to sum (migration
        // `m20261206_000021_count_deltas`).
        let kept =
            format!("SELECT {keys}, SUM(n) AS n FROM {counts} GROUP BY {keys} HAVING SUM(n) <> 0");
        for (one, other) in [(&own, &kept), (&kept, &own)] {
            let differing =
                format!("SELECT COUNT(*) AS n FROM ({one} EXCEPT {other}) AS differing");
            let row = db.query_one_raw(scalar(&differing)).await.unwrap().unwrap();
            let n: i64 = row.try_get("", "n").unwrap();
            assert_eq!(n, 0, "{counts} differs from {table}'s own counts");
        }
        let kept = format!("SELECT COUNT(*) AS n FROM ({kept}) AS kept");
        let row = db.query_one_raw(scalar(&kept)).await.unwrap().unwrap();
        groups += u64::try_from(row.try_get::<i64>("", "n").unwrap()).unwrap();
    }
    groups
}

/// How many migrations, newest first, take the schema back to before
/// `name`: it and every one after it.
pub fn migrations_since(name: &str) -> u32 {
    use migration::MigratorTrait;
    let names: Vec<String> = migration::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no migration {name}"));
    u32::try_from(names.len() - at).expect("a few migrations")
}
