//! Checksum helpers shared by the workloads.
//!
//! Every message or task result is passed through [`mix`] before it is
//! summed, so a lost or duplicated item changes the checksum (a plain sum of
//! `0..n` would not notice one item lost and another duplicated).
use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::{self, Either};

use crate::Runtime;

/// A 64-bit mixing function (SplitMix64's finaliser).
pub const fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `mix(0) + mix(1) + … + mix(n - 1)`, wrapping.
pub fn mix_sum(n: u64) -> u64 {
    (0..n).fold(0u64, |acc, i| acc.wrapping_add(mix(i)))
}

/// Awaits every handle in order and sums their outputs, wrapping.
pub async fn join_sum<H: Future<Output = u64>>(handles: Vec<H>) -> u64 {
    let mut sum = 0u64;
    for h in handles {
        sum = sum.wrapping_add(h.await);
    }
    sum
}

/// How long one run of an I/O workload (network, files) may take before it gives up.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Runs `work`, panicking with `what` if it takes longer than [`LIMIT`]
/// (a lost wake-up or a peer that never answers must not hang the suite).
pub(crate) async fn bounded<R: Runtime, T>(what: &str, work: impl Future<Output = T>) -> T {
    match future::select(pin!(work), pin!(R::sleep(LIMIT))).await {
        Either::Left((value, _)) => value,
        Either::Right(_) => panic!("{what}: no answer within {LIMIT:?}"),
    }
}

/// Panics with `what` and the error if `result` is an error.
pub(crate) fn expect<T>(result: io::Result<T>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Counts destructor runs: each [`DropGuard`] made from it adds one when dropped.
#[derive(Debug, Clone, Default)]
pub struct DropCounter(Arc<AtomicU64>);

impl DropCounter {
    /// A guard that bumps this counter when dropped.
    pub fn guard(&self) -> DropGuard {
        DropGuard(self.0.clone())
    }

    /// Destructors run so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Adds one to its [`DropCounter`] when dropped.
#[derive(Debug)]
pub struct DropGuard(Arc<AtomicU64>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_sum_sees_what_a_plain_sum_misses() {
        // 3 and 5 lost, 4 delivered three times: a plain sum of ids is unchanged.
        let delivered = [0u64, 1, 2, 4, 4, 4, 6, 7, 8, 9];
        assert_eq!(delivered.iter().sum::<u64>(), (0..10).sum::<u64>());
        let mixed = delivered.iter().fold(0u64, |a, &i| a.wrapping_add(mix(i)));
        assert_ne!(mixed, mix_sum(10));
    }

    #[test]
    fn drop_counter_counts_each_guard_once() {
        let c = DropCounter::default();
        let guards: Vec<_> = (0..5).map(|_| c.guard()).collect();
        assert_eq!(c.count(), 0);
        drop(guards);
        assert_eq!(c.count(), 5);
    }
}
