use sea_orm::entity::prelude::*;

use crate::domain::workshop::{WorkshopAudience, WorkshopFormat, WorkshopStatus};

/// A workshop (`workshops` table). `sequence` is its iCalendar SEQUENCE.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub facilitator: String,
    pub format: WorkshopFormat,
    pub location: Option<String>,
    pub join_url: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub capacity: i32,
    pub registration_opens_at: Option<DateTimeUtc>,
    pub registration_closes_at: Option<DateTimeUtc>,
    pub audience: WorkshopAudience,
    pub cycle_id: Option<Uuid>,
    pub status: WorkshopStatus,
    pub sequence: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
