//! Applying, editing and withdrawing.
use std::collections::HashSet;

use chrono::Utc;
use tracing::instrument;
use uuid::Uuid;

use super::{
    ApplicationView, change_status, check_form, member, membership_of, view, view_of, visible,
};
use crate::domain::access::Actor;
use crate::domain::application::{self as rules, ApplicationChanges, AuditAction, NewApplication};
use crate::service::{ServiceError, ServiceResult, cycles, notify};
use crate::store::{self, Db, applications as rows, members};

const ALREADY_APPLIED: &str =
    "this member has already applied to this cycle (one application per cycle)";

/// Applies to a cycle: members for themselves while it is open, with an
/// active membership; the committee for a member (`member_id`) at any
/// status but archived. One application per member per cycle, whatever
/// the role; a unique index backs the rule against races.
#[instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn apply(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    new: NewApplication,
) -> ServiceResult<ApplicationView> {
    let cycle = cycles::get_visible(db, cycle_id, actor.is_committee()).await?;
    let member = match new.member_id.filter(|m| *m != actor.id) {
        Some(member_id) => {
            rules::may_apply_for(actor, member_id)?;
            rules::takes_applications(cycle.status, true).map_err(ServiceError::Conflict)?;
            members::find(db, member_id).await?.ok_or_else(|| {
                ServiceError::invalid("member_id", "not_found", "no member has this id")
            })?
        }
        None => {
            rules::takes_applications(cycle.status, false).map_err(ServiceError::Conflict)?;
            member(db, actor.id).await?
        }
    };
    rules::check_membership(
        membership_of(&member),
        member.membership_expires_on,
        Utc::now().date_naive(),
        member.id == actor.id,
    )
    .map_err(ServiceError::Forbidden)?;
    check_form(db, cycle.id, &new.form, &HashSet::new()).await?;
    let txn = store::begin_write(db).await?;
    let app = rows::insert(&txn, cycle.id, member.id, actor.id, new.form.normalized())
        .await
        .map_err(|e| ServiceError::from(e).or_conflict(ALREADY_APPLIED))?;
    rows::record(&txn, app.id, actor.id, AuditAction::Created, &[]).await?;
    notify::application_received(&txn, &member, app.id, &cycle.name, app.role).await?;
    store::commit(txn).await?;
    Ok(view(app, &member, actor))
}

/// Edits an application: the author while the cycle is open, the
/// committee at any time. The role cannot change; the merged form is
/// checked as a whole; the audit trail names the fields that changed.
#[instrument(skip_all, fields(application_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: ApplicationChanges,
) -> ServiceResult<ApplicationView> {
    let app = visible(db, actor, id).await?;
    let cycle = cycles::get_visible(db, app.cycle_id, actor.is_committee()).await?;
    rules::may_edit(actor, app.status, cycle.status).map_err(ServiceError::Conflict)?;
    let stored = rows::form_of(&app);
    if changes.changes_role(&stored) {
        return Err(ServiceError::invalid(
            "role",
            "immutable",
            "cannot change once submitted (one application per member per cycle)",
        ));
    }
    let (form, changed) = changes.apply_to(&stored);
    let kept = stored.answers.iter().map(|a| a.question_id).collect();
    check_form(db, app.cycle_id, &form, &kept).await?;
    if changed.is_empty() {
        return view_of(db, actor, app).await;
    }
    let txn = store::begin_write(db).await?;
    let updated = rows::update_form(&txn, app, form.normalized()).await?;
    rows::record(&txn, updated.id, actor.id, AuditAction::Updated, &changed).await?;
    store::commit(txn).await?;
    view_of(db, actor, updated).await
}

/// Withdraws an application (its author or the committee), any time
/// before a match is published; its unpublished matches are cancelled.
#[instrument(skip_all, fields(application_id = %id))]
pub async fn withdraw(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<ApplicationView> {
    let app = visible(db, actor, id).await?;
    let to = app.status.withdraw().map_err(ServiceError::Conflict)?;
    let updated = change_status(db, actor, &app, to, AuditAction::Withdrawn, None, None).await?;
    view_of(db, actor, updated).await
}
