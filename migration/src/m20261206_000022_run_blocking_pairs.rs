//! `matching_runs.blocking_pairs`: a run's count of blocking pairs, kept
//! beside its result as its score and proposal count are, so a list of
//! runs shows it without reading each result (megabytes of JSON for a big
//! cohort). Runs stored before take theirs from their result; null where
//! the result has none (runs from before blocking pairs were counted).
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
                    .table("matching_runs")
                    .add_column(big_integer_null("blocking_pairs"))
                    .to_owned(),
            )
            .await?;
        let from_result = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "UPDATE matching_runs \
                 SET blocking_pairs = (result ->> 'blocking_pairs')::bigint"
            }
            _ => {
                "UPDATE matching_runs \
                 SET blocking_pairs = json_extract(result, '$.blocking_pairs')"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(from_result)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("matching_runs")
                    .drop_column("blocking_pairs")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
