//! Stored matching runs: inserted whole, read back whole or as summaries,
//! marked accepted.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, DerivePartialModel, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::matching_run;
use crate::domain::matches::RunStatus;
use crate::paging::PageRequest;

pub use matching_run::Model as MatchingRun;
pub use matching_run::{RunParameters, RunResult};

/// A run without its result, for lists: a big cohort's result is megabytes
/// of JSON, so lists never read it.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "matching_run::Entity")]
pub struct RunSummary {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub status: RunStatus,
    pub parameters: RunParameters,
    pub total_score: i64,
    pub min_score: Option<i64>,
    pub proposal_count: i32,
    pub unmatched_count: i32,
    pub blocking_pairs: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Stores a run with its whole result. Nothing is read back: the row is
/// what was written. The result (megabytes of JSON for a big cohort) is
/// serialised once, straight to text, rather than cloned into a
/// `serde_json::Value` tree first; PostgreSQL casts the text to `json`.
pub async fn insert(db: &impl ConnectionTrait, run: &MatchingRun) -> StoreResult<()> {
    insert_serialised(db, run, serialise_result(run)?).await
}

/// The run's result as stored: JSON text.
pub fn serialise_result(run: &MatchingRun) -> StoreResult<String> {
    // sonic-rs: the same serde derives, strings escaped with SIMD (a
    // 2,000-proposal result is megabytes of text).
    sonic_rs::to_string(&run.result).map_err(|e| sea_orm::DbErr::Json(e.to_string()).into())
}

/// [`insert`] with the result already serialised ([`serialise_result`]),
/// for a caller that sends the same text on.
#[tracing::instrument(skip_all, fields(cycle_id = %run.cycle_id))]
pub async fn insert_serialised(
    db: &impl ConnectionTrait,
    run: &MatchingRun,
    result: String,
) -> StoreResult<()> {
    use matching_run::Column as C;
    let result = match db.get_database_backend() {
        DbBackend::Postgres => Expr::val(result).cast_as(Alias::new("json")),
        _ => Expr::val(result),
    };
    let status: sea_orm::Value = run.status.to_value().into();
    let insert = Query::insert()
        .into_table(matching_run::Entity)
        .columns([
            C::Id,
            C::CycleId,
            C::CreatedBy,
            C::Status,
            C::Parameters,
            C::Result,
            C::TotalScore,
            C::MinScore,
            C::ProposalCount,
            C::UnmatchedCount,
            C::BlockingPairs,
            C::CreatedAt,
        ])
        .values_panic([
            Expr::val(run.id),
            Expr::val(run.cycle_id),
            Expr::val(run.created_by),
            Expr::val(status),
            Expr::val(run.parameters.clone()),
            result,
            Expr::val(run.total_score),
            Expr::val(run.min_score),
            Expr::val(run.proposal_count),
            Expr::val(run.unmatched_count),
            Expr::val(run.blocking_pairs),
            Expr::val(run.created_at),
        ])
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<MatchingRun>> {
    Ok(matching_run::Entity::find_by_id(id).one(db).await?)
}

/// The cycle a run belongs to, if the run exists (without reading it).
pub async fn cycle_of(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Uuid>> {
    Ok(matching_run::Entity::find_by_id(id)
        .select_only()
        .column(matching_run::Column::CycleId)
        .into_tuple::<Uuid>()
        .one(db)
        .await?)
}

/// A page of a cycle's runs, newest first, and their count.
pub async fn list(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    page: PageRequest,
) -> StoreResult<(Vec<RunSummary>, u64)> {
    let query = matching_run::Entity::find().filter(matching_run::Column::CycleId.eq(cycle_id));
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(matching_run::Column::CreatedAt)
        .order_by_asc(matching_run::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .into_partial_model::<RunSummary>()
        .all(db)
        .await?;
    Ok((items, total))
}

/// Marks runs as accepted (their proposals became matches).
pub async fn mark_accepted(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    matching_run::Entity::update_many()
        .col_expr(
            matching_run::Column::Status,
            Expr::value(RunStatus::Accepted),
        )
        .filter(matching_run::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}
