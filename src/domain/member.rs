//! Member roles and membership status, the account inputs, and who may
//! manage accounts.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{Access, Actor, Denied};

/// What an account may do. `committee` runs the program; `admin` also
/// manages accounts and roles.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Role {
    Member,
    Committee,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Self::Member, Self::Committee, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Committee => "committee",
            Self::Admin => "admin",
        }
    }

    /// Committee rights: running cycles, reviewing, matching.
    pub fn is_committee(self) -> bool {
        matches!(self, Self::Committee | Self::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }
}

/// Standing of the member's association membership, set by the committee:
/// `pending` until confirmed, `active`, or `lapsed`. Only `active` members
/// (not past `membership_expires_on`) may apply to a cycle.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum MembershipStatus {
    Pending,
    Active,
    Lapsed,
}

impl MembershipStatus {
    pub const ALL: [MembershipStatus; 3] = [Self::Pending, Self::Active, Self::Lapsed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Lapsed => "lapsed",
        }
    }
}

/// A normalised email address: trimmed and lower-cased, so lookups and the
/// unique rule ignore case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Passwords: at least 10 characters, at most 256 (argon2 cost is bounded).
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        Err("must be at least 10 characters")
    } else if n > 256 {
        Err("must be at most 256 characters")
    } else {
        Ok(())
    }
}

/// A member to create. `password_hash` is `None` for members the committee
/// adds; they set one through an invitation.
pub struct NewMember {
    pub email: String,
    pub password_hash: Option<String>,
    pub full_name: String,
    pub pronouns: Option<String>,
    pub role: Role,
    pub wla_member_id: Option<String>,
    pub membership_status: MembershipStatus,
    pub membership_expires_on: Option<NaiveDate>,
}

/// Changes to a member; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Default)]
pub struct MemberChanges {
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub full_name: Option<String>,
    pub pronouns: Option<Option<String>>,
    pub role: Option<Role>,
    pub wla_member_id: Option<Option<String>>,
    pub membership_status: Option<MembershipStatus>,
    pub membership_expires_on: Option<Option<NaiveDate>>,
}

/// Filters of the committee's member list.
#[derive(Debug, Default)]
pub struct MemberFilter {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub membership_status: Option<MembershipStatus>,
}

/// A self-registration: becomes a pending member with this password.
pub struct Registration {
    pub email: String,
    pub password: String,
    pub full_name: String,
    pub pronouns: Option<String>,
    pub wla_member_id: Option<String>,
}

/// Changes a member asks for on their own account. `role` and
/// `membership_status` are carried only to be refused.
#[derive(Default)]
pub struct OwnChanges {
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub pronouns: Option<Option<String>>,
    pub wla_member_id: Option<Option<String>>,
    /// A new password; needs `current_password`.
    pub password: Option<String>,
    pub current_password: Option<String>,
    pub role: Option<Role>,
    pub membership_status: Option<MembershipStatus>,
}

/// A personal API token a member asks for.
pub struct NewToken {
    pub name: String,
    pub read_only: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

const COMMITTEE_ONLY: &str = "this action is for the committee";
const ADMIN_ONLY: &str = "this action is for administrators";
const ADMIN_ACCOUNT: &str = "only an administrator may change an administrator's account";
const INVITE_ROLE: &str = "only an administrator may invite a committee or administrator account";
const OWN_ROLE_BY_ADMIN: &str = "admins cannot change their own role";
const SIGN_IN_BY_SESSION: &str =
    "changing the email or password needs a session from signing in, not a personal API token";
const OWN_ROLE: &str = "you cannot change your own role";
const OWN_MEMBERSHIP: &str = "membership status is set by the committee";
const READ_ONLY_TOKEN: &str = "this API token is read-only";

/// The roster (listing, reading, editing and inviting members) is the
/// committee's.
pub fn may_use_roster(actor: &Actor) -> Access {
    if actor.is_committee() {
        Ok(())
    } else {
        Err(Denied::Forbidden(COMMITTEE_ONLY))
    }
}

/// The committee may create members; only an admin may give a new member
/// a role other than `member`.
pub fn may_create_member(actor: &Actor, role: Role) -> Access {
    may_use_roster(actor)?;
    if role != Role::Member && !actor.is_admin() {
        return Err(Denied::Forbidden(ADMIN_ONLY));
    }
    Ok(())
}

/// The committee edits members. An administrator's account (any field:
/// its email signs them in) and any role are for admins, and an admin
/// never changes their own role. `role` is the member's current role.
pub fn may_edit_member(actor: &Actor, id: Uuid, role: Role, changes_role: bool) -> Access {
    may_use_roster(actor)?;
    if role.is_admin() && !actor.is_admin() {
        return Err(Denied::Forbidden(ADMIN_ACCOUNT));
    }
    if changes_role {
        if !actor.is_admin() {
            return Err(Denied::Forbidden(ADMIN_ONLY));
        }
        if id == actor.id {
            return Err(Denied::Forbidden(OWN_ROLE_BY_ADMIN));
        }
    }
    Ok(())
}

/// Whoever holds an invitation gets the account, so inviting a committee
/// or admin account is for admins.
pub fn may_invite(actor: &Actor, role: Role) -> Access {
    may_use_roster(actor)?;
    if role != Role::Member && !actor.is_admin() {
        return Err(Denied::Forbidden(INVITE_ROLE));
    }
    Ok(())
}

/// An invitation issued for `issued_for` (`None`: before invitations
/// carried a role) holds only while the member's role is still that one:
/// one issued to a plain member must not sign in a committee account.
pub fn invitation_holds(issued_for: Option<Role>, role: Role) -> bool {
    issued_for == Some(role)
}

/// The committee reads any member; anyone else reads only themself
/// (`/me`). A member asking for another is told it does not exist.
pub fn may_read_member(actor: &Actor, id: Uuid) -> Access {
    if id == actor.id || actor.is_committee() {
        Ok(())
    } else {
        Err(Denied::Hidden("member"))
    }
}

/// On their own account (`/me`) a member never sets their role or their
/// membership status.
pub fn may_edit_own(role: Option<Role>, membership: Option<MembershipStatus>) -> Access {
    if role.is_some() {
        return Err(Denied::Forbidden(OWN_ROLE));
    }
    if membership.is_some() {
        return Err(Denied::Forbidden(OWN_MEMBERSHIP));
    }
    Ok(())
}

/// Changing what signs a member in (email, password) needs a session: a
/// personal API token, which scripts hold and which lives long, may not.
pub fn may_change_sign_in(actor: &Actor) -> Access {
    if actor.api_token {
        Err(Denied::Forbidden(SIGN_IN_BY_SESSION))
    } else {
        Ok(())
    }
}

/// A read-only API token may only read (GET, HEAD, OPTIONS).
pub fn token_allows(read_only: bool, method_is_read: bool) -> Access {
    if read_only && !method_is_read {
        Err(Denied::Forbidden(READ_ONLY_TOKEN))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
