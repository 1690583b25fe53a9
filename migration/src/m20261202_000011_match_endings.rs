//! How a partnership ended or was prolonged, for the cadence and the
//! committee's report.
//!
//! `matches.ended_on` is the day a match was completed or ended early (the
//! cadence of a finished match is measured up to it); `ended_reason_code`
//! is the reason from the fixed list (`ended_reason` keeps the free text);
//! `extension_reason` is the pair's reason for an extension. Matches that
//! ended before this migration take the day of their last change and the
//! code `other`.
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            date_null("ended_on"),
            string_null("ended_reason_code"),
            text_null("extension_reason"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("matches")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let day_of_change = match manager.get_database_backend() {
            DbBackend::Sqlite => "date(updated_at)",
            _ => "CAST(updated_at AS DATE)",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "UPDATE matches SET ended_on = {day_of_change} \
             WHERE status IN ('completed', 'ended_early')"
        ))
        .await?;
        db.execute_unprepared(
            "UPDATE matches SET ended_reason_code = 'other' WHERE status = 'ended_early'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["extension_reason", "ended_reason_code", "ended_on"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("matches")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
