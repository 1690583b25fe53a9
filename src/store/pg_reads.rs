//! PostgreSQL reads on connections of their own, returned without a ping.
//!
//! sqlx's pool tests every connection it is given back with a round trip
//! of its own (a `Sync` and the server's `ReadyForQuery`), so each query
//! through the pool costs two round trips, and the database's process
//! wakes twice: a sixth of the server's CPU on a one-row read (README,
//! "Reads under load": 165 → 112 µs of the server's CPU and 137 → 97 µs
//! of the database's per `/applications/{id}` once it was gone). The hottest reads
//! (the same ones `store::local` runs on SQLite) take a connection from a
//! few kept here instead, run their one statement, and put it back as it
//! is. A connection goes back only after a statement ran to its end; one
//! whose read failed or was cancelled (a client that hung up) is closed,
//! so no connection goes back in the middle of an answer. Each is opened
//! with the pool's settings (`store::generic_plans`), and at most
//! `max_connections` are open at once: more readers wait their turn.
//!
//! Each connection goes back to the thread that opened it. actix-web runs
//! one single-threaded runtime per worker thread, and a socket's readiness
//! is reported by the runtime it was opened on: a connection opened on one
//! worker and read on another waits, for every answer, until the first
//! worker's runtime next looks at its sockets (after whatever it is busy
//! with), and then wakes the second worker's thread. A read therefore
//! takes a connection its own thread opened when one is idle, opens one
//! while fewer than `max_connections` are open, and only then borrows
//! another thread's (closing it instead, to open one here, made the
//! connections churn under load: the next read to get a permit is as often
//! on the other thread). A borrowed connection is served by its own
//! thread's runtime, so every thread that reads here keeps its runtime
//! running, as actix-web's workers do; the reads are made by the API's
//! handlers alone.
use std::sync::Mutex;
use std::thread::ThreadId;

use sea_orm::sea_query::{PostgresQueryBuilder, SelectStatement};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sea_orm::sqlx::{self, ConnectOptions as _, Connection as _};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::rows::{Decoded, from_pg};
use super::{PAGE_TOTAL, PageStatements, StoreError, StoreResult};

/// Connections to one PostgreSQL database for reads, opened on demand.
pub struct PgReads {
    options: PgConnectOptions,
    kept: Mutex<Kept>,
    max_connections: usize,
    /// One permit per read in progress.
    reading: Semaphore,
}

/// The idle connections, most recently used last, and how many are open
/// (idle, lent, or being opened).
#[derive(Default)]
struct Kept {
    idle: Vec<Idle>,
    open: usize,
}

/// A connection and the thread whose runtime it was opened on.
struct Idle {
    home: ThreadId,
    conn: PgConnection,
}

impl Idle {
    /// A connection just opened on this thread.
    fn here(conn: PgConnection) -> Self {
        Self {
            home: std::thread::current().id(),
            conn,
        }
    }
}

impl std::fmt::Debug for PgReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgReads")
            .field("available", &self.reading.available_permits())
            .finish_non_exhaustive()
    }
}

/// A connection lent to one read, with its place among the open ones.
struct Lease<'a> {
    reads: &'a PgReads,
    /// `None` only while the connection is being opened.
    conn: Option<Idle>,
    /// Whether the connection was kept from an earlier read.
    kept: bool,
    /// Whether its statement ran to the end.
    finished: bool,
    _reading: SemaphorePermit<'a>,
}

impl Lease<'_> {
    fn conn(&mut self) -> &mut PgConnection {
        &mut self
            .conn
            .as_mut()
            .expect("a lease holds its connection until it ends")
            .conn
    }

    /// The read ran to its end: the connection is idle again.
    fn give_back(mut self) {
        self.finished = true;
    }
}

impl Drop for Lease<'_> {
    /// A finished read's connection goes back; any other lease (a read
    /// that failed or was cancelled, or a connection that failed to open
    /// or was cancelled opening) closes its connection and frees its place.
    fn drop(&mut self) {
        let conn = self.conn.take();
        let mut kept = self.reads.kept();
        match conn {
            Some(idle) if self.finished => kept.idle.push(idle),
            closing => {
                kept.open -= 1;
                drop(kept);
                drop(closing);
            }
        }
    }
}

impl PgReads {
    /// Reads for the PostgreSQL database at `url` with at most
    /// `max_connections` open; `None` for any other URL (or one that does
    /// not parse, which the pool refuses at start).
    pub fn for_url(url: &str, max_connections: u32) -> Option<Self> {
        if !url.starts_with("postgres") {
            return None;
        }
        let options: PgConnectOptions = url.parse().ok()?;
        let max_connections = max_connections.max(1) as usize;
        Some(Self {
            options: super::generic_plans(options).disable_statement_logging(),
            kept: Mutex::default(),
            max_connections,
            reading: Semaphore::new(max_connections),
        })
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn lease(&self) -> StoreResult<Lease<'_>> {
        let reading = self.reading.acquire().await.map_err(|_| {
            StoreError::Db(sea_orm::DbErr::Custom(
                "the PostgreSQL reads are closed".into(),
            ))
        })?;
        let here = std::thread::current().id();
        let found = {
            let mut kept = self.kept();
            match kept.idle.iter().rposition(|idle| idle.home == here) {
                Some(mine) => Some(kept.idle.remove(mine)),
                // As many are open as may be, and this read holds a
                // permit: at least one of them is idle.
                None if kept.open >= self.max_connections && !kept.idle.is_empty() => {
                    kept.idle.pop()
                }
                None => {
                    kept.open += 1;
                    None
                }
            }
        };
        let mut lease = Lease {
            reads: self,
            kept: found.is_some(),
            conn: found,
            finished: false,
            _reading: reading,
        };
        if lease.conn.is_none() {
            lease.conn = Some(Idle::here(self.connect().await?));
        }
        Ok(lease)
    }

    async fn connect(&self) -> StoreResult<PgConnection> {
        PgConnection::connect_with(&self.options)
            .await
            .map_err(failed)
    }

    /// Every row `query` finds. A kept connection that the server has
    /// closed since (a restart, an administrator's
    /// `pg_terminate_backend`, an idle timeout) fails the read: it runs
    /// once more on a new connection, so a restart of the database costs
    /// a read no error.
    async fn rows(&self, query: &SelectStatement) -> StoreResult<Vec<PgRow>> {
        let (sql, values) = query.build(PostgresQueryBuilder);
        let mut lease = self.lease().await?;
        let rows = match fetch(lease.conn(), &sql, values.clone()).await {
            Err(err) if lease.kept && closed_by_the_server(&err) => {
                lease.conn = Some(Idle::here(self.connect().await?));
                lease.kept = false;
                fetch(lease.conn(), &sql, values).await
            }
            answer => answer,
        }
        .map_err(failed)?;
        lease.give_back();
        Ok(rows)
    }

    /// The first row `query` finds (it carries its own `LIMIT`).
    pub async fn one<M: Decoded>(&self, query: &SelectStatement) -> StoreResult<Option<M>> {
        self.rows(query).await?.first().map(from_pg).transpose()
    }

    /// Every row `query` finds.
    pub async fn all<M: Decoded>(&self, query: &SelectStatement) -> StoreResult<Vec<M>> {
        self.rows(query).await?.iter().map(from_pg).collect()
    }

    /// A page and the total, as `store::page_and_total` reads them.
    pub async fn page_and_total<M: Decoded>(
        &self,
        statements: &PageStatements,
    ) -> StoreResult<(Vec<M>, u64)> {
        let rows = self.rows(&statements.with_total).await?;
        let total: i64 = match rows.first() {
            Some(first) => sqlx::Row::try_get(first, PAGE_TOTAL).map_err(failed)?,
            // Past the last page: the count alone.
            None => match self.rows(&statements.count).await?.first() {
                Some(row) => sqlx::Row::try_get(row, PAGE_TOTAL).map_err(failed)?,
                None => 0,
            },
        };
        let items = rows.iter().map(from_pg).collect::<StoreResult<Vec<M>>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }
}

async fn fetch(
    conn: &mut PgConnection,
    sql: &str,
    values: sea_orm::sea_query::Values,
) -> Result<Vec<PgRow>, sqlx::Error> {
    sqlx::query_with(sqlx::AssertSqlSafe(sql), SqlxValues(values))
        .fetch_all(conn)
        .await
}

/// Whether `err` says the connection is gone: the socket failed or the
/// server closed it, saying why (SQLSTATE class 57, operator intervention,
/// as in `admin_shutdown`; class 08, connection exception).
fn closed_by_the_server(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("57") || code.starts_with("08")),
        _ => false,
    }
}

/// A sqlx error as the pool's queries report it.
fn failed(err: sqlx::Error) -> StoreError {
    sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(err.into())).into()
}
