//! The committee's roster: listing, reading, adding and editing members,
//! and inviting those without a password to set one.
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::auth::secret::{self, INVITE_TOKEN_PREFIX};
use crate::domain::access::Actor;
use crate::domain::member::{
    MemberChanges, MemberFilter, NewMember, may_create_member, may_edit_member, may_invite,
    may_use_roster,
};
use crate::paging::{PageRequest, Sort};
use crate::store::local::LocalReads;
use crate::store::{self, Db, StoreError, members as rows, tokens};

pub use rows::{Member, SORT_FIELDS};

pub(super) const EMAIL_TAKEN: &str = "that email address is already registered";

/// How long an invitation stays redeemable.
pub const INVITE_TTL_DAYS: i64 = 14;

/// A unique-rule conflict on a member is the email address.
pub(super) fn email_taken(err: StoreError) -> ServiceError {
    ServiceError::from(err).or_conflict(EMAIL_TAKEN)
}

/// A member that must exist (404 otherwise).
pub(super) async fn get_any(db: &impl store::Conn, id: Uuid) -> ServiceResult<Member> {
    rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))
}

/// A page of members (committee).
pub async fn list(
    db: &Db,
    local: Option<&LocalReads>,
    actor: &Actor,
    filter: MemberFilter,
    sort: Sort,
    page: PageRequest,
) -> ServiceResult<(Vec<Member>, u64)> {
    may_use_roster(actor)?;
    Ok(rows::list(db, local, &filter, sort, page).await?)
}

/// One member (committee).
pub async fn get(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Member> {
    may_use_roster(actor)?;
    get_any(db, id).await
}

/// Adds a member without a password (committee; a role other than
/// `member` is for admins).
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, actor: &Actor, new: NewMember) -> ServiceResult<Member> {
    may_create_member(actor, new.role)?;
    let new = NewMember {
        password_hash: None,
        ..new
    };
    rows::create(db, new).await.map_err(email_taken)
}

/// Edits a member (committee); an administrator's account and any role
/// are for admins, and an admin never changes their own role. The member
/// is read and checked in the write transaction (locked on PostgreSQL), so
/// a concurrent promotion cannot slip past the check. A role change ends
/// the member's access tokens (their session epoch moves on).
#[tracing::instrument(skip_all, fields(member_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: MemberChanges,
) -> ServiceResult<Member> {
    may_use_roster(actor)?;
    let txn = store::begin_write(db).await?;
    let current = rows::find_for_update(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))?;
    may_edit_member(actor, id, current.role, changes.role.is_some())?;
    if changes.role.is_some_and(|role| role != current.role) {
        rows::bump_session_epoch(&txn, id).await?;
    }
    let changes = MemberChanges {
        password_hash: None,
        ..changes
    };
    let member = rows::update(&txn, current, changes)
        .await
        .map_err(email_taken)?;
    store::commit(txn).await?;
    Ok(member)
}

/// A one-time invitation, its secret shown once.
pub struct IssuedInvitation {
    pub member_id: Uuid,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Invites a member who has no password yet (committee; committee and
/// admin accounts are for admins). Earlier unused invitations stop working.
/// The invitation holds only while the member keeps the role it was issued
/// for.
#[tracing::instrument(skip_all, fields(member_id = %id))]
pub async fn invite(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<IssuedInvitation> {
    may_use_roster(actor)?;
    let member = get_any(db, id).await?;
    may_invite(actor, member.role)?;
    if member.password_hash.is_some() {
        return Err(ServiceError::Conflict(
            "this member has already set a password".into(),
        ));
    }
    let token = secret::generate(INVITE_TOKEN_PREFIX);
    let now = Utc::now();
    let expires_at = now + Duration::days(INVITE_TTL_DAYS);
    let txn = store::begin_write(db).await?;
    tokens::retire_invitations(&txn, member.id, now).await?;
    let digest = secret::digest(&token);
    let invitation =
        tokens::insert_invitation(&txn, member.id, member.role, digest, expires_at, now).await?;
    super::notify::invitation(&txn, &member, invitation, &token, expires_at).await?;
    store::commit(txn).await?;
    Ok(IssuedInvitation {
        member_id: member.id,
        token,
        expires_at,
    })
}
