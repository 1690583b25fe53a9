use sea_orm::entity::prelude::*;

/// An application as stored. Lists (library types, interests, modes,
/// identity tags, answers) are JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub member_id: Uuid,
    pub role: String,
    pub status: String,
    pub library_types: Json,
    pub interests: Json,
    pub career_stage: String,
    pub region: String,
    pub meeting_modes: Json,
    #[sea_orm(column_type = "Text")]
    pub availability: String,
    pub matching_preference: String,
    pub identity_tags: Json,
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
    pub library_school: Option<String>,
    /// `[{"question_id": ..., "value": ...}]`
    pub answers: Json,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_note: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub submitted_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
