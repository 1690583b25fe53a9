//! A stored value the code does not know is a fault to look at, never
//! something to guess: the read fails with a logged 500 problem.
use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_cycle_with_an_unknown_stored_status_is_a_500_problem_not_a_guess() {
    // Arrange: a cycle whose status column holds a value no release wrote.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = cycle["id"].as_str().unwrap();
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE cycles SET status = 'paused' WHERE id = $1",
        _ => "UPDATE cycles SET status = 'paused' WHERE id = ?",
    };
    let uuid: uuid::Uuid = id.parse().unwrap();
    app.db
        .execute_raw(Statement::from_sql_and_values(backend, sql, [uuid.into()]))
        .await
        .unwrap();

    // Act
    let res = app
        .get(&format!("/api/v1/cycles/{id}"), Some(&committee.token))
        .await;

    // Assert: a problem that says nothing internal.
    let problem = assert_problem(res, 500).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(!detail.contains("paused"), "{detail}");
    assert!(problem["request_id"].is_string());
}
