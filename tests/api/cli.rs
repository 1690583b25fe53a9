//! The binary itself: `openapi`, `create-admin` from stdin, and `serve`
//! shutting down gracefully on SIGTERM.
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_wla-mentorship");

fn sqlite_url(name: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "wla_cli_{name}_{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    format!("sqlite://{}?mode=rwc", path.display())
}

#[test]
fn the_openapi_subcommand_prints_the_committed_spec() {
    let out = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(printed, wla_mentorship::api::docs::openapi_json());
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_the_admin_can_sign_in() {
    let url = sqlite_url("admin");
    let mut child = Command::new(BIN)
        .args([
            "create-admin",
            "--email",
            "Chair@Example.org",
            "--full-name",
            "Chair Person",
        ])
        .env("DATABASE_URL", &url)
        .env("JWT_SECRET", JWT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());

    let db = wla_mentorship::store::connect(&url).await.unwrap();
    let admin = wla_mentorship::store::members::find_by_email(&db, "chair@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(admin.role.as_str(), "admin");
    assert_eq!(admin.membership_status.as_str(), "active");
    assert!(
        wla_mentorship::auth::password::verify(PASSWORD.into(), admin.password_hash)
            .await
            .unwrap()
    );
}

#[test]
fn create_admin_refuses_a_short_password() {
    let mut child = Command::new(BIN)
        .args(["create-admin", "--email", "a@example.org"])
        .env("DATABASE_URL", sqlite_url("short"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    assert!(!child.wait().unwrap().success());
}

#[test]
fn serve_applies_migrations_and_stops_cleanly_on_sigterm() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", sqlite_url("serve"))
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", JWT_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let ready = loop {
        let ok = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
            use std::io::Read;
            let _ = s.write_all(b"GET /health/ready HTTP/1.0\r\n\r\n");
            let mut reply = String::new();
            let _ = s.read_to_string(&mut reply);
            reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200")
        });
        if ok || Instant::now() > deadline {
            break ok;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(ready, "the server never became ready");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.is_some_and(|s| s.success()),
        "exit after SIGTERM: {status:?}"
    );
}

#[test]
fn serve_on_a_database_without_an_admin_logs_how_to_create_one() {
    use std::io::{BufRead, BufReader};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", sqlite_url("first_start"))
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", JWT_SECRET)
        .env("LOG_FORMAT", "pretty")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let serving = line.contains("serving");
            if tx.send(line).is_err() || serving {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) {
        let serving = line.contains("serving");
        lines.push(line);
        if serving {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let warning = lines
        .iter()
        .find(|l| l.contains("WARN") && l.contains("no administrator yet"));
    assert!(
        warning.is_some_and(|w| w.contains(wla_mentorship::service::admin::CREATE_ADMIN_HINT)),
        "{lines:#?}"
    );
}

#[tokio::test]
async fn the_first_start_warning_stops_once_an_admin_exists() {
    let db = wla_mentorship::service::admin::open_database(&sqlite_url("warn"))
        .await
        .unwrap();
    use wla_mentorship::service::admin::{bootstrap, warn_without_admin};
    assert!(warn_without_admin(&db).await.unwrap());
    bootstrap(&db, "chair@example.org", "Chair", PASSWORD.into())
        .await
        .unwrap();
    assert!(!warn_without_admin(&db).await.unwrap());
}

fn total(page: &serde_json::Value) -> u64 {
    page["total"].as_u64().unwrap()
}

/// The number printed before `label` in the demo's summary.
fn printed(summary: &str, label: &str) -> u64 {
    let before = &summary[..summary
        .find(label)
        .unwrap_or_else(|| panic!("{label}: {summary}"))];
    before
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{label}: {summary}"))
}

fn run_demo(app: &TestApp) -> std::process::Output {
    Command::new(BIN)
        .arg("demo")
        .env("DATABASE_URL", &app.database_url)
        .env("JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

// Multi-threaded: the demo runs as a blocking child process while the
// app (and, on PostgreSQL, its pool's connections) keep running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_a_whole_cycle_through_the_services_once() {
    let app = spawn_app().await;

    let out = run_demo(&app);
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{summary}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = summary
        .lines()
        .find_map(|l| l.trim().strip_prefix("password:"))
        .map(str::trim)
        .expect("the admin's password is printed");
    let login = json_of(
        app.login(wla_mentorship::demo::ADMIN_EMAIL, password).await,
        200,
    )
    .await;
    let token = login["access_token"].as_str().unwrap();
    let get = |path: String| {
        let app = &app;
        async move { json_of(app.get(&path, Some(token)).await, 200).await }
    };

    let cycles = get("/api/v1/cycles".into()).await;
    let cycle = cycles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == wla_mentorship::demo::CYCLE_NAME)
        .expect("the demo cycle is listed")
        .clone();
    assert_eq!(cycle["status"], "active");
    let id = cycle["id"].as_str().unwrap();
    let members = total(&get("/api/v1/members?per_page=1".into()).await);
    let applications = total(&get(format!("/api/v1/cycles/{id}/applications?per_page=1")).await);
    let matches = total(
        &get(format!(
            "/api/v1/cycles/{id}/matches?status=active&per_page=1"
        ))
        .await,
    );
    let evaluations = total(&get(format!("/api/v1/cycles/{id}/evaluations?per_page=1")).await);
    let workshops = get("/api/v1/workshops".into()).await;
    let imports = total(&get("/api/v1/imports".into()).await);

    // About 150 applicants, all but the admin members from the file.
    assert_eq!(applications, 150);
    assert_eq!(members, 151);
    assert_eq!(printed(&summary, "members,"), 150);
    assert_eq!(printed(&summary, "applications,"), applications);
    assert!(matches >= 80, "{matches} matches");
    assert_eq!(printed(&summary, "published matches"), matches);
    assert!(evaluations >= 50, "{evaluations} evaluations");
    assert_eq!(printed(&summary, "evaluations."), evaluations);
    assert_eq!(total(&workshops), 2);
    assert_eq!(imports, 2, "the roster and the applications");
    let some_match = get(format!("/api/v1/cycles/{id}/matches?per_page=1")).await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let agreement = get(format!("/api/v1/matches/{some_match}/agreement")).await;
    assert!(agreement["version"].as_i64().unwrap() >= 1, "{agreement}");
    assert!(printed(&summary, "meetings,") >= matches * 3);

    // A second run refuses and changes nothing.
    let again = run_demo(&app);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already loaded"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        total(&get("/api/v1/members?per_page=1".into()).await),
        members
    );
}
