//! Publishing: a cycle's approved matches become active and their
//! applications `matched`, many rows at once.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::{CHUNK, Match};
use crate::domain::application::ApplicationStatus;
use crate::domain::matches::{MatchAction, MatchStatus};
use crate::store::StoreResult;
use crate::store::entities::{application, match_event, matches};

/// A cycle's matches in `status`, by id.
pub async fn in_status(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    status: MatchStatus,
) -> StoreResult<Vec<Match>> {
    Ok(matches::Entity::find()
        .filter(matches::Column::CycleId.eq(cycle_id))
        .filter(matches::Column::Status.eq(status))
        .order_by_asc(matches::Column::Id)
        .all(db)
        .await?)
}

/// Matches by id, in id order.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<Vec<Match>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        out.extend(
            matches::Entity::find()
                .filter(matches::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    out.sort_by_key(|m| m.id);
    Ok(out)
}

/// Publishes matches: active, with their publishing time.
pub async fn publish(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for chunk in ids.chunks(CHUNK) {
        matches::Entity::update_many()
            .col_expr(matches::Column::Status, Expr::value(MatchStatus::Active))
            .col_expr(matches::Column::PublishedAt, Expr::value(now))
            .col_expr(matches::Column::UpdatedAt, Expr::value(now))
            .filter(matches::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Those of `application_ids` not yet `matched`.
pub async fn not_yet_matched(
    db: &impl ConnectionTrait,
    application_ids: &[Uuid],
) -> StoreResult<Vec<Uuid>> {
    let mut out = Vec::with_capacity(application_ids.len());
    for chunk in application_ids.chunks(CHUNK) {
        out.extend(
            application::Entity::find()
                .select_only()
                .column(application::Column::Id)
                .filter(application::Column::Id.is_in(chunk.to_vec()))
                .filter(application::Column::Status.ne(ApplicationStatus::Matched))
                .into_tuple::<Uuid>()
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Marks applications `matched` (their match was published).
pub async fn mark_matched(
    db: &impl ConnectionTrait,
    application_ids: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for chunk in application_ids.chunks(CHUNK) {
        application::Entity::update_many()
            .col_expr(
                application::Column::Status,
                Expr::value(ApplicationStatus::Matched),
            )
            .col_expr(application::Column::UpdatedAt, Expr::value(now))
            .filter(application::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Records one action on each of `ids`.
pub async fn record_each(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    actor_id: Uuid,
    action: MatchAction,
) -> StoreResult<()> {
    let now = Utc::now();
    for chunk in ids.chunks(CHUNK) {
        let rows = chunk.iter().map(|id| match_event::ActiveModel {
            id: Set(Uuid::new_v4()),
            match_id: Set(*id),
            actor_id: Set(actor_id),
            action: Set(action),
            detail: Set(String::new()),
            created_at: Set(now),
        });
        match_event::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
