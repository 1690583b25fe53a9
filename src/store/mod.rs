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
pub mod local;
pub mod matches;
pub mod matching;
pub mod meetings;
pub mod members;
pub mod notifications;
pub mod pg_reads;
pub mod questions;
pub mod resources;
pub mod rows;
pub mod sessions;
pub mod tokens;
pub mod workshops;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
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

/// One page of `filtered` in the order `sort` gives it, and how many rows
/// `filtered` keeps, in one statement: the count rides on every row of the
/// page as a scalar subquery the database evaluates once. Only a page past
/// the end (no row to carry it) counts on its own. Read outside the pool
/// when `local` is set ([`local::LocalReads`]: on the calling thread for
/// a SQLite file, on kept connections for PostgreSQL), where `decode`
/// reads a row as the pool's `M` would.
///
/// `kept`, when given, reads the total instead of counting `filtered`
/// ([`filtered_and_kept`]).
pub async fn page_and_total<E, M>(
    db: &impl Conn,
    local: Option<&local::LocalReads>,
    filtered: sea_orm::Select<E>,
    kept: Option<sea_orm::sea_query::SelectStatement>,
    sort: impl FnOnce(sea_orm::Select<E>) -> sea_orm::Select<E>,
    page: crate::paging::PageRequest,
) -> StoreResult<(Vec<M>, u64)>
where
    E: sea_orm::EntityTrait,
    M: rows::Decoded + sea_orm::FromQueryResult,
{
    let statements = page_statements(filtered, kept, sort, page);
    if let Some(local) = local {
        return local.page_and_total(&statements).await;
    }
    let rows = db.query_all(&statements.with_total).await?;
    let total: i64 = match rows.first() {
        Some(first) => first.try_get("", PAGE_TOTAL)?,
        // Past the last page: the count alone.
        None => match db.query_one(&statements.count).await? {
            Some(row) => row.try_get("", PAGE_TOTAL)?,
            None => 0,
        },
    };
    let items = rows
        .iter()
        .map(rows::from_pool)
        .collect::<Result<Vec<M>, _>>()?;
    Ok((items, u64::try_from(total).unwrap_or(0)))
}

/// The column that carries the total on every row of a page.
pub(crate) const PAGE_TOTAL: &str = "page_total_rows";

/// `count` as a scalar subquery: the database evaluates it once for a
/// whole page.
pub(crate) fn total_of(count: &sea_orm::sea_query::SelectStatement) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, SubQueryStatement};
    Expr::SubQuery(
        None,
        Box::new(SubQueryStatement::SelectStatement(count.clone())),
    )
}

/// `select` with each of `filters` (a column of `E` and the value it
/// must equal), and the total of those rows as the database keeps it in
/// `counts` (the `application_counts` and `match_counts` tables, kept by
/// triggers in the writing transaction; migration
/// `m20261206_000020_list_counts`): the sum of the counts whose columns of
/// the same names hold the same values, under [`PAGE_TOTAL`], as a count
/// of the rows themselves reads it; a handful of rows, where counting
/// reads every row of the cycle. Both come from the one list of filters,
/// so the total cannot count other rows than the page shows; each
/// filter's column must be one the counts are kept by.
pub(crate) fn filtered_and_kept<E: sea_orm::EntityTrait>(
    mut select: sea_orm::Select<E>,
    counts: &'static str,
    filters: impl IntoIterator<Item = (E::Column, sea_orm::Value)>,
) -> (sea_orm::Select<E>, sea_orm::sea_query::SelectStatement) {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    use sea_orm::{ColumnTrait, IdenStatic, QueryFilter};
    let mut total = Query::select();
    // PostgreSQL sums bigints as numeric: cast back.
    total
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"),
            PAGE_TOTAL,
        )
        .from(Alias::new(counts));
    for (column, value) in filters {
        total.and_where(Expr::col(Alias::new(column.as_str())).eq(Expr::val(value.clone())));
        select = select.filter(column.eq(value));
    }
    (select, total)
}

/// `page_and_total`'s statements.
pub struct PageStatements {
    /// The page alone.
    pub page: sea_orm::sea_query::SelectStatement,
    /// The page, whose last column is the total.
    pub with_total: sea_orm::sea_query::SelectStatement,
    /// The count alone.
    pub count: sea_orm::sea_query::SelectStatement,
}

pub(crate) fn page_statements<E>(
    filtered: sea_orm::Select<E>,
    kept: Option<sea_orm::sea_query::SelectStatement>,
    sort: impl FnOnce(sea_orm::Select<E>) -> sea_orm::Select<E>,
    page: crate::paging::PageRequest,
) -> PageStatements
where
    E: sea_orm::EntityTrait,
{
    use sea_orm::sea_query::Expr;
    use sea_orm::{QuerySelect, QueryTrait};
    let count = kept.unwrap_or_else(|| {
        let mut count = filtered.clone().into_query();
        count
            .clear_selects()
            .clear_order_by()
            .expr_as(Expr::cust("COUNT(*)"), PAGE_TOTAL);
        count
    });
    let subquery = total_of(&count);
    let page = sort(filtered)
        .offset(page.offset())
        .limit(page.per_page)
        .into_query();
    let mut with_total = page.clone();
    with_total.expr_as(subquery, PAGE_TOTAL);
    PageStatements {
        page,
        with_total,
        count,
    }
}

/// The first row `select` finds, read outside the pool when `local` is set
/// (as in [`page_and_total`]): `decode` reads a row as the pool's `M` would.
pub async fn one_with<E, M>(
    db: &impl Conn,
    local: Option<&local::LocalReads>,
    select: sea_orm::Select<E>,
) -> StoreResult<Option<M>>
where
    E: sea_orm::EntityTrait,
    M: rows::Decoded + sea_orm::FromQueryResult,
{
    use sea_orm::{QuerySelect, QueryTrait};
    let query = select.limit(1).into_query();
    match local {
        Some(local) => local.one(&query).await,
        None => db
            .query_one(&query)
            .await?
            .as_ref()
            .map(rows::from_pool)
            .transpose(),
    }
}

/// Every row `select` finds, read outside the pool when `local` is set (as
/// in [`page_and_total`]).
pub async fn all_with<E, M>(
    db: &impl Conn,
    local: Option<&local::LocalReads>,
    select: sea_orm::Select<E>,
) -> StoreResult<Vec<M>>
where
    E: sea_orm::EntityTrait,
    M: rows::Decoded + sea_orm::FromQueryResult,
{
    use sea_orm::QueryTrait;
    let query = select.into_query();
    match local {
        Some(local) => local.all(&query).await,
        None => db
            .query_all(&query)
            .await?
            .iter()
            .map(rows::from_pool)
            .collect(),
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

/// Connections in the pool when `DATABASE_POOL_SIZE` is not set: 8 on
/// SQLite, 20 on PostgreSQL.
pub fn default_pool_size(url: &str) -> u32 {
    if url.starts_with("sqlite") { 8 } else { 20 }
}

/// Opens the pool with the default size for the database.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, None).await
}

/// Opens the pool of `pool_size` connections (the default for the database
/// when `None`). SQLite gets WAL, `synchronous=NORMAL` (durable at every
/// checkpoint; a power cut may lose the last commits but never corrupts)
/// and a busy timeout so concurrent writers queue instead of failing; its
/// `./data/` directory is created on demand. Connections are not pinged
/// before each use: a dead one fails its query, and sqlx drops it.
pub async fn connect_with(url: &str, pool_size: Option<u32>) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool_size.unwrap_or_else(|| default_pool_size(url)).max(1))
        .test_before_acquire(false)
        .sqlx_logging(false);
    if url.starts_with("sqlite") {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(std::time::Duration::from_secs(10))
                .foreign_keys(true)
                // A page of up to 200 rows (the largest `per_page`) fits
                // in the channel: the connection's thread runs a query to
                // its end without waiting for the request to take rows.
                .row_buffer_size(256)
                // The background checkpointer (`checkpoint_log`) copies the
                // log back long before this; a commit does it itself only
                // past this many pages (32 MB).
                .pragma("wal_autocheckpoint", "8192")
        });
        options.map_sqlx_sqlite_pool_opts(|o| {
            o.after_connect(|conn, _| Box::pin(stable_query_plans(conn)))
        });
    } else if url.starts_with("postgres") {
        options.map_sqlx_postgres_opts(generic_plans);
    }
    Ok(Database::connect(options).await?)
}

/// PostgreSQL's counterpart of SQLite's stability guarantee
/// ([`stable_query_plans`]): each connection plans a prepared statement
/// once, whatever the values bound to it. Left to choose, PostgreSQL
/// planned a page of applications again on every execution (with `LIMIT`
/// and `OFFSET` bound, the generic plan's estimate stays dearer than a
/// custom one, so it never switches): a third of that page's time in the
/// database (README, "Reads under load"). A URL that sets
/// `plan_cache_mode` itself (`options=-c plan_cache_mode=auto`) keeps its
/// own.
fn generic_plans(
    options: sea_orm::sqlx::postgres::PgConnectOptions,
) -> sea_orm::sqlx::postgres::PgConnectOptions {
    if plans_chosen(options.get_options()) {
        options
    } else {
        options.options([GENERIC_PLANS])
    }
}

/// The setting [`generic_plans`] adds, for the pool and for
/// `store::pg_reads`' connections alike.
pub(crate) const GENERIC_PLANS: (&str, &str) = ("plan_cache_mode", "force_generic_plan");

/// Whether a URL's `options` (`-c name=value ...`) set the plan cache mode
/// themselves, which the connections then keep.
pub(crate) fn plans_chosen(options: Option<&str>) -> bool {
    options.is_some_and(|set| set.contains(GENERIC_PLANS.0))
}

/// Turns on SQLite's query planner stability guarantee (QPSG) for a new
/// connection: plans no longer depend on the values bound to a statement.
/// Without it SQLite 3.51 looks at the value bound to `LIMIT ?` (which
/// sea-orm writes for every `.one()` and page), marks the statement to be
/// compiled again whenever that parameter is bound, and so parses and plans
/// every such query on every execution: the statement cache saved nothing
/// for them (README, "Reads under load"). The same holds for a bound value
/// compared with a partial index's condition. What the guarantee gives up
/// (plans tuned to one bound value) this schema never used.
async fn stable_query_plans(
    conn: &mut sea_orm::sqlx::SqliteConnection,
) -> Result<(), sea_orm::sqlx::Error> {
    match qpsg(conn, 1).await? {
        Ok(true) => Ok(()),
        answer => Err(sea_orm::sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee: {answer:?}").into(),
        )),
    }
}

/// Sets SQLite's QPSG on a connection (`set` 1: on, 0: off) or only reads
/// it (-1); the setting in force after the call, or SQLite's error code.
async fn qpsg(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    set: std::ffi::c_int,
) -> Result<Result<bool, std::ffi::c_int>, sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let mut now: std::ffi::c_int = -1;
    // SAFETY: the handle is this connection's open database, locked for
    // the call; SQLITE_DBCONFIG_ENABLE_QPSG takes an int and a pointer to
    // an int that receives the setting in force.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            set,
            &mut now as *mut std::ffi::c_int,
        )
    };
    Ok(if rc == libsqlite3_sys::SQLITE_OK {
        Ok(now == 1)
    } else {
        Err(rc)
    })
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// How often [`checkpoint_log`] runs.
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// SQLite only (other databases return at once): every `every`, copies
/// what commits wrote to the write-ahead log back into the database file.
/// Left to SQLite, the commit that passes the log's threshold does it, on
/// that request's time (10–20 ms for a matching run's few megabytes). A
/// passive checkpoint never blocks readers or writers. Runs for as long as
/// the server.
pub async fn checkpoint_log(db: DatabaseConnection, every: std::time::Duration) {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    repeat(
        every,
        "checkpointing the SQLite log",
        "SQLite's own checkpoints go on",
        || checkpoint(&db),
    )
    .await
}

/// How often [`fold_counts`] runs.
pub const FOLD_COUNTS_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Every `every`, folds the counts the database keeps of each cycle's
/// applications and matches ([`fold_counts_once`]). Runs for as long as
/// the server.
pub async fn fold_counts(db: DatabaseConnection, every: std::time::Duration) {
    repeat(
        every,
        "folding the kept list counts",
        "totals stay exact, summed from more rows",
        || fold_counts_once(&db),
    )
    .await
}

/// Folds the kept counts once (`migration::fold_statements`): on
/// PostgreSQL, where every writing statement adds its changes as new rows,
/// each key's rows become one; on both databases keys at zero go. Totals
/// read the same before and after.
pub async fn fold_counts_once(db: &impl ConnectionTrait) -> StoreResult<()> {
    for statement in migration::fold_statements(db.get_database_backend()) {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

/// Runs `job` every `every`, for ever; a failure is logged once (`what`
/// failed; `meanwhile` says what that means), and its end once.
async fn repeat<F, T>(
    every: std::time::Duration,
    what: &str,
    meanwhile: &str,
    mut job: impl FnMut() -> F,
) where
    F: Future<Output = StoreResult<T>>,
{
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tick.tick().await;
        match (job().await, failing) {
            (Ok(_), true) => {
                tracing::info!("{what} works again");
                failing = false;
            }
            (Err(error), false) => {
                tracing::warn!(%error, "{what} failed; {meanwhile}");
                failing = true;
            }
            _ => {}
        }
    }
}

/// One passive checkpoint of SQLite's write-ahead log: the frames in the
/// log and how many of them are now in the database file (both −1 when the
/// database keeps no log).
pub async fn checkpoint(db: &impl ConnectionTrait) -> StoreResult<(i64, i64)> {
    let statement =
        Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA wal_checkpoint(PASSIVE)");
    let row = db
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| StoreError::NotFound("the checkpoint's answer".into()))?;
    Ok((row.try_get_by_index(1)?, row.try_get_by_index(2)?))
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

    #[tokio::test]
    async fn a_checkpoint_copies_the_whole_log_into_the_database_file() {
        use sea_orm::ConnectionTrait;
        let dir = std::env::temp_dir().join(format!("wla-checkpoint-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/x.db?mode=rwc", dir.display());
        let db = super::connect(&url).await.expect("opens");
        db.execute_unprepared("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a'), ('b');")
            .await
            .expect("writes");
        let (log, copied) = super::checkpoint(&db).await.expect("checkpoints");
        assert!(log > 0, "the writes went to the log: {log}");
        assert_eq!(copied, log);
        db.close().await.expect("closes");
        std::fs::remove_dir_all(dir).expect("removes the folder");
    }

    #[tokio::test]
    async fn every_sqlite_connection_plans_queries_without_looking_at_bound_values() {
        let db = super::connect("sqlite::memory:").await.expect("opens");
        let pool = db.get_sqlite_connection_pool();
        let mut conn = pool.acquire().await.expect("a connection");
        assert_eq!(super::qpsg(&mut conn, -1).await.expect("reads"), Ok(true));
        // A fresh connection of sqlx's own starts without it: the hook is
        // what turns it on.
        let mut bare = <sea_orm::sqlx::SqliteConnection as sea_orm::sqlx::Connection>::connect(
            "sqlite::memory:",
        )
        .await
        .expect("opens");
        assert_eq!(super::qpsg(&mut bare, -1).await.expect("reads"), Ok(false));
    }

    #[test]
    fn postgres_connections_plan_each_statement_once_unless_the_url_says_otherwise() {
        use sea_orm::sqlx::postgres::PgConnectOptions;
        let options = |url: &str| -> PgConnectOptions { url.parse().expect("a PostgreSQL URL") };
        let ours = super::generic_plans(options("postgres://postgres@127.0.0.1/wla"));
        assert_eq!(
            ours.get_options(),
            Some("-c plan_cache_mode=force_generic_plan")
        );
        let with_theirs = super::generic_plans(options(
            "postgres://postgres@127.0.0.1/wla?options=-c%20statement_timeout%3D5s",
        ));
        assert_eq!(
            with_theirs.get_options(),
            Some("-c statement_timeout=5s -c plan_cache_mode=force_generic_plan")
        );
        let own = super::generic_plans(options(
            "postgres://postgres@127.0.0.1/wla?options=-c%20plan_cache_mode%3Dauto",
        ));
        assert_eq!(own.get_options(), Some("-c plan_cache_mode=auto"));
    }

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
