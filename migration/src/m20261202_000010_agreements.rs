//! Partnership agreements: each cycle's template (sections with prompts),
//! each published match's agreement (answers, signatures, sharing) and every
//! saved version of it.
//!
//! `agreements.version` is the optimistic-concurrency counter: a save is an
//! `UPDATE ... WHERE version = ?`, so two partners saving at once cannot
//! both win. `agreements.sections` is the template as it was when the pair
//! first saved, so a later template edit leaves their agreement alone.
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
                    .table("agreement_templates")
                    .col(uuid("cycle_id").primary_key())
                    .col(json("sections"))
                    .col(uuid_null("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("agreement_templates", "cycle_id", "cycles"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("agreements")
                    .col(pk_uuid("id"))
                    .col(uuid_uniq("match_id"))
                    .col(integer("version"))
                    .col(json("sections"))
                    .col(json("answers"))
                    .col(timestamp_with_time_zone_null("mentor_signed_at"))
                    .col(timestamp_with_time_zone_null("mentee_signed_at"))
                    .col(boolean("shared_with_committee").default(false))
                    .col(uuid_null("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("agreements", "match_id", "matches"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("agreement_versions")
                    .col(pk_uuid("id"))
                    .col(uuid("match_id"))
                    .col(integer("version"))
                    .col(json("answers"))
                    .col(boolean("shared_with_committee"))
                    .col(uuid_null("updated_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("agreement_versions", "match_id", "matches"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agreement_versions_match_version")
                    .table("agreement_versions")
                    .col("match_id")
                    .col("version")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["agreement_versions", "agreements", "agreement_templates"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
