//! Outbox rows, template sources and settings as the API shows them.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::notification::{Event, Status};
use crate::notify::templates::{Rendered, Source};
use crate::service::notify::{Counts, Notification, NotificationFilter, Settings};

/// One message in the outbox (admins). The body is on the single message.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: Uuid,
    pub event: Event,
    /// The member it is for.
    #[schema(required = true)]
    pub recipient_id: Option<Uuid>,
    pub recipient_email: String,
    /// `pending` (waiting, or being sent), `sent`, or `failed` after the
    /// last attempt.
    pub status: Status,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// When the next attempt is due (pending messages).
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub next_attempt_at: DateTime<Utc>,
    /// The subject as sent; null before.
    #[schema(required = true)]
    pub subject: Option<String>,
    /// Why the last attempt failed; null after a success.
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub sent_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            event: n.event,
            recipient_id: n.recipient_id,
            recipient_email: n.recipient_email,
            status: n.status,
            attempts: n.attempts,
            next_attempt_at: n.next_attempt_at,
            subject: n.subject,
            last_error: n.last_error,
            sent_at: n.sent_at,
            created_at: n.created_at,
        }
    }
}

/// A rendered message: subject, plain text and HTML.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenderedDto {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl From<Rendered> for RenderedDto {
    fn from(r: Rendered) -> Self {
        Self {
            subject: r.subject,
            text: r.text,
            html: r.html,
        }
    }
}

/// One message with its body, rendered as it is (or was) sent. One-time
/// links of a sent message are not kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDetail {
    #[serde(flatten)]
    pub notification: NotificationDto,
    pub message: RenderedDto,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    pub status: Option<Status>,
    pub event: Option<Event>,
    /// Messages for this member.
    pub recipient_id: Option<Uuid>,
}

impl From<NotificationQuery> for NotificationFilter {
    fn from(q: NotificationQuery) -> Self {
        Self {
            status: q.status,
            event: q.event,
            recipient_id: q.recipient_id,
        }
    }
}

/// How many messages wait, went, and failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxStats {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
}

impl From<Counts> for OutboxStats {
    fn from(c: Counts) -> Self {
        Self {
            pending: c.pending,
            sent: c.sent,
            failed: c.failed,
        }
    }
}

/// An event's template: subject, plain text and HTML (minijinja syntax:
/// `{{ variable }}`, `{% if … %}`), the variables it may use, and whether
/// it is the admins' override or the shipped one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateDto {
    pub event: Event,
    /// Reminders may be turned off by members and carry an unsubscribe link.
    pub reminder: bool,
    /// True when an admin replaced the shipped template.
    pub overridden: bool,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub variables: Vec<String>,
}

impl TemplateDto {
    pub fn new(event: Event, source: Source, overridden: bool) -> Self {
        Self {
            event,
            reminder: event.is_reminder(),
            overridden,
            subject: source.subject,
            text: source.text,
            html: source.html,
            variables: crate::notify::templates::variables(event)
                .iter()
                .map(|v| (*v).to_owned())
                .collect(),
        }
    }
}

/// A replacement template for one event. Each part is checked by rendering
/// it with sample data: a syntax error or an unknown variable is a 422
/// naming the part.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject": "Welcome to the {{ program_name }}",
    "text": "Hello {{ recipient_name }},\n\nSet your password: {{ accept_url }}\n",
    "html": "<p>Hello {{ recipient_name }},</p><p><a href=\"{{ accept_url }}\">Set your password</a></p>"
}))]
pub struct TemplateRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub subject: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub text: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub html: String,
}

impl From<TemplateRequest> for Source {
    fn from(t: TemplateRequest) -> Self {
        Self {
            subject: t.subject,
            text: t.text,
            html: t.html,
        }
    }
}

/// Your email settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingsDto {
    /// Reminder emails (e.g. "applications close soon"). Messages about
    /// your account, applications and matches always go.
    pub reminders: bool,
}

impl From<Settings> for NotificationSettingsDto {
    fn from(s: Settings) -> Self {
        Self {
            reminders: s.reminders,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeQuery {
    /// The token from the reminder's unsubscribe link.
    pub token: String,
}
