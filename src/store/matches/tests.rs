//! A stored value the code does not know fails the read with
//! `StoreError::Corrupt`; nothing is guessed.
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use super::*;
use crate::domain::matches::RunStatus;
use crate::domain::matching::{MatchResult, RunParams};
use crate::store::StoreError;
use crate::store::matching::{self as runs, MatchingRun, RunParameters, RunResult};

/// A private in-memory database (one connection), migrated, without
/// foreign keys so rows need no cycle or applications.
async fn db() -> DatabaseConnection {
    let mut options = ConnectOptions::new("sqlite::memory:");
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.foreign_keys(false));
    let db = Database::connect(options).await.unwrap();
    crate::store::migrate(&db).await.unwrap();
    db
}

async fn a_match(db: &DatabaseConnection) -> Match {
    let row = NewMatchRow {
        cycle_id: Uuid::new_v4(),
        mentor_application_id: Uuid::new_v4(),
        mentee_application_id: Uuid::new_v4(),
        matching_run_id: None,
        score: 7,
        breakdown: Breakdown::default(),
        note: None,
        created_by: Uuid::new_v4(),
    };
    insert(db, row).await.unwrap()
}

async fn corrupt(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap();
}

fn is_corrupt<T: std::fmt::Debug>(read: StoreResult<T>) -> bool {
    matches!(read, Err(StoreError::Corrupt(_)))
}

#[tokio::test]
async fn a_match_reads_back_typed() {
    let db = db().await;
    let m = a_match(&db).await;
    let read = find(&db, m.id).await.unwrap().unwrap();
    assert_eq!(read, m);
    assert_eq!(read.status, MatchStatus::Proposed);
    record(
        &db,
        m.id,
        m.created_by,
        MatchAction::EndEarly,
        "moved".into(),
    )
    .await
    .unwrap();
    assert_eq!(
        events(&db, m.id).await.unwrap()[0].action,
        MatchAction::EndEarly
    );
}

#[tokio::test]
async fn an_unknown_match_status_is_corrupt() {
    let db = db().await;
    let m = a_match(&db).await;
    corrupt(&db, "UPDATE matches SET status = 'paused'").await;
    assert!(is_corrupt(find(&db, m.id).await));
    assert!(is_corrupt(by_ids(&db, &[m.id]).await));
}

#[tokio::test]
async fn a_breakdown_that_is_not_a_list_of_criteria_is_corrupt() {
    let db = db().await;
    let m = a_match(&db).await;
    corrupt(&db, r#"UPDATE matches SET breakdown = '{"score": 3}'"#).await;
    assert!(is_corrupt(find(&db, m.id).await));
    corrupt(
        &db,
        r#"UPDATE matches SET breakdown = '[{"criterion": "region"}]'"#,
    )
    .await;
    assert!(is_corrupt(find(&db, m.id).await));
}

#[tokio::test]
async fn an_unknown_event_action_is_corrupt() {
    let db = db().await;
    let m = a_match(&db).await;
    record(&db, m.id, m.created_by, MatchAction::Approve, String::new())
        .await
        .unwrap();
    corrupt(&db, "UPDATE match_events SET action = 'end_early'").await;
    assert!(is_corrupt(events(&db, m.id).await));
}

async fn a_run(db: &DatabaseConnection) -> MatchingRun {
    let run = MatchingRun {
        id: Uuid::new_v4(),
        cycle_id: Uuid::new_v4(),
        created_by: Uuid::new_v4(),
        status: RunStatus::Completed,
        parameters: RunParameters(RunParams::default()),
        result: RunResult(MatchResult {
            proposals: vec![],
            unmatched: vec![],
            pin_conflicts: vec![],
            total_score: 0,
            min_score: None,
            blocking_pairs: None,
        }),
        total_score: 0,
        min_score: None,
        proposal_count: 0,
        unmatched_count: 0,
        blocking_pairs: None,
        created_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
    };
    runs::insert(db, &run).await.unwrap();
    run
}

#[tokio::test]
async fn a_run_reads_back_whole_and_as_a_summary() {
    let db = db().await;
    let run = a_run(&db).await;
    assert_eq!(runs::find(&db, run.id).await.unwrap(), Some(run.clone()));
    let page = crate::paging::PageRequest {
        page: 1,
        per_page: 10,
    };
    let (items, total) = runs::list(&db, run.cycle_id, page).await.unwrap();
    assert_eq!((items.len(), total), (1, 1));
    assert_eq!(items[0].status, RunStatus::Completed);
    runs::mark_accepted(&db, &[run.id]).await.unwrap();
    let read = runs::find(&db, run.id).await.unwrap().unwrap();
    assert_eq!(read.status, RunStatus::Accepted);
}

#[tokio::test]
async fn a_run_with_an_unknown_status_parameters_or_result_is_corrupt() {
    let page = crate::paging::PageRequest {
        page: 1,
        per_page: 10,
    };
    let cases = [
        ("UPDATE matching_runs SET status = 'running'", true),
        (
            r#"UPDATE matching_runs SET parameters = '{"pinz": []}'"#,
            true,
        ),
        ("UPDATE matching_runs SET result = '[]'", false),
    ];
    for (sql, listed) in cases {
        let db = db().await;
        let run = a_run(&db).await;
        corrupt(&db, sql).await;
        assert!(is_corrupt(runs::find(&db, run.id).await), "{sql}");
        // Lists read the status and parameters, never the result.
        let list = runs::list(&db, run.cycle_id, page).await;
        assert_eq!(is_corrupt(list), listed, "{sql}");
    }
}
