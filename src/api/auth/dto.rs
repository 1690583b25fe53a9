//! Request and response bodies of `/auth`, and the password and name rules
//! the account bodies share.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::member::{Registration, check_password};
use crate::service::sessions::Session;

/// A new account, which starts as a `member` with membership `pending`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery", "full_name": "Ada Lovelace", "pronouns": "she/her", "wla_member_id": "WLA-1042"}))]
pub struct RegisterRequest {
    /// The sign-in email, stored trimmed and lower-cased; one account per
    /// email (409 when taken).
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// 10 to 256 characters.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: String,
    /// Stored trimmed; must not be blank.
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub full_name: String,
    /// Free text, e.g. `she/her`; shown to a matched partner.
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub pronouns: Option<String>,
    /// The association's own membership number, which the committee checks
    /// before it activates the membership.
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub wla_member_id: Option<String>,
}

impl From<RegisterRequest> for Registration {
    fn from(b: RegisterRequest) -> Self {
        Self {
            email: b.email,
            password: b.password,
            full_name: b.full_name,
            pronouns: b.pronouns,
            wla_member_id: b.wla_member_id,
        }
    }
}

pub fn password_rule(password: &str) -> Result<(), validator::ValidationError> {
    check_password(password).map_err(|msg| {
        let mut e = validator::ValidationError::new("length");
        e.message = Some(msg.into());
        e
    })
}

/// Names are stored trimmed, so a name of spaces would be stored empty.
pub fn not_blank(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        let mut e = validator::ValidationError::new("length");
        e.message = Some("must not be empty or blank".into());
        return Err(e);
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery"}))]
pub struct LoginRequest {
    /// Compared trimmed and case-insensitively.
    pub email: String,
    #[schema(format = "password")]
    pub password: String,
}

/// How to send the access token: always `Bearer` (RFC 6750).
#[derive(Debug, Serialize, ToSchema)]
pub enum TokenType {
    Bearer,
}

/// An access token for `Authorization: Bearer`, and the refresh token that
/// gets the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// A short-lived JWT; it stops working when it expires, or when the
    /// member signs out, changes their password or is given another role.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Single use: `POST /auth/refresh` spends it and returns a new pair.
    /// Keep it secret; reusing a spent one signs that chain out.
    pub refresh_token: String,
}

impl From<Session> for TokenPair {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            token_type: TokenType::Bearer,
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
        }
    }
}

/// A refresh token from signing in or from an earlier refresh.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteRequest {
    /// The invitation token the committee sent.
    pub token: String,
    /// The password to set, 10 to 256 characters.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: String,
}

/// Who forgot their password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org"}))]
pub struct ForgotPasswordRequest {
    /// The sign-in email. The answer is the same whether or not it is known.
    #[validate(length(max = 254))]
    #[schema(max_length = 254)]
    pub email: String,
}

/// A new password, with the token from the reset email.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// The token from the reset link (`wla_rst_…`).
    pub token: String,
    /// The new password, 10 to 256 characters.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 256, format = "password")]
    pub password: String,
}
