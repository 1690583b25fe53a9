//! PostgreSQL's hot reads, pipelined on one connection per worker thread.
//!
//! The reads `store::local` runs on the calling thread for a SQLite file
//! (the caller's row, `/cycles/current`, one application or match, the
//! member, application and match pages) run here on PostgreSQL, on a
//! connection of their own that each worker thread opens the first time it
//! reads and shares among all its requests: tokio-postgres sends each
//! statement as soon as it is asked for, behind any still being answered,
//! and hands each answer to the request that asked. PostgreSQL runs a
//! connection's statements one after another, in the order they came.
//!
//! Through sqlx's pool each read held a connection of its own from its
//! statement until its worker next got round to the answer, and the pool
//! pinged every connection it was given back (another round trip). Twenty
//! such connections meant twenty database processes taking turns on the
//! cores, all finishing their statements late and together: the page of
//! fifty applications answered in 27 ms at the median and 55–61 ms at the
//! 99th percentile, with the cores idle a tenth of the time (README,
//! "Reads under load"). One connection per worker keeps one database
//! process per worker busy, answering in order, and each socket read or
//! write carries whatever is queued.
//!
//! Each connection is served by the runtime of the thread that opened it
//! (actix-web runs one single-threaded runtime per worker thread), and is
//! used only by reads on that thread. A connection the server closed (a
//! restart, `pg_terminate_backend`, an idle timeout) fails the reads in
//! flight on it; each such read runs once more on a new connection, so a
//! restart of the database costs a read no error. A read that is cancelled
//! (a client that hung up) leaves its answer to be read and dropped: the
//! connection stays in step. Statements are prepared once per connection
//! and planned generically (`plan_cache_mode`, as `store::generic_plans`
//! sets it for the pool).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use sea_orm::sea_query::{OptionEnum, PostgresQueryBuilder, SelectStatement, Value};
use tokio::sync::OnceCell;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Row, Statement};

use super::rows::{Decoded, from_pg};
use super::{PAGE_TOTAL, PageStatements, StoreError, StoreResult};

/// Prepared statements kept per connection; the hot reads have a few dozen
/// shapes (filters and sorts), their values bound.
const STATEMENTS_KEPT: usize = 256;

/// How the read connections name themselves to the server (in
/// `pg_stat_activity`), unless the URL names them.
const APPLICATION_NAME: &str = "wla-mentorship reads";

/// One connection per thread that reads, opened on demand.
pub struct PgReads {
    config: tokio_postgres::Config,
    /// `None` for `sslmode=disable`.
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    pipes: Mutex<Vec<(ThreadId, Arc<Slot>)>>,
}

/// A thread's connection, once opened (concurrent first reads on a thread
/// wait for the one connection rather than open one each).
type Slot = OnceCell<Arc<Pipe>>;

/// A connection and the statements prepared on it.
struct Pipe {
    client: Client,
    statements: Mutex<HashMap<String, Statement>>,
}

impl std::fmt::Debug for PgReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgReads")
            .field("threads", &self.pipes().len())
            .finish_non_exhaustive()
    }
}

impl PgReads {
    /// Reads for the PostgreSQL database at `url`; `None` for any other
    /// URL, and for one that sets what only the pool's driver reads
    /// (`sslmode=verify-ca` or `verify-full`, `sslrootcert`, a client
    /// certificate, sqlx's own settings): the pool then makes these reads
    /// too, as the URL asks. `sslmode=prefer` (the default) and `require`
    /// encrypt without checking the server's certificate, as libpq and
    /// sqlx do for those modes; `disable` sends in clear.
    pub fn for_url(url: &str) -> Option<Self> {
        if !url.starts_with("postgres") {
            return None;
        }
        let mut config: tokio_postgres::Config = url.parse().ok()?;
        let tls = (config.get_ssl_mode() != tokio_postgres::config::SslMode::Disable)
            .then(encrypt_unverified);
        if !super::plans_chosen(config.get_options()) {
            let (name, value) = super::GENERIC_PLANS;
            let generic = format!("-c {name}={value}");
            let options = match config.get_options() {
                Some(set) => format!("{set} {generic}"),
                None => generic,
            };
            config.options(options);
        }
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        Some(Self {
            config,
            tls,
            pipes: Mutex::default(),
        })
    }

    fn pipes(&self) -> std::sync::MutexGuard<'_, Vec<(ThreadId, Arc<Slot>)>> {
        self.pipes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// This thread's connection, opened if it has none or its last one
    /// was closed.
    async fn pipe(&self) -> StoreResult<Arc<Pipe>> {
        let here = std::thread::current().id();
        let slot = {
            let mut pipes = self.pipes();
            let open = |slot: &Slot| slot.get().is_none_or(|pipe| !pipe.client.is_closed());
            match pipes.iter_mut().find(|(home, _)| *home == here) {
                Some((_, slot)) if open(slot) => slot.clone(),
                Some((_, slot)) => {
                    *slot = Arc::default();
                    slot.clone()
                }
                None => {
                    // A thread that ended (a worker restarted) left its
                    // connection closed: its place goes.
                    pipes.retain(|(_, slot)| open(slot));
                    let slot = Arc::<Slot>::default();
                    pipes.push((here, slot.clone()));
                    slot
                }
            }
        };
        slot.get_or_try_init(|| self.connect()).await.cloned()
    }

    /// Forgets `pipe` if it is still this thread's connection.
    fn forget(&self, pipe: &Arc<Pipe>) {
        let here = std::thread::current().id();
        let mut pipes = self.pipes();
        if let Some((_, slot)) = pipes.iter_mut().find(|(home, _)| *home == here)
            && slot.get().is_some_and(|kept| Arc::ptr_eq(kept, pipe))
        {
            *slot = Arc::default();
        }
    }

    async fn connect(&self) -> StoreResult<Arc<Pipe>> {
        let client = match &self.tls {
            None => serve(self.config.connect(NoTls).await),
            Some(tls) => serve(self.config.connect(tls.clone()).await),
        }
        .map_err(failed)?;
        Ok(Arc::new(Pipe {
            client,
            statements: Mutex::default(),
        }))
    }

    /// Every row `query` finds. A connection the server has closed fails
    /// the read: it runs once more on a new connection.
    async fn rows(&self, query: &SelectStatement) -> StoreResult<Vec<Row>> {
        let (sql, values) = query.build(PostgresQueryBuilder);
        let values: Vec<Bound> = values.into_iter().map(Bound).collect();
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        let params = (values.as_slice(), params.as_slice());
        let pipe = self.pipe().await?;
        match pipe.query(&sql, params).await {
            Err(err) if closed_by_the_server(&err) => {
                self.forget(&pipe);
                let pipe = self.pipe().await?;
                pipe.query(&sql, params).await.map_err(failed)
            }
            answer => answer.map_err(failed),
        }
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
            Some(first) => first.try_get(PAGE_TOTAL).map_err(failed)?,
            // Past the last page: the count alone.
            None => match self.rows(&statements.count).await?.first() {
                Some(row) => row.try_get(PAGE_TOTAL).map_err(failed)?,
                None => 0,
            },
        };
        let items = rows.iter().map(from_pg).collect::<StoreResult<Vec<M>>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }
}

/// A connection's client, its socket served by a task on this thread's
/// runtime until the client is dropped or the server closes it.
fn serve<S, T>(
    connected: Result<(Client, tokio_postgres::Connection<S, T>), tokio_postgres::Error>,
) -> Result<Client, tokio_postgres::Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (client, connection) = connected?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::warn!(error = %err, "a PostgreSQL read connection closed");
        }
    });
    Ok(client)
}

impl Pipe {
    /// `sql`'s rows, its statement prepared on this connection once, its
    /// parameters of the types of the values bound (as sqlx declares
    /// them: the server infers nothing, so `CASE WHEN … THEN $1` takes an
    /// integer as the code wrote it).
    async fn query(
        &self,
        sql: &str,
        (values, params): (&[Bound], &[&(dyn ToSql + Sync)]),
    ) -> Result<Vec<Row>, tokio_postgres::Error> {
        let kept = self.kept().get(sql).cloned();
        let statement = match kept {
            Some(statement) => statement,
            None => {
                let types: Vec<Type> = values.iter().map(Bound::declared).collect();
                let statement = self.client.prepare_typed(sql, &types).await?;
                let mut kept = self.kept();
                if kept.len() >= STATEMENTS_KEPT {
                    kept.clear();
                }
                kept.insert(sql.to_owned(), statement.clone());
                statement
            }
        };
        self.client.query(&statement, params).await
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<String, Statement>> {
        self.statements.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// TLS that encrypts without authenticating the server, what
/// `sslmode=prefer` and `require` ask for (a URL that asks for the
/// server's certificate to be checked leaves its reads to the pool).
fn encrypt_unverified() -> tokio_postgres_rustls::MakeRustlsConnect {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports rustls' default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
        .with_no_client_auth();
    tokio_postgres_rustls::MakeRustlsConnect::new(config)
}

/// Accepts any certificate; still checks that the server holds its key.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A value sea-query bound to a statement, written as the type the server
/// gave its parameter: an integer as `int2`, `int4` or `int8` (sea-query
/// binds `LIMIT` and `OFFSET` unsigned), a float, text, a uuid, an instant
/// or a date. The hot reads bind nothing else; any other value fails its
/// read.
#[derive(Debug)]
struct Bound(Value);

impl Bound {
    /// The parameter's type, as the statement declares it.
    fn declared(&self) -> Type {
        match &self.0 {
            Value::Bool(_) => Type::BOOL,
            Value::TinyInt(_) | Value::SmallInt(_) | Value::TinyUnsigned(_) => Type::INT2,
            Value::Int(_) | Value::SmallUnsigned(_) => Type::INT4,
            Value::BigInt(_) | Value::Unsigned(_) | Value::BigUnsigned(_) => Type::INT8,
            Value::Float(_) => Type::FLOAT4,
            Value::Double(_) => Type::FLOAT8,
            Value::ChronoDateTimeUtc(_) => Type::TIMESTAMPTZ,
            Value::ChronoDate(_) => Type::DATE,
            Value::Uuid(_) => Type::UUID,
            Value::String(_) | Value::Enum(_) => Type::TEXT,
            // Fails to bind (`to_sql`).
            _ => Type::UNKNOWN,
        }
    }
}

impl ToSql for Bound {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Value::Bool(v) => v.to_sql_checked(ty, out),
            Value::TinyInt(v) => integer(v.map(i64::from), ty, out),
            Value::SmallInt(v) => integer(v.map(i64::from), ty, out),
            Value::Int(v) => integer(v.map(i64::from), ty, out),
            Value::BigInt(v) => integer(*v, ty, out),
            Value::TinyUnsigned(v) => integer(v.map(i64::from), ty, out),
            Value::SmallUnsigned(v) => integer(v.map(i64::from), ty, out),
            Value::Unsigned(v) => integer(v.map(i64::from), ty, out),
            Value::BigUnsigned(v) => integer(v.map(i64::try_from).transpose()?, ty, out),
            Value::Float(v) => v.to_sql_checked(ty, out),
            Value::Double(v) => v.to_sql_checked(ty, out),
            Value::String(v) => v.as_deref().to_sql_checked(ty, out),
            Value::Enum(OptionEnum::Some(v)) => Some(v.value.as_ref()).to_sql_checked(ty, out),
            Value::Enum(OptionEnum::None(_)) => Ok(IsNull::Yes),
            Value::Uuid(v) => v.to_sql_checked(ty, out),
            Value::ChronoDateTimeUtc(v) => v.to_sql_checked(ty, out),
            Value::ChronoDate(v) => v.to_sql_checked(ty, out),
            other => Err(format!("a read cannot bind {other:?}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// `value` as the integer type `ty` is.
fn integer(
    value: Option<i64>,
    ty: &Type,
    out: &mut bytes::BytesMut,
) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
    let Some(value) = value else {
        return Ok(IsNull::Yes);
    };
    match *ty {
        Type::INT2 => i16::try_from(value)?.to_sql_checked(ty, out),
        Type::INT4 => i32::try_from(value)?.to_sql_checked(ty, out),
        _ => value.to_sql_checked(ty, out),
    }
}

/// Whether `err` says the connection is gone: closed, or the server ended
/// it saying why (SQLSTATE class 57, operator intervention, as in
/// `admin_shutdown`; class 08, connection exception).
fn closed_by_the_server(err: &tokio_postgres::Error) -> bool {
    err.is_closed()
        || err.code().is_some_and(|code| {
            let code = code.code();
            code.starts_with("57") || code.starts_with("08")
        })
}

/// A driver error as the pool's queries report theirs.
fn failed(err: tokio_postgres::Error) -> StoreError {
    sea_orm::DbErr::Conn(sea_orm::RuntimeErr::Internal(err.to_string())).into()
}

#[cfg(test)]
mod tests {
    use super::PgReads;

    fn config(url: &str) -> tokio_postgres::Config {
        PgReads::for_url(url).expect("reads for the URL").config
    }

    #[test]
    fn the_reads_plan_generically_and_name_themselves_unless_the_url_says_otherwise() {
        let ours = config("postgres://postgres@127.0.0.1/wla");
        assert_eq!(
            ours.get_options(),
            Some("-c plan_cache_mode=force_generic_plan")
        );
        assert_eq!(ours.get_application_name(), Some("wla-mentorship reads"));
        let with_theirs = config(
            "postgres://postgres@127.0.0.1/wla?options=-c%20statement_timeout%3D5s&application_name=ops",
        );
        assert_eq!(
            with_theirs.get_options(),
            Some("-c statement_timeout=5s -c plan_cache_mode=force_generic_plan")
        );
        assert_eq!(with_theirs.get_application_name(), Some("ops"));
        let planned =
            config("postgres://postgres@127.0.0.1/wla?options=-c%20plan_cache_mode%3Dauto");
        assert_eq!(planned.get_options(), Some("-c plan_cache_mode=auto"));
    }

    #[test]
    fn values_bind_as_the_types_they_declare() {
        use super::Bound;
        use sea_orm::sea_query::Value;
        use tokio_postgres::types::{IsNull, ToSql, Type};
        let bind = |value: Value, ty: &Type| {
            let mut out = bytes::BytesMut::new();
            Bound(value)
                .to_sql_checked(ty, &mut out)
                .map(|null| (matches!(null, IsNull::Yes), out.to_vec()))
                .map_err(|e| e.to_string())
        };
        // sea-query binds LIMIT and OFFSET unsigned; the statement says int8.
        let limit = Value::BigUnsigned(Some(50));
        assert_eq!(Bound(limit.clone()).declared(), Type::INT8);
        assert_eq!(
            bind(limit, &Type::INT8),
            Ok((false, 50i64.to_be_bytes().to_vec()))
        );
        assert_eq!(
            bind(Value::Int(Some(7)), &Type::INT2),
            Ok((false, vec![0, 7]))
        );
        assert!(bind(Value::BigUnsigned(Some(u64::MAX)), &Type::INT8).is_err());
        assert!(bind(Value::Int(Some(70_000)), &Type::INT2).is_err());
        assert_eq!(Bound(Value::String(None)).declared(), Type::TEXT);
        assert_eq!(bind(Value::String(None), &Type::TEXT), Ok((true, vec![])));
        assert_eq!(
            bind(Value::String(Some("mentor".into())), &Type::TEXT),
            Ok((false, b"mentor".to_vec()))
        );
        // A value no hot read binds fails its read rather than guessing.
        let json = Value::Json(Some(Box::new(serde_json::json!({"a": 1}))));
        assert_eq!(Bound(json.clone()).declared(), Type::UNKNOWN);
        assert!(bind(json, &Type::UNKNOWN).is_err());
    }

    #[test]
    fn tls_unless_the_url_disables_it() {
        let tls = |url: &str| PgReads::for_url(url).expect("reads").tls.is_some();
        assert!(tls("postgres://postgres@127.0.0.1/wla"));
        assert!(tls("postgres://postgres@127.0.0.1/wla?sslmode=require"));
        assert!(!tls("postgres://postgres@127.0.0.1/wla?sslmode=disable"));
    }
}
