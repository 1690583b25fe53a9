//! Meeting rows: reads, inserts, updates and deletes. Who may see or
//! change them, and what they may hold, are the service's and the
//! domain's.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::meeting;
use crate::domain::meeting::{MeetingFields, MeetingStatus};
use crate::paging::PageRequest;

pub use meeting::Model as Meeting;
pub use meeting::Topics;

impl Meeting {
    /// The recorded values, as the domain checks them.
    pub fn fields(&self) -> MeetingFields {
        MeetingFields {
            held_on: self.held_on,
            status: self.status,
            mode: self.mode,
            duration_minutes: self.duration_minutes,
            topics: self.topics.0.clone(),
            shared_notes: self.shared_notes.clone(),
            private_notes: self.private_notes.clone(),
        }
    }
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Meeting>> {
    Ok(meeting::Entity::find_by_id(id).one(db).await?)
}

/// Records a meeting of `match_id` by `author_id`.
pub async fn insert(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    author_id: Uuid,
    fields: MeetingFields,
) -> StoreResult<Meeting> {
    let now = Utc::now();
    Ok(meeting::ActiveModel {
        id: Set(Uuid::new_v4()),
        match_id: Set(match_id),
        author_id: Set(author_id),
        held_on: Set(fields.held_on),
        status: Set(fields.status),
        mode: Set(fields.mode),
        duration_minutes: Set(fields.duration_minutes),
        topics: Set(Topics(fields.topics)),
        shared_notes: Set(fields.shared_notes),
        private_notes: Set(fields.private_notes),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces a meeting's recorded values.
pub async fn update(
    db: &impl ConnectionTrait,
    current: Meeting,
    fields: MeetingFields,
) -> StoreResult<Meeting> {
    let mut row = current.into_active_model();
    row.held_on = Set(fields.held_on);
    row.status = Set(fields.status);
    row.mode = Set(fields.mode);
    row.duration_minutes = Set(fields.duration_minutes);
    row.topics = Set(Topics(fields.topics));
    row.shared_notes = Set(fields.shared_notes);
    row.private_notes = Set(fields.private_notes);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    meeting::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// A page of a match's meetings, optionally of one status, newest first
/// (by date, then by when they were recorded), and the count of all that
/// match.
pub async fn list(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    status: Option<MeetingStatus>,
    page: PageRequest,
) -> StoreResult<(Vec<Meeting>, u64)> {
    let mut query = meeting::Entity::find().filter(meeting::Column::MatchId.eq(match_id));
    if let Some(s) = status {
        query = query.filter(meeting::Column::Status.eq(s));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(meeting::Column::HeldOn)
        .order_by_desc(meeting::Column::CreatedAt)
        .order_by_asc(meeting::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}
