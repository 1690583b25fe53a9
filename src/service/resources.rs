//! Starter resources. The committee manages them; a member sees the public
//! ones and those meant for them in their published matches; an anonymous
//! visitor sees the public ones. A resource the caller may not see is a
//! 404, never a 403.
use tracing::instrument;
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::domain::access::Actor;
use crate::domain::matches::{MatchSides, own_side};
use crate::domain::resource::{
    Placement, ResourceChanges, ResourceFields, ResourceFilter, Visible,
};
use crate::paging::PageRequest;
use crate::store::{self, Db, applications, cycles, matches, resources as rows};

pub use rows::Resource;

/// The cycles and roles of the member's published matches.
async fn placements(db: &impl store::Conn, actor: &Actor) -> ServiceResult<Vec<Placement>> {
    let mine: Vec<Uuid> = applications::for_member(db, actor.id)
        .await?
        .iter()
        .map(|a| a.id)
        .collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    Ok(matches::published_for(db, &mine)
        .await?
        .into_iter()
        .filter_map(|m| {
            let sides = MatchSides {
                mentor_application_id: m.mentor_application_id,
                mentee_application_id: m.mentee_application_id,
                status: m.status,
            };
            own_side(&mine, sides).ok().map(|role| Placement {
                cycle_id: m.cycle_id,
                role,
            })
        })
        .collect())
}

/// What `actor` (`None`: anonymous) sees at `GET /resources`.
async fn visible_to(db: &impl store::Conn, actor: Option<&Actor>) -> ServiceResult<Visible> {
    Ok(match actor {
        None => Visible::Public,
        Some(a) if a.is_committee() => Visible::All,
        Some(a) => Visible::Member {
            placements: placements(db, a).await?,
            public: true,
        },
    })
}

/// A page of the resources the caller sees, by position then title.
pub async fn list(
    db: &Db,
    actor: Option<&Actor>,
    filter: ResourceFilter,
    page: PageRequest,
) -> ServiceResult<(Vec<Resource>, u64)> {
    let who = visible_to(db, actor).await?;
    Ok(rows::list(db, &who, &filter, page).await?)
}

/// A page of the resources meant for the caller as a matched participant
/// (not merely public ones), whatever their role in the association.
pub async fn mine(
    db: &Db,
    actor: &Actor,
    filter: ResourceFilter,
    page: PageRequest,
) -> ServiceResult<(Vec<Resource>, u64)> {
    let placements = placements(db, actor).await?;
    if placements.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let who = Visible::Member {
        placements,
        public: false,
    };
    Ok(rows::list(db, &who, &filter, page).await?)
}

/// One resource, if the caller may see it (404 otherwise).
pub async fn get(db: &Db, actor: Option<&Actor>, id: Uuid) -> ServiceResult<Resource> {
    let found = rows::find(db, id).await?;
    let who = visible_to(db, actor).await?;
    found
        .filter(|r| who.admits(&rows::reach_of(r)))
        .ok_or_else(|| ServiceError::not_found("resource"))
}

/// The fields as stored, or a 422 per field; the cycle must exist.
async fn checked(db: &impl store::Conn, fields: ResourceFields) -> ServiceResult<ResourceFields> {
    let fields = fields.checked().map_err(ServiceError::Validation)?;
    if let Some(cycle_id) = fields.cycle_id
        && cycles::find(db, cycle_id).await?.is_none()
    {
        return Err(ServiceError::invalid(
            "cycle_id",
            "exists",
            "no cycle has this id",
        ));
    }
    Ok(fields)
}

/// Adds a resource (committee).
#[instrument(skip_all)]
pub async fn create(db: &Db, actor: &Actor, new: ResourceFields) -> ServiceResult<Resource> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let fields = checked(&txn, new).await?;
    let resource = rows::insert(&txn, fields).await?;
    store::commit(txn).await?;
    Ok(resource)
}

async fn find(db: &impl store::Conn, id: Uuid) -> ServiceResult<Resource> {
    rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("resource"))
}

/// Changes a resource (committee); omitted fields stay.
#[instrument(skip_all, fields(resource_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: ResourceChanges,
) -> ServiceResult<Resource> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, id).await?;
    let fields = checked(&txn, changes.apply_to(rows::fields_of(&current))).await?;
    let resource = rows::update(&txn, current, fields).await?;
    store::commit(txn).await?;
    Ok(resource)
}

/// Deletes a resource (committee).
#[instrument(skip_all, fields(resource_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = find(&txn, id).await?;
    rows::delete(&txn, current.id).await?;
    store::commit(txn).await?;
    Ok(())
}
