//! Stream combinators: bounded concurrency with `buffer_unordered` and a
//! `FuturesUnordered` of many futures, inside one task.
//!
//! Both keep many futures alive inside one task and poll only those that
//! were woken, so what they measure is the runtime's wake-up path (each job
//! yields through the seam) plus the combinator's own bookkeeping.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::StreamExt;
use futures::stream::{self, FuturesUnordered};

use crate::check::{mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Jobs in flight at once in `buffer_unordered`.
pub const LIMIT: usize = 16;

/// Counts jobs in flight and remembers the most there ever were.
#[derive(Debug, Default)]
struct InFlight {
    now: AtomicU64,
    most: AtomicU64,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.most.fetch_max(now, Ordering::Relaxed);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One job: enters, yields twice through the runtime, leaves, answers.
async fn job<R: Runtime>(i: u64, in_flight: Arc<InFlight>) -> u64 {
    in_flight.enter();
    R::yield_now().await;
    R::yield_now().await;
    in_flight.leave();
    mix(i)
}

/// `size` jobs run through `buffer_unordered(16)`: never more than 16 in
/// flight, and (each job yields) exactly 16 at the peak.
#[derive(Debug)]
pub struct BufferUnordered;

impl Workload for BufferUnordered {
    const NAME: &'static str = "buffer_unordered";
    const FAMILY: Family = Family::Streams;
    const SUMMARY: &'static str = "one task: stream::iter(size jobs).buffer_unordered(16), each job yields twice; \
                                   the peak in flight must be exactly 16";
    const UNIT: &'static str = "jobs";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(LIMIT.min(size) as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let task = R::spawn(async move {
            let in_flight = Arc::new(InFlight::default());
            let jobs = stream::iter(0..size as u64).map(|i| job::<R>(i, in_flight.clone())).buffer_unordered(LIMIT);
            let sum = jobs.fold(0u64, |acc, v| async move { acc.wrapping_add(v) }).await;
            sum.wrapping_add(in_flight.most.load(Ordering::Relaxed))
        });
        Run::checksum(task.await)
    }
}

/// `size` futures in one `FuturesUnordered`, collected as they finish.
#[derive(Debug)]
pub struct FuturesUnorderedN;

impl Workload for FuturesUnorderedN {
    const NAME: &'static str = "futures_unordered";
    const FAMILY: Family = Family::Streams;
    const SUMMARY: &'static str = "one task: a FuturesUnordered of size futures, each yielding twice, drained \
                                   as they finish; all size are in flight at the peak";
    const UNIT: &'static str = "futures";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let task = R::spawn(async move {
            let in_flight = Arc::new(InFlight::default());
            let jobs: FuturesUnordered<_> = (0..size as u64).map(|i| job::<R>(i, in_flight.clone())).collect();
            let sum = jobs.fold(0u64, |acc, v| async move { acc.wrapping_add(v) }).await;
            sum.wrapping_add(in_flight.most.load(Ordering::Relaxed))
        });
        Run::checksum(task.await)
    }
}
