//! The caller's own account.
use super::members::{email_taken, get_any};
use super::sessions;
use super::{ServiceError, ServiceResult};
use crate::auth::password;
use crate::domain::access::Actor;
use crate::domain::member::{
    MemberChanges, OwnChanges, may_change_sign_in, may_edit_own, may_read_member, normalize_email,
};
use crate::store::{self, Db, members as rows};

pub use rows::Member;

/// The caller's account, from the row read to authenticate this request
/// (`own`, which must be the actor's).
pub fn get(actor: &Actor, own: &Member) -> ServiceResult<Member> {
    may_read_member(actor, own.id)?;
    if own.id != actor.id {
        return Err(ServiceError::not_found("member"));
    }
    Ok(own.clone())
}

/// Edits the caller's account. A new email or password needs a session
/// (not a personal API token, 403) and the current password (422 when
/// missing, 401 when wrong); an email equal to the current one is no
/// change. A new password signs out every session and ends every access
/// token, the caller's included.
#[tracing::instrument(skip_all, fields(member_id = %actor.id))]
pub async fn update(db: &Db, actor: &Actor, changes: OwnChanges) -> ServiceResult<Member> {
    may_edit_own(changes.role, changes.membership_status)?;
    let current = get_any(db, actor.id).await?;
    let email = changes
        .email
        .filter(|email| normalize_email(email) != current.email);
    if email.is_some() || changes.password.is_some() {
        may_change_sign_in(actor)?;
        confirm_password(changes.current_password, &current).await?;
    }
    let password_hash = match changes.password {
        None => None,
        Some(new_password) => Some(password::hash(new_password).await?),
    };
    let password_changed = password_hash.is_some();
    let row_changes = MemberChanges {
        email,
        full_name: changes.full_name,
        pronouns: changes.pronouns,
        wla_member_id: changes.wla_member_id,
        password_hash,
        ..Default::default()
    };
    let txn = store::begin_write(db).await?;
    let member = rows::update(&txn, current, row_changes)
        .await
        .map_err(email_taken)?;
    if password_changed {
        sessions::end_all(&txn, member.id).await?;
    }
    store::commit(txn).await?;
    Ok(member)
}

/// The member's current password, given to change what signs them in.
async fn confirm_password(given: Option<String>, member: &Member) -> ServiceResult<()> {
    let Some(given) = given else {
        return Err(ServiceError::invalid(
            "current_password",
            "required",
            "is required to change the email or password",
        ));
    };
    if !password::verify(given, member.password_hash.clone()).await? {
        return Err(ServiceError::Unauthorized(
            "the current password is wrong".into(),
        ));
    }
    Ok(())
}
