//! Sign-in sessions: an access JWT plus a rotating refresh token. Each
//! sign-in starts a chain (`family_id`); refreshing spends the presented
//! token and issues the next. Presenting a spent token means it leaked, so
//! the whole chain is revoked. Access JWTs carry the member's session
//! epoch; ending sessions bumps it, so access tokens stop working at once
//! rather than when they expire. Also: who a bearer token belongs to.
use chrono::{Duration, Utc};
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::auth::jwt::JwtKeys;
use crate::auth::secret::{self, API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX};
use crate::domain::access::Actor;
use crate::domain::member::token_allows;
use crate::store::local::LocalReads;
use crate::store::{self, Db, members, sessions as rows, tokens};

pub use members::Member;

/// What a successful sign-in or refresh hands back.
pub struct Session {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
}

fn refused() -> ServiceError {
    ServiceError::Unauthorized(
        "the refresh token is invalid, expired or already used; sign in again".into(),
    )
}

fn invalid_token() -> ServiceError {
    ServiceError::Unauthorized("the token is invalid or has expired".into())
}

/// Starts a new chain for `member`.
#[tracing::instrument(skip_all, fields(member_id = %member.id))]
pub async fn start(
    db: &impl store::Conn,
    keys: &JwtKeys,
    member: &Member,
) -> ServiceResult<Session> {
    issue(db, keys, member, Uuid::new_v4()).await
}

async fn issue(
    db: &impl store::Conn,
    keys: &JwtKeys,
    member: &Member,
    family_id: Uuid,
) -> ServiceResult<Session> {
    let access_token = keys.issue(member.id, member.role, member.session_epoch)?;
    let refresh = secret::generate(REFRESH_TOKEN_PREFIX);
    let expires_at = Utc::now() + Duration::seconds(keys.refresh_ttl_secs);
    rows::insert(
        db,
        member.id,
        family_id,
        secret::digest(&refresh),
        expires_at,
    )
    .await?;
    Ok(Session {
        access_token,
        expires_in: keys.access_ttl_secs,
        refresh_token: refresh,
    })
}

/// Spends `presented` and issues the next pair of its chain. The spend is a
/// conditional update, so two concurrent refreshes with one token cannot
/// both succeed: the loser is refused. It is the first statement of the
/// write transaction, so on SQLite a concurrent refresh waits for the lock.
#[tracing::instrument(skip_all)]
pub async fn rotate(db: &Db, keys: &JwtKeys, presented: &str) -> ServiceResult<Session> {
    let row = rows::find_by_hash(db, &secret::digest(presented))
        .await?
        .ok_or_else(refused)?;
    let now = Utc::now();
    if row.used_at.is_some() || row.revoked_at.is_some() {
        rows::revoke_family(db, row.family_id).await?;
        tracing::warn!(family_id = %row.family_id, "refresh token reuse: chain revoked");
        return Err(refused());
    }
    if row.expires_at <= now {
        return Err(refused());
    }
    let txn = store::begin_write(db).await?;
    if !rows::spend(&txn, row.id, now).await? {
        return Err(refused());
    }
    let member = members::find(&txn, row.member_id)
        .await?
        .ok_or_else(refused)?;
    let session = issue(&txn, keys, &member, row.family_id).await?;
    store::commit(txn).await?;
    Ok(session)
}

/// Signs out: revokes the chain `presented` belongs to and bumps the
/// member's session epoch, which ends every access token of the member
/// (other sessions get a new one with their refresh token). Unknown tokens
/// are ignored, so signing out twice is harmless.
#[tracing::instrument(skip_all)]
pub async fn end(db: &Db, presented: &str) -> ServiceResult<()> {
    if let Some(row) = rows::find_by_hash(db, &secret::digest(presented)).await? {
        let txn = store::begin_write(db).await?;
        rows::revoke_family(&txn, row.family_id).await?;
        members::bump_session_epoch(&txn, row.member_id).await?;
        store::commit(txn).await?;
    }
    Ok(())
}

/// Ends every session of a member (after a password change): revokes every
/// chain and bumps the session epoch, so their access tokens stop too.
pub async fn end_all(db: &impl store::Conn, member_id: Uuid) -> ServiceResult<()> {
    rows::revoke_all(db, member_id).await?;
    Ok(members::bump_session_epoch(db, member_id).await?)
}

/// The member behind a bearer token: an access JWT or a personal API
/// token. The role is read from the database on every request, so a
/// demotion takes effect at once. An access JWT from an earlier session
/// epoch (signed out, password or role changed since) is refused. A
/// read-only API token is refused for anything but reads
/// (`method_is_read`). Also hands back the member's row as read, so a
/// request about the caller's own account needs no second read.
pub async fn authenticate(
    db: &Db,
    local: Option<&LocalReads>,
    keys: &JwtKeys,
    token: &str,
    method_is_read: bool,
) -> ServiceResult<(Actor, Member)> {
    let api_token = token.starts_with(API_TOKEN_PREFIX);
    let (member_id, read_only, epoch) = if api_token {
        let row = live_api_token(db, token).await?;
        (row.member_id, row.read_only, None)
    } else {
        let claims = keys.verify(token).ok_or_else(invalid_token)?;
        (claims.sub, false, Some(claims.epoch))
    };
    let member = members::find_caller(db, local, member_id)
        .await?
        .ok_or_else(invalid_token)?;
    if epoch.is_some_and(|e| e != member.session_epoch) {
        return Err(invalid_token());
    }
    token_allows(read_only, method_is_read)?;
    let actor = Actor {
        id: member.id,
        role: member.role,
        read_only,
        api_token,
    };
    Ok((actor, member))
}

/// A live (unrevoked, unexpired) API token; notes its use at most once a
/// minute so reads do not turn into a write each.
async fn live_api_token(db: &Db, token: &str) -> ServiceResult<tokens::ApiToken> {
    let row = tokens::find_api_token_by_hash(db, &secret::digest(token))
        .await?
        .ok_or_else(invalid_token)?;
    let now = Utc::now();
    if row.revoked_at.is_some() || row.expires_at.is_some_and(|e| e <= now) {
        return Err(invalid_token());
    }
    if row
        .last_used_at
        .is_none_or(|t| (now - t).num_seconds() >= 60)
    {
        tokens::touch_api_token(db, row.clone(), now).await?;
    }
    Ok(row)
}
