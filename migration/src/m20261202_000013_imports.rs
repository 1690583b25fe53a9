//! The audit list of bulk imports: who imported which file (its SHA-256),
//! when, of what kind, whether it was a dry run, the counts and the whole
//! report, which an `Idempotency-Key` replay answers with again.
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
                    .table("imports")
                    .col(pk_uuid("id"))
                    .col(string("kind"))
                    .col(uuid_null("cycle_id"))
                    .col(uuid("created_by"))
                    .col(string("format"))
                    .col(string("file_sha256"))
                    .col(big_integer("file_bytes"))
                    .col(boolean("dry_run"))
                    .col(string_null("idempotency_key"))
                    .col(integer("rows"))
                    .col(integer("created"))
                    .col(integer("updated"))
                    .col(integer("unchanged"))
                    .col(integer("skipped"))
                    .col(text("report"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("imports", "cycle_id", "cycles"))
                    .foreign_key(&mut fk("imports", "created_by", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_imports_idempotency_key")
                    .table("imports")
                    .col("created_by")
                    .col("idempotency_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_imports_created_at")
                    .table("imports")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("imports").to_owned())
            .await
    }
}
