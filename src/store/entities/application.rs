use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::application::{
    Answer, ApplicationRole, ApplicationStatus, CareerStage, LibrarySchool, LibraryType,
    MatchingPreference, MeetingMode,
};

/// An application as stored. Closed sets are their snake_case names; lists
/// (library types, interests, modes, identity tags, answers) are JSON. A
/// value the code does not know fails the read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub member_id: Uuid,
    pub role: ApplicationRole,
    pub status: ApplicationStatus,
    #[sea_orm(column_type = "Json")]
    pub library_types: LibraryTypes,
    #[sea_orm(column_type = "Json")]
    pub interests: Tags,
    pub career_stage: CareerStage,
    pub region: String,
    #[sea_orm(column_type = "Json")]
    pub meeting_modes: MeetingModes,
    #[sea_orm(column_type = "Text")]
    pub availability: String,
    pub matching_preference: MatchingPreference,
    #[sea_orm(column_type = "Json")]
    pub identity_tags: Tags,
    pub identity_consent: bool,
    pub employer: String,
    pub pronouns: String,
    pub current_role: Option<String>,
    pub years_experience: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub past_experience: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub support_approach: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub motivation: String,
    pub capacity: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub learning_goals: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub career_goals: Option<String>,
    pub library_school: Option<LibrarySchool>,
    /// A mentor's preferred mentee stages (`["student"]`); null for rows
    /// written before the field existed.
    #[sea_orm(column_type = "Json", nullable)]
    pub mentee_stages: Option<CareerStages>,
    /// `[{"question_id": ..., "value": ...}]`
    #[sea_orm(column_type = "Json")]
    pub answers: Answers,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_note: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub submitted_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// `["academic", "public"]`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct LibraryTypes(pub Vec<LibraryType>);

/// `["online", "in_person"]`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct MeetingModes(pub Vec<MeetingMode>);

/// `["student", "early_career"]`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct CareerStages(pub Vec<CareerStage>);

/// Free tags: `["outreach", "instruction"]`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Tags(pub Vec<String>);

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Answers(pub Vec<Answer>);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The applicant (read with the application in one query).
    #[sea_orm(
        belongs_to = "super::member::Entity",
        from = "Column::MemberId",
        to = "super::member::Column::Id"
    )]
    Member,
}

impl Related<super::member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Member.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
