//! Email notifications: the outbox, admins' template overrides, password
//! resets and each member's reminder setting.
//!
//! `notifications` is a transactional outbox: a row is written in the same
//! transaction as the change that causes it and a dispatcher sends it
//! later, rendering `context` (the template's variables) with the event's
//! template at that time. `idempotency_key` (event, subject, recipient) is unique, so the
//! same event never queues twice, and a scheduled reminder keyed by its
//! period fires once however many instances run. `lease_until` is set when
//! a dispatcher claims a row; another claims it only after the lease ends.
use sea_orm_migration::{prelude::*, schema::*};

use crate::fk::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(pk_uuid("id"))
                    .col(string("event"))
                    .col(string_uniq("idempotency_key"))
                    .col(uuid_null("recipient_id"))
                    .col(string("recipient_email"))
                    .col(text("context"))
                    .col(string_null("subject"))
                    .col(string("status"))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("notifications", "recipient_id", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_due")
                    .table("notifications")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_recipient")
                    .table("notifications")
                    .col("recipient_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notification_templates")
                    .col(string("event").primary_key())
                    .col(string("subject"))
                    .col(text("body_text"))
                    .col(text("body_html"))
                    .col(uuid_null("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("password_resets")
                    .col(pk_uuid("id"))
                    .col(uuid("member_id"))
                    .col(string_uniq("token_hash"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("password_resets", "member_id", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .add_column(boolean("reminders").default(true))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .drop_column("reminders")
                    .to_owned(),
            )
            .await?;
        for table in ["password_resets", "notification_templates", "notifications"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
