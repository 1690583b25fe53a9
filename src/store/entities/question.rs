use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::question::{Audience, QuestionForm, QuestionKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    /// The application form or the evaluation form.
    pub form: QuestionForm,
    #[sea_orm(column_type = "Text")]
    pub prompt: String,
    pub kind: QuestionKind,
    /// A JSON list of strings.
    #[sea_orm(column_type = "Json")]
    pub options: Options,
    pub required: bool,
    pub audience: Audience,
    pub position: i32,
    pub retired: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// `["career alignment", "identity"]`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Options(pub Vec<String>);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
