use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::meeting::{MeetingMode, MeetingStatus};

/// One meeting of a match's log (`meetings` table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub match_id: Uuid,
    pub author_id: Uuid,
    pub held_on: Date,
    pub status: MeetingStatus,
    pub mode: MeetingMode,
    pub duration_minutes: i32,
    pub topics: Topics,
    #[sea_orm(column_type = "Text", nullable)]
    pub shared_notes: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub private_notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// What the meeting covered (a JSON array of strings).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct Topics(pub Vec<String>);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
