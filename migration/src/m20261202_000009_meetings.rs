//! The meeting log of a published match: each meeting one partner records,
//! held or planned, with shared notes for the pair and private notes for
//! its author alone. Listed per match, newest first, hence the index on
//! (match_id, held_on).
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
                    .table("meetings")
                    .col(pk_uuid("id"))
                    .col(uuid("match_id"))
                    .col(uuid("author_id"))
                    .col(date("held_on"))
                    .col(string("status"))
                    .col(string("mode"))
                    .col(integer("duration_minutes"))
                    .col(json("topics"))
                    .col(text_null("shared_notes"))
                    .col(text_null("private_notes"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("meetings", "match_id", "matches"))
                    .foreign_key(&mut fk("meetings", "author_id", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_meetings_match_held_on")
                    .table("meetings")
                    .col("match_id")
                    .col("held_on")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("meetings").to_owned())
            .await
    }
}
