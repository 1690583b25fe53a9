//! What every request shares: the pool, the token keys, the login limiter
//! and the matching thread.
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use sea_orm::DatabaseConnection;

use crate::auth::JwtKeys;
use crate::config::{MailSettings, Settings, TrustedProxies};
use crate::notify::dispatch::Outbox;
use crate::store::local::LocalReads;
use crate::worker::MatchingWorker;

/// Shared by every request.
pub struct AppState {
    pub db: DatabaseConnection,
    /// The hottest reads, run on the request's own thread (SQLite files
    /// only; `store::local`).
    pub local_reads: Option<LocalReads>,
    pub jwt: Arc<JwtKeys>,
    auth_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// Where matching runs are computed, one at a time.
    pub matching: MatchingWorker,
    /// Proxies whose forwarding headers name the client (and, for links,
    /// the address the client used).
    pub trusted_proxies: TrustedProxies,
    /// Where clients reach this API, when the operator said so.
    pub public_api_url: Option<String>,
    /// Rings the mail dispatcher after a request queued a message.
    pub outbox: Outbox,
    /// Links in messages and previews.
    pub mail: MailSettings,
    /// Days without a meeting after which a match is silent.
    pub cadence_silent_days: u32,
    /// The smallest group the public report shows.
    pub report_min_group: u32,
    /// Largest accepted import file, in bytes.
    pub max_import_bytes: usize,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: &Settings) -> std::io::Result<Self> {
        let per_minute =
            NonZeroU32::new(settings.login_rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Ok(Self {
            db,
            local_reads: LocalReads::for_url(&settings.database_url),
            jwt: Arc::new(JwtKeys::new(&settings.jwt)),
            auth_limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            matching: MatchingWorker::start()?,
            trusted_proxies: settings.trusted_proxies.clone(),
            public_api_url: settings.public_api_url.clone(),
            outbox: Outbox::default(),
            mail: settings.mail.clone(),
            cadence_silent_days: settings.cadence_silent_days,
            report_min_group: settings.report_min_group,
            max_import_bytes: settings.max_import_bytes,
        })
    }

    /// Counts an attempt at a credential endpoint from `client`; `Err`
    /// holds the seconds to wait when the client is over its rate.
    pub fn check_auth_rate(&self, client: IpAddr) -> Result<(), u64> {
        self.auth_limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            wait.as_secs().max(1)
        })
    }
}
