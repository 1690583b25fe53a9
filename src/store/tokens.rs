//! Personal API token and invitation rows; only secrets' digests are
//! stored. The service generates the secrets and decides what is refused.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::{api_token, invitation};
use crate::domain::member::Role;

pub use api_token::Model as ApiToken;
pub use invitation::Model as Invitation;

/// A personal API token to store.
pub struct NewApiToken {
    pub member_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub read_only: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert_api_token(
    db: &impl ConnectionTrait,
    new: NewApiToken,
) -> StoreResult<ApiToken> {
    Ok(api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        member_id: Set(new.member_id),
        name: Set(new.name),
        prefix: Set(new.prefix),
        token_hash: Set(new.token_hash),
        read_only: Set(new.read_only),
        expires_at: Set(new.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

pub async fn find_api_token_by_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> StoreResult<Option<ApiToken>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?)
}

/// Notes when a token was last used.
pub async fn touch_api_token(
    db: &impl ConnectionTrait,
    token: ApiToken,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut row = token.into_active_model();
    row.last_used_at = Set(Some(now));
    row.update(db).await?;
    Ok(())
}

/// The member's tokens that are not revoked, newest first.
pub async fn list_api_tokens(
    db: &impl ConnectionTrait,
    member_id: Uuid,
) -> StoreResult<Vec<ApiToken>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::MemberId.eq(member_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the member's own live tokens; whether there was one.
pub async fn revoke_api_token(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    token_id: Uuid,
) -> StoreResult<bool> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::MemberId.eq(member_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Marks the member's unused invitations used, so they stop working.
pub async fn retire_invitations(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now))
        .filter(invitation::Column::MemberId.eq(member_id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Stores an invitation for `member_id`, good only while their role is
/// `role`.
pub async fn insert_invitation(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    role: Role,
    token_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    invitation::ActiveModel {
        id: Set(id),
        member_id: Set(member_id),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        used_at: Set(None),
        role: Set(Some(role)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Spends the unused, unexpired invitation with this digest and returns
/// it; `None` if there is none. The spend is conditional, so a token
/// cannot be redeemed twice, even concurrently.
pub async fn spend_invitation(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Invitation>> {
    let spent = invitation::Entity::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now))
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .filter(invitation::Column::UsedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if spent.rows_affected != 1 {
        return Ok(None);
    }
    Ok(invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?)
}
