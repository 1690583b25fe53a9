//! SQLite reads on the request's own thread.
//!
//! sqlx gives every SQLite connection a thread of its own: each statement
//! is handed to that thread, each row handed back, and the pool pings the
//! connection (one more round trip) whenever it is returned, about 100 µs
//! of the two cores' time per query, more than the rest of a one-row
//! request (README, "Reads under load"). `LocalReads` keeps a few read-only
//! connections to the same file and runs the hottest reads directly on the
//! calling thread: the caller's row (every signed-in request),
//! `/cycles/current`, one application or match, and the member,
//! application and match pages. Each takes microseconds, and in WAL mode a
//! reader never waits for a writer. It reads what has been committed, like
//! any other connection. The one thing kept between reads is a page's
//! total, and only until the next write (`LocalReads::page_and_total`).
//!
//! The statements are the sea-query ones the pool runs (`store::one_with`,
//! `store::page_and_total`, `store::all_with`); `store::rows` reads each
//! row in its entity's column order. On PostgreSQL the same reads are
//! pipelined on one connection per thread, apart from the pool
//! (`store::pg_reads`); only an in-memory SQLite (or a PostgreSQL URL
//! that asks for what only the pool's driver does) leaves them to the
//! pool. The API suite runs on both databases, so each way answers
//! every request; the unit tests below hold both readings of the same
//! SQLite rows equal.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params_from_iter};
use sea_orm::sea_query::{OptionEnum, SelectStatement, SqliteQueryBuilder, Value, Values};
use uuid::Uuid;

use super::entities::member;
use super::rows::Decoded;
use super::{PageStatements, StoreError, StoreResult};

/// Idle connections kept for reuse, at least: a read holds its connection
/// only while it runs and never across an `.await`, so no more are busy at
/// once than there are threads serving requests (one per core).
const KEEP_IDLE: usize = 8;

/// Prepared statements each connection keeps.
const STATEMENTS_KEPT: usize = 128;

/// Read pages through a memory map rather than the page cache: a read
/// then takes no lock shared with every other connection of the process
/// (this build of SQLite keeps one page cache group for all of them) and
/// copies no page. Pages still in the WAL are read as before.
const MMAP_BYTES: i64 = 1 << 30;

/// How long a read waits for a lock before it fails. In WAL mode readers
/// wait only while the log is being reset, for microseconds; the bound
/// keeps a stuck database from holding a request thread for long.
const BUSY_TIMEOUT: Duration = Duration::from_secs(1);

/// Reads that bypass the pool: on the calling thread for a SQLite file,
/// pipelined on one connection per thread for PostgreSQL
/// ([`super::pg_reads`]). `None` from `for_url` (an in-memory SQLite)
/// leaves every read to the pool.
#[derive(Debug)]
pub enum LocalReads {
    Sqlite(SqliteReads),
    Postgres(Box<super::pg_reads::PgReads>),
}

impl LocalReads {
    /// Reads for the database at `url`: on the calling thread for a SQLite
    /// file, on one connection per thread for PostgreSQL (unless the URL
    /// asks for what only the pool's driver does, `PgReads::for_url`).
    pub fn for_url(url: &str) -> Option<Self> {
        if let Some(sqlite) = SqliteReads::for_url(url) {
            return Some(Self::Sqlite(sqlite));
        }
        super::pg_reads::PgReads::for_url(url).map(|reads| Self::Postgres(Box::new(reads)))
    }

    /// The member with this id, as `members::find` reads it.
    pub async fn member(&self, id: Uuid) -> StoreResult<Option<member::Model>> {
        match self {
            Self::Sqlite(reads) => reads.member(id),
            Self::Postgres(reads) => {
                use sea_orm::{EntityTrait, QuerySelect, QueryTrait};
                let query = member::Entity::find_by_id(id).limit(1).into_query();
                reads.one(&query).await
            }
        }
    }

    /// The first row `query` finds, as `.one()` reads it.
    pub async fn one<M: Decoded>(&self, query: &SelectStatement) -> StoreResult<Option<M>> {
        match self {
            Self::Sqlite(reads) => reads.one(query),
            Self::Postgres(reads) => reads.one(query).await,
        }
    }

    /// Every row `query` finds, as `.all()` reads them.
    pub async fn all<M: Decoded>(&self, query: &SelectStatement) -> StoreResult<Vec<M>> {
        match self {
            Self::Sqlite(reads) => reads.all(query),
            Self::Postgres(reads) => reads.all(query).await,
        }
    }

    /// A page and the total, as `store::page_and_total` reads them.
    pub async fn page_and_total<M: Decoded>(
        &self,
        statements: &PageStatements,
    ) -> StoreResult<(Vec<M>, u64)> {
        match self {
            Self::Sqlite(reads) => reads.page_and_total(statements),
            Self::Postgres(reads) => reads.page_and_total(statements).await,
        }
    }
}

/// Read-only connections to one SQLite file, opened on demand.
pub struct SqliteReads {
    path: String,
    idle: Mutex<Vec<Reader>>,
    keep_idle: usize,
}

impl std::fmt::Debug for SqliteReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteReads")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteReads {
    /// Reads for the database at `url` if it is a SQLite file, `None` for
    /// any other database.
    pub fn for_url(url: &str) -> Option<Self> {
        super::sqlite_file(url).map(|path| Self {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            keep_idle: std::thread::available_parallelism()
                .map_or(KEEP_IDLE, |cores| cores.get().max(KEEP_IDLE)),
        })
    }

    /// The member with this id, as `members::find` reads it. Every signed-in
    /// request makes this read, so its statement is written out once here
    /// rather than built by sea-query on each call like the others.
    pub fn member(&self, id: Uuid) -> StoreResult<Option<member::Model>> {
        self.read(|Reader { conn, .. }| {
            conn.prepare_cached(
                "SELECT id, email, password_hash, full_name, pronouns, role, wla_member_id, \
                 membership_status, membership_expires_on, session_epoch, reminders, \
                 created_at, updated_at FROM members WHERE id = ?1",
            )?
            .query_row([id], |row| member::Model::decode(row))
            .optional()
        })
    }

    /// The first row `query` finds, as `.one()` reads it.
    pub fn one<M: Decoded>(&self, query: &SelectStatement) -> StoreResult<Option<M>> {
        self.read(|Reader { conn, .. }| {
            let (sql, values) = query.build(SqliteQueryBuilder);
            conn.prepare_cached(&sql)?
                .query_row(params_from_iter(bound(values)?), |row| M::decode(row))
                .optional()
        })
    }

    /// Every row `query` finds, as `.all()` reads them.
    pub fn all<M: Decoded>(&self, query: &SelectStatement) -> StoreResult<Vec<M>> {
        self.read(|Reader { conn, .. }| {
            let (sql, values) = query.build(SqliteQueryBuilder);
            conn.prepare_cached(&sql)?
                .query_map(params_from_iter(bound(values)?), |row| M::decode(row))?
                .collect()
        })
    }

    /// A page and the total, as `store::page_and_total` reads them, in one
    /// read transaction. The connection remembers the totals it counted
    /// while the database's data version (`PRAGMA data_version`: it moves
    /// whenever another connection commits, and every write goes through
    /// another connection) stays where it was when it counted them; a page
    /// whose count it holds for this version is read without counting
    /// again. A total is thus never older than the page it comes with.
    pub fn page_and_total<M: Decoded>(
        &self,
        statements: &PageStatements,
    ) -> StoreResult<(Vec<M>, u64)> {
        self.read(|reader| {
            let conn = &reader.conn;
            // Dropped at the end, it rolls back: the transaction only read.
            let _snapshot = conn.unchecked_transaction()?;
            let version: i64 = conn
                .prepare_cached("PRAGMA data_version")?
                .query_row([], |row| row.get(0))?;
            let (count_sql, count_values) = statements.count.build(SqliteQueryBuilder);
            let count_values = bound(count_values)?;
            let counts = reader.counts.at(version);
            let key = CountKey::new(&count_sql, &count_values);
            if let Some(&total) = counts.get(&key) {
                let (sql, values) = statements.page.build(SqliteQueryBuilder);
                let items = conn
                    .prepare_cached(&sql)?
                    .query_map(params_from_iter(bound(values)?), |row| M::decode(row))?
                    .collect::<rusqlite::Result<Vec<M>>>()?;
                return Ok((items, total));
            }
            let (sql, values) = statements.with_total.build(SqliteQueryBuilder);
            let mut statement = conn.prepare_cached(&sql)?;
            let last = statement.column_count().saturating_sub(1);
            let mut rows = statement.query(params_from_iter(bound(values)?))?;
            let mut items = Vec::new();
            let mut total = None;
            while let Some(row) = rows.next()? {
                total.get_or_insert(row.get::<_, i64>(last)?);
                items.push(M::decode(row)?);
            }
            let total = match total {
                Some(total) => total,
                // Past the last page: the count alone.
                None => conn
                    .prepare_cached(&count_sql)?
                    .query_row(params_from_iter(count_values.iter()), |row| row.get(0))?,
            };
            let total = u64::try_from(total).unwrap_or(0);
            counts.keep(key, total);
            Ok((items, total))
        })
    }

    /// Runs `read` on an idle connection (or a new one) and puts the
    /// connection back.
    fn read<T>(&self, read: impl FnOnce(&mut Reader) -> rusqlite::Result<T>) -> StoreResult<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut reader = match idle {
            Some(reader) => reader,
            None => Reader {
                conn: self.open()?,
                counts: Counts::default(),
            },
        };
        let out = read(&mut reader);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.keep_idle {
            idle.push(reader);
        }
        out.map_err(failed)
    }

    fn open(&self) -> StoreResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(failed)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
        // Plans that do not depend on bound values, as on the pool's
        // connections (`store::stable_query_plans`): without it a page's
        // `LIMIT ?` would compile its statement again on every read.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(failed)?;
        // Room for every list's filter and sort combinations (rusqlite
        // keeps 16 by default).
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)
            .map_err(failed)?;
        Ok(conn)
    }
}

/// A read-only connection and the totals it has counted.
struct Reader {
    conn: Connection,
    counts: Counts,
}

/// The totals one connection counted at one data version of the database.
#[derive(Default)]
struct Counts {
    version: i64,
    totals: HashMap<CountKey, u64>,
}

/// Totals kept per connection, at most: one per filter of every list a
/// page was read from since the last write. Past it they start again.
const COUNTS_KEPT: usize = 256;

impl Counts {
    /// The totals counted at `version`: none once it has moved.
    fn at(&mut self, version: i64) -> &mut Self {
        if self.version != version {
            self.version = version;
            self.totals.clear();
        }
        self
    }

    fn get(&self, key: &CountKey) -> Option<&u64> {
        self.totals.get(key)
    }

    fn keep(&mut self, key: CountKey, total: u64) {
        if self.totals.len() >= COUNTS_KEPT {
            self.totals.clear();
        }
        self.totals.insert(key, total);
    }
}

/// A count statement and its bound values, each tagged with its kind and
/// its length, so that no two different counts share a key.
#[derive(PartialEq, Eq, Hash)]
struct CountKey(Vec<u8>);

impl CountKey {
    fn new(sql: &str, values: &[SqlValue]) -> Self {
        let mut key = Vec::with_capacity(sql.len() + 24 * values.len());
        key.extend_from_slice(sql.as_bytes());
        for value in values {
            let (tag, bytes): (u8, &[u8]) = match value {
                SqlValue::Null => (b'n', &[]),
                SqlValue::Integer(i) => {
                    key.push(b'i');
                    key.extend_from_slice(&i.to_le_bytes());
                    continue;
                }
                SqlValue::Real(f) => {
                    key.push(b'r');
                    key.extend_from_slice(&f.to_bits().to_le_bytes());
                    continue;
                }
                SqlValue::Text(t) => (b't', t.as_bytes()),
                SqlValue::Blob(b) => (b'b', b),
            };
            key.push(tag);
            key.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            key.extend_from_slice(bytes);
        }
        Self(key)
    }
}

/// A statement's values as sqlx binds them on SQLite (sea-query-sqlx), so
/// a value compares with what the pool stored: ids as 16-byte blobs,
/// instants as RFC 3339 text, dates as `YYYY-MM-DD`, enums as their
/// strings. A kind this schema never binds is refused, not guessed.
fn bound(values: Values) -> rusqlite::Result<Vec<SqlValue>> {
    values.into_iter().map(bound_value).collect()
}

fn bound_value(value: Value) -> rusqlite::Result<SqlValue> {
    fn int(i: Option<impl Into<i64>>) -> SqlValue {
        i.map_or(SqlValue::Null, |i| SqlValue::Integer(i.into()))
    }
    fn text(s: Option<String>) -> SqlValue {
        s.map_or(SqlValue::Null, SqlValue::Text)
    }
    Ok(match value {
        Value::Bool(b) => int(b),
        Value::TinyInt(i) => int(i),
        Value::SmallInt(i) => int(i),
        Value::Int(i) => int(i),
        Value::BigInt(i) => int(i),
        Value::TinyUnsigned(i) => int(i),
        Value::SmallUnsigned(i) => int(i),
        Value::Unsigned(i) => int(i),
        Value::BigUnsigned(i) => match i {
            None => SqlValue::Null,
            Some(i) => SqlValue::Integer(
                i64::try_from(i).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?,
            ),
        },
        Value::Float(f) => f.map_or(SqlValue::Null, |f| SqlValue::Real(f.into())),
        Value::Double(f) => f.map_or(SqlValue::Null, SqlValue::Real),
        Value::String(s) => text(s),
        Value::Char(c) => text(c.map(String::from)),
        Value::Enum(OptionEnum::Some(e)) => SqlValue::Text(e.value.into_owned()),
        Value::Enum(OptionEnum::None(_)) => SqlValue::Null,
        Value::Bytes(b) => b.map_or(SqlValue::Null, SqlValue::Blob),
        Value::Uuid(u) => u.map_or(SqlValue::Null, |u| SqlValue::Blob(u.as_bytes().to_vec())),
        Value::ChronoDate(d) => text(d.map(|d| d.format("%F").to_string())),
        Value::ChronoDateTimeUtc(t) => {
            text(t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)))
        }
        Value::Json(j) => text(j.map(|j| j.to_string())),
        other => {
            return Err(rusqlite::Error::ToSqlConversionFailure(
                format!("no local binding for {other:?}").into(),
            ));
        }
    })
}

/// A value that does not decode is data to look at; anything else is a
/// database fault.
fn failed(err: rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => StoreError::Corrupt(err.to_string()),
        other => StoreError::Db(sea_orm::DbErr::Query(sea_orm::RuntimeErr::Internal(
            other.to_string(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use migration::MigratorTrait;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    use uuid::Uuid;

    use super::LocalReads;
    use crate::domain::member::{MembershipStatus, Role};
    use crate::store::entities::member;

    /// Whether a scratch database checks foreign keys.
    enum Checks {
        ForeignKeys,
        /// On one connection, so switching them off holds for every write.
        NoForeignKeys,
    }

    /// A migrated SQLite file of a test's own, with the pool and the local
    /// reads over it; the folder is the test's to remove.
    async fn scratch(
        checks: Checks,
    ) -> (std::path::PathBuf, sea_orm::DatabaseConnection, LocalReads) {
        use sea_orm::ConnectionTrait;

        let dir = std::env::temp_dir().join(format!("wla-local-{}", Uuid::new_v4()));
        let url = format!("sqlite://{}/x.db?mode=rwc", dir.display());
        let db = match checks {
            Checks::ForeignKeys => crate::store::connect(&url).await,
            Checks::NoForeignKeys => crate::store::connect_with(&url, Some(1)).await,
        }
        .expect("opens");
        migration::Migrator::up(&db, None).await.expect("migrates");
        if let Checks::NoForeignKeys = checks {
            db.execute_unprepared("PRAGMA foreign_keys = OFF")
                .await
                .expect("switches");
        }
        let local = LocalReads::for_url(&url).expect("a SQLite file");
        (dir, db, local)
    }

    fn someone(id: Uuid, full: bool) -> member::Model {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 15).unwrap()
            + chrono::Duration::microseconds(123_456);
        member::Model {
            id,
            email: format!("{id}@example.org"),
            password_hash: full.then(|| "$argon2id$v=19$...".to_owned()),
            full_name: "Ada Byron".into(),
            pronouns: full.then(|| "she/her".to_owned()),
            role: if full { Role::Committee } else { Role::Member },
            wla_member_id: full.then(|| "WLA-0042".to_owned()),
            membership_status: if full {
                MembershipStatus::Active
            } else {
                MembershipStatus::Pending
            },
            membership_expires_on: full.then(|| NaiveDate::from_ymd_opt(2027, 6, 30).unwrap()),
            session_epoch: 7,
            reminders: !full,
            created_at: at,
            updated_at: at + chrono::Duration::seconds(90),
        }
    }

    #[tokio::test]
    async fn a_member_reads_the_same_on_the_calling_thread_as_through_the_pool() {
        let (dir, db, local) = scratch(Checks::ForeignKeys).await;
        let ids = [Uuid::new_v4(), Uuid::new_v4()];
        for (id, full) in ids.into_iter().zip([true, false]) {
            let written = someone(id, full);
            written
                .clone()
                .into_active_model()
                .reset_all()
                .insert(&db)
                .await
                .expect("inserts");
            let pooled = crate::store::members::find(&db, written.id)
                .await
                .expect("reads")
                .expect("exists");
            assert_eq!(pooled, written);
            assert_eq!(
                local.member(written.id).await.expect("reads"),
                Some(written)
            );
        }
        assert_eq!(local.member(Uuid::new_v4()).await.expect("reads"), None);
        // Nothing is kept between reads: a demotion through the pool shows
        // on the next local read.
        let first = local.member(ids[0]).await.expect("reads").expect("exists");
        assert_eq!(first.role, Role::Committee);
        let mut demoted = first.into_active_model();
        demoted.role = sea_orm::Set(Role::Member);
        demoted.update(&db).await.expect("updates");
        let now = local.member(ids[0]).await.expect("reads").expect("exists");
        assert_eq!(now.role, Role::Member);
        db.close().await.expect("closes");
        std::fs::remove_dir_all(dir).expect("removes the folder");
    }

    #[tokio::test]
    async fn a_page_reads_the_same_on_the_calling_thread_as_through_the_pool() {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

        use crate::domain::member::MemberFilter;
        use crate::paging::{PageRequest, SortOrder};
        use crate::store::members;

        let (dir, db, local) = scratch(Checks::ForeignKeys).await;
        let mut written = Vec::new();
        for i in 0..7 {
            let mut m = someone(Uuid::new_v4(), i % 2 == 0);
            m.full_name = format!("Reader {} 50%_off", i % 3);
            m.created_at += chrono::Duration::seconds(i64::from(i % 3));
            m.clone()
                .into_active_model()
                .reset_all()
                .insert(&db)
                .await
                .expect("inserts");
            written.push(m);
        }
        let filters = [
            MemberFilter::default(),
            MemberFilter {
                q: Some("50%_".into()),
                ..Default::default()
            },
            MemberFilter {
                q: Some("reader 1".into()),
                role: Some(Role::Member),
                ..Default::default()
            },
            MemberFilter {
                membership_status: Some(MembershipStatus::Active),
                ..Default::default()
            },
        ];
        for filter in &filters {
            for sort in [
                ("created_at", SortOrder::Desc),
                ("full_name", SortOrder::Asc),
                ("email", SortOrder::Desc),
            ] {
                for page in 1..=4 {
                    let page = PageRequest { page, per_page: 3 };
                    let pooled = members::list(&db, None, filter, sort, page)
                        .await
                        .expect("reads");
                    let here = members::list(&db, Some(&local), filter, sort, page)
                        .await
                        .expect("reads");
                    assert_eq!(here, pooled, "{filter:?} {sort:?} {page:?}");
                }
            }
        }
        // Every kind of value the schema binds compares with what the pool
        // stored: an id, an instant, a date, an enum, a flag, a number.
        let one = &written[0];
        let exact = member::Entity::find()
            .filter(member::Column::Id.eq(one.id))
            .filter(member::Column::CreatedAt.eq(one.created_at))
            .filter(member::Column::MembershipExpiresOn.eq(one.membership_expires_on))
            .filter(member::Column::Role.eq(one.role))
            .filter(member::Column::Reminders.eq(one.reminders))
            .filter(member::Column::SessionEpoch.eq(one.session_epoch));
        let page = PageRequest {
            page: 1,
            per_page: 50,
        };
        let sort = |q: sea_orm::Select<member::Entity>| q.order_by_asc(member::Column::Id);
        let found = crate::store::page_and_total(&db, Some(&local), exact, None, sort, page)
            .await
            .expect("reads");
        assert_eq!(found, (vec![one.clone()], 1));
        db.close().await.expect("closes");
        std::fs::remove_dir_all(dir).expect("removes the folder");
    }

    #[tokio::test]
    async fn a_kept_total_lasts_only_until_the_next_write() {
        use sea_orm::{EntityTrait, ModelTrait};

        use crate::domain::member::MemberFilter;
        use crate::paging::{PageRequest, SortOrder};
        use crate::store::members;

        let (dir, db, local) = scratch(Checks::ForeignKeys).await;
        let insert = |m: member::Model| {
            let db = &db;
            async move {
                m.into_active_model()
                    .reset_all()
                    .insert(db)
                    .await
                    .expect("inserts")
            }
        };
        for _ in 0..3 {
            insert(someone(Uuid::new_v4(), false)).await;
        }
        let kept = |local: &LocalReads| -> usize {
            let LocalReads::Sqlite(local) = local else {
                panic!("reads of a SQLite file")
            };
            let idle = local.idle.lock().unwrap();
            idle.iter().map(|reader| reader.counts.totals.len()).sum()
        };
        let filter = MemberFilter::default();
        let sort = ("created_at", SortOrder::Desc);
        let first = PageRequest {
            page: 1,
            per_page: 2,
        };
        let past_the_end = PageRequest {
            page: 9,
            per_page: 2,
        };
        let read = |page| members::list(&db, Some(&local), &filter, sort, page);
        let (items, total) = read(first).await.expect("reads");
        assert_eq!((items.len(), total), (2, 3));
        assert_eq!(kept(&local), 1);
        // Read again before any write: the kept total, the same page.
        assert_eq!(
            read(first).await.expect("reads"),
            members::list(&db, None, &filter, sort, first)
                .await
                .expect("reads")
        );
        assert_eq!(kept(&local), 1);
        // Another filter or page of the same filter keeps its own.
        let (items, total) = read(past_the_end).await.expect("reads");
        assert_eq!((items.len(), total), (0, 3));
        assert_eq!(kept(&local), 1, "the same count, the same key");
        let members_only = MemberFilter {
            role: Some(Role::Member),
            ..Default::default()
        };
        let (_, total) = members::list(&db, Some(&local), &members_only, sort, first)
            .await
            .expect("reads");
        assert_eq!(total, 3);
        assert_eq!(kept(&local), 2);
        // A write through the pool: every kept total is dropped at the next
        // read, which counts again.
        let added = insert(someone(Uuid::new_v4(), true)).await;
        let (items, total) = read(first).await.expect("reads");
        assert_eq!((items.len(), total), (2, 4));
        assert_eq!(kept(&local), 1);
        let (_, total) = members::list(&db, Some(&local), &members_only, sort, first)
            .await
            .expect("reads");
        assert_eq!(total, 3, "the committee member added is not a member");
        added.delete(&db).await.expect("deletes");
        let (items, total) = read(past_the_end).await.expect("reads");
        assert_eq!((items.len(), total), (0, 3));
        assert_eq!(
            member::Entity::find().all(&db).await.expect("reads").len(),
            3
        );
        db.close().await.expect("closes");
        std::fs::remove_dir_all(dir).expect("removes the folder");
    }

    #[tokio::test]
    async fn a_match_reads_the_same_on_the_calling_thread_as_through_the_pool() {
        use crate::domain::matches::{EndReason, MatchStatus};
        use crate::paging::{PageRequest, SortOrder};
        use crate::store::entities::matches::Breakdown;
        use crate::store::matches::{self, NewMatchRow};

        // The match needs no cycle or applications.
        let (dir, db, local) = scratch(Checks::NoForeignKeys).await;
        let cycle_id = Uuid::new_v4();
        let new = |note: Option<&str>| NewMatchRow {
            cycle_id,
            mentor_application_id: Uuid::new_v4(),
            mentee_application_id: Uuid::new_v4(),
            matching_run_id: note.map(|_| Uuid::new_v4()),
            score: 7,
            breakdown: Breakdown::default(),
            note: note.map(str::to_owned),
            created_by: Uuid::new_v4(),
        };
        let bare = matches::insert(&db, new(None)).await.expect("inserts");
        let full = matches::insert(&db, new(Some("a note")))
            .await
            .expect("inserts");
        let mut ended = full.into_active_model();
        ended.status = sea_orm::Set(MatchStatus::EndedEarly);
        ended.published_at = sea_orm::Set(Some(Utc::now()));
        ended.extended_until = sea_orm::Set(NaiveDate::from_ymd_opt(2027, 8, 31));
        ended.ended_on = sea_orm::Set(NaiveDate::from_ymd_opt(2027, 2, 1));
        ended.ended_reason = sea_orm::Set(Some("moved away".into()));
        ended.ended_reason_code = sea_orm::Set(Some(EndReason::Schedule));
        ended.extension_reason = sea_orm::Set(Some("a late start".into()));
        let full = ended.update(&db).await.expect("updates");
        for m in [&bare, &full] {
            let pooled = matches::find_read(&db, None, m.id).await.expect("reads");
            let here = matches::find_read(&db, Some(&local), m.id)
                .await
                .expect("reads");
            assert_eq!(pooled.as_ref(), Some(m));
            assert_eq!(here, pooled);
        }
        let page = PageRequest {
            page: 1,
            per_page: 50,
        };
        let sort = ("created_at", SortOrder::Asc);
        let pooled = matches::list(&db, None, cycle_id, None, sort, page)
            .await
            .expect("reads");
        let here = matches::list(&db, Some(&local), cycle_id, None, sort, page)
            .await
            .expect("reads");
        assert_eq!(pooled.1, 2);
        assert_eq!(here, pooled);
        db.close().await.expect("closes");
        std::fs::remove_dir_all(dir).expect("removes the folder");
    }

    #[tokio::test]
    async fn an_application_and_its_author_read_the_same_on_the_calling_thread_as_through_the_pool()
    {
        use crate::domain::application::{
            Answer, ApplicationForm, ApplicationRole, CareerStage, LibrarySchool, LibraryType,
            MatchingPreference, MeetingMode,
        };
        use crate::paging::{PageRequest, SortOrder};
        use crate::store::applications;

        // The applications need no cycle.
        let (dir, db, local) = scratch(Checks::NoForeignKeys).await;
        let cycle_id = Uuid::new_v4();
        let mentee = ApplicationForm {
            role: ApplicationRole::Mentee,
            library_types: vec![LibraryType::Academic, LibraryType::Public],
            interests: vec!["outreach".into()],
            career_stage: CareerStage::Student,
            region: "Puget Sound".into(),
            meeting_modes: vec![MeetingMode::Online],
            availability: "Evenings".into(),
            matching_preference: MatchingPreference::Career,
            identity_tags: vec!["first-generation".into()],
            identity_consent: true,
            employer: String::new(),
            pronouns: "they/them".into(),
            current_role: None,
            years_experience: None,
            past_experience: None,
            support_approach: None,
            motivation: "Why \"quoted\" and ünïcode".into(),
            capacity: None,
            learning_goals: Some("Learn".into()),
            career_goals: Some("Work".into()),
            library_school: Some(LibrarySchool::Enrolled),
            mentee_stages: vec![],
            answers: vec![Answer {
                question_id: Uuid::new_v4(),
                value: serde_json::json!(["a", 2]),
            }],
        };
        let mentor = ApplicationForm {
            role: ApplicationRole::Mentor,
            current_role: Some("Branch manager".into()),
            years_experience: Some(12),
            past_experience: Some("Mentored two".into()),
            support_approach: Some("Listening".into()),
            capacity: Some(2),
            learning_goals: None,
            career_goals: None,
            library_school: None,
            mentee_stages: vec![CareerStage::Student],
            answers: vec![],
            ..mentee.clone()
        };
        let mut ids = Vec::new();
        for (i, form) in [mentee, mentor].into_iter().enumerate() {
            let author = someone(Uuid::new_v4(), i == 0);
            author
                .clone()
                .into_active_model()
                .reset_all()
                .insert(&db)
                .await
                .expect("inserts");
            let app = applications::insert(&db, cycle_id, author.id, author.id, form)
                .await
                .expect("inserts");
            ids.push(app.id);
        }
        let mut reviewed = applications::find(&db, ids[0])
            .await
            .expect("reads")
            .expect("exists")
            .into_active_model();
        reviewed.reviewed_by = sea_orm::Set(Some(Uuid::new_v4()));
        reviewed.reviewed_at = sea_orm::Set(Some(Utc::now()));
        reviewed.review_note = sea_orm::Set(Some("fine".into()));
        reviewed.update(&db).await.expect("updates");
        let same = |a: &applications::Authored, b: &applications::Authored| {
            assert_eq!(a.application, b.application);
            assert_eq!(
                (&a.author_name, &a.author_email),
                (&b.author_name, &b.author_email)
            );
        };
        for id in &ids {
            let pooled = applications::find_with_author(&db, None, *id)
                .await
                .expect("reads")
                .expect("exists");
            let here = applications::find_with_author(&db, Some(&local), *id)
                .await
                .expect("reads")
                .expect("exists");
            same(&here, &pooled);
        }
        let page = PageRequest {
            page: 1,
            per_page: 50,
        };
        let sort = ("created_at", SortOrder::Asc);
        let (pooled, pooled_total) =
            applications::page_for_cycle(&db, None, cycle_id, None, None, sort, page)
                .await
                .expect("reads");
        let (here, total) =
            applications::page_for_cycle(&db, Some(&local), cycle_id, None, None, sort, page)
                .await
                .expect("reads");
        assert_eq!((total, pooled_total), (2, 2));
        assert_eq!(here.len(), pooled.len());
        for (a, b) in here.iter().zip(&pooled) {
            same(a, b);
        }
        // What a matching run reads of them, the mentee's null capacity
        // and the mentor's stages among it.
        let pooled = applications::matching_fields_for_cycle(&db, None, cycle_id)
            .await
            .expect("reads");
        let here = applications::matching_fields_for_cycle(&db, Some(&local), cycle_id)
            .await
            .expect("reads");
        assert_eq!(pooled.len(), 2);
        assert_eq!(here, pooled);
        db.close().await.expect("closes");
        std::fs::remove_dir_all(dir).expect("removes the folder");
    }

    #[test]
    fn a_sqlite_file_reads_locally_and_postgresql_on_connections_of_its_own() {
        assert!(LocalReads::for_url("sqlite://data/x.db?mode=rwc").is_some());
        assert!(LocalReads::for_url("sqlite::memory:").is_none());
        for url in [
            "postgres://postgres@127.0.0.1/wla",
            "postgres://postgres@127.0.0.1/wla?sslmode=disable",
            "postgres://postgres@127.0.0.1/wla?sslmode=require",
            "postgres://postgres@127.0.0.1/wla?options=-c%20statement_timeout%3D5s",
        ] {
            assert!(
                matches!(LocalReads::for_url(url), Some(LocalReads::Postgres(_))),
                "{url}"
            );
        }
        // What only the pool's driver reads: the pool makes every read.
        for url in [
            "postgres://postgres@db.example.org/wla?sslmode=verify-full",
            "postgres://postgres@db.example.org/wla?sslmode=verify-ca&sslrootcert=/etc/ca.pem",
            "postgres://postgres@127.0.0.1/wla?statement-cache-capacity=10",
        ] {
            assert!(LocalReads::for_url(url).is_none(), "{url}");
        }
    }
}
