//! The outbox: queuing a message in the caller's transaction, claiming due
//! messages for a dispatcher, recording each attempt; admins' template
//! overrides; password resets.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TryInsertResult,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::{notification, notification_template, password_reset};
use crate::domain::notification::{Event, Status};
use crate::paging::PageRequest;

pub use notification::Model as Notification;
pub use notification_template::Model as TemplateOverride;
pub use password_reset::Model as PasswordReset;

/// A message to queue.
pub struct NewNotification {
    pub event: Event,
    pub idempotency_key: String,
    pub recipient_id: Option<Uuid>,
    pub recipient_email: String,
    pub context: serde_json::Value,
}

/// Queues a message unless one with the same key exists; true when queued.
/// Runs in the caller's transaction, so the message exists exactly when
/// the change that caused it does.
pub async fn queue(db: &impl ConnectionTrait, new: NewNotification) -> StoreResult<bool> {
    let now = Utc::now();
    let row = notification::ActiveModel {
        id: Set(Uuid::new_v4()),
        event: Set(new.event),
        idempotency_key: Set(new.idempotency_key),
        recipient_id: Set(new.recipient_id),
        recipient_email: Set(new.recipient_email),
        context: Set(new.context.to_string()),
        subject: Set(None),
        status: Set(Status::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = notification::Entity::insert(row)
        .on_conflict_do_nothing_on([notification::Column::IdempotencyKey])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

/// Claims up to `limit` due messages for `lease`: pending, due, and not
/// held by another dispatcher. On PostgreSQL the candidates are locked
/// with `FOR UPDATE SKIP LOCKED`, so dispatchers on several instances take
/// different rows; on SQLite the single `UPDATE … RETURNING` holds the
/// write lock. A dispatcher that dies leaves its rows to the next one
/// once the lease ends.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> StoreResult<Vec<Notification>> {
    let due = Query::select()
        .column(notification::Column::Id)
        .from(notification::Entity)
        .and_where(notification::Column::Status.eq(Status::Pending))
        .and_where(notification::Column::NextAttemptAt.lte(now))
        .and_where(
            notification::Column::LeaseUntil
                .is_null()
                .or(notification::Column::LeaseUntil.lt(now)),
        )
        .order_by(notification::Column::NextAttemptAt, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::LeaseUntil, Expr::value(now + lease))
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await?)
}

/// Records a delivery. `context` replaces the stored one (the dispatcher
/// removes one-time links once they are sent).
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: Uuid,
    subject: String,
    context: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Status::Sent))
        .col_expr(notification::Column::Subject, Expr::value(subject))
        .col_expr(
            notification::Column::Context,
            Expr::value(context.to_string()),
        )
        .col_expr(notification::Column::SentAt, Expr::value(now))
        .col_expr(
            notification::Column::Attempts,
            Expr::col(notification::Column::Attempts).add(1),
        )
        .col_expr(
            notification::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            notification::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: the message waits until `retry_at`, or is
/// `failed` when `retry_at` is `None`.
pub async fn mark_attempt_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let status = if retry_at.is_some() {
        Status::Pending
    } else {
        Status::Failed
    };
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(status))
        .col_expr(
            notification::Column::Attempts,
            Expr::col(notification::Column::Attempts).add(1),
        )
        .col_expr(
            notification::Column::NextAttemptAt,
            Expr::value(retry_at.unwrap_or(now)),
        )
        .col_expr(
            notification::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            notification::Column::LastError,
            Expr::value(error.to_owned()),
        )
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// What the admins' list filters on.
#[derive(Clone, Debug, Default)]
pub struct NotificationFilter {
    pub status: Option<Status>,
    pub event: Option<Event>,
    pub recipient_id: Option<Uuid>,
}

/// A page of the outbox, newest first, and the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &NotificationFilter,
    page: PageRequest,
) -> StoreResult<(Vec<Notification>, u64)> {
    let mut query = notification::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(notification::Column::Status.eq(status));
    }
    if let Some(event) = filter.event {
        query = query.filter(notification::Column::Event.eq(event));
    }
    if let Some(recipient) = filter.recipient_id {
        query = query.filter(notification::Column::RecipientId.eq(recipient));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Notification>> {
    Ok(notification::Entity::find_by_id(id).one(db).await?)
}

/// Puts a failed message back in the queue with fresh attempts; false when
/// it is not failed.
pub async fn requeue_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Status::Pending))
        .col_expr(notification::Column::Attempts, Expr::value(0))
        .col_expr(notification::Column::NextAttemptAt, Expr::value(now))
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::Status.eq(Status::Failed))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Messages per status.
pub async fn count_by_status(db: &impl ConnectionTrait, status: Status) -> StoreResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::Status.eq(status))
        .count(db)
        .await?)
}

/// The admins' override of one event's template, if any.
pub async fn template_override(
    db: &impl ConnectionTrait,
    event: Event,
) -> StoreResult<Option<TemplateOverride>> {
    Ok(notification_template::Entity::find_by_id(event)
        .one(db)
        .await?)
}

/// Stores (or replaces) the override of one event's template.
pub async fn put_template_override(
    db: &impl ConnectionTrait,
    row: TemplateOverride,
) -> StoreResult<()> {
    notification_template::Entity::delete_by_id(row.event)
        .exec(db)
        .await?;
    notification_template::ActiveModel {
        event: Set(row.event),
        subject: Set(row.subject),
        body_text: Set(row.body_text),
        body_html: Set(row.body_html),
        updated_by: Set(row.updated_by),
        updated_at: Set(row.updated_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Removes an override (the shipped template applies again); false when
/// there was none.
pub async fn delete_template_override(
    db: &impl ConnectionTrait,
    event: Event,
) -> StoreResult<bool> {
    Ok(notification_template::Entity::delete_by_id(event)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Stores a password reset for `member_id`, retiring their earlier ones;
/// returns its id.
pub async fn insert_password_reset(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    token_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    retire_password_resets(db, member_id, now).await?;
    let id = Uuid::new_v4();
    password_reset::ActiveModel {
        id: Set(id),
        member_id: Set(member_id),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Marks the member's unused resets used.
pub async fn retire_password_resets(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::MemberId.eq(member_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Spends the unused, unexpired reset with this digest and returns it;
/// `None` if there is none. Conditional, so it works once even when two
/// requests race.
pub async fn spend_password_reset(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<PasswordReset>> {
    let spent = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if spent.rows_affected != 1 {
        return Ok(None);
    }
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?)
}

/// Counts a member's resets issued since `since` (to bound how many a
/// stranger can make someone receive).
pub async fn recent_password_resets(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    since: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::MemberId.eq(member_id))
        .filter(password_reset::Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}
