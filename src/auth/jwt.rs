//! Short-lived HS256 access tokens with the algorithm pinned. Each carries
//! the member's session epoch (`epoch`): a token whose epoch is no longer
//! the member's is refused, which is how signing out ends access tokens.
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::JwtSettings;
use crate::domain::member::Role;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub role: Role,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
    pub jti: Uuid,
    /// The member's session epoch when the token was issued. Required: a
    /// token without one does not verify.
    pub epoch: i32,
}

/// What an unsubscribe link carries: the member, signed for that purpose
/// only (its audience is not an access token's).
#[derive(Debug, Serialize, Deserialize)]
struct UnsubscribeClaims {
    sub: Uuid,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// How long an unsubscribe link in a reminder works.
const UNSUBSCRIBE_TTL_SECS: i64 = 365 * 24 * 3600;

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(settings: &JwtSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[&settings.audience]);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(&settings.secret),
            decoding: DecodingKey::from_secret(&settings.secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_ttl_secs: settings.access_ttl_secs,
            refresh_ttl_secs: settings.refresh_ttl_secs,
        }
    }

    /// A signed access token for `member_id` in session epoch `epoch`.
    pub fn issue(&self, member_id: Uuid, role: Role, epoch: i32) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: member_id,
            role,
            iat: now,
            exp: now + self.access_ttl_secs,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            jti: Uuid::new_v4(),
            epoch,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies signature, algorithm, expiry, issuer and audience.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }

    fn unsubscribe_audience(&self) -> String {
        format!("{}:unsubscribe", self.audience)
    }

    /// A token for the one-click unsubscribe link of `member_id`'s
    /// reminders, good for a year.
    pub fn issue_unsubscribe(&self, member_id: Uuid) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = UnsubscribeClaims {
            sub: member_id,
            iss: self.issuer.clone(),
            aud: self.unsubscribe_audience(),
            iat: now,
            exp: now + UNSUBSCRIBE_TTL_SECS,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The member an unsubscribe token names; `None` for anything else
    /// (an access token included).
    pub fn verify_unsubscribe(&self, token: &str) -> Option<Uuid> {
        let mut validation = self.validation.clone();
        validation.set_audience(&[self.unsubscribe_audience()]);
        decode::<UnsubscribeClaims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str, audience: &str) -> JwtKeys {
        JwtKeys::new(&JwtSettings {
            secret: secret.as_bytes().to_vec(),
            issuer: "wla-mentorship".into(),
            audience: audience.into(),
            access_ttl_secs: 60,
            refresh_ttl_secs: 600,
        })
    }

    #[test]
    fn an_unsubscribe_token_is_no_access_token_and_the_reverse() {
        let k = keys("a-secret-that-is-long-enough-000000", "api");
        let id = Uuid::new_v4();
        let unsubscribe = k.issue_unsubscribe(id).unwrap();
        assert_eq!(k.verify_unsubscribe(&unsubscribe), Some(id));
        assert!(k.verify(&unsubscribe).is_none());
        let access = k.issue(id, Role::Member, 0).unwrap();
        assert_eq!(k.verify_unsubscribe(&access), None);
    }

    #[test]
    fn a_fresh_token_verifies_with_its_claims() {
        let k = keys("a-secret-that-is-long-enough-000000", "api");
        let id = Uuid::new_v4();
        let claims = k.verify(&k.issue(id, Role::Committee, 7).unwrap()).unwrap();
        assert_eq!(claims.sub, id);
        assert_eq!(claims.role, Role::Committee);
        assert_eq!(claims.epoch, 7);
        assert_eq!(claims.exp - claims.iat, 60);
    }

    #[test]
    fn another_secret_or_audience_is_refused() {
        let k = keys("a-secret-that-is-long-enough-000000", "api");
        let token = k.issue(Uuid::new_v4(), Role::Member, 0).unwrap();
        assert!(
            keys("another-secret-that-is-long-enough-", "api")
                .verify(&token)
                .is_none()
        );
        assert!(
            keys("a-secret-that-is-long-enough-000000", "other")
                .verify(&token)
                .is_none()
        );
    }
}
