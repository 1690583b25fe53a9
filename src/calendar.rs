//! iCalendar (RFC 5545) rendering with the `icalendar` crate: pure, so the
//! service builds feeds and mail attachments from plain values. Times are
//! UTC; each event keeps its UID and carries a SEQUENCE that rises with
//! every change; DTSTAMP is the event's last change, so an unchanged feed
//! renders to the same bytes (and the same ETag). The crate folds lines
//! at 75 octets.
use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// When an event happens.
#[derive(Clone, Copy, Debug)]
pub enum Span {
    /// From one instant to another.
    Timed(DateTime<Utc>, DateTime<Utc>),
    /// A whole day.
    Day(NaiveDate),
}

/// One event of a calendar.
#[derive(Clone, Debug)]
pub struct CalEvent {
    /// Stable across fetches and changes: `<kind>-<id>@<domain>`.
    pub uid: String,
    pub sequence: i64,
    /// The last change.
    pub stamp: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub span: Span,
    pub cancelled: bool,
    pub url: Option<String>,
}

/// The domain in every UID.
pub const UID_DOMAIN: &str = "wla-mentorship";

/// A UID for `kind` (`workshop`, `meeting`) and its id.
pub fn uid(kind: &str, id: impl std::fmt::Display) -> String {
    format!("{kind}-{id}@{UID_DOMAIN}")
}

/// The calendar as text, CRLF line ends, lines folded at 75 octets.
pub fn render(name: &str, events: &[CalEvent]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//WLA//Mentorship Program//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    cal.name(name);
    for e in events {
        cal.push(event(e));
    }
    cal.to_string()
}

fn event(e: &CalEvent) -> Event {
    let mut ev = Event::new();
    ev.uid(&e.uid)
        .timestamp(e.stamp)
        .add_property("SEQUENCE", e.sequence.to_string())
        .add_property(
            "LAST-MODIFIED",
            e.stamp.format("%Y%m%dT%H%M%SZ").to_string(),
        )
        .summary(&e.summary)
        .status(if e.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if !e.description.is_empty() {
        ev.description(&e.description);
    }
    if let Some(location) = &e.location {
        ev.location(location);
    }
    if let Some(url) = &e.url {
        ev.url(url);
    }
    match e.span {
        Span::Timed(starts, ends) => ev.starts(starts).ends(ends),
        Span::Day(day) => ev.all_day(day),
    };
    ev.done()
}

/// A strong ETag of a body: a quoted digest.
pub fn etag(body: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", hex::encode(&digest[..16]))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::TimeZone;

    use super::*;

    fn sample(cancelled: bool) -> CalEvent {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).unwrap();
        CalEvent {
            uid: uid("workshop", "abc"),
            sequence: 3,
            stamp: at,
            summary: "Peer coaching, négociation et café ☕".into(),
            description: "Une très longue description, ".repeat(12),
            location: Some("Library, Room 2".into()),
            span: Span::Timed(at, at + chrono::Duration::hours(2)),
            cancelled,
            url: None,
        }
    }

    #[test]
    fn lines_are_folded_at_75_octets_and_end_in_crlf() {
        let body = render("Workshops", &[sample(false)]);
        for line in body.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        assert!(body.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn the_same_events_render_to_the_same_bytes_and_parse_back() {
        let a = render("Workshops", &[sample(true)]);
        assert_eq!(a, render("Workshops", &[sample(true)]));
        assert_eq!(etag(&a), etag(&render("Workshops", &[sample(true)])));
        let parsed = Calendar::from_str(&a).unwrap();
        let ev = parsed.events().next().unwrap();
        assert_eq!(ev.get_uid(), Some("workshop-abc@wla-mentorship"));
        assert_eq!(ev.get_status(), Some(EventStatus::Cancelled));
        assert_eq!(ev.property_value("SEQUENCE"), Some("3"));
        assert!(a.contains("DTSTART:20260301T170000Z"));
    }
}
