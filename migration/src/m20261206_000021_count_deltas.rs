//! PostgreSQL keeps the counts of `m20261206_000020_list_counts` as
//! deltas: each writing statement's trigger inserts its changes as new
//! rows instead of adding them into one row per key. A row per key was
//! locked from a change to its commit by every transaction that moved an
//! application or a match of that cycle, role and status; two transactions
//! whose statements moved rows of two keys in opposite orders (one
//! withdrawing an application and cancelling its proposed match, another
//! publishing matches and marking their applications matched) waited on
//! each other until PostgreSQL broke the deadlock by failing one. New rows
//! lock nothing another writer needs.
//!
//! Readers already sum the rows of their keys. [`fold_statements`], run
//! now and then by the server (`store::fold_counts`), replaces each key's
//! rows by their sum in one statement (and drops keys that sum to zero), so
//! a reader sums a handful of rows. SQLite writes one transaction at a
//! time and keeps one row per key: nothing changes there, and its fold only
//! drops the rows at zero.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::m20261206_000020_list_counts::{Adding, COUNTED, Counted};

#[derive(DeriveMigrationName)]
pub struct Migration;

impl Counted {
    /// Replaces each key's rows by one row of their sum, dropping keys at
    /// zero, in one statement: a reader sees the rows before or after.
    /// A delta committed meanwhile is not among the rows it takes.
    fn fold(&self, backend: DbBackend) -> String {
        let (counts, keys) = (self.counts, self.key_list());
        match backend {
            DbBackend::Postgres => format!(
                "WITH folded AS ( \
                   DELETE FROM {counts} WHERE ({keys}) IN ( \
                     SELECT {keys} FROM {counts} GROUP BY {keys} HAVING COUNT(*) > 1 OR SUM(n) = 0) \
                   RETURNING {keys}, n) \
                 INSERT INTO {counts} ({keys}, n) \
                 SELECT {keys}, SUM(n) FROM folded GROUP BY {keys} HAVING SUM(n) <> 0"
            ),
            _ => format!("DELETE FROM {counts} WHERE n = 0"),
        }
    }
}

/// The statements that fold the kept counts (one per counted table): run
/// any time, each in its own transaction or together; a fold concurrent
/// with another folds nothing twice.
pub fn fold_statements(backend: DbBackend) -> Vec<String> {
    COUNTED.iter().map(|c| c.fold(backend)).collect()
}

fn keys_index(counted: &Counted) -> String {
    format!("idx_{}_keys", counted.counts)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for counted in COUNTED {
            let (counts, keys) = (counted.counts, counted.key_list());
            for statement in [
                format!("ALTER TABLE {counts} DROP CONSTRAINT {counts}_pkey"),
                format!("CREATE INDEX {} ON {counts} ({keys})", keys_index(counted)),
                counted.postgres_function(Adding::Deltas),
            ] {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if backend != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for counted in COUNTED {
            let (counts, keys) = (counted.counts, counted.key_list());
            for statement in [
                counted.postgres_function(Adding::Upsert),
                counted.fold(backend),
                format!("DROP INDEX {}", keys_index(counted)),
                format!("ALTER TABLE {counts} ADD PRIMARY KEY ({keys})"),
            ] {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }
}
