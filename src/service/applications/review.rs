//! The committee's side: review, the filtered list, dashboard counts and
//! the audit trail.
use std::cmp::Ordering;
use std::collections::BTreeMap;

use tracing::instrument;
use uuid::Uuid;

use super::{
    Application, ApplicationView, AuditRow, Decided, change_status, members_by_id, view,
    view_authored, view_of, visible,
};
use crate::domain::access::Actor;
use crate::domain::application::{
    self as rules, ApplicationFilter, ApplicationRole, ApplicationStatus, AuditAction, NewReview,
};
use crate::paging::{PageRequest, Sort, SortOrder};
use crate::service::{ServiceResult, cycles};
use crate::store::local::LocalReads;
use crate::store::{self, Db, applications as rows, members::Member};

/// Reviews an application (committee): accepted, waitlisted or declined,
/// with a note only the committee sees. Withdrawn and matched ones are
/// settled (409).
#[instrument(skip_all, fields(application_id = %id))]
pub async fn review(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    review: NewReview,
) -> ServiceResult<ApplicationView> {
    rules::may_review(actor)?;
    let app = visible(db, actor, id).await?;
    let to = app
        .status
        .review(review.decision)
        .map_err(crate::service::ServiceError::Conflict)?;
    let note = review.note.trim().to_owned();
    let cycle = cycles::get_any(db, app.cycle_id).await?;
    let decided = Decided {
        decision: review.decision,
        cycle_name: &cycle.name,
    };
    let updated = change_status(
        db,
        actor,
        &app,
        to,
        AuditAction::Reviewed,
        Some(note),
        Some(decided),
    )
    .await?;
    view_of(db, actor, updated).await
}

/// Sortable fields of the committee list.
pub const SORT_FIELDS: &[&str] = &[
    "created_at",
    "updated_at",
    "member_name",
    "status",
    "role",
    "region",
];

/// Sorts of the committee list the database does itself (timestamps
/// compare the same there as here).
const SQL_SORT_FIELDS: &[&str] = &["created_at", "updated_at"];

fn compare(
    field: &str,
    (a, ma): &(Application, &Member),
    (b, mb): &(Application, &Member),
) -> Ordering {
    match field {
        "updated_at" => a.updated_at.cmp(&b.updated_at),
        "member_name" => ma
            .full_name
            .to_lowercase()
            .cmp(&mb.full_name.to_lowercase()),
        "status" => a.status.as_str().cmp(b.status.as_str()),
        "role" => a.role.as_str().cmp(b.role.as_str()),
        "region" => a.region.to_lowercase().cmp(&b.region.to_lowercase()),
        _ => a.created_at.cmp(&b.created_at),
    }
}

/// A page of a cycle's applications (committee), filtered and sorted, and
/// the count of all that pass the filter.
pub async fn list(
    db: &impl store::Conn,
    local: Option<&LocalReads>,
    actor: &Actor,
    cycle_id: Uuid,
    filter: &ApplicationFilter,
    (sort, order): Sort,
    page: PageRequest,
) -> ServiceResult<(Vec<ApplicationView>, u64)> {
    rules::may_review(actor)?;
    if filter.is_role_and_status_only() && SQL_SORT_FIELDS.contains(&sort) {
        // The database filters, sorts and pages, and reads the page's
        // authors with it. The same order as below: ties by id in the
        // direction.
        let (apps, total) = rows::page_for_cycle(
            db,
            local,
            cycle_id,
            filter.role,
            filter.status,
            (sort, order),
            page,
        )
        .await?;
        if total == 0 {
            // Nothing listed: a 404 if there is no such cycle either.
            cycles::get_any(db, cycle_id).await?;
        }
        let items = apps
            .into_iter()
            .map(|row| view_authored(row, actor))
            .collect();
        return Ok((items, total));
    }
    // Filters on the form, and sorts on text compared as Rust lowercases
    // it, run here over the whole cycle.
    let cycle = cycles::get_any(db, cycle_id).await?;
    let apps = rows::for_cycle(db, cycle.id).await?;
    let names = members_by_id(db, apps.iter().map(|a| a.member_id)).await?;
    let mut apps: Vec<(Application, &Member)> = apps
        .into_iter()
        .filter_map(|a| names.get(&a.member_id).map(|m| (a, m)))
        .filter(|(a, m)| filter.matches(&rows::form_of(a), a.status, &m.full_name, &m.email))
        .collect();
    apps.sort_by(|x, y| {
        // Ties are broken by id inside the direction, so `-field` is the
        // exact reverse of `field`.
        let ord = compare(sort, x, y).then(x.0.id.cmp(&y.0.id));
        if order == SortOrder::Desc {
            ord.reverse()
        } else {
            ord
        }
    });
    let total = apps.len() as u64;
    let items = apps
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|(a, m)| view(a, m, actor))
        .collect();
    Ok((items, total))
}

/// Counts for the committee dashboard.
#[derive(Clone, Debug)]
pub struct Summary {
    pub cycle_id: Uuid,
    pub total: u64,
    /// Per role, per status, zeros included.
    pub by_role: BTreeMap<String, BTreeMap<String, u64>>,
    /// Mentee places offered by accepted and matched mentors.
    pub accepted_mentor_capacity: u64,
}

/// Counts per role and status of a cycle's applications (committee).
pub async fn summary(
    db: &impl store::Conn,
    actor: &Actor,
    cycle_id: Uuid,
) -> ServiceResult<Summary> {
    rules::may_review(actor)?;
    let cycle = cycles::get_any(db, cycle_id).await?;
    let apps = rows::for_cycle(db, cycle.id).await?;
    let mut by_role: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for role in ApplicationRole::ALL {
        let counts = ApplicationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), 0))
            .collect();
        by_role.insert(role.as_str().to_owned(), counts);
    }
    let mut capacity = 0u64;
    for a in &apps {
        if let Some(n) = by_role
            .get_mut(a.role.as_str())
            .and_then(|m| m.get_mut(a.status.as_str()))
        {
            *n += 1;
        }
        if a.role == ApplicationRole::Mentor && a.status.is_matchable() {
            capacity += a.capacity.unwrap_or(1).max(0) as u64;
        }
    }
    Ok(Summary {
        cycle_id: cycle.id,
        total: apps.len() as u64,
        by_role,
        accepted_mentor_capacity: capacity,
    })
}

/// Who changed an application, when, and which fields (committee), oldest
/// first.
pub async fn audit(db: &impl store::Conn, actor: &Actor, id: Uuid) -> ServiceResult<Vec<AuditRow>> {
    rules::may_review(actor)?;
    let app = visible(db, actor, id).await?;
    Ok(rows::audit_trail(db, app.id).await?)
}
