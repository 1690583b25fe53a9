//! Sign-in sessions: an access JWT plus a rotating refresh token. Each login
//! starts a chain (`family_id`); refreshing spends the presented token and
//! issues the next. Presenting a spent token means it leaked, so the whole
//! chain is revoked.
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use super::entities::refresh_token;
use super::members::{self, Member};
use crate::api::error::{ApiError, ApiResult};
use crate::auth::jwt::JwtKeys;
use crate::auth::secret::{self, REFRESH_TOKEN_PREFIX};
use crate::domain::member::Role;

/// What a successful sign-in or refresh hands back.
pub struct Session {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
}

fn refused() -> ApiError {
    ApiError::Unauthorized(
        "the refresh token is invalid, expired or already used; sign in again".into(),
    )
}

/// Starts a new chain for `member`.
#[tracing::instrument(skip_all, fields(member_id = %member.id))]
pub async fn start(
    db: &impl ConnectionTrait,
    keys: &JwtKeys,
    member: &Member,
) -> ApiResult<Session> {
    issue(db, keys, member, Uuid::new_v4()).await
}

async fn issue(
    db: &impl ConnectionTrait,
    keys: &JwtKeys,
    member: &Member,
    family_id: Uuid,
) -> ApiResult<Session> {
    let role = Role::parse(&member.role).unwrap_or(Role::Member);
    let access_token = keys.issue(member.id, role)?;
    let refresh = secret::generate(REFRESH_TOKEN_PREFIX);
    let now = Utc::now();
    refresh_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        member_id: Set(member.id),
        family_id: Set(family_id),
        token_hash: Set(secret::digest(&refresh)),
        expires_at: Set(now + Duration::seconds(keys.refresh_ttl_secs)),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
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
/// transaction, so on SQLite a concurrent refresh waits for the lock
/// instead of failing on a stale read snapshot.
#[tracing::instrument(skip_all)]
pub async fn rotate(
    db: &sea_orm::DatabaseConnection,
    keys: &JwtKeys,
    presented: &str,
) -> ApiResult<Session> {
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    let now = Utc::now();
    if row.used_at.is_some() || row.revoked_at.is_some() {
        revoke_family(db, row.family_id).await?;
        tracing::warn!(family_id = %row.family_id, "refresh token reuse: chain revoked");
        return Err(refused());
    }
    if row.expires_at <= now {
        return Err(refused());
    }
    let txn = db.begin().await?;
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(refused());
    }
    let member = members::find(&txn, row.member_id)
        .await?
        .ok_or_else(refused)?;
    let session = issue(&txn, keys, &member, row.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// Signs out: revokes the chain `presented` belongs to. Unknown tokens are
/// ignored, so logging out twice is harmless.
#[tracing::instrument(skip_all)]
pub async fn end(db: &impl ConnectionTrait, presented: &str) -> ApiResult<()> {
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(db)
        .await?;
    if let Some(row) = row {
        revoke_family(db, row.family_id).await?;
    }
    Ok(())
}

async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> ApiResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every chain of a member (password change).
pub async fn revoke_all(db: &impl ConnectionTrait, member_id: Uuid) -> ApiResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::MemberId.eq(member_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
