//! The reminder schedule: every ten minutes, after a random first wait so
//! that instances started together do not run together and a start-up is
//! never a burst. What is due is decided from the data (see
//! `service::notify::queue_reminders`), so a run after downtime catches up
//! and a second run queues nothing twice.
use std::time::Duration;

use rand::Rng;

use super::dispatch::Outbox;
use crate::service::notify::queue_reminders;
use crate::service::workshops::messages::queue_reminders as workshop_reminders;
use crate::store::Db;

const EVERY: Duration = Duration::from_secs(600);

/// Runs until the process ends; `tz` is the association's time zone, for
/// the times the messages show.
pub async fn run(db: Db, outbox: Outbox, tz: chrono_tz::Tz) {
    let first = Duration::from_secs(rand::rng().random_range(30..=90));
    tokio::time::sleep(first).await;
    loop {
        match queue_reminders(&db, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::info!(queued, "reminders queued");
                outbox.wake();
            }
            Err(e) => tracing::error!(error = %e, "reminders: could not queue"),
        }
        match workshop_reminders(&db, chrono::Utc::now(), tz).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::info!(queued, "workshop reminders queued");
                outbox.wake();
            }
            Err(e) => tracing::error!(error = %e, "workshop reminders: could not queue"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
