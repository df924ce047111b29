//! How many live streams may be open: per client address and in total.
//! Each open stream holds a socket (a file descriptor) and a broadcast
//! subscription for as long as the page stays open, so without a bound one
//! machine could open streams until the process has no descriptor left for
//! the database or for ordinary pages. A stream holds a [`StreamSlot`] in its
//! state; the slot is given back when the stream ends, however it ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::proxies::client_bucket;

/// File descriptors kept back from streams: the database (a few per pooled
/// connection with WAL), the listener, media files, ordinary requests and
/// the runtime. A quarter of the limit, and at least this many.
const RESERVED_DESCRIPTORS: u64 = 256;

/// The open-file limit assumed when it cannot be read: Linux's usual soft limit.
const USUAL_DESCRIPTOR_LIMIT: u64 = 1024;

/// Why a stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The client's address holds its share already.
    AddressFull,
    /// The server holds as many as it can.
    ServerFull,
}

/// The bounds and what is open now.
#[derive(Debug)]
pub struct StreamLimits {
    /// Streams per client address (an IPv6 client's /64); 0: no bound.
    per_address: usize,
    /// Streams in total; 0: no bound.
    total: usize,
    /// The open-file limit `total` was derived from, when it was.
    derived_from: Option<u64>,
    open: Mutex<Open>,
    /// Streams ended so far.
    closed: AtomicU64,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

impl StreamLimits {
    /// Bounds of `per_address` streams per client and `total` in all (0: none).
    pub fn new(per_address: usize, total: usize) -> StreamLimits {
        StreamLimits {
            per_address,
            total,
            derived_from: None,
            open: Mutex::default(),
            closed: AtomicU64::new(0),
        }
    }

    /// The bounds as configured, the total derived from the process's
    /// open-file limit unless given (`serve` logs the result, since an
    /// operator raising `ulimit -n` wants to see it took).
    pub fn configured(per_address: usize, total: Option<usize>) -> StreamLimits {
        if let Some(total) = total {
            return StreamLimits::new(per_address, total);
        }
        let limit = descriptor_limit();
        let total = limit.saturating_sub(RESERVED_DESCRIPTORS.max(limit / 4));
        StreamLimits {
            derived_from: Some(limit),
            ..StreamLimits::new(per_address, usize::try_from(total).unwrap_or(usize::MAX))
        }
    }

    /// A slot for one more stream from `address`, or why not.
    pub fn open(self: &Arc<Self>, address: IpAddr) -> Result<StreamSlot, Refusal> {
        let address = client_bucket(address);
        let mut open = self.open.lock().expect("stream limits lock");
        if self.total > 0 && open.total >= self.total {
            return Err(Refusal::ServerFull);
        }
        let mine = open.by_address.entry(address).or_default();
        if self.per_address > 0 && *mine >= self.per_address {
            return Err(Refusal::AddressFull);
        }
        *mine += 1;
        open.total += 1;
        Ok(StreamSlot {
            limits: self.clone(),
            address,
        })
    }
}

impl StreamLimits {
    /// How many streams have ended since the process started.
    pub fn closed(&self) -> u64 {
        self.closed.load(Ordering::Relaxed)
    }
}

impl std::fmt::Display for StreamLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = |n: usize| {
            if n == 0 {
                "any number".to_owned()
            } else {
                n.to_string()
            }
        };
        write!(
            f,
            "{} live streams at once, {} per client address",
            bound(self.total),
            bound(self.per_address)
        )?;
        match self.derived_from {
            Some(limit) => write!(f, " (from the open-file limit, {limit})"),
            None => Ok(()),
        }
    }
}

/// One open stream, counted until it is dropped.
#[derive(Debug)]
pub struct StreamSlot {
    limits: Arc<StreamLimits>,
    address: IpAddr,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.limits.closed.fetch_add(1, Ordering::Relaxed);
        let mut open = self.limits.open.lock().expect("stream limits lock");
        open.total -= 1;
        if let Some(mine) = open.by_address.get_mut(&self.address) {
            *mine -= 1;
            // No entry for an address with nothing open: the map stays as
            // small as the number of clients streaming now.
            if *mine == 0 {
                open.by_address.remove(&self.address);
            }
        }
    }
}

/// The soft limit on open files, from `/proc/self/limits` (Linux).
fn descriptor_limit() -> u64 {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find_map(|line| {
            let soft = line
                .strip_prefix("Max open files")?
                .split_whitespace()
                .next()?;
            Some(soft.parse().unwrap_or(u64::MAX))
        })
        .unwrap_or(USUAL_DESCRIPTOR_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_per_address_and_in_total_and_given_back() {
        let limits = Arc::new(StreamLimits::new(2, 3));
        let (a, b) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let first = limits.open(a).unwrap();
        let _second = limits.open(a).unwrap();
        assert_eq!(limits.open(a).unwrap_err(), Refusal::AddressFull);
        let _third = limits.open(b).unwrap();
        assert_eq!(limits.open(b).unwrap_err(), Refusal::ServerFull);
        drop(first);
        assert!(limits.open(a).is_ok());
    }

    #[test]
    fn zero_means_no_bound() {
        let limits = Arc::new(StreamLimits::new(0, 0));
        let address = "127.0.0.1".parse().unwrap();
        let slots: Vec<_> = (0..1000).map(|_| limits.open(address).unwrap()).collect();
        assert_eq!(slots.len(), 1000);
    }

    #[test]
    fn the_descriptor_limit_is_read() {
        assert!(descriptor_limit() >= 64);
    }
}
