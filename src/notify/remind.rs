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
use crate::service::{cadence, evaluations};
use crate::store::Db;

const EVERY: Duration = Duration::from_secs(600);

/// Runs the schedule until the process ends: the application deadline
/// reminders, the meeting cadence reminders (`silent_after_days` as
/// configured), the evaluation requests and their reminder, and the
/// workshop reminders (times shown in `tz`, the association's time zone).
pub async fn run(db: Db, outbox: Outbox, silent_after_days: u32, tz: chrono_tz::Tz) {
    let first = Duration::from_secs(rand::rng().random_range(30..=90));
    tokio::time::sleep(first).await;
    loop {
        let now = chrono::Utc::now();
        let closing = queue_reminders(&db, now).await;
        let cadence = cadence::queue_reminders(&db, now.date_naive(), silent_after_days).await;
        let evaluations = evaluations::queue_requests(&db, now.date_naive()).await;
        let workshops = workshop_reminders(&db, now, tz).await;
        for (what, result) in [
            ("closing", closing),
            ("cadence", cadence),
            ("evaluations", evaluations),
            ("workshops", workshops),
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
