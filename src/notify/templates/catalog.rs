//! What each event's templates may use and what they say by default.
//!
//! The defaults live under `templates/mail/` at the repository root: per
//! event a `.subject.txt`, a `.txt` and an `.html` body, wrapped here in the
//! shared `layout.txt` / `layout.html` (and, for reminders, the unsubscribe
//! footer) so that a default source, like an override, is a whole message.
use serde_json::{Value, json};

use super::Source;
use crate::domain::notification::Event;

macro_rules! mail {
    ($($part:literal),+) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/mail/", $($part),+))
    };
}

/// Where a body goes in a layout, and where a reminder's footer goes.
const CONTENT: &str = "{# content #}";
const FOOTER: &str = "\n{# footer #}";

/// The shipped templates of one event.
struct Files {
    subject: &'static str,
    text: &'static str,
    html: &'static str,
}

macro_rules! files {
    ($name:literal) => {
        Files {
            subject: mail!($name, ".subject.txt"),
            text: mail!($name, ".txt"),
            html: mail!($name, ".html"),
        }
    };
}

fn files(event: Event) -> Files {
    match event {
        Event::Invitation => files!("invitation"),
        Event::PasswordReset => files!("password_reset"),
        Event::ApplicationReceived => files!("application_received"),
        Event::ApplicationDecision => files!("application_decision"),
        Event::MatchPublished => files!("match_published"),
        Event::ApplicationsClosing => files!("applications_closing"),
        Event::AgreementChanged => files!("agreement_changed"),
        Event::MeetingReminder => files!("meeting_reminder"),
        Event::EvaluationRequested => files!("evaluation_requested"),
        Event::EvaluationReminder => files!("evaluation_reminder"),
        Event::WorkshopPromoted => files!("workshop_promoted"),
        Event::WorkshopReminder => files!("workshop_reminder"),
    }
}

/// The template sources shipped for `event`, as an admin would see them
/// before overriding them.
pub fn default_source(event: Event) -> Source {
    let f = files(event);
    let (text_footer, html_footer) = if event.is_reminder() {
        let text = mail!("unsubscribe.txt").trim_end();
        let html = mail!("unsubscribe.html").trim_end();
        (format!("\n\n{text}"), format!("\n{html}"))
    } else {
        (String::new(), String::new())
    };
    Source {
        subject: f.subject.trim().to_owned(),
        text: wrap(mail!("layout.txt"), f.text, &text_footer),
        html: wrap(mail!("layout.html"), f.html, &html_footer),
    }
}

fn wrap(layout: &str, body: &str, footer: &str) -> String {
    layout
        .replace(CONTENT, body.trim_end())
        .replace(FOOTER, footer)
}

/// The variables `event`'s templates may use; any other name is refused
/// when an override is saved. Exactly the keys of [`sample_context`].
pub fn variables(event: Event) -> &'static [&'static str] {
    match event {
        Event::Invitation => &[
            "program_name",
            "base_url",
            "recipient_name",
            "accept_url",
            "expires_at",
            "role",
        ],
        Event::PasswordReset => &[
            "program_name",
            "base_url",
            "recipient_name",
            "reset_url",
            "expires_in_minutes",
        ],
        Event::ApplicationReceived => &[
            "program_name",
            "base_url",
            "recipient_name",
            "cycle_name",
            "role",
            "application_url",
        ],
        Event::ApplicationDecision => &[
            "program_name",
            "base_url",
            "recipient_name",
            "cycle_name",
            "role",
            "decision",
            "application_url",
        ],
        Event::MatchPublished => &[
            "program_name",
            "base_url",
            "recipient_name",
            "cycle_name",
            "role",
            "partner_name",
            "partner_email",
            "partner_pronouns",
            "resources_url",
            "match_url",
        ],
        Event::ApplicationsClosing => &[
            "program_name",
            "base_url",
            "recipient_name",
            "cycle_name",
            "closes_at",
            "apply_url",
            "unsubscribe_url",
        ],
        Event::AgreementChanged => &[
            "program_name",
            "base_url",
            "recipient_name",
            "partner_name",
            "cycle_name",
            "agreement_url",
        ],
        Event::MeetingReminder => &[
            "program_name",
            "base_url",
            "recipient_name",
            "partner_name",
            "cycle_name",
            "state",
            "meetings_held",
            "meetings_expected",
            "last_met_on",
            "meetings_url",
            "unsubscribe_url",
        ],
        Event::EvaluationRequested => &[
            "program_name",
            "base_url",
            "recipient_name",
            "cycle_name",
            "role",
            "closes_on",
            "evaluation_url",
        ],
        Event::EvaluationReminder => &[
            "program_name",
            "base_url",
            "recipient_name",
            "cycle_name",
            "role",
            "closes_on",
            "evaluation_url",
            "unsubscribe_url",
        ],
        Event::WorkshopPromoted => &[
            "program_name",
            "base_url",
            "recipient_name",
            "workshop_title",
            "starts_at",
            "location",
            "workshop_url",
        ],
        Event::WorkshopReminder => &[
            "program_name",
            "base_url",
            "recipient_name",
            "workshop_title",
            "starts_at",
            "location",
            "workshop_url",
            "unsubscribe_url",
        ],
    }
}

const BASE_URL: &str = "https://wla.example.org";

/// Realistic, fictional data for previews and for checking an override.
pub fn sample_context(event: Event) -> Value {
    let mut ctx = json!({
        "program_name": "WLA Mentorship Program",
        "base_url": BASE_URL,
        "recipient_name": "Ada Lovelace",
    });
    let extra = match event {
        Event::Invitation => json!({
            "accept_url": format!("{BASE_URL}/accept-invite?token=wla_inv_sample"),
            "expires_at": "12 December 2026",
            "role": "member",
        }),
        Event::PasswordReset => json!({
            "reset_url": format!("{BASE_URL}/reset-password?token=wla_rst_sample"),
            "expires_in_minutes": 60,
        }),
        Event::ApplicationReceived => json!({
            "cycle_name": "2026-2027",
            "role": "mentee",
            "application_url": format!("{BASE_URL}/applications/5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"),
        }),
        Event::ApplicationDecision => json!({
            "cycle_name": "2026-2027",
            "role": "mentee",
            "decision": "accepted",
            "application_url": format!("{BASE_URL}/applications/5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"),
        }),
        Event::MatchPublished => json!({
            "cycle_name": "2026-2027",
            "role": "mentee",
            "partner_name": "Grace Hopper",
            "partner_email": "grace.hopper@example.org",
            "partner_pronouns": "she/her",
            "resources_url": format!("{BASE_URL}/resources"),
            "match_url": format!("{BASE_URL}/matches/c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f"),
        }),
        Event::ApplicationsClosing => json!({
            "cycle_name": "2026-2027",
            "closes_at": "15 September 2026, 23:59 UTC",
            "apply_url": format!("{BASE_URL}/cycles/6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34/apply"),
            "unsubscribe_url": format!("{BASE_URL}/unsubscribe?token=sample-unsubscribe-token"),
        }),
        Event::AgreementChanged => json!({
            "partner_name": "Grace Hopper",
            "cycle_name": "2026-2027",
            "agreement_url": format!("{BASE_URL}/matches/c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f/agreement"),
        }),
        Event::MeetingReminder => json!({
            "partner_name": "Grace Hopper",
            "cycle_name": "2026-2027",
            "state": "behind",
            "meetings_held": 1,
            "meetings_expected": 3,
            "last_met_on": "12 January 2027",
            "meetings_url": format!("{BASE_URL}/matches/c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f/meetings"),
            "unsubscribe_url": format!("{BASE_URL}/unsubscribe?token=sample-unsubscribe-token"),
        }),
        Event::EvaluationRequested => json!({
            "cycle_name": "2026-2027",
            "role": "mentee",
            "closes_on": "15 May 2027",
            "evaluation_url": format!("{BASE_URL}/cycles/6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34/evaluation"),
        }),
        Event::EvaluationReminder => json!({
            "cycle_name": "2026-2027",
            "role": "mentor",
            "closes_on": "15 May 2027",
            "evaluation_url": format!("{BASE_URL}/cycles/6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34/evaluation"),
            "unsubscribe_url": format!("{BASE_URL}/unsubscribe?token=sample-unsubscribe-token"),
        }),
        Event::WorkshopPromoted => json!({
            "workshop_title": "Peer coaching circle",
            "starts_at": "Tuesday 3 March 2026, 9:00 AM PST",
            "location": "online",
            "workshop_url": format!("{BASE_URL}/workshops/0b6f3c1e-2d4a-4e5f-9a8b-7c6d5e4f3a2b"),
        }),
        Event::WorkshopReminder => json!({
            "workshop_title": "Peer coaching circle",
            "starts_at": "Tuesday 3 March 2026, 9:00 AM PST",
            "location": "online",
            "workshop_url": format!("{BASE_URL}/workshops/0b6f3c1e-2d4a-4e5f-9a8b-7c6d5e4f3a2b"),
            "unsubscribe_url": format!("{BASE_URL}/unsubscribe?token=sample-unsubscribe-token"),
        }),
    };
    if let (Some(ctx), Value::Object(extra)) = (ctx.as_object_mut(), extra) {
        ctx.extend(extra);
    }
    ctx
}
