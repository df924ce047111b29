//! Editor credentials: argon2id password hashes, random tokens, and the
//! sign-in throttle. Pure computation and memory; the store is `db::editors`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Checks a new username: 1 to 40 of `a-z 0-9 . _ -`, so it reads well in bylines and logs.
pub fn check_username(username: &str) -> Result<(), String> {
    let allowed =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    if username.is_empty() || username.len() > 40 || !username.chars().all(allowed) {
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

/// Failed sign-ins allowed per username and per client address within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// How long a failed sign-in counts against its username and address.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts recent failed sign-ins by key ("user:NAME", "ip:ADDR"). Kept in
/// memory: a restart forgives everyone, which is acceptable for a throttle.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// `Some(wait)` when any of `keys` has used up its failures.
    pub fn blocked_for(&self, keys: &[String]) -> Option<Duration> {
        let mut failures = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        keys.iter()
            .filter_map(|key| {
                let times = failures.get_mut(key)?;
                times.retain(|t| now.duration_since(*t) < THROTTLE_WINDOW);
                (times.len() >= MAX_FAILURES)
                    .then(|| THROTTLE_WINDOW - now.duration_since(times[0]))
            })
            .max()
    }

    pub fn record_failure(&self, keys: &[String]) {
        let mut failures = self.failures.lock().expect("throttle lock");
        for key in keys {
            failures
                .entry(key.clone())
                .or_default()
                .push(Instant::now());
        }
    }

    pub fn forgive(&self, keys: &[String]) {
        let mut failures = self.failures.lock().expect("throttle lock");
        for key in keys {
            failures.remove(key);
        }
    }
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

    #[test]
    fn the_throttle_blocks_after_too_many_failures() {
        let throttle = LoginThrottle::default();
        let keys = ["user:ed".to_owned()];
        for _ in 0..MAX_FAILURES {
            assert!(throttle.blocked_for(&keys).is_none());
            throttle.record_failure(&keys);
        }
        assert!(throttle.blocked_for(&keys).is_some());
        throttle.forgive(&keys);
        assert!(throttle.blocked_for(&keys).is_none());
    }
}
