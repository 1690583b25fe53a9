//! Against a running server: the example committee script, and a server
//! killed in the middle of an import, then restarted on the same database.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, EntityTrait,
    PaginatorTrait, Statement,
};
use wla_mentorship::store::entities::member;

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_wla-mentorship");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run_script(app: &TestApp, user: &TestUser, dir: &std::path::Path) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("python3")
        .arg(format!("{root}/examples/committee_import.py"))
        .args(["--base-url", &app.address, "--email", &user.email])
        .args([
            "--applications",
            &format!("{root}/examples/applications.csv"),
        ])
        .arg("--out")
        .arg(dir.join("applications.csv"))
        .arg("--token-file")
        .arg(dir.join("token"))
        .env("WLA_PASSWORD", PASSWORD)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

// Multi-threaded: the script runs as a blocking child process while the
// app (and, on PostgreSQL, its pool's connections) keep running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_committee_script_imports_the_samples_and_exports_applications() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    app.open_cycle(&committee).await;
    let dir = std::env::temp_dir().join(format!("wla_script_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();

    let first = run_script(&app, &committee, &dir);
    let second = run_script(&app, &committee, &dir);

    assert!(first.contains("created personal API token"), "{first}");
    assert!(
        first.contains("roster (dry run): 6 rows: 6 created"),
        "{first}"
    );
    assert!(first.contains("applications: 3 rows: 3 created"), "{first}");
    assert!(first.contains("exported 3 applications"), "{first}");
    assert!(
        !second.contains("created personal API token"),
        "the token is kept: {second}"
    );
    assert!(
        second.contains("roster: 6 rows: 0 created, 0 updated, 6 unchanged"),
        "{second}"
    );
    let csv = std::fs::read_to_string(dir.join("applications.csv")).unwrap();
    assert!(csv.contains("carla.hayden@example.org"), "{csv}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Starts the server binary on the test's database; its base URL once it
/// answers.
async fn start_server(app: &TestApp) -> (Child, String) {
    let port = free_port();
    let server = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", JWT_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..600 {
        if reqwest::get(format!("{base}/health/live")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, base)
}

/// Whether an import holds its lock now, that is, is inside its write
/// transaction: on PostgreSQL the advisory lock every import takes; on
/// SQLite the database's write lock, tried without waiting.
async fn import_in_progress(app: &TestApp, probe: &DatabaseConnection) -> bool {
    if is_postgres() {
        let held = app
            .db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' \
                 AND objid = 5702347 AND granted",
            ))
            .await
            .unwrap()
            .and_then(|row| row.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        return held > 0;
    }
    match probe.execute_unprepared("BEGIN IMMEDIATE").await {
        Ok(_) => {
            probe.execute_unprepared("ROLLBACK").await.unwrap();
            false
        }
        Err(_) => true,
    }
}

/// A connection that fails at once, instead of waiting, when another
/// holds SQLite's write lock.
async fn lock_probe(app: &TestApp) -> DatabaseConnection {
    let mut options = ConnectOptions::new(app.database_url.clone());
    options.max_connections(1).sqlx_logging(false);
    if !is_postgres() {
        options.map_sqlx_sqlite_opts(|o| o.busy_timeout(Duration::ZERO));
    }
    Database::connect(options).await.unwrap()
}

async fn total(base: &str, token: &str, path: &str) -> u64 {
    let page: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["total"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_an_import_leaves_nothing_half_written() {
    // Arrange: a server process and a 40,000-row roster.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let probe = lock_probe(&app).await;
    let (mut server, base) = start_server(&app).await;
    let members_before = total(&base, &committee.token, "/api/v1/members?per_page=1").await;
    let mut file = String::from("email,full_name\n");
    for i in 0..40_000 {
        file.push_str(&format!("killed-{i}@example.org,Killed Import {i}\n"));
    }
    let upload = tokio::spawn(
        reqwest::Client::new()
            .post(format!("{base}/api/v1/members/import"))
            .bearer_auth(&committee.token)
            .header("Content-Type", "text/csv")
            .body(file)
            .send(),
    );

    // Act: SIGKILL once the import has held its write transaction for a
    // while (writing its rows), before it answers.
    let mut held_since = None;
    let caught = loop {
        if upload.is_finished() {
            break false;
        }
        if import_in_progress(&app, &probe).await {
            let since = *held_since.get_or_insert_with(std::time::Instant::now);
            if since.elapsed() >= Duration::from_millis(150) {
                break true;
            }
        } else {
            held_since = None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    server.kill().unwrap();
    server.wait().unwrap();
    let answered = upload.await.unwrap();
    probe.close().await.ok();

    // Assert: a new server on the same database finds none of the file's
    // rows and no import recorded, and imports again.
    let (mut restarted, base) = start_server(&app).await;
    let members = total(&base, &committee.token, "/api/v1/members?per_page=1").await;
    let imports = total(&base, &committee.token, "/api/v1/imports").await;
    if caught {
        assert!(answered.is_err(), "the import answered before the kill");
        assert_eq!(
            (members, imports),
            (members_before, 0),
            "nothing half-written"
        );
    } else {
        // Only on a machine that imports 40,000 rows faster than the probe
        // sees the lock: then the whole file is there.
        eprintln!("the import finished before the kill");
        assert_eq!((members, imports), (members_before + 40_000, 1));
    }
    let small = reqwest::Client::new()
        .post(format!("{base}/api/v1/members/import"))
        .bearer_auth(&committee.token)
        .header("Content-Type", "text/csv")
        .body("email,full_name\nafter-1@example.org,After One\nafter-2@example.org,After Two\n")
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    let report: serde_json::Value = small.json().await.unwrap();
    assert_eq!(report["created"], 2, "{report}");
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    let in_db = member::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(in_db, members + 2);
}
