//! argon2id password hashing, always on the blocking pool.
use anyhow::anyhow;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

/// Hashes `password` with argon2id (the crate's OWASP-recommended defaults).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// Checks `password` against a stored hash. With no stored hash (unknown
/// email, or an invited member who has not set one) a dummy hash is still
/// verified so both answers take the same time.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (phc, real) = match stored {
            Some(h) => (h, true),
            None => (DUMMY_HASH.to_owned(), false),
        };
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow!("stored hash is invalid: {e}"))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && real)
    })
    .await?
}

/// argon2id hash of a random string nobody knows, with default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1bKCrz8wI+Tk1vp3P2Xq0aE0k9d2yv8a7v9kWwK8nOo";
