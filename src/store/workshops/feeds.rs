//! Personal calendar feed tokens, and the planned meetings a feed holds.
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};
use uuid::Uuid;

use crate::domain::meeting::MeetingStatus;
use crate::store::StoreResult;
use crate::store::entities::{calendar_feed, meeting};

pub use calendar_feed::Model as Feed;

pub async fn of_member(db: &impl ConnectionTrait, member_id: Uuid) -> StoreResult<Option<Feed>> {
    Ok(calendar_feed::Entity::find_by_id(member_id).one(db).await?)
}

pub async fn by_token(db: &impl ConnectionTrait, token: &str) -> StoreResult<Option<Feed>> {
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::Column::Token.eq(token))
        .one(db)
        .await?)
}

/// Sets the member's token, replacing any earlier one.
pub async fn put(db: &impl ConnectionTrait, member_id: Uuid, token: &str) -> StoreResult<()> {
    calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        member_id: Set(member_id),
        token: Set(token.to_owned()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(calendar_feed::Column::MemberId)
            .update_columns([
                calendar_feed::Column::Token,
                calendar_feed::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The planned meetings of these matches, soonest first.
pub async fn planned_meetings(
    db: &impl ConnectionTrait,
    match_ids: Vec<Uuid>,
) -> StoreResult<Vec<meeting::Model>> {
    if match_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(meeting::Entity::find()
        .filter(meeting::Column::MatchId.is_in(match_ids))
        .filter(meeting::Column::Status.eq(MeetingStatus::Planned))
        .order_by_asc(meeting::Column::HeldOn)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?)
}
