//! End-of-cycle evaluations: one per participant of a published match per
//! cycle (unique on cycle and member), with the standard answers, a quote
//! and the consent to publish it, and the committee's approval of that
//! quote: the approved text (shortened or redacted; the original stays in
//! `quote`) and its place among the testimonials.
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
                    .table("evaluations")
                    .col(pk_uuid("id"))
                    .col(uuid("cycle_id"))
                    .col(uuid("match_id"))
                    .col(uuid("member_id"))
                    .col(string("role"))
                    .col(integer("overall_rating"))
                    .col(integer("match_rating"))
                    .col(integer("meetings_held"))
                    .col(string("plans_to_keep_in_touch"))
                    .col(string("would_participate_again"))
                    .col(text_null("what_worked"))
                    .col(text_null("what_to_improve"))
                    .col(text_null("quote"))
                    .col(string("quote_consent"))
                    .col(text_null("approved_quote"))
                    .col(integer_null("quote_position"))
                    .col(uuid_null("quote_approved_by"))
                    .col(timestamp_with_time_zone_null("quote_approved_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("evaluations", "cycle_id", "cycles"))
                    .foreign_key(&mut fk("evaluations", "match_id", "matches"))
                    .foreign_key(&mut fk("evaluations", "member_id", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_evaluations_cycle_member")
                    .table("evaluations")
                    .col("cycle_id")
                    .col("member_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("evaluations").to_owned())
            .await
    }
}
