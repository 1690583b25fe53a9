//! What workshops tell members by email: a place freed for someone on the
//! waitlist, and the reminder the day before, which carries the workshop
//! as an `.ics` attachment. Times are shown in the association's time
//! zone.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::Workshop;
use super::calendar::workshop_event;
use crate::calendar;
use crate::domain::notification::Event;
use crate::domain::workshop::RegistrationStatus;
use crate::service::ServiceResult;
use crate::service::notify::queue;
use crate::store::{self, Db, members::Member, workshops as rows};

/// The context key holding a message's calendar attachment; the
/// dispatcher attaches it as `workshop.ics` rather than printing it.
pub const ATTACHMENT_KEY: &str = "calendar_ics";

/// "Tuesday 3 March 2026, 9:00 AM PST" in the association's time zone.
pub fn local_time(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz)
        .format("%A %-d %B %Y, %-I:%M %p %Z")
        .to_string()
}

fn context(w: &Workshop, tz: chrono_tz::Tz) -> serde_json::Value {
    json!({
        "workshop_title": w.title,
        "starts_at": local_time(w.starts_at, tz),
        "location": w.location.clone().unwrap_or_else(|| "online".to_owned()),
        "workshop_url": format!("/workshops/{}", w.id),
    })
}

/// A place freed for `to`, who was on the waitlist: one message per
/// promotion (the workshop and member are the key).
pub async fn promoted(
    db: &impl store::Conn,
    to: &Member,
    w: &Workshop,
    tz: chrono_tz::Tz,
) -> ServiceResult<bool> {
    let subject = w.id.to_string();
    queue(db, Event::WorkshopPromoted, &subject, to, context(w, tz)).await
}

/// Queues the day-before reminders due at `now`: to everyone registered
/// for a published workshop starting within a day, once per start time
/// (a moved workshop reminds again), with the workshop's `.ics`. Returns
/// how many were queued.
pub async fn queue_reminders(db: &Db, now: DateTime<Utc>, tz: chrono_tz::Tz) -> ServiceResult<u64> {
    let mut queued = 0;
    for w in rows::published_starting_between(db, now, now + Duration::days(1)).await? {
        let ics = calendar::render(&w.title, &[workshop_event(&w, true)]);
        let txn = store::begin_write(db).await?;
        for r in rows::registrations::of_workshop(&txn, w.id).await? {
            if r.status != RegistrationStatus::Registered {
                continue;
            }
            let member = store::members::get(&txn, r.member_id).await?;
            let mut ctx = context(&w, tz);
            ctx[ATTACHMENT_KEY] = json!(ics);
            let subject = format!("{}:{}", w.id, w.starts_at.timestamp());
            if queue(&txn, Event::WorkshopReminder, &subject, &member, ctx).await? {
                queued += 1;
            }
        }
        store::commit(txn).await?;
    }
    Ok(queued)
}
