use sea_orm::entity::prelude::*;

pub use super::agreement_template::AnswerMap;

/// One saved version of an agreement (`agreement_versions` table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub match_id: Uuid,
    pub version: i32,
    pub answers: AnswerMap,
    pub shared_with_committee: bool,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
