//! Registration, sign-in, refresh, sign-out and redeeming invitations.
//! Passwords are hashed and checked on the blocking pool.
use chrono::{Duration, Utc};

use super::members::{EMAIL_TAKEN, email_taken};
use super::sessions::{self, Session};
use super::{ServiceError, ServiceResult};
use crate::auth::jwt::JwtKeys;
use crate::auth::password;
use crate::auth::secret::{self, RESET_TOKEN_PREFIX};
use crate::domain::member::{
    MemberChanges, MembershipStatus, NewMember, Registration, Role, invitation_holds,
};
use crate::store::{self, Db, members, notifications, tokens};

pub use members::Member;

/// Creates a pending member with a password.
#[tracing::instrument(skip_all)]
pub async fn register(db: &Db, reg: Registration) -> ServiceResult<Member> {
    if members::find_by_email(db, &reg.email).await?.is_some() {
        return Err(ServiceError::Conflict(EMAIL_TAKEN.into()));
    }
    let hash = password::hash(reg.password).await?;
    let new = NewMember {
        email: reg.email,
        password_hash: Some(hash),
        full_name: reg.full_name,
        pronouns: reg.pronouns,
        role: Role::Member,
        wla_member_id: reg.wla_member_id,
        membership_status: MembershipStatus::Pending,
        membership_expires_on: None,
    };
    members::create(db, new).await.map_err(email_taken)
}

/// Signs in. An unknown email and a wrong password get the same answer,
/// after the same work.
#[tracing::instrument(skip_all)]
pub async fn login(
    db: &Db,
    keys: &JwtKeys,
    email: &str,
    given_password: String,
) -> ServiceResult<Session> {
    let member = members::find_by_email(db, email).await?;
    let stored = member.as_ref().and_then(|m| m.password_hash.clone());
    let ok = password::verify(given_password, stored).await?;
    let member = match member {
        Some(m) if ok => m,
        _ => return Err(ServiceError::Unauthorized("wrong email or password".into())),
    };
    sessions::start(db, keys, &member).await
}

/// Exchanges a refresh token for a new pair.
pub async fn refresh(db: &Db, keys: &JwtKeys, presented: &str) -> ServiceResult<Session> {
    sessions::rotate(db, keys, presented).await
}

/// Signs out: revokes the refresh token's chain and ends every access
/// token of the member (their session epoch moves on).
pub async fn logout(db: &Db, presented: &str) -> ServiceResult<()> {
    sessions::end(db, presented).await
}

/// Redeems an invitation: sets the member's password once and signs them
/// in. The spend is the first statement of the write transaction and is
/// conditional, so an invitation cannot be redeemed twice, even
/// concurrently. An invitation issued for another role than the member's
/// current one (promoted or demoted since) is refused like a dead one, and
/// stays spent.
#[tracing::instrument(skip_all)]
pub async fn accept_invite(
    db: &Db,
    keys: &JwtKeys,
    token: &str,
    new_password: String,
) -> ServiceResult<Session> {
    let refused =
        || ServiceError::Unauthorized("the invitation is invalid, expired or already used".into());
    let hash = password::hash(new_password).await?;
    let txn = store::begin_write(db).await?;
    let invitation = tokens::spend_invitation(&txn, &secret::digest(token), Utc::now())
        .await?
        .ok_or_else(refused)?;
    let member = members::find(&txn, invitation.member_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))?;
    if !invitation_holds(invitation.role, member.role) {
        store::commit(txn).await?;
        tracing::warn!(member_id = %member.id, "invitation issued for another role: refused");
        return Err(refused());
    }
    let changes = MemberChanges {
        password_hash: Some(hash),
        ..Default::default()
    };
    let member = members::update(&txn, member, changes).await?;
    store::commit(txn).await?;
    sessions::start(db, keys, &member).await
}

/// How long a password reset link works.
pub const RESET_TTL_MINUTES: i64 = 60;
/// Reset links a member can be sent per hour, whoever asks.
const RESETS_PER_HOUR: u64 = 3;

/// Sends a password reset link to the member with this email, if there is
/// one, at most three an hour. Answers the same whether or not the email is
/// known, so it reveals nothing.
#[tracing::instrument(skip_all)]
pub async fn forgot_password(db: &Db, email: &str) -> ServiceResult<()> {
    let Some(member) = members::find_by_email(db, email).await? else {
        return Ok(());
    };
    let now = Utc::now();
    let txn = store::begin_write(db).await?;
    let recent =
        notifications::recent_password_resets(&txn, member.id, now - Duration::hours(1)).await?;
    if recent >= RESETS_PER_HOUR {
        tracing::warn!(member_id = %member.id, "password reset requested too often: not sent");
        return Ok(());
    }
    let token = secret::generate(RESET_TOKEN_PREFIX);
    let expires_at = now + Duration::minutes(RESET_TTL_MINUTES);
    let reset = notifications::insert_password_reset(
        &txn,
        member.id,
        secret::digest(&token),
        expires_at,
        now,
    )
    .await?;
    super::notify::password_reset(&txn, &member, reset, &token, RESET_TTL_MINUTES).await?;
    store::commit(txn).await?;
    Ok(())
}

/// Sets a new password with a reset link's token: once, before it expires.
/// Every session of the member ends (refresh tokens revoked, access tokens
/// refused), and their other reset links stop working.
#[tracing::instrument(skip_all)]
pub async fn reset_password(db: &Db, token: &str, new_password: String) -> ServiceResult<()> {
    let hash = password::hash(new_password).await?;
    let now = Utc::now();
    let txn = store::begin_write(db).await?;
    let reset = notifications::spend_password_reset(&txn, &secret::digest(token), now)
        .await?
        .ok_or_else(|| {
            ServiceError::Unauthorized("the reset link is invalid, expired or already used".into())
        })?;
    let member = members::find(&txn, reset.member_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))?;
    notifications::retire_password_resets(&txn, member.id, now).await?;
    let changes = MemberChanges {
        password_hash: Some(hash),
        ..Default::default()
    };
    let member = members::update(&txn, member, changes).await?;
    sessions::end_all(&txn, member.id).await?;
    store::commit(txn).await?;
    Ok(())
}
