//! Personal API tokens: a member's own, for scripts that act as them.
use chrono::Utc;
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::auth::secret::{self, API_TOKEN_PREFIX};
use crate::domain::access::Actor;
use crate::domain::member::NewToken;
use crate::store::{Db, tokens as rows};

pub use rows::ApiToken;

/// The caller's tokens that are not revoked, newest first.
pub async fn list(db: &Db, actor: &Actor) -> ServiceResult<Vec<ApiToken>> {
    Ok(rows::list_api_tokens(db, actor.id).await?)
}

/// Creates a token for the caller; returns it with its secret, which is
/// not stored and cannot be shown again.
#[tracing::instrument(skip_all, fields(member_id = %actor.id))]
pub async fn create(db: &Db, actor: &Actor, new: NewToken) -> ServiceResult<(ApiToken, String)> {
    if new.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(ServiceError::invalid(
            "expires_at",
            "future",
            "must be in the future",
        ));
    }
    let token = secret::generate(API_TOKEN_PREFIX);
    let row = rows::insert_api_token(
        db,
        rows::NewApiToken {
            member_id: actor.id,
            name: new.name.trim().to_owned(),
            prefix: token.chars().take(API_TOKEN_PREFIX.len() + 4).collect(),
            token_hash: secret::digest(&token),
            read_only: new.read_only,
            expires_at: new.expires_at,
        },
    )
    .await?;
    Ok((row, token))
}

/// Revokes one of the caller's tokens; someone else's is a 404.
#[tracing::instrument(skip_all, fields(member_id = %actor.id, token_id = %id))]
pub async fn revoke(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    if !rows::revoke_api_token(db, actor.id, id).await? {
        return Err(ServiceError::not_found("API token"));
    }
    Ok(())
}
