//! The dispatcher: a task inside the service that claims due messages from
//! the outbox, renders and sends them, and records each attempt.
//!
//! It never polls busily: with nothing due it waits for a wake-up (a
//! request that queued mail rings `Outbox::wake`) or a sleep that doubles
//! from a quarter second to ten seconds. Several instances may run one
//! each: a claim is a lease on the row (see `store::notifications`).
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::mail::{Mailer, Outgoing};
use super::templates;
use crate::auth::JwtKeys;
use crate::config::MailSettings;
use crate::domain::notification::{MAX_ATTEMPTS, SECRET_KEYS, backoff_ms, message_id};
use crate::service::notify::{RenderEnv, full_context, source_for};
use crate::service::workshops::messages::ATTACHMENT_KEY;
use crate::store::{Db, notifications as rows};

/// How long a claimed message is held before another dispatcher may take it.
const LEASE_SECS: i64 = 120;
/// Messages claimed at once, in rounds of the mailer's connections: a
/// few rounds, so the connections are rarely idle while a batch ends.
const ROUNDS_PER_BATCH: u64 = 4;
const IDLE_MIN: StdDuration = StdDuration::from_millis(250);
const IDLE_MAX: StdDuration = StdDuration::from_secs(10);

/// Rings the dispatcher when a request queued mail, so it goes at once.
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The stored context with one-time links blanked, once a message is sent.
fn without_secrets(context: &str) -> Value {
    let mut context: Value = serde_json::from_str(context).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut context {
        for key in SECRET_KEYS {
            if map.contains_key(*key) {
                map.insert((*key).to_owned(), json!("(sent; link not kept)"));
            }
        }
    }
    context
}

/// Runs until the process ends.
pub async fn run(
    db: Db,
    mailer: Mailer,
    settings: MailSettings,
    keys: Arc<JwtKeys>,
    outbox: Outbox,
) {
    // Messages of a batch in flight at once, one per pooled SMTP
    // connection. Sent one after another, each message waited about 40 ms
    // for the SMTP server's delayed ACK (lettre leaves Nagle's algorithm on
    // and writes the final `.` on its own), so 1,000 messages took 50 s on
    // loopback.
    let in_flight = mailer.connections();
    let batch = ROUNDS_PER_BATCH * in_flight as u64;
    let mut idle = IDLE_MIN;
    loop {
        let now = Utc::now();
        let claimed = match rows::claim_due(&db, now, Duration::seconds(LEASE_SECS), batch).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "outbox: could not claim messages");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                _ = outbox.wake.notified() => idle = IDLE_MIN,
                _ = tokio::time::sleep(idle) => idle = (idle * 2).min(IDLE_MAX),
            }
            continue;
        }
        idle = IDLE_MIN;
        let env = RenderEnv {
            public_base_url: &settings.public_base_url,
            keys: &keys,
        };
        futures_util::stream::iter(claimed)
            .for_each_concurrent(in_flight, |row| deliver(&db, &mailer, &settings, &env, row))
            .await;
    }
}

/// One attempt at one message.
async fn deliver(
    db: &Db,
    mailer: &Mailer,
    settings: &MailSettings,
    env: &RenderEnv<'_>,
    row: rows::Notification,
) {
    let attempt = row.attempts + 1;
    let outcome = async {
        let (context, one_click) = full_context(&row, env).map_err(|e| (e.to_string(), true))?;
        let source = source_for(db, row.event)
            .await
            .map_err(|e| (e.to_string(), false))?;
        let rendered = templates::render(&source, &context).map_err(|e| (e.to_string(), true))?;
        let out = Outgoing {
            to: &row.recipient_email,
            message_id: message_id(&row.idempotency_key, mailer.host()),
            rendered: &rendered,
            unsubscribe_url: one_click.as_deref(),
            calendar: context[ATTACHMENT_KEY].as_str(),
        };
        mailer.send(out).await.map_err(|e| (e.message, false))?;
        Ok::<_, (String, bool)>(rendered.subject)
    }
    .await;
    let now = Utc::now();
    let recorded = match outcome {
        Ok(subject) => {
            tracing::info!(notification_id = %row.id, event = row.event.as_str(), "mail sent");
            rows::mark_sent(db, row.id, subject, without_secrets(&row.context), now).await
        }
        Err((error, fatal)) => {
            let retry_at = (!fatal && attempt < MAX_ATTEMPTS).then(|| {
                let wait = backoff_ms(attempt, settings.retry_base_ms);
                now + Duration::milliseconds(i64::try_from(wait).unwrap_or(i64::MAX))
            });
            tracing::warn!(
                notification_id = %row.id,
                event = row.event.as_str(),
                attempt,
                gave_up = retry_at.is_none(),
                error = %error,
                "mail not sent"
            );
            rows::mark_attempt_failed(db, row.id, &error, retry_at, now).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(notification_id = %row.id, error = %e, "outbox: could not record an attempt");
    }
}
