//! Bounds the password checks running at once. Each argon2 check takes about
//! 19 MiB and tens of milliseconds of a core; unbounded, a burst of sign-ins
//! (from many addresses, so the throttle lets each through) would take the
//! memory and the cores the readers' pages need.

use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

/// Checks running at once: one per core of the two-core machine newsdesk is
/// sized for, so sign-ins can slow pages but never stall them.
pub const CONCURRENT_CHECKS: usize = 2;

/// How long a sign-in waits for a free check before it is told to come back:
/// long enough to ride out a short burst, short enough that a flood of
/// requests does not pile up waiting.
pub const SLOT_WAIT: Duration = Duration::from_secs(2);

/// The password-check slots.
#[derive(Debug)]
pub struct PasswordChecks {
    slots: Semaphore,
}

impl Default for PasswordChecks {
    fn default() -> Self {
        PasswordChecks {
            slots: Semaphore::new(CONCURRENT_CHECKS),
        }
    }
}

impl PasswordChecks {
    /// A slot to run one password check in, waiting up to [`SLOT_WAIT`];
    /// `None` when every slot stayed busy.
    pub async fn slot(&self) -> Option<SemaphorePermit<'_>> {
        let permit = tokio::time::timeout(SLOT_WAIT, self.slots.acquire()).await;
        permit.ok()?.ok()
    }
}
