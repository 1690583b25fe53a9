use sea_orm::entity::prelude::*;

use crate::domain::notification::{Event, Status};

/// One message in the outbox. `context` holds the template's variables
/// (JSON); the message is rendered when it is sent. A dispatcher holds a
/// row while `lease_until` is in the future.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event: Event,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub recipient_id: Option<Uuid>,
    pub recipient_email: String,
    #[sea_orm(column_type = "Text")]
    pub context: String,
    pub subject: Option<String>,
    pub status: Status,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
