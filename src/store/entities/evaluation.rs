use sea_orm::entity::prelude::*;

use super::application::Answers;
use crate::domain::application::ApplicationRole;
use crate::domain::evaluation::{KeepInTouch, ParticipateAgain, QuoteConsent};

/// A participant's end-of-cycle evaluation (`evaluations` table).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub match_id: Uuid,
    pub member_id: Uuid,
    pub role: ApplicationRole,
    pub overall_rating: i32,
    pub match_rating: i32,
    pub meetings_held: i32,
    pub plans_to_keep_in_touch: KeepInTouch,
    pub would_participate_again: ParticipateAgain,
    #[sea_orm(column_type = "Text", nullable)]
    pub what_worked: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub what_to_improve: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub quote: Option<String>,
    pub quote_consent: QuoteConsent,
    /// Answers to the evaluation form's own questions.
    #[sea_orm(column_type = "Json")]
    pub answers: Answers,
    #[sea_orm(column_type = "Text", nullable)]
    pub approved_quote: Option<String>,
    pub quote_position: Option<i32>,
    pub quote_approved_by: Option<Uuid>,
    pub quote_approved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
