use sea_orm::entity::prelude::*;

use crate::domain::workshop::RegistrationStatus;

/// A member's place, or place in line, at a workshop
/// (`workshop_registrations` table). `queue_no` is the join order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_registrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub member_id: Uuid,
    pub status: RegistrationStatus,
    pub queue_no: i32,
    pub attended: bool,
    pub added_by: Option<Uuid>,
    pub joined_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
