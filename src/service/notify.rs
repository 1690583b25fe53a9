//! Queuing the messages the program sends, in the transaction of the
//! change that causes them, and the admins' view of the outbox.
//!
//! A message is queued with its template's variables (`context`); links
//! are stored as paths on the website and the dispatcher renders the
//! message, with the base URL and any admin override, when it sends it.
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::auth::JwtKeys;
use crate::domain::access::Actor;
use crate::domain::application::{ApplicationRole, ReviewDecision};
use crate::domain::field_error::FieldError;
use crate::domain::notification::{Event, Status, idempotency_key};
use crate::notify::templates::{self, Rendered, Source};
use crate::paging::PageRequest;
use crate::store::{self, Db, members::Member, notifications as rows};

pub use rows::{Notification, NotificationFilter};

/// The program's name in every message.
pub const PROGRAM_NAME: &str = "WLA Mentorship Program";

/// What rendering needs besides the row: the website's base URL and the
/// key that signs unsubscribe links.
pub struct RenderEnv<'a> {
    pub public_base_url: &'a str,
    pub keys: &'a JwtKeys,
}

/// The stored context completed for the templates: the program's name, the
/// base URL, links made absolute, and for a reminder the unsubscribe link.
/// Returns the context and the one-click unsubscribe URL (reminders only).
pub fn full_context(
    row: &rows::Notification,
    env: &RenderEnv<'_>,
) -> anyhow::Result<(Value, Option<String>)> {
    let mut context: Value = serde_json::from_str(&row.context)?;
    let base = env.public_base_url;
    if let Value::Object(map) = &mut context {
        for (key, value) in map.iter_mut() {
            if key.ends_with("_url")
                && let Some(path) = value.as_str().filter(|p| p.starts_with('/'))
            {
                *value = json!(format!("{base}{path}"));
            }
        }
    }
    context["program_name"] = json!(PROGRAM_NAME);
    context["base_url"] = json!(base);
    let mut one_click = None;
    if row.event.is_reminder()
        && let Some(member) = row.recipient_id
    {
        let token = env.keys.issue_unsubscribe(member)?;
        context["unsubscribe_url"] = json!(format!("{base}/unsubscribe?token={token}"));
        one_click = Some(format!("{base}/api/v1/unsubscribe?token={token}"));
    }
    Ok((context, one_click))
}

/// The template an event is rendered with: the admins' override if any,
/// else the shipped one.
pub async fn source_for(db: &Db, event: Event) -> anyhow::Result<Source> {
    Ok(match rows::template_override(db, event).await? {
        Some(o) => Source {
            subject: o.subject,
            text: o.body_text,
            html: o.body_html,
        },
        None => templates::default_source(event),
    })
}

/// Renders a stored message as it is (or was) sent.
async fn render_row(
    db: &Db,
    row: &rows::Notification,
    env: &RenderEnv<'_>,
) -> anyhow::Result<Rendered> {
    let (context, _) = full_context(row, env)?;
    let source = source_for(db, row.event).await?;
    Ok(templates::render(&source, &context)?)
}

/// Queues `event` about `subject` for `to` with the template's variables,
/// unless the same message is queued already, or it is a reminder and `to`
/// has turned reminders off. True when queued.
pub async fn queue(
    db: &impl store::Conn,
    event: Event,
    subject: &str,
    to: &Member,
    mut context: Value,
) -> ServiceResult<bool> {
    if event.is_reminder() && !to.reminders {
        return Ok(false);
    }
    context["recipient_name"] = json!(to.full_name);
    Ok(rows::queue(
        db,
        rows::NewNotification {
            event,
            idempotency_key: idempotency_key(event, subject, to.id),
            recipient_id: Some(to.id),
            recipient_email: to.email.clone(),
            context,
        },
    )
    .await?)
}

/// "12 December 2026".
pub fn human_date(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

/// The invitation to set a password; `subject` is the invitation's id.
pub async fn invitation(
    db: &impl store::Conn,
    to: &Member,
    invitation_id: Uuid,
    token: &str,
    expires_at: DateTime<Utc>,
) -> ServiceResult<bool> {
    let context = json!({
        "accept_url": format!("/accept-invite?token={token}"),
        "expires_at": human_date(expires_at),
        "role": to.role.as_str(),
    });
    queue(
        db,
        Event::Invitation,
        &invitation_id.to_string(),
        to,
        context,
    )
    .await
}

/// A password reset link; `subject` is the reset's id.
pub async fn password_reset(
    db: &impl store::Conn,
    to: &Member,
    reset_id: Uuid,
    token: &str,
    ttl_minutes: i64,
) -> ServiceResult<bool> {
    let context = json!({
        "reset_url": format!("/reset-password?token={token}"),
        "expires_in_minutes": ttl_minutes,
    });
    queue(db, Event::PasswordReset, &reset_id.to_string(), to, context).await
}

/// An application was received.
pub async fn application_received(
    db: &impl store::Conn,
    to: &Member,
    application_id: Uuid,
    cycle_name: &str,
    role: ApplicationRole,
) -> ServiceResult<bool> {
    let context = json!({
        "cycle_name": cycle_name,
        "role": role.as_str(),
        "application_url": format!("/applications/{application_id}"),
    });
    let subject = application_id.to_string();
    queue(db, Event::ApplicationReceived, &subject, to, context).await
}

/// The committee's decision on an application; one message per decision
/// (a change of mind is news, the same decision twice is not).
pub async fn application_decision(
    db: &impl store::Conn,
    to: &Member,
    application_id: Uuid,
    cycle_name: &str,
    role: ApplicationRole,
    decision: ReviewDecision,
) -> ServiceResult<bool> {
    let context = json!({
        "cycle_name": cycle_name,
        "role": role.as_str(),
        "decision": decision.as_str(),
        "application_url": format!("/applications/{application_id}"),
    });
    let subject = format!("{application_id}:{}", decision.as_str());
    queue(db, Event::ApplicationDecision, &subject, to, context).await
}

/// One side of a published match: `to` learns who their partner is.
pub struct PublishedSide<'a> {
    pub to: &'a Member,
    pub role: ApplicationRole,
    pub partner_name: &'a str,
    pub partner_email: &'a str,
    pub partner_pronouns: &'a str,
}

/// A match was published: called once for each of the two people.
pub async fn match_published(
    db: &impl store::Conn,
    match_id: Uuid,
    cycle_name: &str,
    side: PublishedSide<'_>,
) -> ServiceResult<bool> {
    let context = json!({
        "cycle_name": cycle_name,
        "role": side.role.as_str(),
        "partner_name": side.partner_name,
        "partner_email": side.partner_email,
        "partner_pronouns": side.partner_pronouns,
        "resources_url": "/resources",
        "match_url": format!("/matches/{match_id}"),
    });
    let subject = match_id.to_string();
    queue(db, Event::MatchPublished, &subject, side.to, context).await
}

/// A partner changed the agreement after a signature, clearing both: `to`
/// is the other partner and `partner_name` the one who edited. One message
/// per saved version (`version` is in the key).
pub async fn agreement_changed(
    db: &impl store::Conn,
    to: &Member,
    match_id: Uuid,
    version: i32,
    cycle_name: &str,
    partner_name: &str,
) -> ServiceResult<bool> {
    let context = json!({
        "partner_name": partner_name,
        "cycle_name": cycle_name,
        "agreement_url": format!("/matches/{match_id}/agreement"),
    });
    let subject = format!("{match_id}:{version}");
    queue(db, Event::AgreementChanged, &subject, to, context).await
}

/// A page of the outbox (admins), newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: NotificationFilter,
    page: PageRequest,
) -> ServiceResult<(Vec<Notification>, u64)> {
    actor.may_manage_accounts()?;
    Ok(rows::list(db, &filter, page).await?)
}

/// One message of the outbox (admins).
pub async fn get(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Notification> {
    actor.may_manage_accounts()?;
    rows::get(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("notification"))
}

/// Sends a failed message again with fresh attempts (admins); 409 unless
/// it is failed.
pub async fn retry(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Notification> {
    actor.may_manage_accounts()?;
    let txn = store::begin_write(db).await?;
    let current = rows::get(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("notification"))?;
    if !rows::requeue_failed(&txn, id, Utc::now()).await? {
        return Err(ServiceError::Conflict(format!(
            "only a failed message can be retried; this one is {}",
            status_name(current.status)
        )));
    }
    let row = rows::get(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("notification"))?;
    store::commit(txn).await?;
    Ok(row)
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pending => "pending",
        Status::Sent => "sent",
        Status::Failed => "failed",
    }
}

/// Messages waiting, delivered and given up on.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
}

/// The outbox's counts (admins).
pub async fn counts(db: &Db, actor: &Actor) -> ServiceResult<Counts> {
    actor.may_manage_accounts()?;
    Ok(Counts {
        pending: rows::count_by_status(db, Status::Pending).await?,
        sent: rows::count_by_status(db, Status::Sent).await?,
        failed: rows::count_by_status(db, Status::Failed).await?,
    })
}

/// How long before applications close the reminder goes out.
pub const CLOSING_REMINDER_DAYS: i64 = 3;

/// Queues the scheduled reminders due at `now`, each at most once: "a
/// cycle's applications close soon" to every member who wants reminders,
/// has an active membership and has not applied, once the close is less
/// than three days away. The key (cycle and period) makes a second run, on
/// this or another instance, or after downtime, queue nothing new.
/// Returns how many were queued.
pub async fn queue_reminders(db: &Db, now: DateTime<Utc>) -> ServiceResult<u64> {
    let horizon = now + chrono::Duration::days(CLOSING_REMINDER_DAYS);
    let mut queued = 0;
    for cycle in store::cycles::open_closing_between(db, now, horizon).await? {
        let members = store::members::not_applied_with_reminders(db, cycle.id).await?;
        let closes = cycle.applications_close_at;
        let txn = store::begin_write(db).await?;
        for member in &members {
            let context = json!({
                "cycle_name": cycle.name,
                "closes_at": format!("{} at {} UTC", human_date(closes), closes.format("%H:%M")),
                "apply_url": format!("/cycles/{}/apply", cycle.id),
            });
            let period = format!("{}:closing", cycle.id);
            if queue(&txn, Event::ApplicationsClosing, &period, member, context).await? {
                queued += 1;
            }
        }
        store::commit(txn).await?;
    }
    Ok(queued)
}

/// A member's own notification settings.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub reminders: bool,
}

/// Your notification settings.
pub async fn my_settings(db: &Db, actor: &Actor) -> ServiceResult<Settings> {
    let me = store::members::find(db, actor.id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))?;
    Ok(Settings {
        reminders: me.reminders,
    })
}

/// Changes your notification settings (transactional messages always go).
pub async fn set_my_settings(
    db: &Db,
    actor: &Actor,
    settings: Settings,
) -> ServiceResult<Settings> {
    store::members::set_reminders(db, actor.id, settings.reminders).await?;
    my_settings(db, actor).await
}

/// One-click unsubscribe from reminders, for the member the link's token
/// names (checked by the caller).
pub async fn unsubscribe(db: &Db, member_id: Uuid) -> ServiceResult<()> {
    store::members::find(db, member_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))?;
    Ok(store::members::set_reminders(db, member_id, false).await?)
}

/// One message with its body rendered as it is (or was) sent (admins).
pub async fn get_rendered(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    env: &RenderEnv<'_>,
) -> ServiceResult<(Notification, Rendered)> {
    let row = get(db, actor, id).await?;
    let rendered = render_row(db, &row, env)
        .await
        .map_err(|e| ServiceError::Internal(e.context("the message does not render")))?;
    Ok((row, rendered))
}

/// Every event's template as it applies now (admins): the override or the
/// shipped one, and which.
pub async fn templates(db: &Db, actor: &Actor) -> ServiceResult<Vec<(Event, Source, bool)>> {
    actor.may_manage_accounts()?;
    let mut all = Vec::new();
    for event in Event::ALL {
        all.push(template_of(db, event).await?);
    }
    Ok(all)
}

/// One event's template as it applies now (admins).
pub async fn template(
    db: &Db,
    actor: &Actor,
    event: Event,
) -> ServiceResult<(Event, Source, bool)> {
    actor.may_manage_accounts()?;
    template_of(db, event).await
}

async fn template_of(db: &Db, event: Event) -> ServiceResult<(Event, Source, bool)> {
    Ok(match rows::template_override(db, event).await? {
        Some(o) => (
            event,
            Source {
                subject: o.subject,
                text: o.body_text,
                html: o.body_html,
            },
            true,
        ),
        None => (event, templates::default_source(event), false),
    })
}

/// The template problems as field errors (`subject`, `text`, `html`).
fn refused(problems: Vec<templates::TemplateProblem>) -> ServiceError {
    ServiceError::Validation(
        problems
            .into_iter()
            .map(|p| FieldError::new(p.field, p.code, p.message))
            .collect(),
    )
}

/// Replaces an event's template (admins). It must render with the event's
/// sample data: an unknown variable or a syntax error is a 422 naming the
/// part. Messages not yet sent use it too.
pub async fn set_template(
    db: &Db,
    actor: &Actor,
    event: Event,
    source: Source,
) -> ServiceResult<(Event, Source, bool)> {
    actor.may_manage_accounts()?;
    templates::check(&source, event).map_err(refused)?;
    let txn = store::begin_write(db).await?;
    rows::put_template_override(
        &txn,
        rows::TemplateOverride {
            event,
            subject: source.subject.clone(),
            body_text: source.text.clone(),
            body_html: source.html.clone(),
            updated_by: Some(actor.id),
            updated_at: Utc::now(),
        },
    )
    .await?;
    store::commit(txn).await?;
    Ok((event, source, true))
}

/// Drops an event's override: the shipped template applies again (admins);
/// 404 when there is none.
pub async fn reset_template(db: &Db, actor: &Actor, event: Event) -> ServiceResult<()> {
    actor.may_manage_accounts()?;
    if rows::delete_template_override(db, event).await? {
        Ok(())
    } else {
        Err(ServiceError::not_found("template override"))
    }
}

/// Renders a template with the event's sample data (admins): `source` when
/// given (to try an edit before saving), else the one that applies now.
pub async fn preview(
    db: &Db,
    actor: &Actor,
    event: Event,
    source: Option<Source>,
) -> ServiceResult<Rendered> {
    actor.may_manage_accounts()?;
    let source = match source {
        Some(source) => {
            templates::check(&source, event).map_err(refused)?;
            source
        }
        None => template_of(db, event).await?.1,
    };
    templates::render(&source, &templates::sample_context(event)).map_err(|e| {
        ServiceError::Internal(anyhow::Error::new(e).context("the template does not render"))
    })
}
