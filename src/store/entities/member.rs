use sea_orm::entity::prelude::*;

use crate::domain::member::{MembershipStatus, Role};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: Option<String>,
    pub full_name: String,
    pub pronouns: Option<String>,
    pub role: Role,
    pub wla_member_id: Option<String>,
    pub membership_status: MembershipStatus,
    pub membership_expires_on: Option<Date>,
    /// Carried in every access token; bumping it ends them all.
    pub session_epoch: i32,
    /// Reminder emails wanted (transactional messages always go).
    pub reminders: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
