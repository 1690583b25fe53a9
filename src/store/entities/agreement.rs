use sea_orm::entity::prelude::*;

pub use super::agreement_template::{AnswerMap, SectionList};

/// A published match's partnership agreement (`agreements` table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub match_id: Uuid,
    pub version: i32,
    pub sections: SectionList,
    pub answers: AnswerMap,
    pub mentor_signed_at: Option<DateTimeUtc>,
    pub mentee_signed_at: Option<DateTimeUtc>,
    pub shared_with_committee: bool,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
