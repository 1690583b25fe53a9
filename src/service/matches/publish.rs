//! Publishing a cycle's approved matches (committee).
use chrono::Utc;
use uuid::Uuid;

use super::{Match, rows};
use crate::domain::access::Actor;
use crate::domain::application::ApplicationRole;
use crate::domain::application::AuditAction;
use crate::domain::matches::{MatchAction, MatchStatus, may_run_matching};
use crate::service::matching::matching_cycle;
use crate::service::notify::{self, PublishedSide};
use crate::service::{ServiceError, ServiceResult};
use crate::store::{self, Db, applications as apps, members};

/// Publishes every approved match of the cycle in one transaction: they
/// become active and visible to both people, and their applications
/// `matched` (each recorded once in its audit trail: a mentor matched in an
/// earlier publish is already `matched`). Returns them by id.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn publish(db: &Db, actor: &Actor, cycle_id: Uuid) -> ServiceResult<Vec<Match>> {
    may_run_matching(actor)?;
    let cycle = matching_cycle(db, cycle_id).await?;
    let txn = store::begin_write(db).await?;
    let approved = rows::in_status(&txn, cycle.id, MatchStatus::Approved).await?;
    let ids: Vec<Uuid> = approved.iter().map(|m| m.id).collect();
    let mut app_ids: Vec<Uuid> = approved
        .iter()
        .flat_map(|m| [m.mentor_application_id, m.mentee_application_id])
        .collect();
    app_ids.sort();
    app_ids.dedup();
    let newly_matched = rows::not_yet_matched(&txn, &app_ids).await?;
    let now = Utc::now();
    rows::publish(&txn, &ids, now).await?;
    rows::mark_matched(&txn, &newly_matched, now).await?;
    rows::record_each(&txn, &ids, actor.id, MatchAction::Publish).await?;
    apps::record_each(
        &txn,
        &newly_matched,
        actor.id,
        AuditAction::Matched,
        &["status"],
    )
    .await?;
    let published = rows::by_ids(&txn, &ids).await?;
    for m in &published {
        tell_both(&txn, m, &cycle.name).await?;
    }
    store::commit(txn).await?;
    Ok(published)
}

/// Queues the "your match is published" message to the mentor and the
/// mentee, each naming the other.
async fn tell_both(txn: &store::Txn, m: &Match, cycle_name: &str) -> ServiceResult<()> {
    let person = |application_id: Uuid| async move {
        let app = apps::find(txn, application_id)
            .await?
            .ok_or_else(|| ServiceError::not_found("application"))?;
        members::find(txn, app.member_id)
            .await?
            .ok_or_else(|| ServiceError::not_found("member"))
    };
    let mentor = person(m.mentor_application_id).await?;
    let mentee = person(m.mentee_application_id).await?;
    for (to, role, partner) in [
        (&mentor, ApplicationRole::Mentor, &mentee),
        (&mentee, ApplicationRole::Mentee, &mentor),
    ] {
        let side = PublishedSide {
            to,
            role,
            partner_name: &partner.full_name,
            partner_email: &partner.email,
            partner_pronouns: partner.pronouns.as_deref().unwrap_or(""),
        };
        notify::match_published(txn, m.id, cycle_name, side).await?;
    }
    Ok(())
}
