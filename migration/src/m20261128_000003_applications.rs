//! Each cycle's extra form questions, applications (one per member per
//! cycle, enforced by a unique index) and the audit trail of changes.
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
                    .table("questions")
                    .col(pk_uuid("id"))
                    .col(uuid("cycle_id"))
                    .col(text("prompt"))
                    .col(string("kind"))
                    .col(json("options"))
                    .col(boolean("required"))
                    .col(string("audience"))
                    .col(integer("position"))
                    .col(boolean("retired"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("questions", "cycle_id", "cycles"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("applications")
                    .col(pk_uuid("id"))
                    .col(uuid("cycle_id"))
                    .col(uuid("member_id"))
                    .col(string("role"))
                    .col(string("status"))
                    .col(json("library_types"))
                    .col(json("interests"))
                    .col(string("career_stage"))
                    .col(string("region"))
                    .col(json("meeting_modes"))
                    .col(text("availability"))
                    .col(string("matching_preference"))
                    .col(json("identity_tags"))
                    .col(boolean("identity_consent"))
                    .col(string("employer"))
                    .col(string("pronouns"))
                    .col(string_null("current_role"))
                    .col(integer_null("years_experience"))
                    .col(text_null("past_experience"))
                    .col(text_null("support_approach"))
                    .col(text("motivation"))
                    .col(integer_null("capacity"))
                    .col(text_null("learning_goals"))
                    .col(text_null("career_goals"))
                    .col(string_null("library_school"))
                    .col(json("answers"))
                    .col(text_null("review_note"))
                    .col(uuid_null("reviewed_by"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(uuid("submitted_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("applications", "cycle_id", "cycles"))
                    .foreign_key(&mut fk("applications", "member_id", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_applications_cycle_member")
                    .table("applications")
                    .col("cycle_id")
                    .col("member_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_member")
                    .table("applications")
                    .col("member_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("application_audit")
                    .col(pk_uuid("id"))
                    .col(uuid("application_id"))
                    .col(uuid("actor_id"))
                    .col(string("action"))
                    .col(json("fields"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "application_audit",
                        "application_id",
                        "applications",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_application_audit_application")
                    .table("application_audit")
                    .col("application_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["application_audit", "applications", "questions"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
