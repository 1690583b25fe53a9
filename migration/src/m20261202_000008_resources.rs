//! Starter resources the committee gives matched pairs: discussion topics,
//! the agreement template, guides and links; global (`cycle_id` null) or
//! for one cycle, for mentors, mentees or both, some public for the
//! website. Listed by cycle in `position` order.
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
                    .table("resources")
                    .col(pk_uuid("id"))
                    .col(string("title"))
                    .col(string("kind"))
                    .col(text("body"))
                    .col(text_null("url"))
                    .col(uuid_null("cycle_id"))
                    .col(string("audience"))
                    .col(boolean("public").default(false))
                    .col(integer("position").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("resources", "cycle_id", "cycles"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_resources_cycle_position")
                    .table("resources")
                    .col("cycle_id")
                    .col("position")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("resources").to_owned())
            .await
    }
}
