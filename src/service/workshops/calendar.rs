//! Calendars: the public feed, one workshop's event, and each member's
//! personal feed at an unguessable URL (their registrations and the planned
//! meetings of their matches). The join link is only in personal feeds
//! (and reminder attachments), never in the public ones.
use rand::RngCore;
use uuid::Uuid;

use super::{Workshop, visible};
use crate::calendar::{self, CalEvent, Span};
use crate::domain::access::Actor;
use crate::domain::workshop::{RegistrationStatus, WorkshopStatus};
use crate::service::{ServiceError, ServiceResult};
use crate::store::{Db, workshops as rows};

/// A rendered calendar and its ETag.
#[derive(Clone, Debug)]
pub struct Ics {
    pub body: String,
    pub etag: String,
}

impl Ics {
    fn of(name: &str, events: &[CalEvent]) -> Self {
        let body = calendar::render(name, events);
        let etag = calendar::etag(&body);
        Self { body, etag }
    }
}

/// A workshop as a calendar event; `with_join` adds the join link (for
/// someone registered).
pub fn workshop_event(w: &Workshop, with_join: bool) -> CalEvent {
    let mut description = w.description.clone();
    if !w.facilitator.is_empty() {
        description = format!("Facilitator: {}\n\n{description}", w.facilitator);
    }
    let join = w.join_url.clone().filter(|_| with_join);
    if let Some(url) = &join {
        description = format!("{description}\n\nJoin: {url}");
    }
    CalEvent {
        uid: calendar::uid("workshop", w.id),
        sequence: i64::from(w.sequence),
        stamp: w.updated_at,
        summary: w.title.clone(),
        description: description.trim().to_owned(),
        location: w.location.clone().or(join.clone()),
        span: Span::Timed(w.starts_at, w.ends_at),
        cancelled: w.status == WorkshopStatus::Cancelled,
        url: join,
    }
}

const PUBLIC_NAME: &str = "WLA workshops";

/// Every public workshop but drafts, cancelled ones kept as cancelled.
pub async fn public_feed(db: &Db) -> ServiceResult<Ics> {
    let all = rows::all_in(db, &rows::Scope::Public).await?;
    let events: Vec<CalEvent> = all.iter().map(|w| workshop_event(w, false)).collect();
    Ok(Ics::of(PUBLIC_NAME, &events))
}

/// One workshop the caller may see, without its join link.
pub async fn workshop(db: &Db, actor: Option<&Actor>, id: Uuid) -> ServiceResult<Ics> {
    let w = visible(db, actor, rows::find(db, id).await?).await?;
    Ok(Ics::of(&w.title, &[workshop_event(&w, false)]))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("wla_cal_{}", hex::encode(bytes))
}

/// The caller's feed token, made on first use.
pub async fn my_token(db: &Db, actor: &Actor) -> ServiceResult<String> {
    if let Some(feed) = rows::feeds::of_member(db, actor.id).await? {
        return Ok(feed.token);
    }
    let token = new_token();
    rows::feeds::put(db, actor.id, &token).await?;
    Ok(token)
}

/// Replaces the caller's feed token: the old URL stops working.
#[tracing::instrument(skip_all)]
pub async fn rotate(db: &Db, actor: &Actor) -> ServiceResult<String> {
    let token = new_token();
    rows::feeds::put(db, actor.id, &token).await?;
    Ok(token)
}

/// The personal feed behind a token (404 for an unknown or replaced one):
/// the member's registered workshops (cancelled ones as cancelled, with the
/// join link) and the planned meetings of their published matches.
pub async fn personal_feed(db: &Db, token: &str) -> ServiceResult<Ics> {
    let feed = rows::feeds::by_token(db, token)
        .await?
        .ok_or_else(|| ServiceError::not_found("calendar"))?;
    let member = feed.member_id;
    let registered: Vec<Uuid> = rows::registrations::of_member(db, member)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Registered)
        .map(|r| r.workshop_id)
        .collect();
    let mut events: Vec<CalEvent> = rows::by_ids(db, registered)
        .await?
        .iter()
        .filter(|w| w.status != WorkshopStatus::Draft)
        .map(|w| workshop_event(w, true))
        .collect();
    let matches = rows::published_matches_of(db, member).await?;
    for m in rows::feeds::planned_meetings(db, matches).await? {
        events.push(CalEvent {
            uid: calendar::uid("meeting", m.id),
            // Meetings keep no revision counter: the seconds between their
            // creation and last change rise with every change.
            sequence: (m.updated_at - m.created_at).num_seconds().max(0),
            stamp: m.updated_at,
            summary: "Mentorship meeting".into(),
            description: m.topics.0.join("\n"),
            location: None,
            span: Span::Day(m.held_on),
            cancelled: false,
            url: None,
        });
    }
    Ok(Ics::of("My WLA mentorship calendar", &events))
}
