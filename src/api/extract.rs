//! The authenticated caller, as a handler argument.
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use crate::api::error::{ApiError, ApiResult};
use crate::domain::access::Actor;
use crate::domain::member::Role;
use crate::service::sessions::{self, Member};
use crate::state::AppState;

/// Who is calling: a member signed in with an access token, or a script with
/// one of the member's personal API tokens. The role is read from the
/// database on every request, so a demotion takes effect at once.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub id: Uuid,
    pub role: Role,
    /// Set for personal API tokens created read-only.
    pub read_only: bool,
    /// Set for personal API tokens (not a session's access token).
    pub api_token: bool,
    /// The caller's account as read to authenticate this request.
    pub account: Account,
}

/// The caller's own row, read once per request by the extractor (never
/// kept across requests). Its `Debug` shows the id only: the row holds the
/// password hash.
#[derive(Clone)]
pub struct Account(Arc<Member>);

impl Account {
    pub fn member(&self) -> &Member {
        &self.0
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Account").field(&self.0.id).finish()
    }
}

impl AuthUser {
    /// The caller as the program's rules see them.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
            read_only: self.read_only,
            api_token: self.api_token,
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

/// Who the token belongs to, through the one service action.
async fn authenticate(state: &AppState, token: &str, method: &Method) -> ApiResult<AuthUser> {
    let is_read = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let (actor, member) = sessions::authenticate(
        &state.db,
        state.local_reads.as_ref(),
        &state.jwt,
        token,
        is_read,
    )
    .await?;
    Ok(AuthUser {
        id: actor.id,
        role: actor.role,
        read_only: actor.read_only,
        api_token: actor.api_token,
        account: Account(Arc::new(member)),
    })
}
