//! Matching for both parties.
//!
//! `applications.mentee_stages`: a mentor's optional answer to "which
//! mentee career stages would you most like to support" (a JSON list of
//! stage names; null for rows written before). Runs stored before the
//! mentor's preference counted were scored with the mentee's preference
//! alone: their parameters get `"preference_balance": 1`, the setting
//! that scores the same way, so accepting such a run later re-scores its
//! pairs as they were proposed.
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("applications")
                    .add_column(json_null("mentee_stages"))
                    .to_owned(),
            )
            .await?;
        let mentee_only = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "UPDATE matching_runs SET parameters = \
                 (parameters::jsonb || '{\"preference_balance\": 1.0}'::jsonb)::json"
            }
            _ => {
                "UPDATE matching_runs SET parameters = \
                 json_set(parameters, '$.preference_balance', 1.0)"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(mentee_only)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("applications")
                    .drop_column("mentee_stages")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
