use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::agreement::{Answers, Section};

/// A cycle's agreement template (`agreement_templates` table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cycle_id: Uuid,
    pub sections: SectionList,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

/// An agreement's sections, in order (a JSON array).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct SectionList(pub Vec<Section>);

/// The pair's answers by section key (a JSON object).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct AnswerMap(pub Answers);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
