use sea_orm::entity::prelude::*;

pub use crate::domain::import::{ImportFormat, ImportKind};

/// One bulk import, as the audit list shows it; `report` is the JSON of
/// the report it answered with.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: ImportKind,
    pub cycle_id: Option<Uuid>,
    pub created_by: Uuid,
    pub format: ImportFormat,
    pub file_sha256: String,
    pub file_bytes: i64,
    pub dry_run: bool,
    pub idempotency_key: Option<String>,
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub skipped: i32,
    #[sea_orm(column_type = "Text")]
    pub report: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
