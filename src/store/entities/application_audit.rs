use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::application::AuditAction;

/// Who changed an application, when, and which fields (names only: never
/// the values, which may be private).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_audit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub actor_id: Uuid,
    pub action: AuditAction,
    /// `["availability", "capacity"]`
    #[sea_orm(column_type = "Json")]
    pub fields: FieldNames,
    pub created_at: DateTimeUtc,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct FieldNames(pub Vec<String>);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
