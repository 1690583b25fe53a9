//! Program cycles. A partial unique index keeps at most one cycle open for
//! applications at a time, even under concurrent transitions.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cycles")
                    .col(pk_uuid("id"))
                    .col(string_uniq("name"))
                    .col(text("description"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("applications_open_at"))
                    .col(timestamp_with_time_zone("applications_close_at"))
                    .col(date("match_by"))
                    .col(date("mentoring_starts_on"))
                    .col(date("mentoring_ends_on"))
                    .col(date("evaluation_closes_on"))
                    .col(integer("meetings_expected"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        // Same SQL on SQLite and PostgreSQL: both support partial indexes.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_cycles_one_open ON cycles (status) WHERE status = 'open'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("cycles").to_owned())
            .await
    }
}
