//! Matching runs, matches and their event trail. A partial unique index
//! keeps at most one live (proposed, approved or active) match per mentee.
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
                    .table("matching_runs")
                    .col(pk_uuid("id"))
                    .col(uuid("cycle_id"))
                    .col(uuid("created_by"))
                    .col(string("status"))
                    .col(json("parameters"))
                    .col(json("result"))
                    .col(big_integer("total_score"))
                    .col(big_integer_null("min_score"))
                    .col(integer("proposal_count"))
                    .col(integer("unmatched_count"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("matching_runs", "cycle_id", "cycles"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("matches")
                    .col(pk_uuid("id"))
                    .col(uuid("cycle_id"))
                    .col(uuid("mentor_application_id"))
                    .col(uuid("mentee_application_id"))
                    .col(uuid_null("matching_run_id"))
                    .col(string("status"))
                    .col(big_integer("score"))
                    .col(json("breakdown"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(date_null("extended_until"))
                    .col(text_null("ended_reason"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("matches", "cycle_id", "cycles"))
                    .foreign_key(&mut fk("matches", "mentor_application_id", "applications"))
                    .foreign_key(&mut fk("matches", "mentee_application_id", "applications"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_matches_live_mentee ON matches (mentee_application_id) \
                 WHERE status IN ('proposed', 'approved', 'active')",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_matches_mentor")
                    .table("matches")
                    .col("mentor_application_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("match_events")
                    .col(pk_uuid("id"))
                    .col(uuid("match_id"))
                    .col(uuid("actor_id"))
                    .col(string("action"))
                    .col(text("detail"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("match_events", "match_id", "matches"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_match_events_match")
                    .table("match_events")
                    .col("match_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["match_events", "matches", "matching_runs"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
