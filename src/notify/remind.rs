//! The reminder schedule: every ten minutes, after a random first wait so
//! that instances started together do not run together and a start-up is
//! never a burst. What is due is decided from the data (see
//! `service::notify::queue_reminders`), so a run after downtime catches up
//! and a second run queues nothing twice.
use std::time::Duration;

use rand::Rng;

use super::dispatch::Outbox;
use crate::service::notify::queue_reminders;
use crate::service::{cadence, evaluations};
use crate::store::Db;

const EVERY: Duration = Duration::from_secs(600);

/// Runs the schedule forever: the application deadline reminders and the
/// meeting cadence reminders (`silent_after_days` as configured), and the
/// evaluation requests and their reminder.
pub async fn run(db: Db, outbox: Outbox, silent_after_days: u32) {
    let first = Duration::from_secs(rand::rng().random_range(30..=90));
    tokio::time::sleep(first).await;
    loop {
        let now = chrono::Utc::now();
        let closing = queue_reminders(&db, now).await;
        let cadence = cadence::queue_reminders(&db, now.date_naive(), silent_after_days).await;
        let evaluations = evaluations::queue_requests(&db, now.date_naive()).await;
        for (what, result) in [
            ("closing", closing),
            ("cadence", cadence),
            ("evaluations", evaluations),
        ] {
            match result {
                Ok(0) => {}
                Ok(queued) => {
                    tracing::info!(queued, what, "reminders queued");
                    outbox.wake();
                }
                Err(e) => tracing::error!(error = %e, what, "reminders: could not queue"),
            }
        }
        tokio::time::sleep(EVERY).await;
    }
}
