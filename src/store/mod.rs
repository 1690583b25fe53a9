//! Database access: entities, queries and the transactions behind each
//! action. Functions take a connection and return domain-checked rows.
pub mod agreements;
pub mod applications;
pub mod cadence;
pub mod cycles;
pub mod entities;
mod error;
pub mod evaluations;
pub mod imports;
pub mod matches;
pub mod matching;
pub mod meetings;
pub mod members;
pub mod notifications;
pub mod questions;
pub mod resources;
pub mod sessions;
pub mod tokens;
pub mod workshops;

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub use error::{StoreError, StoreResult};
pub use sea_orm::{ConnectionTrait as Conn, DatabaseConnection as Db, DatabaseTransaction as Txn};

use crate::paging::SortOrder;

impl From<SortOrder> for sea_orm::Order {
    fn from(o: SortOrder) -> Self {
        match o {
            SortOrder::Asc => sea_orm::Order::Asc,
            SortOrder::Desc => sea_orm::Order::Desc,
        }
    }
}

/// Begins a transaction that writes. On SQLite it takes the write lock up
/// front: a deferred one that read before a concurrent writer committed
/// could not upgrade (SQLITE_BUSY_SNAPSHOT) and the busy timeout would not
/// help. On PostgreSQL it is an ordinary transaction; rules that need more
/// lock their rows (`SELECT ... FOR UPDATE`) in the store.
pub async fn begin_write(db: &DatabaseConnection) -> StoreResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?)
}

/// Commits a transaction begun by `begin_write`.
pub async fn commit(txn: DatabaseTransaction) -> StoreResult<()> {
    Ok(txn.commit().await?)
}

/// Opens the pool. SQLite gets WAL and a busy timeout so concurrent writers
/// queue instead of failing; its `./data/` directory is created on demand.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        .sqlx_logging(false);
    if url.starts_with("sqlite") {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(10))
                .foreign_keys(true)
        });
    }
    Ok(Database::connect(options).await?)
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Runs every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    use migration::MigratorTrait;
    migration::Migrator::up(db, None).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(sqlite_file("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/db"), None);
    }
}
