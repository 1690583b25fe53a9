use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::matches::{EndReason, MatchStatus};
use crate::domain::matching::Criterion;

/// A mentor–mentee match (`matches` table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub matching_run_id: Option<Uuid>,
    pub status: MatchStatus,
    pub score: i64,
    pub breakdown: Breakdown,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub extended_until: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub ended_reason: Option<String>,
    pub ended_on: Option<Date>,
    pub ended_reason_code: Option<EndReason>,
    #[sea_orm(column_type = "Text", nullable)]
    pub extension_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The explained score of a match, one line per criterion (a JSON array).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct Breakdown(pub Vec<Criterion>);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
