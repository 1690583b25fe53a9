use sea_orm::entity::prelude::*;

/// A stored run: its parameters and the engine's whole result, unredacted
/// (only the committee reads runs).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matching_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub created_by: Uuid,
    pub status: String,
    pub parameters: Json,
    pub result: Json,
    pub total_score: i64,
    pub min_score: Option<i64>,
    pub proposal_count: i32,
    pub unmatched_count: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
