//! Match rows and their event trail: reads, inserts and conditional
//! updates. The rules (hard rules, capacity, one placed match per mentee,
//! the status machine) are the service's; the unique index on a mentee's
//! placed matches backs them against races.
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::StoreResult;
use super::applications::Application;
use super::entities::{application, match_event, matches};
use super::local::LocalReads;
use crate::domain::matches::{EndReason, MatchAction, MatchStatus};
use crate::paging::{PageRequest, Sort};

mod publish;

pub use match_event::Model as MatchEvent;
pub use matches::Breakdown;
pub use matches::Model as Match;
pub use publish::{by_ids, in_status, mark_matched, not_yet_matched, publish, record_each};

/// Rows per `IN (...)` list, well under every database's parameter limit.
const CHUNK: usize = 500;

/// A match to insert, proposed.
pub struct NewMatchRow {
    pub cycle_id: Uuid,
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub matching_run_id: Option<Uuid>,
    pub score: i64,
    pub breakdown: Breakdown,
    pub note: Option<String>,
    pub created_by: Uuid,
}

/// What a status change may also set.
#[derive(Default)]
pub struct StatusExtras {
    pub ended_on: Option<NaiveDate>,
    pub ended_reason_code: Option<EndReason>,
    pub ended_reason: Option<String>,
    /// An extension's end and the pair's reason (which may be none).
    pub extension: Option<(NaiveDate, Option<String>)>,
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Match>> {
    Ok(matches::Entity::find_by_id(id).one(db).await?)
}

/// `find` for a read: on a SQLite file, on the calling thread (`local`).
pub async fn find_read(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    id: Uuid,
) -> StoreResult<Option<Match>> {
    super::one_with(db, local, matches::Entity::find_by_id(id)).await
}

/// Loads an application of the cycle, locking its row on PostgreSQL so
/// concurrent proposals for the same people queue (SQLite's write lock
/// already serialises them).
pub async fn locked_application(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<Application>> {
    let mut query =
        application::Entity::find_by_id(id).filter(application::Column::CycleId.eq(cycle_id));
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query.one(db).await?)
}

/// Matches of a cycle that hold a place: live or completed.
fn placed(cycle_id: Uuid) -> sea_orm::Select<matches::Entity> {
    matches::Entity::find()
        .filter(matches::Column::CycleId.eq(cycle_id))
        .filter(matches::Column::Status.is_in(MatchStatus::PLACED))
}

/// The (mentor, mentee) applications of every placed match of a cycle.
pub async fn placed_pairs_in_cycle(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
) -> StoreResult<Vec<(Uuid, Uuid)>> {
    Ok(placed(cycle_id)
        .select_only()
        .columns([
            matches::Column::MentorApplicationId,
            matches::Column::MenteeApplicationId,
        ])
        .into_tuple()
        .all(db)
        .await?)
}

/// Placed matches of a cycle that involve this mentor or this mentee.
pub async fn placed_of_pair(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    mentor_application_id: Uuid,
    mentee_application_id: Uuid,
) -> StoreResult<Vec<Match>> {
    Ok(placed(cycle_id)
        .filter(
            Condition::any()
                .add(matches::Column::MentorApplicationId.eq(mentor_application_id))
                .add(matches::Column::MenteeApplicationId.eq(mentee_application_id)),
        )
        .all(db)
        .await?)
}

/// Inserts a proposed match. A second placed match for the mentee is a
/// `StoreError::Unique`.
pub async fn insert(db: &impl ConnectionTrait, new: NewMatchRow) -> StoreResult<Match> {
    let now = Utc::now();
    Ok(matches::ActiveModel {
        id: Set(Uuid::new_v4()),
        cycle_id: Set(new.cycle_id),
        mentor_application_id: Set(new.mentor_application_id),
        mentee_application_id: Set(new.mentee_application_id),
        matching_run_id: Set(new.matching_run_id),
        status: Set(MatchStatus::Proposed),
        score: Set(new.score),
        breakdown: Set(new.breakdown),
        note: Set(new.note),
        published_at: Set(None),
        extended_until: Set(None),
        ended_reason: Set(None),
        ended_on: Set(None),
        ended_reason_code: Set(None),
        extension_reason: Set(None),
        created_by: Set(new.created_by),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Adds an entry to a match's event trail.
pub async fn record(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    actor_id: Uuid,
    action: MatchAction,
    detail: String,
) -> StoreResult<()> {
    match_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        match_id: Set(match_id),
        actor_id: Set(actor_id),
        action: Set(action),
        detail: Set(detail),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Moves a match from `from` to `to` if it is still in `from`; whether it
/// did.
pub async fn set_status_if(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: MatchStatus,
    to: MatchStatus,
    extras: StatusExtras,
) -> StoreResult<bool> {
    let mut update = matches::Entity::update_many()
        .col_expr(matches::Column::Status, Expr::value(to))
        .col_expr(matches::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(matches::Column::Id.eq(id))
        .filter(matches::Column::Status.eq(from));
    if let Some(day) = extras.ended_on {
        update = update.col_expr(matches::Column::EndedOn, Expr::value(day));
    }
    if let Some(code) = extras.ended_reason_code {
        update = update.col_expr(matches::Column::EndedReasonCode, Expr::value(code));
    }
    if let Some(reason) = extras.ended_reason {
        update = update.col_expr(matches::Column::EndedReason, Expr::value(reason));
    }
    if let Some((until, reason)) = extras.extension {
        update = update
            .col_expr(matches::Column::ExtendedUntil, Expr::value(until))
            .col_expr(matches::Column::ExtensionReason, Expr::value(reason));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Sets (or clears) the committee's note.
pub async fn set_note(
    db: &impl ConnectionTrait,
    id: Uuid,
    note: Option<String>,
) -> StoreResult<()> {
    matches::Entity::update_many()
        .col_expr(matches::Column::Note, Expr::value(note))
        .col_expr(matches::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(matches::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub const SORT_FIELDS: &[&str] = &["created_at", "score", "status", "updated_at"];

/// A page of a cycle's matches, optionally of one status, in `sort` order,
/// and the count of all that match.
pub async fn list(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    cycle_id: Uuid,
    status: Option<MatchStatus>,
    sort: Sort,
    page: PageRequest,
) -> StoreResult<(Vec<Match>, u64)> {
    let (query, kept) = super::filtered_and_kept(
        matches::Entity::find(),
        "match_counts",
        [
            Some((matches::Column::CycleId, cycle_id.into())),
            status.map(|status| (matches::Column::Status, status.into())),
        ]
        .into_iter()
        .flatten(),
    );
    let column = match sort.0 {
        "score" => matches::Column::Score,
        "status" => matches::Column::Status,
        "updated_at" => matches::Column::UpdatedAt,
        _ => matches::Column::CreatedAt,
    };
    super::page_and_total(
        db,
        local,
        query,
        Some(kept),
        // Ties by id in the same direction: `-field` is the exact
        // reverse of `field`, and one index (cycle_id, field, id) serves
        // both, read backwards for `-field`: no sort per request.
        |q| {
            q.order_by(column, sort.1.into())
                .order_by(matches::Column::Id, sort.1.into())
        },
        page,
    )
    .await
}

/// Published matches in which one of `application_ids` takes part, newest
/// first.
pub async fn published_for(
    db: &impl ConnectionTrait,
    application_ids: &[Uuid],
) -> StoreResult<Vec<Match>> {
    let published = MatchStatus::ALL.into_iter().filter(|s| s.is_published());
    Ok(matches::Entity::find()
        .filter(
            Condition::any()
                .add(matches::Column::MentorApplicationId.is_in(application_ids.to_vec()))
                .add(matches::Column::MenteeApplicationId.is_in(application_ids.to_vec())),
        )
        .filter(matches::Column::Status.is_in(published))
        .order_by_desc(matches::Column::PublishedAt)
        .order_by_asc(matches::Column::Id)
        .all(db)
        .await?)
}

/// A match's event trail, oldest first.
pub async fn events(db: &impl ConnectionTrait, match_id: Uuid) -> StoreResult<Vec<MatchEvent>> {
    Ok(match_event::Entity::find()
        .filter(match_event::Column::MatchId.eq(match_id))
        .order_by_asc(match_event::Column::CreatedAt)
        .order_by_asc(match_event::Column::Id)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests;
