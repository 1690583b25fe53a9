//! Indexes behind every sort and filter the list endpoints offer, so a
//! page is read in index order instead of sorting the whole table (SQLite
//! built a temporary B-tree per request), and counts of a cycle's rows
//! read an index instead of the table. Each sort index ends with `id`, the
//! tie-breaker of every list.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns)
const INDEXES: &[(&str, &str, &[&str])] = &[
    // GET /members: sorts created_at (default, newest first), full_name
    // (email has its unique index); filters role, membership_status.
    ("idx_members_created_at", "members", &["created_at", "id"]),
    ("idx_members_full_name", "members", &["full_name", "id"]),
    ("idx_members_role", "members", &["role"]),
    (
        "idx_members_membership_status",
        "members",
        &["membership_status"],
    ),
    // GET /cycles/{id}/applications: a cycle's rows sorted by created_at
    // (default) or updated_at; filters role and status.
    (
        "idx_applications_cycle_created_at",
        "applications",
        &["cycle_id", "created_at", "id"],
    ),
    (
        "idx_applications_cycle_updated_at",
        "applications",
        &["cycle_id", "updated_at", "id"],
    ),
    (
        "idx_applications_cycle_status",
        "applications",
        &["cycle_id", "status"],
    ),
    (
        "idx_applications_cycle_role",
        "applications",
        &["cycle_id", "role"],
    ),
    // GET /cycles/{id}/matches: sorts created_at (default), score, status,
    // updated_at; filter status. Matches by mentee (the mentor has one).
    (
        "idx_matches_cycle_created_at",
        "matches",
        &["cycle_id", "created_at", "id"],
    ),
    (
        "idx_matches_cycle_score",
        "matches",
        &["cycle_id", "score", "id"],
    ),
    (
        "idx_matches_cycle_status",
        "matches",
        &["cycle_id", "status", "id"],
    ),
    (
        "idx_matches_cycle_updated_at",
        "matches",
        &["cycle_id", "updated_at", "id"],
    ),
    ("idx_matches_mentee", "matches", &["mentee_application_id"]),
    // GET /cycles/current (newest open, else active) and GET /cycles
    // filtered by status.
    (
        "idx_cycles_status_open_at",
        "cycles",
        &["status", "applications_open_at"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(*table).if_not_exists();
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
