//! Workshops under load: `GET /workshops.ics` with 500 published public
//! workshops (the service's work alone, and the whole HTTP request), and 50
//! members registering at once for 10 places.
//!
//! Runs on a fresh SQLite file, or on a fresh database of the PostgreSQL
//! server named by `BENCH_DATABASE_URL` (dropped afterwards).
//!
//! ```bash
//! cargo bench --bench workshops
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench workshops
//! ```
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;
use uuid::Uuid;
use wla_mentorship::auth::JwtKeys;
use wla_mentorship::config::Settings;
use wla_mentorship::domain::member::{MembershipStatus, Role};
use wla_mentorship::domain::workshop::{
    WorkshopAudience, WorkshopFields, WorkshopFormat, WorkshopStatus,
};
use wla_mentorship::service::workshops::calendar;
use wla_mentorship::startup::Application;
use wla_mentorship::store::{self, members, workshops};

const SECRET: &str = "bench-secret-that-is-at-least-32-bytes-long";

struct Bench {
    base: String,
    db: DatabaseConnection,
    client: reqwest::Client,
    committee: Uuid,
    tokens: Vec<String>,
    drop_sql: Option<(String, String)>,
}

async fn database() -> (String, Option<(String, String)>) {
    let name = format!("wla_bench_{}", Uuid::new_v4().simple());
    match std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin_url) => {
            let admin = sea_orm::Database::connect(&admin_url)
                .await
                .expect("BENCH_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            (format!("{base}/{name}"), Some((admin_url.clone(), drop)))
        }
        None => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            (format!("sqlite://{}?mode=rwc", path.display()), None)
        }
    }
}

fn fields(i: usize, capacity: i32) -> WorkshopFields {
    let starts = Utc::now() + chrono::Duration::days(1 + i as i64 % 300);
    WorkshopFields {
        title: format!("Workshop {i}: peer coaching, negotiation and career planning"),
        description: "Practise coaching conversations in small groups, then bring one \
            question from your own work to the circle. "
            .repeat(3),
        facilitator: "Grace Hopper".into(),
        format: WorkshopFormat::Hybrid,
        location: Some("Central Library, Room 2".into()),
        join_url: Some("https://meet.example.org/peer-coaching".into()),
        starts_at: starts,
        ends_at: starts + chrono::Duration::minutes(90),
        capacity,
        registration_opens_at: None,
        registration_closes_at: None,
        audience: WorkshopAudience::Public,
        cycle_id: None,
    }
}

async fn published(db: &DatabaseConnection, by: Uuid, i: usize, capacity: i32) -> Uuid {
    let w = workshops::insert(db, fields(i, capacity), by)
        .await
        .unwrap();
    let f = w.fields();
    workshops::update(db, w, f, WorkshopStatus::Published)
        .await
        .unwrap()
        .id
}

async fn setup() -> Bench {
    let (url, drop_sql) = database().await;
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BIND_ADDR", "127.0.0.1:0"),
        ("JWT_SECRET", SECRET),
        ("LOG_FORMAT", "json"),
    ];
    let settings = Settings::from_lookup(|k| {
        env.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let app = Application::build(settings.clone()).await.unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    tokio::spawn(app.run_until_stopped());
    let db = store::connect(&url).await.unwrap();
    let keys = JwtKeys::new(&settings.jwt);
    let mut ids = Vec::new();
    for i in 0..51 {
        let m = members::create(
            &db,
            members::NewMember {
                email: format!("bench{i}@example.org"),
                password_hash: None,
                full_name: format!("Member {i}"),
                pronouns: None,
                role: if i == 0 {
                    Role::Committee
                } else {
                    Role::Member
                },
                wla_member_id: None,
                membership_status: MembershipStatus::Active,
                membership_expires_on: None,
            },
        )
        .await
        .unwrap();
        ids.push((m.id, m.role, m.session_epoch));
    }
    let tokens = ids[1..]
        .iter()
        .map(|(id, role, epoch)| keys.issue(*id, *role, *epoch).unwrap())
        .collect();
    for i in 0..500 {
        published(&db, ids[0].0, i, 20).await;
    }
    Bench {
        base,
        db,
        client: reqwest::Client::new(),
        committee: ids[0].0,
        tokens,
        drop_sql,
    }
}

/// 50 registrations at once for a new workshop of 10 places; checks the
/// outcome and returns the time from the first request to the last answer.
async fn race(b: &Bench, i: usize) -> Duration {
    let id = published(&b.db, b.committee, 1000 + i, 10).await;
    let url = format!("{}/workshops/{id}/registration", b.base);
    let started = Instant::now();
    let answers = futures_util::future::join_all(b.tokens.iter().map(|t| {
        let req = b.client.post(&url).bearer_auth(t).json(&json!({}));
        async move {
            req.send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    }))
    .await;
    let took = started.elapsed();
    let registered = answers
        .iter()
        .filter(|a| a["status"] == "registered")
        .count();
    assert_eq!(registered, 10, "exactly ten places taken");
    took
}

fn workshops_bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bench = rt.block_on(setup());
    let mut g = c.benchmark_group("workshops_ics_500");
    g.sample_size(30);
    g.bench_function("service", |b| {
        b.iter(|| rt.block_on(calendar::public_feed(&bench.db)).unwrap())
    });
    let url = format!("{}/workshops.ics", bench.base);
    g.bench_function("http", |b| {
        b.iter(|| {
            rt.block_on(async {
                let res = bench.client.get(&url).send().await.unwrap();
                assert_eq!(res.status(), 200);
                res.text().await.unwrap()
            })
        })
    });
    g.finish();
    let mut g = c.benchmark_group("registration_race");
    g.sample_size(10);
    g.bench_function("50_members_10_places", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                total += rt.block_on(race(&bench, i as usize));
            }
            total
        })
    });
    g.finish();
    if let Some((admin, sql)) = &bench.drop_sql {
        rt.block_on(async {
            let admin = sea_orm::Database::connect(admin).await.unwrap();
            admin.execute_unprepared(sql).await.ok();
        });
    }
}

criterion_group!(benches, workshops_bench);
criterion_main!(benches);
