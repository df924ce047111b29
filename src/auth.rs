//! Editor credentials: argon2id password hashes, random tokens, and the
//! sign-in throttle and the bound on password checks at once. Computation
//! and memory only; the store is `db::editors`.

pub mod checks;
pub mod throttle;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

/// Shortest password accepted for an editor account.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Hashes a password with argon2id (the crate's default algorithm and the
/// OWASP-recommended parameters it ships with) and a fresh random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Whether `password` matches a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored_hash)
        .is_ok()
}

/// Checks a new password against the rules, with a message for the person typing it.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
    }
    Ok(())
}

/// Longest username, in characters: it reads well in bylines and logs.
pub const MAX_USERNAME_CHARS: usize = 40;

/// Checks a new username: 1 to [`MAX_USERNAME_CHARS`] of `a-z 0-9 . _ -`.
pub fn check_username(username: &str) -> Result<(), String> {
    let allowed =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    if username.is_empty() || username.len() > MAX_USERNAME_CHARS || !username.chars().all(allowed)
    {
        return Err("Use 1 to 40 lowercase letters, digits, dots, dashes or underscores.".into());
    }
    Ok(())
}

/// A fresh random 256-bit token, hex-encoded (session cookies, CSRF, setup links).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    hex(&bytes)
}

/// The SHA-256 of a token, which is all the database keeps: a leaked database
/// holds no usable session or setup link.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }
}
