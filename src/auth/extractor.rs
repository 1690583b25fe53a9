//! The authenticated caller, as a handler argument.
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use super::secret::{self, API_TOKEN_PREFIX};
use crate::api::error::{ApiError, ApiResult};
use crate::domain::access::Actor;
use crate::domain::member::Role;
use crate::state::AppState;
use crate::store::entities::{api_token, member};
use crate::store::members as member_store;

/// Who is calling: a member signed in with an access token, or a script with
/// one of the member's personal API tokens. The role is read from the
/// database on every request, so a demotion takes effect at once.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub id: Uuid,
    pub role: Role,
    /// Set for personal API tokens created read-only.
    pub read_only: bool,
}

impl AuthUser {
    /// The caller as the program's rules see them.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
            read_only: self.read_only,
        }
    }

    pub fn is_committee(&self) -> bool {
        self.role.is_committee()
    }

    /// 403 unless the caller is on the committee (or an admin).
    pub fn require_committee(&self) -> ApiResult<()> {
        if self.is_committee() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this action is for the committee".into(),
            ))
        }
    }

    /// 403 unless the caller is an admin.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.role.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this action is for administrators".into(),
            ))
        }
    }
}

/// The caller if they sent credentials, `None` if they sent none. Bad
/// credentials are still a 401: a broken token never silently degrades to
/// anonymous access.
#[derive(Clone, Debug)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl MaybeAuthUser {
    pub fn actor(&self) -> Option<Actor> {
        self.0.as_ref().map(AuthUser::actor)
    }

    pub fn is_committee(&self) -> bool {
        self.0.as_ref().is_some_and(AuthUser::is_committee)
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parts = request_parts(req);
        Box::pin(async move {
            let (state, token, method) = parts?;
            let token = token.ok_or_else(|| {
                ApiError::Unauthorized("sign in: send Authorization: Bearer <token>".into())
            })?;
            authenticate(&state, &token, &method).await
        })
    }
}

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parts = request_parts(req);
        Box::pin(async move {
            let (state, token, method) = parts?;
            match token {
                None => Ok(Self(None)),
                Some(token) => Ok(Self(Some(authenticate(&state, &token, &method).await?))),
            }
        })
    }
}

type Parts = (web::Data<AppState>, Option<String>, Method);

fn request_parts(req: &HttpRequest) -> ApiResult<Parts> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    let token = match req.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => {
            let value = value
                .to_str()
                .map_err(|_| ApiError::Unauthorized("malformed Authorization header".into()))?;
            let (scheme, token) = value.split_once(' ').ok_or_else(|| {
                ApiError::Unauthorized("expected Authorization: Bearer <token>".into())
            })?;
            if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
                return Err(ApiError::Unauthorized(
                    "expected Authorization: Bearer <token>".into(),
                ));
            }
            Some(token.trim().to_owned())
        }
    };
    Ok((state, token, req.method().clone()))
}

fn invalid_token() -> ApiError {
    ApiError::Unauthorized("the token is invalid or has expired".into())
}

async fn authenticate(state: &AppState, token: &str, method: &Method) -> ApiResult<AuthUser> {
    let (member, read_only) = if token.starts_with(API_TOKEN_PREFIX) {
        let row = api_token_row(state, token).await?;
        let member = member_store::find(&state.db, row.member_id)
            .await?
            .ok_or_else(invalid_token)?;
        (member, row.read_only)
    } else {
        let claims = state.jwt.verify(token).ok_or_else(invalid_token)?;
        let member = member_store::find(&state.db, claims.sub)
            .await?
            .ok_or_else(invalid_token)?;
        (member, false)
    };
    if read_only && !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Err(ApiError::Forbidden("this API token is read-only".into()));
    }
    Ok(AuthUser {
        id: member.id,
        role: role_of(&member),
        read_only,
    })
}

/// A live (unrevoked, unexpired) API token row; notes its use at most once a
/// minute so reads do not turn into a write each.
async fn api_token_row(state: &AppState, token: &str) -> ApiResult<api_token::Model> {
    let row = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(secret::digest(token)))
        .one(&state.db)
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
        let mut active = row.clone().into_active_model();
        active.last_used_at = Set(Some(now));
        active.update(&state.db).await?;
    }
    Ok(row)
}

fn role_of(member: &member::Model) -> Role {
    Role::parse(&member.role).unwrap_or(Role::Member)
}
