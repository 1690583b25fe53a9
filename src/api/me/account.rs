//! Your own account.
use actix_web::{HttpResponse, get, patch, web};

use super::dto::UpdateMeRequest;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::members::MemberDto;
use crate::api::responses::{Conflict, Forbidden, Unauthorized, Unprocessable};
use crate::api::valid;
use crate::service::me;
use crate::state::AppState;

/// Your account.
///
/// Any signed-in member, with an access token or a personal API token: the
/// account the token belongs to, with its role and membership status.
#[utoipa::path(tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your account", body = MemberDto),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me")]
pub async fn get(user: AuthUser) -> ApiResult<HttpResponse> {
    let member = me::get(&user.actor(), user.account.member())?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}

/// Edit your account.
///
/// Changing `email` or `password` needs `current_password` (422 when it is
/// missing, 401 when it is wrong) and a session from signing in: with a
/// personal API token it is a 403. A new password signs out every session
/// and ends every access token, this request's included; personal API
/// tokens keep working. Setting `role` or `membership_status` is a 403; an
/// email another account uses is a 409.
#[utoipa::path(tag = "me",
    request_body = UpdateMeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your updated account", body = MemberDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/me")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let changes = valid(body)?.into();
    let member = me::update(&state.db, &user.actor(), changes).await?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}
