//! `/members`: the committee's roster. Roles are changed by admins only.
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::auth::not_blank;
use super::pagination::{Page, PageParams, SortOrder};
use super::{created, double_option, valid};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::Json;
use crate::auth::AuthUser;
use crate::domain::member::{MembershipStatus, Role};
use crate::state::AppState;
use crate::store::members::{self, Member, MemberChanges, MemberFilter, NewMember};
use crate::store::tokens;

/// A member account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub id: Uuid,
    #[schema(example = "ada@example.org")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub full_name: String,
    #[schema(example = "she/her")]
    pub pronouns: Option<String>,
    pub role: Role,
    #[schema(example = "WLA-1042")]
    pub wla_member_id: Option<String>,
    pub membership_status: MembershipStatus,
    pub membership_expires_on: Option<NaiveDate>,
    /// False for members the committee created who have not accepted an invitation.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Member> for MemberDto {
    fn from(m: Member) -> Self {
        Self {
            id: m.id,
            role: Role::parse(&m.role).unwrap_or(Role::Member),
            membership_status: MembershipStatus::parse(&m.membership_status)
                .unwrap_or(MembershipStatus::Pending),
            has_password: m.password_hash.is_some(),
            email: m.email,
            full_name: m.full_name,
            pronouns: m.pronouns,
            wla_member_id: m.wla_member_id,
            membership_expires_on: m.membership_expires_on,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberListFilter {
    /// Matches email or name, case-insensitively.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub membership_status: Option<MembershipStatus>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"email": "grace@example.org", "full_name": "Grace Hopper", "membership_status": "active", "membership_expires_on": "2025-12-31"}))]
pub struct CreateMemberRequest {
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub pronouns: Option<String>,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub wla_member_id: Option<String>,
    /// Default `pending`.
    pub membership_status: Option<MembershipStatus>,
    pub membership_expires_on: Option<NaiveDate>,
    /// Admins only; default `member`.
    pub role: Option<Role>,
}

/// Changes to a member. Omitted fields stay; `null` clears optional ones.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"membership_status": "active", "membership_expires_on": "2025-12-31"}))]
pub struct UpdateMemberRequest {
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub pronouns: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub wla_member_id: Option<Option<String>>,
    pub membership_status: Option<MembershipStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub membership_expires_on: Option<Option<NaiveDate>>,
    /// Admins only, and not their own.
    pub role: Option<Role>,
}

/// A one-time invitation; send it to the member, who redeems it at
/// `POST /auth/accept-invite`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    pub member_id: Uuid,
    /// Shown once.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// List members (committee).
///
/// Sort by `email`, `full_name` or `created_at` (default `-created_at`).
#[utoipa::path(get, path = "/api/v1/members", tag = "members",
    params(PageParams, MemberListFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of members", body = Page<MemberDto>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging or sort", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    filter: web::Query<MemberListFilter>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let page = paging.page_request()?;
    let sort = paging.sort_by(members::SORT_FIELDS, ("created_at", SortOrder::Desc))?;
    let filter = filter.into_inner();
    let filter = MemberFilter {
        q: filter.q,
        role: filter.role,
        membership_status: filter.membership_status,
    };
    let (rows, total) = members::list(&state.db, &filter, sort, page).await?;
    Ok(Page::new(rows.into_iter().map(MemberDto::from).collect(), page, total).respond(&req))
}

/// Add a member (committee), e.g. from the association's roster.
///
/// The member has no password; invite them to set one.
#[utoipa::path(post, path = "/api/v1/members", tag = "members",
    request_body = CreateMemberRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Member created", body = MemberDto),
        (status = 403, description = "Not on the committee, or setting a role without being an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateMemberRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let body = valid(body)?;
    if body.role.is_some_and(|r| r != Role::Member) {
        user.require_admin()?;
    }
    let member = members::create(
        &state.db,
        NewMember {
            email: body.email,
            password_hash: None,
            full_name: body.full_name,
            pronouns: body.pronouns,
            role: body.role.unwrap_or(Role::Member),
            wla_member_id: body.wla_member_id,
            membership_status: body.membership_status.unwrap_or(MembershipStatus::Pending),
            membership_expires_on: body.membership_expires_on,
        },
    )
    .await?;
    Ok(created(
        format!("/api/v1/members/{}", member.id),
        MemberDto::from(member),
    ))
}

/// Read a member (committee).
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members",
    params(("id" = Uuid, Path, description = "Member id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member", body = MemberDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let member = members::get(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}

/// Edit a member (committee); `role` is for admins, never their own.
#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "members",
    params(("id" = Uuid, Path, description = "Member id")),
    request_body = UpdateMemberRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated member", body = MemberDto),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UpdateMemberRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let body = valid(body)?;
    if body.role.is_some() {
        user.require_admin()?;
        if *id == user.id {
            return Err(ApiError::Forbidden(
                "admins cannot change their own role".into(),
            ));
        }
    }
    let current = members::get(&state.db, *id).await?;
    let changes = MemberChanges {
        email: body.email,
        full_name: body.full_name,
        pronouns: body.pronouns,
        wla_member_id: body.wla_member_id,
        membership_status: body.membership_status,
        membership_expires_on: body.membership_expires_on,
        role: body.role,
        password_hash: None,
    };
    let member = members::update(&state.db, current, changes).await?;
    Ok(HttpResponse::Ok().json(MemberDto::from(member)))
}

/// Invite a member the committee created to set a password (committee).
///
/// Earlier unused invitations stop working. 409 when the member already
/// has a password. Inviting a committee or admin account is for admins:
/// whoever holds the invitation gets the account.
#[utoipa::path(post, path = "/api/v1/members/{id}/invite", tag = "members",
    params(("id" = Uuid, Path, description = "Member id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invitation issued", body = Invitation),
        (status = 403, description = "Not on the committee, or inviting a committee or admin account without being an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The member already has a password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn invite(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let member = members::get(&state.db, *id).await?;
    if Role::parse(&member.role) != Some(Role::Member) {
        user.require_admin()?;
    }
    let (token, expires_at) = tokens::invite(&state.db, &member).await?;
    Ok(HttpResponse::Created().json(Invitation {
        member_id: member.id,
        token,
        expires_at,
    }))
}
