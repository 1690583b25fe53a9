//! Reading matches (committee): one, a cycle's list, the event trail.
use uuid::Uuid;

use super::{Match, MatchEvent, find, rows};
use crate::domain::access::Actor;
use crate::domain::matches::{MatchStatus, may_run_matching};
use crate::paging::{PageRequest, Sort};
use crate::service::{ServiceError, ServiceResult, cycles};
use crate::store::Db;
use crate::store::local::LocalReads;

pub async fn get(
    db: &Db,
    local: Option<&LocalReads>,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<Match> {
    may_run_matching(actor)?;
    rows::find_read(db, local, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("match"))
}

/// A page of a cycle's matches, optionally of one status, oldest first.
pub async fn list(
    db: &Db,
    local: Option<&LocalReads>,
    actor: &Actor,
    cycle_id: Uuid,
    status: Option<MatchStatus>,
    sort: Sort,
    page: PageRequest,
) -> ServiceResult<(Vec<Match>, u64)> {
    may_run_matching(actor)?;
    let (items, total) = rows::list(db, local, cycle_id, status, sort, page).await?;
    if total == 0 {
        // No match at all: a 404 if there is no such cycle either.
        cycles::get_any(db, cycle_id).await?;
    }
    Ok((items, total))
}

/// Every committee action on a match, oldest first.
pub async fn events(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Vec<MatchEvent>> {
    may_run_matching(actor)?;
    let m = find(db, id).await?;
    Ok(rows::events(db, m.id).await?)
}
