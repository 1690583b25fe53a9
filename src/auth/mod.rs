//! Passwords, access JWTs and opaque secrets (refresh, API and invite
//! tokens): the crypto, with no HTTP and no database.
pub mod jwt;
pub mod password;
pub mod secret;

pub use jwt::JwtKeys;
