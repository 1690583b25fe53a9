//! Evaluation rows: inserts, edits, the committee's approval of a quote,
//! and the reads behind the report and the testimonials.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::application::Answers;
use super::entities::evaluation;
use crate::domain::application::ApplicationRole;
use crate::domain::evaluation::{EvaluationFields, QuoteConsent};
use crate::paging::PageRequest;

pub use evaluation::Model as Evaluation;

impl Evaluation {
    /// The answers, as the domain checks them.
    pub fn fields(&self) -> EvaluationFields {
        EvaluationFields {
            overall_rating: self.overall_rating,
            match_rating: self.match_rating,
            meetings_held: self.meetings_held,
            plans_to_keep_in_touch: self.plans_to_keep_in_touch,
            would_participate_again: self.would_participate_again,
            what_worked: self.what_worked.clone(),
            what_to_improve: self.what_to_improve.clone(),
            quote: self.quote.clone(),
            quote_consent: self.quote_consent,
            answers: self.answers.0.clone(),
        }
    }
}

/// Who an evaluation is by: the cycle, the match and the member's role in
/// it.
pub struct Author {
    pub cycle_id: Uuid,
    pub match_id: Uuid,
    pub member_id: Uuid,
    pub role: ApplicationRole,
}

/// Whether anyone has evaluated the cycle.
pub async fn exist_in_cycle(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<bool> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::CycleId.eq(cycle_id))
        .count(db)
        .await?
        > 0)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Evaluation>> {
    Ok(evaluation::Entity::find_by_id(id).one(db).await?)
}

/// Stores a new evaluation; a second one by the same member in the cycle
/// is a `StoreError::Unique`.
pub async fn insert(
    db: &impl ConnectionTrait,
    author: Author,
    fields: EvaluationFields,
) -> StoreResult<Evaluation> {
    let now = Utc::now();
    Ok(evaluation::ActiveModel {
        id: Set(Uuid::new_v4()),
        cycle_id: Set(author.cycle_id),
        match_id: Set(author.match_id),
        member_id: Set(author.member_id),
        role: Set(author.role),
        overall_rating: Set(fields.overall_rating),
        match_rating: Set(fields.match_rating),
        meetings_held: Set(fields.meetings_held),
        plans_to_keep_in_touch: Set(fields.plans_to_keep_in_touch),
        would_participate_again: Set(fields.would_participate_again),
        what_worked: Set(fields.what_worked),
        what_to_improve: Set(fields.what_to_improve),
        quote: Set(fields.quote),
        quote_consent: Set(fields.quote_consent),
        answers: Set(Answers(fields.answers)),
        approved_quote: Set(None),
        quote_position: Set(None),
        quote_approved_by: Set(None),
        quote_approved_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces the answers; `withdraw_approval` also takes the quote off the
/// testimonials until the committee approves it again.
pub async fn update(
    db: &impl ConnectionTrait,
    current: Evaluation,
    fields: EvaluationFields,
    withdraw_approval: bool,
) -> StoreResult<Evaluation> {
    let mut row = current.into_active_model();
    row.overall_rating = Set(fields.overall_rating);
    row.match_rating = Set(fields.match_rating);
    row.meetings_held = Set(fields.meetings_held);
    row.plans_to_keep_in_touch = Set(fields.plans_to_keep_in_touch);
    row.would_participate_again = Set(fields.would_participate_again);
    row.what_worked = Set(fields.what_worked);
    row.what_to_improve = Set(fields.what_to_improve);
    row.quote = Set(fields.quote);
    row.quote_consent = Set(fields.quote_consent);
    row.answers = Set(Answers(fields.answers));
    if withdraw_approval {
        row.approved_quote = Set(None);
        row.quote_position = Set(None);
        row.quote_approved_by = Set(None);
        row.quote_approved_at = Set(None);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// The committee's approval of a quote: the text to publish, its place.
pub async fn approve_quote(
    db: &impl ConnectionTrait,
    current: Evaluation,
    text: String,
    position: i32,
    by: Uuid,
    at: DateTime<Utc>,
) -> StoreResult<Evaluation> {
    let mut row = current.into_active_model();
    row.approved_quote = Set(Some(text));
    row.quote_position = Set(Some(position));
    row.quote_approved_by = Set(Some(by));
    row.quote_approved_at = Set(Some(at));
    Ok(row.update(db).await?)
}

/// Takes a quote off the testimonials.
pub async fn withdraw_quote(
    db: &impl ConnectionTrait,
    current: Evaluation,
) -> StoreResult<Evaluation> {
    let mut row = current.into_active_model();
    row.approved_quote = Set(None);
    row.quote_position = Set(None);
    row.quote_approved_by = Set(None);
    row.quote_approved_at = Set(None);
    Ok(row.update(db).await?)
}

/// Every evaluation of a cycle, for its report.
pub async fn of_cycle(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<Vec<Evaluation>> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::CycleId.eq(cycle_id))
        .order_by_asc(evaluation::Column::CreatedAt)
        .order_by_asc(evaluation::Column::Id)
        .all(db)
        .await?)
}

/// A page of a member's evaluations, newest first, and their count.
pub async fn of_member(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    page: PageRequest,
) -> StoreResult<(Vec<Evaluation>, u64)> {
    let query = evaluation::Entity::find().filter(evaluation::Column::MemberId.eq(member_id));
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(evaluation::Column::CreatedAt)
        .order_by_asc(evaluation::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Approved quotes whose author still consents, optionally of one cycle and
/// one role, in the committee's order.
pub async fn testimonials(
    db: &impl ConnectionTrait,
    cycle_id: Option<Uuid>,
    role: Option<ApplicationRole>,
) -> StoreResult<Vec<Evaluation>> {
    let mut query = evaluation::Entity::find()
        .filter(evaluation::Column::ApprovedQuote.is_not_null())
        .filter(evaluation::Column::QuoteConsent.ne(QuoteConsent::None));
    if let Some(c) = cycle_id {
        query = query.filter(evaluation::Column::CycleId.eq(c));
    }
    if let Some(r) = role {
        query = query.filter(evaluation::Column::Role.eq(r));
    }
    Ok(query
        .order_by_asc(evaluation::Column::QuotePosition)
        .order_by_asc(evaluation::Column::QuoteApprovedAt)
        .order_by_asc(evaluation::Column::Id)
        .all(db)
        .await?)
}

/// The next free place among a cycle's testimonials.
pub async fn next_quote_position(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<i32> {
    let last: Option<Option<i32>> = evaluation::Entity::find()
        .select_only()
        .column_as(evaluation::Column::QuotePosition.max(), "max")
        .filter(evaluation::Column::CycleId.eq(cycle_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().map_or(1, |p| p + 1))
}
