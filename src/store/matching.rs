//! Stored matching runs: inserted whole, read back whole or as summaries,
//! marked accepted.
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DerivePartialModel, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
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
    pub created_at: DateTime<Utc>,
}

/// Stores a run with its whole result. Nothing is read back: the row is
/// what was written.
#[tracing::instrument(skip_all, fields(cycle_id = %run.cycle_id))]
pub async fn insert(db: &impl ConnectionTrait, run: &MatchingRun) -> StoreResult<()> {
    matching_run::Entity::insert(run.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
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
