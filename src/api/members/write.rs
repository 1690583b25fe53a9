//! Changing the roster (committee): adding, editing and inviting members.
use actix_web::{HttpResponse, patch, post, web};
use uuid::Uuid;

use super::dto::{CreateMemberRequest, Invitation, MemberDto, UpdateMemberRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::api::{created, valid};
use crate::service::members;
use crate::state::AppState;

/// Add a member (committee), e.g. from the association's roster.
///
/// The member has no password; invite them to set one. Membership starts
/// `pending` unless given. Only an admin may create a `committee` or
/// `admin` account (403); 409 when the email is taken.
#[utoipa::path(tag = "members",
    request_body = CreateMemberRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Member created", body = MemberDto),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/members")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateMemberRequest>,
) -> ApiResult<HttpResponse> {
    let new = valid(body)?.into();
    let member = members::create(&state.db, &user.actor(), new).await?;
    Ok(created(
        format!("/api/v1/members/{}", member.id),
        MemberDto::from(member),
    ))
}

/// Edit a member (committee); `role` is for admins, never their own.
///
/// An administrator's account is changed by administrators only: any edit
/// of it by the committee is a 403, as is setting `role`. A role change
/// ends the member's access tokens (they refresh to get one with the new
/// role).
#[utoipa::path(tag = "members",
    params(("id" = Uuid, Path, description = "Member id")),
    request_body = UpdateMemberRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated member", body = MemberDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[patch("/members/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UpdateMemberRequest>,
) -> ApiResult<HttpResponse> {
    let changes = valid(body)?.into();
    let member = members::update(&state.db, &user.actor(), *id, changes).await?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}

/// Invite a member the committee created to set a password (committee).
///
/// Earlier unused invitations stop working. 409 when the member already
/// has a password. Inviting a committee or admin account is for admins
/// (403 for the committee): whoever holds the invitation gets the account.
/// The invitation holds only for the role the member has now; after a
/// role change it is refused and a new one is needed. The member is emailed
/// a link to the website's accept page; the token is also in the answer.
#[utoipa::path(tag = "members",
    params(("id" = Uuid, Path, description = "Member id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invitation issued", body = Invitation),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/members/{id}/invite")]
pub async fn invite(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let invitation = members::invite(&state.db, &user.actor(), *id).await?;
    state.outbox.wake();
    Ok(HttpResponse::Created().json(Invitation::from(invitation)))
}
