//! Against a running server: the example committee script, and a server
//! killed in the middle of an import.
use std::process::{Command, Stdio};
use std::time::Duration;

use sea_orm::{EntityTrait, PaginatorTrait};
use wla_mentorship::store::entities::{import, member};

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

#[tokio::test]
async fn a_server_killed_during_an_import_leaves_nothing_half_written() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let members_before = member::Entity::find().count(&app.db).await.unwrap();
    let port = free_port();
    let mut server = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", JWT_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/health/live")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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

    tokio::time::sleep(Duration::from_millis(400)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let answered = upload.await.unwrap();

    let members = member::Entity::find().count(&app.db).await.unwrap();
    let imports = import::Entity::find().count(&app.db).await.unwrap();
    let completed = answered.is_ok_and(|r| r.status() == 200);
    eprintln!(
        "the import {} before the kill",
        if completed { "finished" } else { "was cut off" }
    );
    if completed {
        assert_eq!((members, imports), (members_before + 40_000, 1));
    } else {
        assert_eq!(
            (members, imports),
            (members_before, 0),
            "nothing half-written"
        );
    }
}
