use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::matches::RunStatus;
use crate::domain::matching::{MatchResult, RunParams};

/// A stored run: its parameters and the engine's whole result, unredacted
/// (only the committee reads runs).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matching_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub created_by: Uuid,
    pub status: RunStatus,
    pub parameters: RunParameters,
    pub result: RunResult,
    pub total_score: i64,
    pub min_score: Option<i64>,
    pub proposal_count: i32,
    pub unmatched_count: i32,
    /// The result's `blocking_pairs`, kept for lists; null in runs stored
    /// before they were counted.
    pub blocking_pairs: Option<i64>,
    pub created_at: DateTimeUtc,
}

/// The committee's settings for the run, as normalised (a JSON object).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct RunParameters(pub RunParams);

/// The engine's whole result (a JSON object).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct RunResult(pub MatchResult);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
