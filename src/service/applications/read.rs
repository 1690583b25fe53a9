//! An application, the caller's own, and a prefill from the latest one.
use uuid::Uuid;

use super::{ApplicationView, member, view, view_authored};
use crate::domain::access::Actor;
use crate::domain::application::{ApplicationForm, ApplicationRole};
use crate::paging::PageRequest;
use crate::service::{ServiceError, ServiceResult};
use crate::store::local::LocalReads;
use crate::store::{self, applications as rows};

/// An application its author or the committee reads.
pub async fn get(
    db: &impl store::Conn,
    local: Option<&LocalReads>,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<ApplicationView> {
    let row = rows::find_with_author(db, local, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("application"))?;
    crate::domain::application::may_read(actor, row.application.member_id)?;
    Ok(view_authored(row, actor))
}

/// A page of the actor's own applications, newest first, and their count.
pub async fn mine(
    db: &impl store::Conn,
    actor: &Actor,
    page: PageRequest,
) -> ServiceResult<(Vec<ApplicationView>, u64)> {
    let apps = rows::for_member(db, actor.id).await?;
    let total = apps.len() as u64;
    let me = member(db, actor.id).await?;
    let items = apps
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|a| view(a, &me, actor))
        .collect();
    Ok((items, total))
}

/// The actor's latest application in `role`, as a form to start a new one
/// from; answers to the old cycle's own questions are left out.
pub async fn latest(
    db: &impl store::Conn,
    actor: &Actor,
    role: ApplicationRole,
) -> ServiceResult<ApplicationForm> {
    let app = rows::for_member(db, actor.id)
        .await?
        .into_iter()
        .find(|a| a.role == role)
        .ok_or_else(|| {
            ServiceError::NotFound(format!("you have no earlier {} application", role.as_str()))
        })?;
    Ok(rows::form_of(&app).without_answers())
}
