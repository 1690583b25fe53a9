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
