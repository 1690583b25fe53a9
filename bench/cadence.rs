//! Benchmark of a cycle's meeting cadence (`GET /cycles/{id}/cadence`'s
//! work: the two queries and the assessment of every match).
//!
//! `cargo bench --bench cadence` seeds a fresh database with a cycle of
//! 1,000 published matches (2,000 members and applications) and 6,000
//! meetings, then measures `service::cadence::for_cycle` for the whole
//! cycle. The database is a new SQLite file under the system's temporary
//! directory, or, with `BENCH_DATABASE_URL=postgres://…` set, a new
//! database created on that server (and dropped afterwards).
use std::hint::black_box;
use std::time::Duration;

use chrono::{Duration as Days, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::runtime::Runtime;
use uuid::Uuid;
use wla_mentorship::domain::access::Actor;
use wla_mentorship::domain::application::{
    ApplicationForm, ApplicationRole, CareerStage, LibraryType, MatchingPreference, MeetingMode,
};
use wla_mentorship::domain::cadence::SILENT_AFTER_DAYS;
use wla_mentorship::domain::cycle::{CycleDates, NewCycle};
use wla_mentorship::domain::matches::MatchStatus;
use wla_mentorship::domain::meeting::{MeetingFields, MeetingMode as Mode, MeetingStatus};
use wla_mentorship::domain::member::{MembershipStatus, Role};
use wla_mentorship::service::cadence::{self, CadenceFilter};
use wla_mentorship::store::entities::matches;
use wla_mentorship::store::matches::{Breakdown, NewMatchRow};
use wla_mentorship::store::{self, applications, cycles, meetings, members};

const PAIRS: usize = 1_000;
const MEETINGS_PER_PAIR: i64 = 6;

fn form(role: ApplicationRole) -> ApplicationForm {
    let mentor = role == ApplicationRole::Mentor;
    ApplicationForm {
        role,
        library_types: vec![LibraryType::Public],
        interests: vec!["outreach".into()],
        career_stage: if mentor {
            CareerStage::Senior
        } else {
            CareerStage::Student
        },
        region: "Puget Sound".into(),
        meeting_modes: vec![MeetingMode::Online],
        availability: String::new(),
        matching_preference: MatchingPreference::Career,
        identity_tags: vec![],
        identity_consent: false,
        employer: String::new(),
        pronouns: String::new(),
        current_role: mentor.then(|| "Librarian".into()),
        years_experience: mentor.then_some(10),
        past_experience: None,
        support_approach: mentor.then(|| "Listening".into()),
        motivation: "Giving back".into(),
        capacity: mentor.then_some(1),
        learning_goals: (!mentor).then(|| "Instruction".into()),
        career_goals: (!mentor).then(|| "Academic librarian".into()),
        library_school: None,
        mentee_stages: vec![],
        answers: vec![],
    }
}

async fn person(db: &impl ConnectionTrait, name: String, role: Role) -> Uuid {
    members::create(
        db,
        members::NewMember {
            email: format!("{}@example.org", Uuid::new_v4().simple()),
            password_hash: None,
            full_name: name,
            pronouns: None,
            role,
            wla_member_id: None,
            membership_status: MembershipStatus::Active,
            membership_expires_on: None,
        },
    )
    .await
    .expect("member")
    .id
}

/// The cycle (mentoring started 100 days ago, six meetings over 181
/// days), its 1,000 pairs and their 6,000 meetings: a third spread evenly
/// (on track), a third with four held and two planned (behind), a third
/// all held in the first 40 days (silent). Returns the committee member
/// and the cycle.
async fn seed(db: &DatabaseConnection) -> (Uuid, Uuid) {
    let today = Utc::now().date_naive();
    let starts = today - Days::days(100);
    let txn = store::begin_write(db).await.expect("transaction");
    let committee = person(&txn, "Committee".into(), Role::Committee).await;
    let at = |d: NaiveDate| d.and_hms_opt(12, 0, 0).unwrap().and_utc();
    let cycle = cycles::insert(
        &txn,
        NewCycle {
            name: "Benchmark cycle".into(),
            description: String::new(),
            dates: CycleDates {
                applications_open_at: at(starts - Days::days(60)),
                applications_close_at: at(starts - Days::days(30)),
                match_by: starts - Days::days(1),
                mentoring_starts_on: starts,
                mentoring_ends_on: starts + Days::days(181),
                evaluation_closes_on: starts + Days::days(210),
            },
            meetings_expected: 6,
        },
    )
    .await
    .expect("cycle");
    for i in 0..PAIRS {
        let mentor = person(&txn, format!("Mentor {i:04}"), Role::Member).await;
        let mentee = person(&txn, format!("Mentee {i:04}"), Role::Member).await;
        let mentor_app = applications::insert(
            &txn,
            cycle.id,
            mentor,
            mentor,
            form(ApplicationRole::Mentor),
        )
        .await
        .expect("mentor application");
        let mentee_app = applications::insert(
            &txn,
            cycle.id,
            mentee,
            mentee,
            form(ApplicationRole::Mentee),
        )
        .await
        .expect("mentee application");
        let m = store::matches::insert(
            &txn,
            NewMatchRow {
                cycle_id: cycle.id,
                mentor_application_id: mentor_app.id,
                mentee_application_id: mentee_app.id,
                matching_run_id: None,
                score: 50,
                breakdown: Breakdown::default(),
                note: None,
                created_by: committee,
            },
        )
        .await
        .expect("match");
        for k in 0..MEETINGS_PER_PAIR {
            let (held_on, status) = match i % 3 {
                0 => (starts + Days::days(5 + 16 * k), MeetingStatus::Held),
                1 if k < 4 => (starts + Days::days(10 + 20 * k), MeetingStatus::Held),
                1 => (today + Days::days(10 * k), MeetingStatus::Planned),
                _ => (starts + Days::days(2 + 7 * k), MeetingStatus::Held),
            };
            let fields = MeetingFields {
                held_on,
                status,
                mode: Mode::Online,
                duration_minutes: 60,
                topics: vec!["Goals".into()],
                shared_notes: Some("Shared notes of the meeting.".into()),
                private_notes: Some("Private notes of the author.".into()),
            };
            let author = if k % 2 == 0 { mentor } else { mentee };
            meetings::insert(&txn, m.id, author, fields)
                .await
                .expect("meeting");
        }
    }
    matches::Entity::update_many()
        .col_expr(matches::Column::Status, Expr::value(MatchStatus::Active))
        .col_expr(matches::Column::PublishedAt, Expr::value(at(starts)))
        .filter(matches::Column::CycleId.eq(cycle.id))
        .exec(&txn)
        .await
        .expect("publish");
    store::commit(txn).await.expect("commit");
    (committee, cycle.id)
}

/// The database to measure on, and how to clean it up.
struct BenchDb {
    url: String,
    admin: Option<(String, String)>,
}

async fn open(rt_db: &BenchDb) -> DatabaseConnection {
    let db = store::connect(&rt_db.url).await.expect("connect");
    store::migrate(&db).await.expect("migrate");
    db
}

fn bench_db(rt: &Runtime) -> BenchDb {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => {
            let name = format!("wla_bench_cadence_{}", Uuid::new_v4().simple());
            rt.block_on(async {
                let admin = store::connect(&server).await.expect("connect to server");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create database");
            });
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            BenchDb {
                url: format!("{base}/{name}"),
                admin: Some((server.clone(), name)),
            }
        }
        _ => {
            let path = std::env::temp_dir()
                .join(format!("wla-bench-cadence-{}.db", Uuid::new_v4().simple()));
            BenchDb {
                url: format!("sqlite://{}?mode=rwc", path.display()),
                admin: None,
            }
        }
    }
}

fn cadence_of_a_cycle(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let target = bench_db(&rt);
    let db = rt.block_on(open(&target));
    let (committee, cycle_id) = rt.block_on(seed(&db));
    let actor = Actor {
        id: committee,
        role: Role::Committee,
        read_only: false,
        api_token: false,
    };
    let filter = CadenceFilter {
        state: None,
        status: None,
        silent_after_days: SILENT_AFTER_DAYS,
    };
    let run = || {
        rt.block_on(cadence::for_cycle(
            &db,
            &actor,
            cycle_id,
            filter,
            cadence::DEFAULT_SORT,
            cadence::today(),
        ))
        .expect("cadence")
    };
    let all = run();
    assert_eq!(all.len(), PAIRS);
    let backend = if target.admin.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let mut group = c.benchmark_group("cadence");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(format!("{backend}/1000_matches_6000_meetings"), |b| {
        b.iter(|| black_box(run()))
    });
    group.finish();
    drop(db);
    match target.admin {
        Some((server, name)) => rt.block_on(async {
            let admin = store::connect(&server).await.expect("connect to server");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop database");
        }),
        None => {
            if let Some(path) = target
                .url
                .strip_prefix("sqlite://")
                .and_then(|p| p.split('?').next())
            {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
}

criterion_group!(benches, cadence_of_a_cycle);
criterion_main!(benches);
