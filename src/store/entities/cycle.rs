use sea_orm::entity::prelude::*;

pub use crate::domain::cycle::CycleStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub status: CycleStatus,
    pub applications_open_at: DateTimeUtc,
    pub applications_close_at: DateTimeUtc,
    pub match_by: Date,
    pub mentoring_starts_on: Date,
    pub mentoring_ends_on: Date,
    pub evaluation_closes_on: Date,
    pub meetings_expected: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
