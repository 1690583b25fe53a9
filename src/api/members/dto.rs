//! Request and response bodies of `/members`.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::api::auth::not_blank;
use crate::api::double_option;
use crate::domain::member::{MemberChanges, MemberFilter, MembershipStatus, NewMember, Role};
use crate::service::members::{IssuedInvitation, Member};

/// A member account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0f8e5a52-77c4-4f0e-b5c1-2d9a7c3e6b10", "email": "ada@example.org", "full_name": "Ada Lovelace",
    "pronouns": "she/her", "role": "member", "wla_member_id": "WLA-1042", "membership_status": "active",
    "membership_expires_on": "2025-06-30", "has_password": true,
    "created_at": "2024-08-20T09:15:00Z", "updated_at": "2024-08-20T09:15:00Z"
}))]
pub struct MemberDto {
    pub id: Uuid,
    #[schema(example = "ada@example.org")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub full_name: String,
    #[schema(required = true, example = "she/her")]
    pub pronouns: Option<String>,
    pub role: Role,
    /// The association's own membership number; null when not given.
    #[schema(required = true, example = "WLA-1042")]
    pub wla_member_id: Option<String>,
    pub membership_status: MembershipStatus,
    /// Last day of the association membership, set by the committee; null
    /// when unknown. After it the member cannot apply, even if `active`.
    #[schema(required = true)]
    pub membership_expires_on: Option<NaiveDate>,
    /// False for members the committee created who have not accepted an invitation.
    pub has_password: bool,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Member> for MemberDto {
    fn from(m: Member) -> Self {
        Self {
            id: m.id,
            role: m.role,
            membership_status: m.membership_status,
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
    /// Text found anywhere in the email or name, case-insensitively.
    pub q: Option<String>,
    /// Only accounts with this role.
    pub role: Option<Role>,
    /// Only members with this membership status.
    pub membership_status: Option<MembershipStatus>,
}

impl From<MemberListFilter> for MemberFilter {
    fn from(f: MemberListFilter) -> Self {
        Self {
            q: f.q,
            role: f.role,
            membership_status: f.membership_status,
        }
    }
}

/// A member the committee adds, without a password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "grace@example.org", "full_name": "Grace Hopper", "membership_status": "active", "membership_expires_on": "2030-12-31"}))]
pub struct CreateMemberRequest {
    /// Stored trimmed and lower-cased; one account per email (409 when
    /// taken).
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub full_name: String,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub pronouns: Option<String>,
    /// The association's own membership number.
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub wla_member_id: Option<String>,
    /// Default `pending`.
    pub membership_status: Option<MembershipStatus>,
    /// Last day of the association membership (`YYYY-MM-DD`); after it the
    /// member cannot apply.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub membership_expires_on: Option<NaiveDate>,
    /// Admins only; default `member`.
    pub role: Option<Role>,
}

impl From<CreateMemberRequest> for NewMember {
    fn from(b: CreateMemberRequest) -> Self {
        Self {
            email: b.email,
            password_hash: None,
            full_name: b.full_name,
            pronouns: b.pronouns,
            role: b.role.unwrap_or(Role::Member),
            wla_member_id: b.wla_member_id,
            membership_status: b.membership_status.unwrap_or(MembershipStatus::Pending),
            membership_expires_on: b.membership_expires_on,
        }
    }
}

/// Changes to a member. Omitted fields stay; `null` clears optional ones.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"membership_status": "active", "membership_expires_on": "2030-12-31"}))]
pub struct UpdateMemberRequest {
    /// The member's sign-in email, stored trimmed and lower-cased; 409 when
    /// another account has it.
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub pronouns: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub wla_member_id: Option<Option<String>>,
    /// Activating it lets the member apply to an open cycle.
    pub membership_status: Option<MembershipStatus>,
    /// Last day of the association membership; after it the member cannot
    /// apply. `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub membership_expires_on: Option<Option<NaiveDate>>,
    /// Admins only, and not their own.
    pub role: Option<Role>,
}

impl From<UpdateMemberRequest> for MemberChanges {
    fn from(b: UpdateMemberRequest) -> Self {
        Self {
            email: b.email,
            full_name: b.full_name,
            pronouns: b.pronouns,
            wla_member_id: b.wla_member_id,
            membership_status: b.membership_status,
            membership_expires_on: b.membership_expires_on,
            role: b.role,
            password_hash: None,
        }
    }
}

/// A one-time invitation; send it to the member, who redeems it at
/// `POST /auth/accept-invite`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    pub member_id: Uuid,
    /// The secret to send to the member; shown once, single use.
    pub token: String,
    /// When it stops working: 14 days after it was issued.
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub expires_at: DateTime<Utc>,
}

impl From<IssuedInvitation> for Invitation {
    fn from(i: IssuedInvitation) -> Self {
        Self {
            member_id: i.member_id,
            token: i.token,
            expires_at: i.expires_at,
        }
    }
}
