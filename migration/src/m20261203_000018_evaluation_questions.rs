//! The cycle's own questions on the evaluation form.
//!
//! `questions.form`: which form a question is on, `application` (every
//! question written before) or `evaluation`. `evaluations.answers`: the
//! answers to the evaluation form's own questions, a JSON list of
//! `{question_id, value}` like an application's (empty for rows written
//! before).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("questions")
                    .add_column(string("form").default("application"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("evaluations")
                    .add_column(json("answers").default("[]"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("evaluations")
                    .drop_column("answers")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("questions")
                    .drop_column("form")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
