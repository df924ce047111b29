//! The sign-in throttle: a growing delay per client address and per
//! username, never a lock a stranger can put on someone else's account.
//!
//! An attempt is counted *before* its password is checked, so attempts sent
//! in parallel are counted like attempts sent one after another. After
//! [`FREE_FAILURES`] failures, each further attempt must wait 2^k seconds
//! (k = failures beyond the free ones) after the last one, up to
//! [`MAX_DELAY`]. The username's delay binds only an address that has itself
//! been failing: the owner signing in from a clean address gets in while
//! strangers guess elsewhere. Records are forgotten [`FORGET_AFTER`] the
//! last attempt and each table holds at most [`MAX_RECORDS`], so rotating
//! addresses or usernames cannot grow memory. Kept in memory: a restart
//! forgives everyone, which is acceptable for a throttle.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use crate::proxies::client_bucket;

/// Failures allowed before any delay: room for an editor's typos.
pub const FREE_FAILURES: u32 = 5;
/// The longest delay between two attempts: at worst an owner waits this long
/// after mistyping, while a guesser gets under 300 guesses a day per address.
pub const MAX_DELAY: TimeDelta = TimeDelta::minutes(5);
/// Quiet time after which a record is forgotten; longer than [`MAX_DELAY`],
/// so a guesser cannot reset its count by waiting out one delay.
pub const FORGET_AFTER: TimeDelta = TimeDelta::minutes(15);
/// Records kept per table (addresses, usernames), about 1 MB each: far more
/// than a newsroom's editors, small enough that rotating addresses cannot
/// exhaust memory. Beyond it the oldest are dropped.
pub const MAX_RECORDS: usize = 10_000;

/// Longest username kept as a key: no account's name is longer
/// (`auth::MAX_USERNAME_CHARS`), so a longer one is one unknown name.
const KEY_CHARS: usize = super::MAX_USERNAME_CHARS + 1;

/// Recent attempts of one address or username.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Attempts counted and not since found to be right.
    failures: u32,
    /// When the last attempt was counted.
    last: DateTime<Utc>,
}

impl Record {
    /// How long from `now` until the next attempt may be checked.
    fn wait(&self, now: DateTime<Utc>) -> TimeDelta {
        let Some(beyond) = self.failures.checked_sub(FREE_FAILURES) else {
            return TimeDelta::zero();
        };
        let delay = TimeDelta::seconds(1 << beyond.min(16)).min(MAX_DELAY);
        (self.last + delay - now).max(TimeDelta::zero())
    }
}

/// Records by key, bounded and expiring.
#[derive(Debug)]
struct Table<K> {
    records: HashMap<K, Record>,
}

impl<K> Default for Table<K> {
    fn default() -> Self {
        Table {
            records: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Clone> Table<K> {
    /// The key's record, unless it is forgotten by now.
    fn get(&mut self, key: &K, now: DateTime<Utc>) -> Option<Record> {
        let record = *self.records.get(key)?;
        if now - record.last >= FORGET_AFTER {
            self.records.remove(key);
            return None;
        }
        Some(record)
    }

    /// Counts an attempt for `key` (as a failure until it is found right).
    fn count(&mut self, key: &K, now: DateTime<Utc>) {
        let failures = self.get(key, now).map_or(0, |r| r.failures);
        if failures == 0 && self.records.len() >= MAX_RECORDS {
            self.make_room(now);
        }
        let record = Record {
            failures: failures + 1,
            last: now,
        };
        self.records.insert(key.clone(), record);
    }

    /// Takes back one counted attempt.
    fn uncount(&mut self, key: &K) {
        if let Some(record) = self.records.get_mut(key) {
            record.failures = record.failures.saturating_sub(1);
        }
    }

    /// Drops forgotten records and, if that is not enough, the oldest
    /// quarter: sorting once per quarter of the table keeps this cheap.
    fn make_room(&mut self, now: DateTime<Utc>) {
        self.records.retain(|_, r| now - r.last < FORGET_AFTER);
        if self.records.len() < MAX_RECORDS {
            return;
        }
        let mut by_age: Vec<(DateTime<Utc>, K)> = self
            .records
            .iter()
            .map(|(key, record)| (record.last, key.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(last, _)| *last);
        for (_, key) in by_age.into_iter().take(MAX_RECORDS / 4) {
            self.records.remove(&key);
        }
    }
}

/// An attempt counted by [`LoginThrottle::attempt`]. Dropping it leaves it
/// counted as a failure; a right password is reported with
/// [`LoginThrottle::succeeded`], a check that never ran with
/// [`LoginThrottle::withdraw`].
#[derive(Debug)]
#[must_use = "an attempt is a failure unless reported otherwise"]
pub struct Attempt {
    address: IpAddr,
    username: String,
}

/// Recent sign-in attempts per client address and per username.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    tables: Mutex<Tables>,
}

#[derive(Debug, Default)]
struct Tables {
    addresses: Table<IpAddr>,
    usernames: Table<String>,
}

impl LoginThrottle {
    /// Counts an attempt by `address` at `username` before its password is
    /// checked, or refuses it with the time left to wait (not counted).
    pub fn attempt(
        &self,
        address: IpAddr,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Attempt, std::time::Duration> {
        let attempt = Attempt {
            address: client_bucket(address),
            username: username
                .trim()
                .to_lowercase()
                .chars()
                .take(KEY_CHARS)
                .collect(),
        };
        let mut tables = self.tables.lock().expect("throttle lock");
        let by_address = tables.addresses.get(&attempt.address, now);
        let mut wait = by_address.map_or(TimeDelta::zero(), |r| r.wait(now));
        // A clean address is not held back by strangers' guesses at the name.
        if by_address.is_some_and(|r| r.failures > 0) {
            let by_username = tables.usernames.get(&attempt.username, now);
            wait = wait.max(by_username.map_or(TimeDelta::zero(), |r| r.wait(now)));
        }
        if wait > TimeDelta::zero() {
            return Err(wait.to_std().unwrap_or_default());
        }
        tables.addresses.count(&attempt.address, now);
        tables.usernames.count(&attempt.username, now);
        Ok(attempt)
    }

    /// The password was right: the address is clean again, and this attempt
    /// no longer counts against the username.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut tables = self.tables.lock().expect("throttle lock");
        tables.addresses.records.remove(&attempt.address);
        tables.usernames.uncount(&attempt.username);
    }

    /// The password was never checked (the server was busy): the attempt
    /// counts against nobody.
    pub fn withdraw(&self, attempt: Attempt) {
        let mut tables = self.tables.lock().expect("throttle lock");
        tables.addresses.uncount(&attempt.address);
        tables.usernames.uncount(&attempt.username);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(n: u32) -> IpAddr {
        IpAddr::V4(n.into())
    }

    #[test]
    fn the_delay_doubles_after_the_free_failures_up_to_the_cap() {
        let throttle = LoginThrottle::default();
        let mut now = Utc::now();
        for _ in 0..FREE_FAILURES {
            let _ = throttle.attempt(address(1), "ed", now).unwrap();
        }
        let mut expected = 1;
        for _ in 0..12 {
            let wait = throttle.attempt(address(1), "ed", now).unwrap_err();
            assert_eq!(wait.as_secs(), expected.min(300));
            now += TimeDelta::seconds(wait.as_secs() as i64);
            let _ = throttle.attempt(address(1), "ed", now).unwrap();
            expected *= 2;
        }
        now += FORGET_AFTER;
        let _ = throttle.attempt(address(1), "ed", now).unwrap();
        assert!(throttle.attempt(address(1), "ed", now).is_ok());
    }

    #[test]
    fn rotating_addresses_and_usernames_keeps_the_tables_bounded() {
        let throttle = LoginThrottle::default();
        let now = Utc::now();
        for n in 0..3 * MAX_RECORDS as u32 {
            let _ = throttle
                .attempt(address(n), &format!("guess{n}"), now)
                .unwrap();
        }
        let tables = throttle.tables.lock().unwrap();
        assert!(tables.addresses.records.len() <= MAX_RECORDS);
        assert!(tables.usernames.records.len() <= MAX_RECORDS);
        // The newest are kept.
        let newest = address(3 * MAX_RECORDS as u32 - 1);
        assert!(tables.addresses.records.contains_key(&newest));
    }

    #[test]
    fn a_withdrawn_attempt_counts_against_nobody() {
        let throttle = LoginThrottle::default();
        let now = Utc::now();
        for _ in 0..3 * FREE_FAILURES {
            let attempt = throttle.attempt(address(1), "ed", now).unwrap();
            throttle.withdraw(attempt);
        }
        assert!(throttle.attempt(address(1), "ed", now).is_ok());
    }
}
