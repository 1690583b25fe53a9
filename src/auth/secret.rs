//! Opaque secrets: refresh tokens, personal API tokens and invitations. The
//! caller sees the secret once; the database keeps its SHA-256.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of personal API tokens, so the extractor can tell them from JWTs
/// and secret scanners can find leaked ones.
pub const API_TOKEN_PREFIX: &str = "wla_pat_";
pub const REFRESH_TOKEN_PREFIX: &str = "wla_rt_";
pub const INVITE_TOKEN_PREFIX: &str = "wla_inv_";
pub const RESET_TOKEN_PREFIX: &str = "wla_rst_";

/// A fresh 256-bit secret with `prefix`.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret. A fast hash is right here: the secret has
/// 256 bits of entropy, so it cannot be guessed from its hash.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_unique_and_hashed_stably() {
        let a = generate(API_TOKEN_PREFIX);
        let b = generate(API_TOKEN_PREFIX);
        assert!(a.starts_with(API_TOKEN_PREFIX));
        assert_ne!(a, b);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest(&a).len(), 64);
    }
}
