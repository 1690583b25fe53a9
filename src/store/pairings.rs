//! Matches: proposing (with every hard rule and the live-match limits
//! checked inside one serialising transaction), lifecycle actions,
//! publishing and the event trail.
use chrono::{NaiveDate, Utc};
use sea_orm::{
    AccessMode, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, IsolationLevel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqliteTransactionMode,
    TransactionOptions, TransactionTrait, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use super::applications::{self, Application};
use super::entities::{application, match_event, pairing};
use super::matching::{candidate_of, placed_matches_of_pair};
use crate::api::error::{ApiError, ApiResult};
use crate::api::pagination::PageRequest;
use crate::domain::application::{ApplicationRole, ApplicationStatus};
use crate::domain::matching::{RunParams, check_pair, score_pair};
use crate::domain::pairing::{MatchAction, MatchStatus};

pub use match_event::Model as MatchEvent;
pub use pairing::Model as Pairing;

/// A pair to propose.
#[derive(Clone, Debug)]
pub struct NewPair {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub matching_run_id: Option<Uuid>,
    pub note: Option<String>,
}

pub fn status_of(m: &Pairing) -> MatchStatus {
    MatchStatus::parse(&m.status).unwrap_or(MatchStatus::Cancelled)
}

/// A transaction that serialises writers: SQLite takes its write lock at
/// once; PostgreSQL callers lock the rows they count (`FOR UPDATE`).
pub async fn begin_write(db: &DatabaseConnection) -> ApiResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            isolation_level: None::<IsolationLevel>,
            access_mode: None::<AccessMode>,
        })
        .await?)
}

async fn record(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    actor: Uuid,
    action: &str,
    detail: String,
) -> ApiResult<()> {
    match_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        match_id: Set(match_id),
        actor_id: Set(actor),
        action: Set(action.to_owned()),
        detail: Set(detail),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Why a mentee who already holds a place cannot be paired again.
fn mentee_taken(m: &Pairing) -> String {
    if status_of(m) == MatchStatus::Completed {
        format!("the mentee has completed a match in this cycle ({})", m.id)
    } else {
        format!(
            "the mentee already has a live match ({}, {})",
            m.id, m.status
        )
    }
}

fn refused(pair: &NewPair, why: impl std::fmt::Display) -> ApiError {
    ApiError::Conflict(format!(
        "mentor application {} and mentee application {} cannot be matched: {why}",
        pair.mentor_application_id, pair.mentee_application_id
    ))
}

/// Loads an application of the cycle, locking its row on PostgreSQL.
async fn locked_application(
    txn: &DatabaseTransaction,
    cycle_id: Uuid,
    id: Uuid,
) -> ApiResult<Option<Application>> {
    let mut query =
        application::Entity::find_by_id(id).filter(application::Column::CycleId.eq(cycle_id));
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query.one(txn).await?)
}

/// Proposes `pairs` in one transaction, all or nothing. Each pair must pass
/// every hard rule; the mentee must have no live or completed match and the
/// mentor a free slot, counted under lock so concurrent proposals cannot
/// overbook.
/// The runs the pairs come from are marked accepted in the same transaction.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id, pairs = pairs.len()))]
pub async fn propose(
    db: &DatabaseConnection,
    cycle_id: Uuid,
    pairs: &[NewPair],
    params: &RunParams,
    actor: Uuid,
) -> ApiResult<Vec<Pairing>> {
    let txn = begin_write(db).await?;
    let table = params.weight_table();
    let mut created = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let mentor = locked_application(&txn, cycle_id, pair.mentor_application_id).await?;
        let mentee = locked_application(&txn, cycle_id, pair.mentee_application_id).await?;
        let (Some(mentor), Some(mentee)) = (mentor, mentee) else {
            return Err(refused(pair, "both applications must belong to this cycle"));
        };
        let placed = placed_matches_of_pair(&txn, cycle_id, mentor.id, mentee.id).await?;
        if let Some(m) = placed.iter().find(|m| m.mentee_application_id == mentee.id) {
            return Err(refused(pair, mentee_taken(m)));
        }
        let taken = placed
            .iter()
            .filter(|m| m.mentor_application_id == mentor.id)
            .count() as u32;
        let (mentor_c, mentee_c) = (candidate_of(&mentor, taken), candidate_of(&mentee, 0));
        if applications::role_of(&mentor) == ApplicationRole::Mentor && mentor_c.capacity == 0 {
            return Err(refused(pair, "the mentor's capacity is exhausted"));
        }
        check_pair(&mentor_c, &mentee_c, params).map_err(|rule| refused(pair, rule))?;
        let (score, breakdown) = score_pair(&mentor_c, &mentee_c, &table);
        let now = Utc::now();
        let row = pairing::ActiveModel {
            id: Set(Uuid::new_v4()),
            cycle_id: Set(cycle_id),
            mentor_application_id: Set(mentor.id),
            mentee_application_id: Set(mentee.id),
            matching_run_id: Set(pair.matching_run_id),
            status: Set(MatchStatus::Proposed.as_str().to_owned()),
            score: Set(score),
            breakdown: Set(json!(breakdown)),
            note: Set(pair.note.clone()),
            published_at: Set(None),
            extended_until: Set(None),
            ended_reason: Set(None),
            created_by: Set(actor),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => {
                refused(pair, "the mentee already has a live or completed match")
            }
            other => other,
        })?;
        record(
            &txn,
            row.id,
            actor,
            "proposed",
            pair.matching_run_id
                .map(|r| format!("from run {r}"))
                .unwrap_or_default(),
        )
        .await?;
        created.push(row);
    }
    // A run whose proposals became matches is accepted, in the same
    // transaction: never matches without their run marked, nor the reverse.
    let mut runs: Vec<Uuid> = pairs.iter().filter_map(|p| p.matching_run_id).collect();
    runs.sort();
    runs.dedup();
    for run in runs {
        super::matching::mark_accepted(&txn, run).await?;
    }
    txn.commit().await?;
    Ok(created)
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<Pairing> {
    pairing::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("match"))
}

/// What an action may also set.
#[derive(Default)]
pub struct ActionExtras {
    pub ended_reason: Option<String>,
    pub extended_until: Option<NaiveDate>,
}

/// Applies a lifecycle action if the match is still in the status it was
/// read in; records it.
#[tracing::instrument(skip_all, fields(match_id = %current.id, action = action.as_str()))]
pub async fn act(
    db: &DatabaseConnection,
    current: &Pairing,
    action: MatchAction,
    actor: Uuid,
    extras: ActionExtras,
) -> ApiResult<Pairing> {
    let to = action
        .apply(status_of(current))
        .map_err(ApiError::Conflict)?;
    let txn = begin_write(db).await?;
    let mut update = pairing::Entity::update_many()
        .col_expr(pairing::Column::Status, Expr::value(to.as_str()))
        .col_expr(pairing::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(pairing::Column::Id.eq(current.id))
        .filter(pairing::Column::Status.eq(current.status.clone()));
    let mut detail = String::new();
    if let Some(reason) = extras.ended_reason {
        detail = reason.clone();
        update = update.col_expr(pairing::Column::EndedReason, Expr::value(reason));
    }
    if let Some(until) = extras.extended_until {
        detail = format!("until {until}");
        update = update.col_expr(pairing::Column::ExtendedUntil, Expr::value(until));
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        return Err(ApiError::Conflict(
            "the match changed meanwhile; reload and try again".into(),
        ));
    }
    record(&txn, current.id, actor, action.as_str(), detail).await?;
    let updated = get(&txn, current.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Sets the committee's note on a match.
pub async fn set_note(
    db: &DatabaseConnection,
    current: &Pairing,
    note: Option<String>,
    actor: Uuid,
) -> ApiResult<Pairing> {
    let txn = db.begin().await?;
    pairing::Entity::update_many()
        .col_expr(pairing::Column::Note, Expr::value(note))
        .col_expr(pairing::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(pairing::Column::Id.eq(current.id))
        .exec(&txn)
        .await?;
    record(&txn, current.id, actor, "note", String::new()).await?;
    let updated = get(&txn, current.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Publishes every approved match of the cycle: they become active and
/// visible to both people, and both applications become `matched`.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn publish(
    db: &DatabaseConnection,
    cycle_id: Uuid,
    actor: Uuid,
) -> ApiResult<Vec<Pairing>> {
    let txn = begin_write(db).await?;
    let approved = pairing::Entity::find()
        .filter(pairing::Column::CycleId.eq(cycle_id))
        .filter(pairing::Column::Status.eq(MatchStatus::Approved.as_str()))
        .order_by_asc(pairing::Column::Id)
        .all(&txn)
        .await?;
    let now = Utc::now();
    let ids: Vec<Uuid> = approved.iter().map(|m| m.id).collect();
    let mut app_ids: Vec<Uuid> = approved
        .iter()
        .flat_map(|m| [m.mentor_application_id, m.mentee_application_id])
        .collect();
    app_ids.sort();
    app_ids.dedup();
    // A mentor matched in an earlier publish is already `matched`: only the
    // others change, and only their change goes in the audit trail.
    let mut newly_matched = Vec::with_capacity(app_ids.len());
    for chunk in app_ids.chunks(500) {
        newly_matched.extend(
            application::Entity::find()
                .select_only()
                .column(application::Column::Id)
                .filter(application::Column::Id.is_in(chunk.to_vec()))
                .filter(application::Column::Status.ne(ApplicationStatus::Matched.as_str()))
                .into_tuple::<Uuid>()
                .all(&txn)
                .await?,
        );
    }
    for chunk in ids.chunks(500) {
        pairing::Entity::update_many()
            .col_expr(
                pairing::Column::Status,
                Expr::value(MatchStatus::Active.as_str()),
            )
            .col_expr(pairing::Column::PublishedAt, Expr::value(now))
            .col_expr(pairing::Column::UpdatedAt, Expr::value(now))
            .filter(pairing::Column::Id.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    for chunk in newly_matched.chunks(500) {
        application::Entity::update_many()
            .col_expr(
                application::Column::Status,
                Expr::value(ApplicationStatus::Matched.as_str()),
            )
            .col_expr(application::Column::UpdatedAt, Expr::value(now))
            .filter(application::Column::Id.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    for id in &ids {
        record(&txn, *id, actor, "publish", String::new()).await?;
    }
    applications::record_each(
        &txn,
        &newly_matched,
        actor,
        crate::domain::application::AuditAction::Matched,
        &["status"],
    )
    .await
    .map_err(crate::service::ServiceError::from)?;
    let published = pairing::Entity::find()
        .filter(pairing::Column::Id.is_in(ids))
        .order_by_asc(pairing::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(published)
}

/// A cycle's matches, optionally of one status, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    status: Option<MatchStatus>,
    page: PageRequest,
) -> ApiResult<(Vec<Pairing>, u64)> {
    let mut query = pairing::Entity::find().filter(pairing::Column::CycleId.eq(cycle_id));
    if let Some(s) = status {
        query = query.filter(pairing::Column::Status.eq(s.as_str()));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(pairing::Column::CreatedAt)
        .order_by_asc(pairing::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Published matches in which one of `application_ids` takes part.
pub async fn published_for(
    db: &impl ConnectionTrait,
    application_ids: &[Uuid],
) -> ApiResult<Vec<Pairing>> {
    let published: Vec<&str> = MatchStatus::ALL
        .iter()
        .filter(|s| s.is_published())
        .map(|s| s.as_str())
        .collect();
    Ok(pairing::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(pairing::Column::MentorApplicationId.is_in(application_ids.to_vec()))
                .add(pairing::Column::MenteeApplicationId.is_in(application_ids.to_vec())),
        )
        .filter(pairing::Column::Status.is_in(published))
        .order_by_desc(pairing::Column::PublishedAt)
        .order_by_asc(pairing::Column::Id)
        .all(db)
        .await?)
}

/// A match's event trail, oldest first.
pub async fn events(db: &impl ConnectionTrait, match_id: Uuid) -> ApiResult<Vec<MatchEvent>> {
    Ok(match_event::Entity::find()
        .filter(match_event::Column::MatchId.eq(match_id))
        .order_by_asc(match_event::Column::CreatedAt)
        .order_by_asc(match_event::Column::Id)
        .all(db)
        .await?)
}
