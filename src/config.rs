//! Settings, read once from environment variables at start-up.
use anyhow::{Context, bail};
use rand::RngCore;

pub use crate::client_addr::TrustedProxies;
use crate::domain::cadence::{SILENT_AFTER_DAYS, check_silent_after_days};
use crate::domain::evaluation::MIN_GROUP;

/// Where the service runs and how it behaves. Every field has a default
/// suited to a developer's machine except `JWT_SECRET` in production.
#[derive(Clone, Debug)]
pub struct Settings {
    pub app_env: AppEnv,
    pub database_url: String,
    /// Connections in the database pool (`DATABASE_POOL_SIZE`, at least 1);
    /// `None`: 8 on SQLite, 20 on PostgreSQL.
    pub database_pool_size: Option<u32>,
    pub bind_addr: String,
    /// Where clients reach this API (`PUBLIC_API_URL`, e.g.
    /// `https://mentorship.wla.org`, no trailing slash), for the links it
    /// hands out that a client follows later (calendar feeds). `None`: the
    /// address the request came to (`api::origin`).
    pub public_api_url: Option<String>,
    pub jwt: JwtSettings,
    pub cors_allowed_origins: Vec<String>,
    pub log_format: LogFormat,
    /// Largest accepted request body, in bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Largest accepted import file, in bytes (`MAX_IMPORT_BYTES`, default
    /// 20 MB).
    pub max_import_bytes: usize,
    /// Login attempts allowed per client address per minute (`LOGIN_RATE_PER_MINUTE`).
    pub login_rate_per_minute: u32,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name
    /// the client; empty: the TCP peer is the client.
    pub trusted_proxies: TrustedProxies,
    pub mail: MailSettings,
    /// Days without a held meeting after which a match counts as silent
    /// (`CADENCE_SILENT_DAYS`, 1 to 365, default 45).
    pub cadence_silent_days: u32,
    /// The smallest group the public report shows (`REPORT_MIN_GROUP`,
    /// default 5, at least 1).
    pub report_min_group: u32,
}

/// Outgoing email (`SMTP_URL`, `MAIL_FROM`, `PUBLIC_BASE_URL`).
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587` (STARTTLS required), `smtps://…` (TLS),
    /// `smtp://host:1025?tls=none` for a local sink. `None`: messages stay
    /// in the outbox.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `WLA Mentorship <mentorship@wla.org>`.
    pub from: String,
    /// The website, for links in messages (no trailing slash).
    pub public_base_url: String,
    /// First retry delay in milliseconds; doubles per attempt, at most an
    /// hour (`MAIL_RETRY_BASE_MS`, default 30 s).
    pub retry_base_ms: u64,
    /// SMTP connections kept open at most, and so messages sent at once
    /// (`MAIL_CONNECTIONS`, 1 to 64, default 8): a relay that takes fewer
    /// concurrent connections wants fewer.
    pub connections: u32,
    /// The association's time zone, for times shown in messages
    /// (`ASSOCIATION_TIMEZONE`, an IANA name, default
    /// `America/Los_Angeles`); the API itself speaks UTC.
    pub timezone: chrono_tz::Tz,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("from", &self.from)
            .field("public_base_url", &self.public_base_url)
            .field("retry_base_ms", &self.retry_base_ms)
            .field("connections", &self.connections)
            .field("timezone", &self.timezone)
            .finish()
    }
}

#[derive(Clone)]
pub struct JwtSettings {
    pub secret: Vec<u8>,
    pub issuer: String,
    pub audience: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

impl std::fmt::Debug for JwtSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSettings")
            .field("secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_ttl_secs", &self.access_ttl_secs)
            .field("refresh_ttl_secs", &self.refresh_ttl_secs)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/wla-mentorship.db?mode=rwc";
const MIN_PRODUCTION_SECRET: usize = 32;

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup`, so tests can supply their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let app_env = match get("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") | Some("test") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => bail!("APP_ENV must be development or production, not {other:?}"),
        };
        let secret = match get("JWT_SECRET") {
            Some(s) if app_env == AppEnv::Production && s.len() < MIN_PRODUCTION_SECRET => {
                bail!("JWT_SECRET must be at least {MIN_PRODUCTION_SECRET} bytes in production")
            }
            Some(s) => s.into_bytes(),
            None if app_env == AppEnv::Production => {
                bail!("JWT_SECRET is required when APP_ENV=production")
            }
            None => {
                tracing::warn!(
                    "JWT_SECRET is not set: using a random secret; tokens will not survive a restart"
                );
                let mut bytes = vec![0u8; 48];
                rand::rng().fill_bytes(&mut bytes);
                bytes
            }
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None => match app_env {
                AppEnv::Production => LogFormat::Json,
                AppEnv::Development => LogFormat::Pretty,
            },
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => bail!("LOG_FORMAT must be json or pretty, not {other:?}"),
        };
        Ok(Self {
            app_env,
            database_url: get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            database_pool_size: match get("DATABASE_POOL_SIZE") {
                None => None,
                Some(v) => match v.trim().parse::<u32>() {
                    Ok(n) if n >= 1 => Some(n),
                    _ => bail!("DATABASE_POOL_SIZE must be a whole number of at least 1, not {v:?}"),
                },
            },
            bind_addr: get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            public_api_url: get("PUBLIC_API_URL")
                .map(|v| public_url(&v))
                .transpose()
                .context("PUBLIC_API_URL")?,
            jwt: JwtSettings {
                secret,
                issuer: get("JWT_ISSUER").unwrap_or_else(|| "wla-mentorship".to_owned()),
                audience: get("JWT_AUDIENCE").unwrap_or_else(|| "wla-mentorship-api".to_owned()),
                access_ttl_secs: parse_or(&get, "ACCESS_TOKEN_TTL_SECS", 900)?,
                refresh_ttl_secs: parse_or(&get, "REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?,
            },
            cors_allowed_origins: get("CORS_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            log_format,
            max_body_bytes: parse_or(&get, "MAX_BODY_BYTES", 1024 * 1024)?,
            max_import_bytes: parse_or(&get, "MAX_IMPORT_BYTES", 20 * 1024 * 1024)?,
            login_rate_per_minute: parse_or(&get, "LOGIN_RATE_PER_MINUTE", 10)?,
            trusted_proxies: get("TRUSTED_PROXIES")
                .map(|v| TrustedProxies::parse(&v))
                .transpose()
                .context("TRUSTED_PROXIES must be a comma-separated list of addresses or CIDRs")?
                .unwrap_or_default(),
            mail: MailSettings {
                smtp_url: get("SMTP_URL"),
                from: get("MAIL_FROM")
                    .unwrap_or_else(|| "WLA Mentorship <mentorship@localhost>".to_owned()),
                public_base_url: get("PUBLIC_BASE_URL")
                    .unwrap_or_else(|| "http://localhost:3000".to_owned())
                    .trim_end_matches('/')
                    .to_owned(),
                retry_base_ms: parse_or(&get, "MAIL_RETRY_BASE_MS", 30_000)?,
                connections: match parse_or(&get, "MAIL_CONNECTIONS", 8)? {
                    n @ 1..=64 => n,
                    n => bail!("MAIL_CONNECTIONS must be from 1 to 64, not {n}"),
                },
                timezone: match get("ASSOCIATION_TIMEZONE") {
                    None => chrono_tz::America::Los_Angeles,
                    Some(name) => name.trim().parse().map_err(|_| {
                        anyhow::anyhow!(
                            "ASSOCIATION_TIMEZONE must be an IANA time zone such as America/Los_Angeles, not {name:?}"
                        )
                    })?,
                },
            },
            cadence_silent_days: check_silent_after_days(parse_or(
                &get,
                "CADENCE_SILENT_DAYS",
                SILENT_AFTER_DAYS,
            )?)
            .map_err(|e| anyhow::anyhow!("CADENCE_SILENT_DAYS {e}"))?,
            report_min_group: match parse_or(&get, "REPORT_MIN_GROUP", MIN_GROUP)? {
                0 => bail!("REPORT_MIN_GROUP must be at least 1"),
                n => n,
            },
        })
    }
}

/// An `http` or `https` URL with a host and no query or fragment, its
/// trailing slashes dropped (paths are appended to it).
fn public_url(value: &str) -> anyhow::Result<String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .with_context(|| format!("must start with https:// or http://, not {value:?}"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(['?', '#']) || rest.contains(char::is_whitespace) {
        bail!("must be a URL such as https://mentorship.wla.org, not {value:?}");
    }
    Ok(value.to_owned())
}

fn parse_or<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: T,
) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    get(key)
        .map(|v| {
            v.trim()
                .parse::<T>()
                .with_context(|| format!("{key} is not valid"))
        })
        .transpose()
        .map(|v| v.unwrap_or(default))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_with_a_random_secret() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.bind_addr, "127.0.0.1:8080");
        assert_eq!(s.jwt.secret.len(), 48);
        assert_eq!(s.log_format, LogFormat::Pretty);
    }

    #[test]
    fn production_requires_a_long_secret() {
        assert!(settings(&[("APP_ENV", "production")]).is_err());
        assert!(settings(&[("APP_ENV", "production"), ("JWT_SECRET", "short")]).is_err());
        let long = "x".repeat(32);
        let s = settings(&[("APP_ENV", "production"), ("JWT_SECRET", &long)]).unwrap();
        assert_eq!(s.log_format, LogFormat::Json);
    }

    #[test]
    fn cors_origins_are_a_comma_separated_list() {
        let s = settings(&[("CORS_ALLOWED_ORIGINS", "https://a.org, https://b.org,")]).unwrap();
        assert_eq!(
            s.cors_allowed_origins,
            vec!["https://a.org", "https://b.org"]
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let s = settings(&[("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1")]).unwrap();
        assert!(s.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(s.trusted_proxies.contains("127.0.0.1".parse().unwrap()));
        assert!(!s.trusted_proxies.contains("127.0.0.2".parse().unwrap()));
        assert!(settings(&[("TRUSTED_PROXIES", "proxy.example")]).is_err());
        assert!(settings(&[]).unwrap().trusted_proxies.is_empty());
    }

    #[test]
    fn the_public_api_url_is_an_http_url_without_its_trailing_slash() {
        assert_eq!(settings(&[]).unwrap().public_api_url, None);
        let s = settings(&[("PUBLIC_API_URL", " https://wla.org/mentorship/ ")]).unwrap();
        assert_eq!(
            s.public_api_url.as_deref(),
            Some("https://wla.org/mentorship")
        );
        for bad in [
            "wla.org",
            "ftp://wla.org",
            "https://",
            "https://wla.org/?a=1",
            "https://a b",
        ] {
            assert!(settings(&[("PUBLIC_API_URL", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn mail_connections_are_one_to_sixty_four() {
        assert_eq!(settings(&[]).unwrap().mail.connections, 8);
        let s = settings(&[("MAIL_CONNECTIONS", "2")]).unwrap();
        assert_eq!(s.mail.connections, 2);
        for bad in ["0", "65", "-1", "some"] {
            assert!(settings(&[("MAIL_CONNECTIONS", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_pool_size_is_a_positive_number_or_the_default() {
        assert_eq!(settings(&[]).unwrap().database_pool_size, None);
        let s = settings(&[("DATABASE_POOL_SIZE", " 12 ")]).unwrap();
        assert_eq!(s.database_pool_size, Some(12));
        assert!(settings(&[("DATABASE_POOL_SIZE", "0")]).is_err());
        assert!(settings(&[("DATABASE_POOL_SIZE", "many")]).is_err());
    }

    #[test]
    fn the_association_time_zone_defaults_to_los_angeles() {
        assert_eq!(
            settings(&[]).unwrap().mail.timezone,
            chrono_tz::America::Los_Angeles
        );
        let s = settings(&[("ASSOCIATION_TIMEZONE", "Europe/Paris")]).unwrap();
        assert_eq!(s.mail.timezone, chrono_tz::Europe::Paris);
        assert!(settings(&[("ASSOCIATION_TIMEZONE", "Mars/Olympus")]).is_err());
    }

    #[test]
    fn malformed_numbers_are_refused() {
        assert!(settings(&[("MAX_BODY_BYTES", "lots")]).is_err());
        assert!(settings(&[("LOG_FORMAT", "xml")]).is_err());
    }
}
