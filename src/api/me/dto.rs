//! Request and response bodies of `/me`.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::api::auth::{not_blank, password_rule};
use crate::api::double_option;
use crate::domain::member::{MembershipStatus, NewToken, OwnChanges, Role};
use crate::service::tokens::ApiToken;

/// Changes to your own account. `email` and `password` need
/// `current_password` and a session (not a personal API token). `role` and
/// `membership_status` are listed only to be refused: the committee sets
/// them.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"full_name": "Ada King", "pronouns": "she/her"}))]
pub struct UpdateMeRequest {
    /// A new sign-in email; needs `current_password` and a session (403
    /// with a personal API token). The current email is no change.
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    /// Stored trimmed; must not be blank.
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub full_name: Option<String>,
    /// Free text, e.g. `she/her`; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub pronouns: Option<Option<String>>,
    /// The association's own membership number; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 50))]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub wla_member_id: Option<Option<String>>,
    /// A new password; needs `current_password` and a session (403 with a
    /// personal API token), 10 to 256 characters. Signs out every session
    /// and ends every access token; personal API tokens keep working.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: Option<String>,
    /// Your current password: required to change `email` or `password`
    /// (422 when missing, 401 when wrong); ignored otherwise.
    #[schema(format = "password")]
    pub current_password: Option<String>,
    /// Refused (403): roles are set by an admin.
    pub role: Option<Role>,
    /// Refused (403): membership is confirmed by the committee.
    pub membership_status: Option<MembershipStatus>,
}

impl From<UpdateMeRequest> for OwnChanges {
    fn from(b: UpdateMeRequest) -> Self {
        Self {
            email: b.email,
            full_name: b.full_name,
            pronouns: b.pronouns,
            wla_member_id: b.wla_member_id,
            password: b.password,
            current_password: b.current_password,
            role: b.role,
            membership_status: b.membership_status,
        }
    }
}

/// A new personal API token.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "roster import script", "read_only": true, "expires_at": "2030-12-31T00:00:00Z"}))]
pub struct CreateTokenRequest {
    /// A label to tell your tokens apart, e.g. the script that uses it.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// When the token stops working (RFC 3339); must be in the future
    /// (422). Omitted or null: it never expires.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub expires_at: Option<DateTime<Utc>>,
    /// A read-only token may only read (GET); anything else is a 403.
    /// Default false.
    #[serde(default)]
    pub read_only: bool,
}

impl From<CreateTokenRequest> for NewToken {
    fn from(b: CreateTokenRequest) -> Self {
        Self {
            name: b.name,
            read_only: b.read_only,
            expires_at: b.expires_at,
        }
    }
}

/// A personal API token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    #[schema(example = "wla_pat_Xy3k")]
    pub prefix: String,
    /// Whether the token may only read (GET).
    pub read_only: bool,
    /// When it stops working; null: never. An expired token is still listed.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (noted at most once a minute); null if never
    /// used.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
}

impl From<ApiToken> for ApiTokenDto {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            read_only: t.read_only,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            created_at: t.created_at,
        }
    }
}

/// A new token with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiToken {
    #[serde(flatten)]
    pub token: ApiTokenDto,
    /// Use as `Authorization: Bearer <secret>`. It cannot be shown again.
    pub secret: String,
}
