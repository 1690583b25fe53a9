//! Passwords, access JWTs, opaque secrets (refresh, API and invite tokens)
//! and the `AuthUser` extractor.
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod secret;

pub use extractor::{AuthUser, MaybeAuthUser};
pub use jwt::JwtKeys;
