//! A completed partnership keeps its mentee for the rest of the cycle: the
//! unique index on a mentee's matches counts `completed` beside the live
//! statuses. A match that ended early still frees its mentee, so the
//! committee can pair them again.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS uq_matches_live_mentee")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_matches_placed_mentee ON matches (mentee_application_id) \
             WHERE status IN ('proposed', 'approved', 'active', 'completed')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS uq_matches_placed_mentee")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_matches_live_mentee ON matches (mentee_application_id) \
             WHERE status IN ('proposed', 'approved', 'active')",
        )
        .await?;
        Ok(())
    }
}
