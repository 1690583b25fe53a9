//! What the service tells members by email: the events, which of them are
//! reminders a member may turn off, and how a message is keyed so the same
//! event never queues twice.
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why a message is sent. Transactional messages always go; reminders only
/// to members who keep reminders on.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Event {
    /// An invitation to set a password (link to the website's accept page).
    Invitation,
    /// A password reset link.
    PasswordReset,
    /// An application was received.
    ApplicationReceived,
    /// The committee accepted, waitlisted or declined an application.
    ApplicationDecision,
    /// A match was published: sent to both people.
    MatchPublished,
    /// Reminder: a cycle's applications close soon and the member has not
    /// applied.
    ApplicationsClosing,
    /// A partner changed the agreement after a signature, clearing both:
    /// sent to the other partner, once per saved version.
    AgreementChanged,
    /// Reminder: a partnership is behind its expected meetings or has gone
    /// quiet; sent to both partners once per reminder period.
    MeetingReminder,
    /// Evaluations of a cycle opened: sent once to each participant who
    /// has not evaluated it.
    EvaluationRequested,
    /// Reminder: evaluations close within a week and the participant has
    /// not evaluated; sent once.
    EvaluationReminder,
    /// A place at a workshop freed for a member on its waitlist, who now
    /// holds it.
    WorkshopPromoted,
    /// Reminder: a workshop the member registered for starts within a
    /// day; the message carries it as an `.ics` attachment.
    WorkshopReminder,
}

impl Event {
    pub const ALL: [Event; 12] = [
        Self::Invitation,
        Self::PasswordReset,
        Self::ApplicationReceived,
        Self::ApplicationDecision,
        Self::MatchPublished,
        Self::ApplicationsClosing,
        Self::AgreementChanged,
        Self::MeetingReminder,
        Self::EvaluationRequested,
        Self::EvaluationReminder,
        Self::WorkshopPromoted,
        Self::WorkshopReminder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
            Self::ApplicationReceived => "application_received",
            Self::ApplicationDecision => "application_decision",
            Self::MatchPublished => "match_published",
            Self::ApplicationsClosing => "applications_closing",
            Self::AgreementChanged => "agreement_changed",
            Self::MeetingReminder => "meeting_reminder",
            Self::EvaluationRequested => "evaluation_requested",
            Self::EvaluationReminder => "evaluation_reminder",
            Self::WorkshopPromoted => "workshop_promoted",
            Self::WorkshopReminder => "workshop_reminder",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Reminders may be turned off and carry an unsubscribe link;
    /// transactional messages cannot be.
    pub fn is_reminder(self) -> bool {
        matches!(
            self,
            Self::ApplicationsClosing
                | Self::MeetingReminder
                | Self::EvaluationReminder
                | Self::WorkshopReminder
        )
    }
}

/// Where a message is: waiting (or being sent under a dispatcher's lease),
/// delivered, or given up on after the last attempt.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Status {
    Pending,
    Sent,
    Failed,
}

/// The key that makes a message unique: the event, what it is about (an
/// invitation, an application, a match, a cycle and period for a
/// reminder) and the recipient. Queuing the same key twice queues once.
pub fn idempotency_key(event: Event, subject: &str, recipient: Uuid) -> String {
    format!("{}:{subject}:{recipient}", event.as_str())
}

/// The Message-ID derived from the key, so a resent message is recognisably
/// the same one: `<hex digest of the key>@<host>`.
pub fn message_id(key: &str, host: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{host}>")
}

/// Context keys holding one-time secrets (invitation and reset links): the
/// dispatcher blanks them once the message is sent, so the outbox keeps no
/// working link.
pub const SECRET_KEYS: &[&str] = &["accept_url", "reset_url"];

/// Delivery attempts before a message is `failed`.
pub const MAX_ATTEMPTS: i32 = 6;

/// Milliseconds to wait after the `attempts`-th failed attempt: `base_ms`,
/// doubling, at most an hour.
pub fn backoff_ms(attempts: i32, base_ms: u64) -> u64 {
    let exp = (attempts.clamp(1, 30) - 1) as u32;
    base_ms.saturating_mul(1u64 << exp).min(3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips_by_name() {
        for e in Event::ALL {
            assert_eq!(Event::parse(e.as_str()), Some(e));
            let json = serde_json::to_value(e).unwrap();
            assert_eq!(json, e.as_str());
        }
        assert_eq!(Event::parse("nope"), None);
    }

    #[test]
    fn the_same_event_has_the_same_key_and_message_id() {
        let who = Uuid::nil();
        let a = idempotency_key(Event::Invitation, "inv-1", who);
        assert_eq!(a, idempotency_key(Event::Invitation, "inv-1", who));
        assert_ne!(a, idempotency_key(Event::Invitation, "inv-2", who));
        assert_eq!(message_id(&a, "example.org"), message_id(&a, "example.org"));
        assert!(message_id(&a, "example.org").ends_with("@example.org>"));
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1, 30_000), 30_000);
        assert_eq!(backoff_ms(2, 30_000), 60_000);
        assert_eq!(backoff_ms(5, 30_000), 480_000);
        assert_eq!(backoff_ms(20, 30_000), 3_600_000);
        assert_eq!(backoff_ms(3, 50), 200);
    }
}
