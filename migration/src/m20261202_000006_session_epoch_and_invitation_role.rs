//! Sessions that can be ended and invitations bound to a role.
//!
//! `members.session_epoch` is carried in every access token; signing out,
//! a password change and a role change bump it, which ends every access
//! token issued before. `invitations.role` is the role the invitation was
//! issued for: an invitation stops working once the member's role differs.
//! Invitations issued before this migration have no role and are treated
//! as stale: the committee issues new ones.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .add_column(integer("session_epoch").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("invitations")
                    .add_column(string_null("role"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("invitations")
                    .drop_column("role")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .drop_column("session_epoch")
                    .to_owned(),
            )
            .await
    }
}
