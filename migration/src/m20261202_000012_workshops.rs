//! Workshops: the committee's sessions, the members registered for them (or
//! waitlisted, in the order they joined), who attended, and each member's
//! personal calendar feed token.
//!
//! `workshops.sequence` is the iCalendar SEQUENCE: every change raises it,
//! so calendar clients replace their copy. `workshop_registrations.queue_no`
//! is the join order within a workshop, unique per workshop: the waitlist
//! is promoted in that order and a position is a rank over it.
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
                    .table("workshops")
                    .col(pk_uuid("id"))
                    .col(string("title"))
                    .col(text("description"))
                    .col(string("facilitator"))
                    .col(string("format"))
                    .col(string_null("location"))
                    .col(string_null("join_url"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(integer("capacity"))
                    .col(timestamp_with_time_zone_null("registration_opens_at"))
                    .col(timestamp_with_time_zone_null("registration_closes_at"))
                    .col(string("audience"))
                    .col(uuid_null("cycle_id"))
                    .col(string("status"))
                    .col(integer("sequence").default(0))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("workshops", "cycle_id", "cycles"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_workshops_status_starts_at")
                    .table("workshops")
                    .col("status")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("workshop_registrations")
                    .col(pk_uuid("id"))
                    .col(uuid("workshop_id"))
                    .col(uuid("member_id"))
                    .col(string("status"))
                    .col(integer("queue_no"))
                    .col(boolean("attended").default(false))
                    .col(uuid_null("added_by"))
                    .col(timestamp_with_time_zone("joined_at"))
                    .foreign_key(&mut fk(
                        "workshop_registrations",
                        "workshop_id",
                        "workshops",
                    ))
                    .foreign_key(&mut fk("workshop_registrations", "member_id", "members"))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_workshop_registrations_member",
                ["workshop_id", "member_id"],
            ),
            (
                "idx_workshop_registrations_queue",
                ["workshop_id", "queue_no"],
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("workshop_registrations")
                        .col(cols[0])
                        .col(cols[1])
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_workshop_registrations_by_member")
                    .table("workshop_registrations")
                    .col("member_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("calendar_feeds")
                    .col(uuid("member_id").primary_key())
                    .col(string_uniq("token"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("calendar_feeds", "member_id", "members"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["calendar_feeds", "workshop_registrations", "workshops"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
