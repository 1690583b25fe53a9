//! Database schema, one file per migration. The same migrations run on SQLite
//! (the embedded default) and PostgreSQL (production).
pub use sea_orm_migration::prelude::*;

mod fk;
mod m20261128_000001_accounts;
mod m20261128_000002_cycles;
mod m20261128_000003_applications;
mod m20261128_000004_matching;
mod m20261128_000005_completed_match_holds_mentee;
mod m20261202_000006_session_epoch_and_invitation_role;
mod m20261202_000007_notifications;
mod m20261202_000008_resources;
mod m20261202_000009_meetings;
mod m20261202_000010_agreements;
mod m20261202_000011_match_endings;
mod m20261202_000012_workshops;
mod m20261202_000013_imports;
mod m20261202_000014_evaluations;
mod m20261202_000017_both_parties;
mod m20261203_000018_evaluation_questions;
mod m20261203_000019_list_indexes;
mod m20261206_000020_list_counts;
mod m20261206_000021_count_deltas;
mod m20261206_000022_run_blocking_pairs;

pub use m20261206_000021_count_deltas::fold_statements;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_accounts::Migration),
            Box::new(m20261128_000002_cycles::Migration),
            Box::new(m20261128_000003_applications::Migration),
            Box::new(m20261128_000004_matching::Migration),
            Box::new(m20261128_000005_completed_match_holds_mentee::Migration),
            Box::new(m20261202_000006_session_epoch_and_invitation_role::Migration),
            Box::new(m20261202_000007_notifications::Migration),
            Box::new(m20261202_000008_resources::Migration),
            Box::new(m20261202_000009_meetings::Migration),
            Box::new(m20261202_000010_agreements::Migration),
            Box::new(m20261202_000011_match_endings::Migration),
            Box::new(m20261202_000012_workshops::Migration),
            Box::new(m20261202_000014_evaluations::Migration),
            Box::new(m20261202_000013_imports::Migration),
            Box::new(m20261202_000017_both_parties::Migration),
            Box::new(m20261203_000018_evaluation_questions::Migration),
            Box::new(m20261203_000019_list_indexes::Migration),
            Box::new(m20261206_000020_list_counts::Migration),
            Box::new(m20261206_000021_count_deltas::Migration),
            Box::new(m20261206_000022_run_blocking_pairs::Migration),
        ]
    }
}
