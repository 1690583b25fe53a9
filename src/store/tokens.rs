//! Personal API tokens and invitations: secrets shown once, stored hashed.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use super::entities::{api_token, invitation};
use super::members::{self, Member, MemberChanges};
use crate::api::error::{ApiError, ApiResult};
use crate::auth::secret::{self, API_TOKEN_PREFIX, INVITE_TOKEN_PREFIX};

pub use api_token::Model as ApiToken;

/// How long an invitation stays redeemable.
pub const INVITE_TTL_DAYS: i64 = 14;

/// Creates a token for `member_id`; returns the row and the secret.
#[tracing::instrument(skip_all, fields(member_id = %member_id))]
pub async fn create_api_token(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    name: String,
    read_only: bool,
    expires_at: Option<DateTime<Utc>>,
) -> ApiResult<(ApiToken, String)> {
    let token = secret::generate(API_TOKEN_PREFIX);
    let row = api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        member_id: Set(member_id),
        name: Set(name.trim().to_owned()),
        prefix: Set(token.chars().take(API_TOKEN_PREFIX.len() + 4).collect()),
        token_hash: Set(secret::digest(&token)),
        read_only: Set(read_only),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok((row, token))
}

/// The member's tokens that are not revoked, newest first.
pub async fn list_api_tokens(
    db: &impl ConnectionTrait,
    member_id: Uuid,
) -> ApiResult<Vec<ApiToken>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::MemberId.eq(member_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the member's own tokens; someone else's is a 404.
#[tracing::instrument(skip_all, fields(member_id = %member_id, token_id = %token_id))]
pub async fn revoke_api_token(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    token_id: Uuid,
) -> ApiResult<()> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::MemberId.eq(member_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::not_found("API token"));
    }
    Ok(())
}

/// Issues an invitation for a member who has no password yet; earlier
/// unused invitations stop working.
#[tracing::instrument(skip_all, fields(member_id = %member.id))]
pub async fn invite(
    db: &sea_orm::DatabaseConnection,
    member: &Member,
) -> ApiResult<(String, DateTime<Utc>)> {
    if member.password_hash.is_some() {
        return Err(ApiError::Conflict(
            "this member has already set a password".into(),
        ));
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    invitation::Entity::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now))
        .filter(invitation::Column::MemberId.eq(member.id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let token = secret::generate(INVITE_TOKEN_PREFIX);
    let expires_at = now + Duration::days(INVITE_TTL_DAYS);
    invitation::ActiveModel {
        id: Set(Uuid::new_v4()),
        member_id: Set(member.id),
        token_hash: Set(secret::digest(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((token, expires_at))
}

/// Redeems an invitation: sets the password once. The spend is conditional
/// so a token cannot be redeemed twice, even concurrently; it is the first
/// statement of the transaction, so on SQLite a concurrent redemption waits
/// for the lock instead of failing on a stale read snapshot.
#[tracing::instrument(skip_all)]
pub async fn accept_invite(
    db: &sea_orm::DatabaseConnection,
    token: &str,
    password_hash: String,
) -> ApiResult<Member> {
    let refused =
        || ApiError::Unauthorized("the invitation is invalid, expired or already used".into());
    let digest = secret::digest(token);
    let txn = db.begin().await?;
    let now = Utc::now();
    let spent = invitation::Entity::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now))
        .filter(invitation::Column::TokenHash.eq(digest.as_str()))
        .filter(invitation::Column::UsedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(refused());
    }
    let row = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(digest))
        .one(&txn)
        .await?
        .ok_or_else(refused)?;
    let member = members::get(&txn, row.member_id).await?;
    let changes = MemberChanges {
        password_hash: Some(password_hash),
        ..Default::default()
    };
    let member = members::update(&txn, member, changes).await?;
    txn.commit().await?;
    Ok(member)
}
