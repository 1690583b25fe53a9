//! `wla-mentorship demo`: loads a realistic cycle into the configured
//! database through the imports and the normal services, so someone who
//! opens Swagger UI after `cargo run` finds data to explore: about 150
//! applicants from `demo/applicants.csv` (a form export), a committee
//! administrator, a matching run whose proposals were approved and
//! published, agreements, a season of meetings, two workshops with
//! registrations, and evaluations. Dates are set around today: mentoring
//! ended yesterday and evaluations are open.
use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, anyhow, bail};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::api::imports::decode::decode;
use crate::domain::access::Actor;
use crate::domain::application::{Answer, NewReview, ReviewDecision};
use crate::domain::cycle::{CycleDates, CycleStatus, NewCycle};
use crate::domain::evaluation::{EvaluationFields, KeepInTouch, ParticipateAgain, QuoteConsent};
use crate::domain::import::ImportFormat;
use crate::domain::matching::RunParams;
use crate::domain::meeting::{MeetingFields, MeetingMode, MeetingStatus};
use crate::domain::member::Role;
use crate::domain::question::{
    Audience, NewQuestion, QuestionDefinition, QuestionForm, QuestionKind,
};
use crate::domain::workshop::{WorkshopAudience, WorkshopFields, WorkshopFormat, WorkshopStatus};
use crate::service::imports::{ImportFile, Outcome};
use crate::service::{self, ServiceError};
use crate::store::{self, Db};
use crate::worker::MatchingWorker;

/// The applicants: a form export with the roster's columns too, so one
/// file feeds both imports.
pub const APPLICANTS_CSV: &str = include_str!("../demo/applicants.csv");

/// The demo cycle's name; its presence means the demo is loaded.
pub const CYCLE_NAME: &str = "2026 Mentorship Cycle (demo)";

/// The committee administrator the demo creates.
pub const ADMIN_EMAIL: &str = "committee@demo.example.org";

/// What the demo loaded, printed at the end.
#[derive(Debug, Default)]
pub struct Loaded {
    pub admin_email: String,
    pub admin_password: String,
    pub cycle_id: Uuid,
    pub members: usize,
    pub applications: usize,
    pub matches: usize,
    pub agreements_signed: usize,
    pub meetings: usize,
    pub workshops: usize,
    pub registrations: usize,
    pub evaluations: usize,
}

fn member(id: Uuid) -> Actor {
    Actor {
        id,
        role: Role::Member,
        read_only: false,
        api_token: false,
    }
}

/// A service error with its detail (a refused import lists its problems).
fn failed(what: &str, err: ServiceError) -> anyhow::Error {
    match err {
        ServiceError::ImportRejected(report) => {
            let problems: Vec<String> = report
                .errors
                .iter()
                .take(10)
                .map(|e| format!("row {} {}: {}", e.row, e.column, e.message))
                .collect();
            anyhow!("{what}: {}", problems.join("; "))
        }
        ServiceError::Validation(errors) => {
            let problems: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            anyhow!("{what}: {}", problems.join("; "))
        }
        other => anyhow!("{what}: {other}"),
    }
}

fn csv_file() -> ImportFile {
    ImportFile {
        format: ImportFormat::Csv,
        sha256: hex::encode(Sha256::digest(APPLICANTS_CSV.as_bytes())),
        bytes: APPLICANTS_CSV.len(),
        idempotency_key: None,
        dry_run: false,
    }
}

fn done(outcome: Outcome) -> crate::domain::import::ImportReport {
    match outcome {
        Outcome::Done(report) | Outcome::Replayed(report) => report,
    }
}

/// Refuses, saying why, when the demo was loaded already or an open cycle
/// would stand in its way.
async fn check_empty(db: &Db) -> anyhow::Result<()> {
    if store::members::find_by_email(db, ADMIN_EMAIL)
        .await?
        .is_some()
        || store::cycles::find_by_name(db, CYCLE_NAME).await?.is_some()
    {
        bail!(
            "the demo is already loaded in this database (cycle \"{CYCLE_NAME}\", admin \
             {ADMIN_EMAIL}); load it into a new one, e.g. \
             DATABASE_URL='sqlite://demo.db?mode=rwc' cargo run -- demo"
        );
    }
    if let Some(open) = store::cycles::all_in_status(db, CycleStatus::Open)
        .await?
        .first()
    {
        bail!(
            "cycle \"{}\" is open for applications, and the demo opens its own; load the demo \
             into a new database, e.g. DATABASE_URL='sqlite://demo.db?mode=rwc' cargo run -- demo",
            open.name
        );
    }
    Ok(())
}

/// Loads the demo; refuses when it is there already.
pub async fn load(db: &Db) -> anyhow::Result<Loaded> {
    check_empty(db).await?;
    let mut rng = StdRng::seed_from_u64(2026);
    let mut out = Loaded {
        admin_email: ADMIN_EMAIL.to_owned(),
        admin_password: format!("demo-{}", Uuid::new_v4().simple()),
        ..Loaded::default()
    };
    let admin_id = service::admin::bootstrap(
        db,
        ADMIN_EMAIL,
        "Demo Committee Chair",
        out.admin_password.clone(),
    )
    .await?;
    let admin = Actor {
        id: admin_id,
        role: Role::Admin,
        read_only: false,
        api_token: false,
    };

    // The roster and the applications, from the one form export.
    let table = decode(ImportFormat::Csv, APPLICANTS_CSV.as_bytes())
        .map_err(|e| anyhow!("reading demo/applicants.csv: {e}"))?;
    let roster = crate::api::members::parse_import(&table);
    let report = done(
        service::imports::members(db, &admin, csv_file(), roster)
            .await
            .map_err(|e| failed("importing the roster", e))?,
    );
    out.members = report.created + report.updated + report.unchanged;

    let today = Utc::now().date_naive();
    let cycle = create_cycle(db, &admin, today).await?;
    out.cycle_id = cycle;
    service::cycles::transition(db, &admin, cycle, CycleStatus::Open)
        .await
        .map_err(|e| failed("opening the cycle", e))?;
    let apps = crate::api::applications::parse_import(&table);
    drop(table);
    let report = done(
        service::imports::applications(db, &admin, cycle, csv_file(), apps)
            .await
            .map_err(|e| failed("importing the applications", e))?,
    );
    out.applications = report.created;

    // Review: nearly everyone accepted, a few mentees waitlisted or
    // declined, as a committee would.
    let applications = store::applications::for_cycle(db, cycle).await?;
    let member_of: HashMap<Uuid, Uuid> = applications.iter().map(|a| (a.id, a.member_id)).collect();
    for (i, app) in applications.iter().enumerate() {
        let (decision, note) = match i % 37 {
            5 if app.role.as_str() == "mentee" => (
                ReviewDecision::Waitlisted,
                "Waitlisted: few mentors in the region.",
            ),
            17 if app.role.as_str() == "mentee" => (
                ReviewDecision::Declined,
                "Declined: not a WLA member at the close of applications.",
            ),
            _ => (ReviewDecision::Accepted, "Welcome to the program."),
        };
        let review = NewReview {
            decision,
            note: note.to_owned(),
        };
        service::applications::review(db, &admin, app.id, review)
            .await
            .map_err(|e| failed("reviewing an application", e))?;
    }

    // Matching: one run, every proposal approved, then published.
    service::cycles::transition(db, &admin, cycle, CycleStatus::Matching)
        .await
        .map_err(|e| failed("moving the cycle to matching", e))?;
    let worker = MatchingWorker::start()?;
    let run = service::matching::create_run(db, None, &worker, &admin, cycle, RunParams::default())
        .await
        .map_err(|e| failed("running matching", e))?
        .run;
    let proposed = service::matching::accept(db, &admin, run.id, None)
        .await
        .map_err(|e| failed("accepting the matching run", e))?;
    for m in &proposed {
        service::matches::approve(db, &admin, m.id)
            .await
            .map_err(|e| failed("approving a match", e))?;
    }
    service::matches::publish(db, &admin, cycle)
        .await
        .map_err(|e| failed("publishing the matches", e))?;
    service::cycles::transition(db, &admin, cycle, CycleStatus::Active)
        .await
        .map_err(|e| failed("starting mentoring", e))?;
    out.matches = proposed.len();

    let pairs: Vec<(Uuid, Actor, Actor)> = proposed
        .iter()
        .map(|m| {
            (
                m.id,
                member(member_of[&m.mentor_application_id]),
                member(member_of[&m.mentee_application_id]),
            )
        })
        .collect();
    let starts = starts_on(today);
    for (i, (match_id, mentor, mentee)) in pairs.iter().enumerate() {
        out.agreements_signed += agreement(db, i, *match_id, mentor, mentee).await?;
        out.meetings += meetings(db, &mut rng, i, *match_id, mentor, mentee, starts, today).await?;
    }

    let (workshops, registrations) = workshops(db, &admin, cycle, &pairs, today).await?;
    out.workshops = workshops;
    out.registrations = registrations;

    // The committee's own evaluation question, then one evaluation per
    // participant (a mentor of two mentees answers once).
    let question = service::questions::create(db, &admin, cycle, helped_most())
        .await
        .map_err(|e| failed("adding the evaluation question", e))?;
    let mut asked = std::collections::HashSet::new();
    for (i, (_, mentor, mentee)) in pairs.iter().enumerate() {
        for (who, partner) in [(mentor, "mentor"), (mentee, "mentee")] {
            // About three in four answer.
            if !asked.insert(who.id) || rng.random_range(0..4) == 0 {
                continue;
            }
            let mut fields = evaluation(&mut rng, i, partner);
            fields.answers = vec![Answer {
                question_id: question.id,
                value: HELPED_MOST[i % HELPED_MOST.len()].into(),
            }];
            service::evaluations::create(db, who, cycle, fields)
                .await
                .map_err(|e| failed("submitting an evaluation", e))?;
            out.evaluations += 1;
        }
    }
    Ok(out)
}

/// Mentoring ran for six months and ended yesterday; evaluations are open
/// for a month.
fn starts_on(today: NaiveDate) -> NaiveDate {
    today - Duration::days(183)
}

async fn create_cycle(db: &Db, admin: &Actor, today: NaiveDate) -> anyhow::Result<Uuid> {
    let starts = starts_on(today);
    let close = Utc.from_utc_datetime(
        &(starts - Duration::days(21))
            .and_hms_opt(23, 59, 59)
            .unwrap_or_default(),
    );
    let dates = CycleDates {
        applications_open_at: close - Duration::days(45),
        applications_close_at: close,
        match_by: starts - Duration::days(7),
        mentoring_starts_on: starts,
        mentoring_ends_on: today - Duration::days(1),
        evaluation_closes_on: today + Duration::days(30),
    };
    let new = NewCycle {
        name: CYCLE_NAME.to_owned(),
        description: "Six months of mentoring for Washington library workers: monthly \
                      meetings, workshops, and an evaluation at the end. Loaded by \
                      `wla-mentorship demo`."
            .to_owned(),
        dates,
        meetings_expected: 6,
    };
    let cycle = service::cycles::create(db, admin, new)
        .await
        .map_err(|e| failed("creating the cycle", e))?;
    Ok(cycle.id)
}

const GOALS: [&str; 6] = [
    "Prepare two job applications and a mock interview by month four.",
    "Plan and run one adult program together, start to finish.",
    "Understand how an academic library's instruction program is assessed.",
    "Build a professional network in Eastern Washington.",
    "Decide between public and academic librarianship, with site visits.",
    "Write a conference proposal for the WLA annual conference.",
];

/// Saves the agreement as the mentor; both sign most of them. How many
/// were signed by both (0 or 1).
async fn agreement(
    db: &Db,
    i: usize,
    match_id: Uuid,
    mentor: &Actor,
    mentee: &Actor,
) -> anyhow::Result<usize> {
    if i % 11 == 10 {
        return Ok(0); // Not started.
    }
    let answers: BTreeMap<String, String> = [
        (
            "communication_styles",
            "Direct, kind feedback; we each say when something is not working.",
        ),
        ("goals", GOALS[i % GOALS.len()]),
        (
            "mode_and_channel",
            "Video calls; email between meetings, answered within two days.",
        ),
        (
            "meeting_frequency",
            "First Tuesday of the month, 5 pm, for an hour.",
        ),
        (
            "confidentiality",
            "What we discuss stays between us unless we both agree to share it.",
        ),
        (
            "concerns_and_ending",
            "Either of us raises a concern at the next meeting or writes to the committee.",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let edit = service::agreements::Edit {
        version: 0,
        answers,
        shared_with_committee: Some(!i.is_multiple_of(3)),
    };
    service::agreements::save(db, mentor, match_id, edit)
        .await
        .map_err(|e| failed("saving an agreement", e))?;
    service::agreements::sign(db, mentor, match_id)
        .await
        .map_err(|e| failed("signing an agreement", e))?;
    if i % 11 == 9 {
        return Ok(0); // The mentee has not signed yet.
    }
    service::agreements::sign(db, mentee, match_id)
        .await
        .map_err(|e| failed("signing an agreement", e))?;
    Ok(1)
}

const TOPICS: [&str; 10] = [
    "goals",
    "résumé review",
    "interview practice",
    "program planning",
    "instruction",
    "networking",
    "conference proposal",
    "work-life balance",
    "management",
    "collection development",
];

/// A season of monthly meetings: most pairs met five or six times, a few
/// fell behind or went silent. How many were recorded.
#[allow(clippy::too_many_arguments)]
async fn meetings(
    db: &Db,
    rng: &mut StdRng,
    i: usize,
    match_id: Uuid,
    mentor: &Actor,
    mentee: &Actor,
    starts: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let held = match i % 10 {
        0 => 1,
        1 => 3,
        2..=5 => 5,
        _ => 6,
    };
    let mut count = 0;
    for month in 0..held {
        let day = starts + Duration::days(10 + 30 * month + rng.random_range(0..8));
        if day >= today {
            break;
        }
        let author = if month % 2 == 0 { mentor } else { mentee };
        let topics = vec![
            TOPICS[(i + month as usize) % TOPICS.len()].to_owned(),
            TOPICS[(i * 3 + month as usize + 1) % TOPICS.len()].to_owned(),
        ];
        let fields = MeetingFields {
            held_on: day,
            status: MeetingStatus::Held,
            mode: if rng.random_range(0..5) == 0 {
                MeetingMode::InPerson
            } else {
                MeetingMode::Online
            },
            duration_minutes: [45, 60, 60, 75, 90][rng.random_range(0..5)],
            topics,
            shared_notes: Some(format!("Month {}: next steps agreed.", month + 1)),
            private_notes: None,
        };
        service::meetings::create(db, author, match_id, fields)
            .await
            .map_err(|e| failed("recording a meeting", e))?;
        count += 1;
    }
    Ok(count)
}

/// A past workshop for the cycle's participants, with who came, and an
/// upcoming one for every member, with a waitlist. How many workshops and
/// registrations.
async fn workshops(
    db: &Db,
    admin: &Actor,
    cycle: Uuid,
    pairs: &[(Uuid, Actor, Actor)],
    today: NaiveDate,
) -> anyhow::Result<(usize, usize)> {
    let at = |day: NaiveDate, hour: u32| {
        Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
    };
    let kickoff_day = starts_on(today) + Duration::days(20);
    let kickoff = service::workshops::create(
        db,
        admin,
        WorkshopFields {
            title: "Getting the most from your mentorship".into(),
            description: "Setting goals, writing the partnership agreement, and what to do \
                          when a meeting slips. For this cycle's mentors and mentees."
                .into(),
            facilitator: "WLA Mentorship Committee".into(),
            format: WorkshopFormat::Online,
            location: None,
            join_url: Some("https://meet.example.org/wla-mentorship-kickoff".into()),
            starts_at: at(kickoff_day, 17),
            ends_at: at(kickoff_day, 18),
            capacity: 300,
            registration_opens_at: None,
            registration_closes_at: None,
            audience: WorkshopAudience::Cycle,
            cycle_id: Some(cycle),
        },
    )
    .await
    .map_err(|e| failed("creating a workshop", e))?
    .workshop
    .id;
    service::workshops::transition(db, admin, kickoff, WorkshopStatus::Published)
        .await
        .map_err(|e| failed("publishing a workshop", e))?;
    let mut registrations = 0;
    let mut came = Vec::new();
    for (i, (_, mentor, mentee)) in pairs.iter().enumerate() {
        for (j, who) in [mentor, mentee].into_iter().enumerate() {
            if (i + j) % 4 == 3 {
                continue;
            }
            service::workshops::registration::add(db, admin, kickoff, who.id)
                .await
                .map_err(|e| failed("registering for a workshop", e))?;
            registrations += 1;
            if (i + j) % 5 != 0 {
                came.push(who.id);
            }
        }
    }
    came.sort();
    came.dedup();
    service::workshops::attendance::set(db, admin, kickoff, came)
        .await
        .map_err(|e| failed("marking attendance", e))?;
    service::workshops::transition(db, admin, kickoff, WorkshopStatus::Completed)
        .await
        .map_err(|e| failed("completing a workshop", e))?;

    let day = today + Duration::days(21);
    let upcoming = service::workshops::create(
        db,
        admin,
        WorkshopFields {
            title: "Negotiating your first library job offer".into(),
            description: "Salary ranges in Washington libraries, what is negotiable, and \
                          practice in pairs. Open to every WLA member."
                .into(),
            facilitator: "Priya Castellanos, Pierce County Library System".into(),
            format: WorkshopFormat::Hybrid,
            location: Some("Tacoma Public Library, Main Library, 1102 Tacoma Ave S".into()),
            join_url: Some("https://meet.example.org/wla-negotiation".into()),
            starts_at: at(day, 18),
            ends_at: at(day, 20),
            capacity: 30,
            registration_opens_at: None,
            registration_closes_at: None,
            audience: WorkshopAudience::Members,
            cycle_id: None,
        },
    )
    .await
    .map_err(|e| failed("creating a workshop", e))?
    .workshop
    .id;
    service::workshops::transition(db, admin, upcoming, WorkshopStatus::Published)
        .await
        .map_err(|e| failed("publishing a workshop", e))?;
    // Mentees sign up themselves: thirty places, then the waitlist.
    for (_, _, mentee) in pairs.iter().take(38) {
        service::workshops::registration::register(db, mentee, upcoming)
            .await
            .map_err(|e| failed("registering for a workshop", e))?;
        registrations += 1;
    }
    Ok((2, registrations))
}

const WORKED: [&str; 5] = [
    "Monthly calls kept us on track.",
    "Having written goals in the agreement.",
    "Practical feedback on applications.",
    "The kickoff workshop set expectations well.",
    "Meeting in person twice made a difference.",
];

const QUOTES: [&str; 4] = [
    "My mentor helped me see a path I did not know existed.",
    "I learned as much from my mentee as they did from me.",
    "The program gave me a network in a region where I knew no one.",
    "Six months went fast; we are going to keep meeting.",
];

/// The options of the demo's own evaluation question.
const HELPED_MOST: [&str; 3] = [
    "Regular meetings",
    "The partnership agreement",
    "The workshops",
];

/// "Which part of the program helped you most?", asked of both roles.
fn helped_most() -> NewQuestion {
    NewQuestion {
        form: QuestionForm::Evaluation,
        definition: QuestionDefinition {
            prompt: "Which part of the program helped you most?".to_owned(),
            kind: QuestionKind::SingleChoice,
            options: HELPED_MOST.map(str::to_owned).to_vec(),
            required: false,
            audience: Audience::Both,
            retired: false,
        },
        position: None,
    }
}

fn evaluation(rng: &mut StdRng, i: usize, role: &str) -> EvaluationFields {
    let keep = match rng.random_range(0..10) {
        0 => KeepInTouch::No,
        1 | 2 => KeepInTouch::Unsure,
        _ => KeepInTouch::Yes,
    };
    let again = match (role, rng.random_range(0..10)) {
        (_, 0) => ParticipateAgain::No,
        (_, 1) => ParticipateAgain::Unsure,
        ("mentor", _) => ParticipateAgain::AsMentor,
        (_, 2..=4) => ParticipateAgain::AsMentor,
        _ => ParticipateAgain::AsMentee,
    };
    let quoted = i.is_multiple_of(6);
    EvaluationFields {
        overall_rating: rng.random_range(3..=5),
        match_rating: rng.random_range(2..=5),
        meetings_held: rng.random_range(3..=6),
        plans_to_keep_in_touch: keep,
        would_participate_again: again,
        what_worked: Some(WORKED[i % WORKED.len()].to_owned()),
        what_to_improve: i
            .is_multiple_of(4)
            .then(|| "More structure for the first meeting.".to_owned()),
        quote: quoted.then(|| QUOTES[i % QUOTES.len()].to_owned()),
        quote_consent: match (quoted, i % 12) {
            (false, _) => QuoteConsent::None,
            (true, 0) => QuoteConsent::Named,
            (true, _) => QuoteConsent::Anonymous,
        },
        answers: Vec::new(),
    }
}

/// Prints what was loaded and how to sign in.
pub fn summary(loaded: &Loaded) -> String {
    format!(
        "Demo loaded: cycle \"{CYCLE_NAME}\" ({}), {} members, {} applications, {} published \
         matches, {} agreements signed by both partners, {} meetings, {} workshops with {} \
         registrations, {} evaluations.\n\
         Sign in as the committee administrator:\n  email:    {}\n  password: {}\n\
         Then run `cargo run` and open http://127.0.0.1:8080/swagger-ui/ (POST \
         /api/v1/auth/login with these credentials, then Authorize with the access token).\n",
        loaded.cycle_id,
        loaded.members,
        loaded.applications,
        loaded.matches,
        loaded.agreements_signed,
        loaded.meetings,
        loaded.workshops,
        loaded.registrations,
        loaded.evaluations,
        loaded.admin_email,
        loaded.admin_password,
    )
}

/// Opens the database (migrations applied) and loads the demo.
pub async fn run(url: &str) -> anyhow::Result<Loaded> {
    let db = service::admin::open_database(url)
        .await
        .context("opening the database")?;
    load(&db).await
}
