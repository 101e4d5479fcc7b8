//! Sync primitives under contention, runtime-neutral (`async-lock`, std):
//! an async mutex held across an `.await`, a std mutex held only for a short
//! synchronous section, a read-heavy `RwLock`, a `Semaphore` bounding
//! concurrency (the seeds' "limit concurrency" pattern) and a `Barrier`
//! whose last arrival wakes all the others (wake-up fan-out).
//!
//! Each checks the property the primitive promises, not just the sum: a
//! critical section that finds another task inside it, a writer that finds
//! readers, more permits out than the semaphore has, or a barrier round
//! with other than one leader changes the checksum.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Tasks contending in the lock workloads.
pub const CONTENDERS: usize = 8;

/// Counts tasks inside a section and the times one found it taken.
#[derive(Debug, Default)]
struct Exclusive {
    inside: AtomicU64,
    violations: AtomicU64,
}

impl Exclusive {
    /// Enters; records a violation if someone else was inside.
    fn enter(&self) {
        if self.inside.fetch_add(1, Ordering::SeqCst) != 0 {
            self.violations.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn leave(&self) {
        self.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `CONTENDERS` tasks, task `t` calling `op(t, k)` for its share of
/// `size` operations, and sums what the tasks return.
async fn contend<R, F, Fut>(size: usize, op: F) -> u64
where
    R: Runtime,
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = u64> + Send,
{
    let op = Arc::new(op);
    let mut start = 0u64;
    let tasks: Vec<_> = crate::even_shares(size, CONTENDERS)
        .into_iter()
        .map(|n| {
            let (op, ids) = (op.clone(), start..start + n as u64);
            start += n as u64;
            R::spawn(async move {
                let mut sum = 0u64;
                for id in ids {
                    sum = sum.wrapping_add(op(id).await);
                }
                sum
            })
        })
        .collect();
    join_sum(tasks).await
}

/// `size` increments of a counter behind an `async_lock::Mutex` by 8 tasks,
/// each holding the lock across a `yield_now`.
#[derive(Debug)]
pub struct MutexAwait;

impl Workload for MutexAwait {
    const NAME: &'static str = "mutex_await";
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = "8 tasks, size increments in all of an async_lock::Mutex counter, the lock \
                                   held across a yield_now";
    const UNIT: &'static str = "lock acquisitions";
    const SIZES: Sizes = Sizes { test: 200, quick: 10_000, bench: &[1_000, 100_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: CONTENDERS.min(size.max(1)) as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Every id once, the counter at `size`, no violation.
        mix_sum(size as u64).wrapping_add(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let counter = Arc::new(async_lock::Mutex::new(0u64));
        let guard = Arc::new(Exclusive::default());
        let (c, g) = (counter.clone(), guard.clone());
        let sum = contend::<R, _, _>(size, move |id| {
            let (counter, guard) = (c.clone(), g.clone());
            async move {
                let mut value = counter.lock().await;
                guard.enter();
                R::yield_now().await;
                *value += 1;
                guard.leave();
                mix(id)
            }
        })
        .await;
        let count = *counter.lock().await;
        Run::checksum(sum.wrapping_add(count).wrapping_add(guard.violations.load(Ordering::SeqCst) * 1_000_003))
    }
}

/// `size` increments of a counter behind a `std::sync::Mutex` by 8 tasks,
/// each holding the lock only for the increment and yielding between.
#[derive(Debug)]
pub struct MutexSync;

impl Workload for MutexSync {
    const NAME: &'static str = "mutex_sync";
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = "8 tasks, size increments in all of a std::sync::Mutex counter, the lock held \
                                   only for the increment, a yield_now between";
    const UNIT: &'static str = "lock acquisitions";
    const SIZES: Sizes = Sizes { test: 200, quick: 10_000, bench: &[1_000, 100_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: CONTENDERS.min(size.max(1)) as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let counter = Arc::new(std::sync::Mutex::new(0u64));
        let guard = Arc::new(Exclusive::default());
        let (c, g) = (counter.clone(), guard.clone());
        let sum = contend::<R, _, _>(size, move |id| {
            let (counter, guard) = (c.clone(), g.clone());
            async move {
                {
                    let mut value = counter.lock().expect("no task panics holding it");
                    guard.enter();
                    *value += 1;
                    guard.leave();
                }
                R::yield_now().await;
                mix(id)
            }
        })
        .await;
        let count = *counter.lock().expect("no task panics holding it");
        Run::checksum(sum.wrapping_add(count).wrapping_add(guard.violations.load(Ordering::SeqCst) * 1_000_003))
    }
}

/// One write in this many `rwlock_read` operations.
const WRITE_EVERY: u64 = 16;

/// `size` operations on an `async_lock::RwLock` by 8 tasks: 15 in 16 reads
/// (held across a `yield_now`, so readers overlap), 1 in 16 a write.
#[derive(Debug)]
pub struct RwLockRead;

impl Workload for RwLockRead {
    const NAME: &'static str = "rwlock_read";
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = "8 tasks, size operations in all on an async_lock::RwLock: 15 of 16 reads held \
                                   across a yield_now, 1 of 16 a write; no writer may meet a reader";
    const UNIT: &'static str = "lock acquisitions";
    const SIZES: Sizes = Sizes { test: 320, quick: 16_000, bench: &[1_600, 160_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: CONTENDERS.min(size.max(1)) as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        let writes = (0..size as u64).filter(|id| id % WRITE_EVERY == 0).count() as u64;
        mix_sum(size as u64).wrapping_add(writes)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let lock = Arc::new(async_lock::RwLock::new(0u64));
        // Readers inside (counted), and writers that met a reader or another writer.
        let (readers, violations) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (l, r, v) = (lock.clone(), readers.clone(), violations.clone());
        let sum = contend::<R, _, _>(size, move |id| {
            let (lock, readers, violations) = (l.clone(), r.clone(), v.clone());
            async move {
                if id % WRITE_EVERY == 0 {
                    let mut value = lock.write().await;
                    if readers.load(Ordering::SeqCst) != 0 {
                        violations.fetch_add(1, Ordering::SeqCst);
                    }
                    *value += 1;
                } else {
                    let value = lock.read().await;
                    readers.fetch_add(1, Ordering::SeqCst);
                    R::yield_now().await;
                    std::hint::black_box(*value);
                    readers.fetch_sub(1, Ordering::SeqCst);
                }
                mix(id)
            }
        })
        .await;
        let writes = *lock.read().await;
        Run::checksum(sum.wrapping_add(writes).wrapping_add(violations.load(Ordering::SeqCst) * 1_000_003))
    }
}

/// Permits in `semaphore`.
pub const PERMITS: usize = 8;

/// `size` tasks, at most 8 at a time inside an `async_lock::Semaphore`,
/// each holding its permit across a `yield_now`.
#[derive(Debug)]
pub struct SemaphoreLimit;

impl Workload for SemaphoreLimit {
    const NAME: &'static str = "semaphore";
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = "size tasks through an async_lock::Semaphore of 8 permits, each holding its \
                                   permit across a yield_now; never more than 8 inside";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 100, quick: 10_000, bench: &[1_000, 100_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Every task once; the peak inside never above the permits.
        mix_sum(size as u64).wrapping_add(1)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let permits = Arc::new(async_lock::Semaphore::new(PERMITS));
        let (inside, most) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                let (permits, inside, most) = (permits.clone(), inside.clone(), most.clone());
                R::spawn(async move {
                    let _permit = permits.acquire().await;
                    most.fetch_max(inside.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    R::yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                    mix(i)
                })
            })
            .collect();
        let sum = join_sum(tasks).await;
        let within = u64::from(most.load(Ordering::SeqCst) <= PERMITS as u64);
        Run::checksum(sum.wrapping_add(within))
    }
}

/// Rounds in `barrier_fanout`.
pub const ROUNDS: u64 = 20;

/// `size` tasks meet at an `async_lock::Barrier` 20 times: each round the
/// last to arrive wakes all the others.
#[derive(Debug)]
pub struct BarrierFanout;

impl Workload for BarrierFanout {
    const NAME: &'static str = "barrier_fanout";
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = "size tasks x 20 rounds at an async_lock::Barrier: the last arrival wakes the \
                                   others; exactly one leader a round";
    const UNIT: &'static str = "wake-ups";
    const SIZES: Sizes = Sizes { test: 16, quick: 1_000, bench: &[100, 10_000] };

    fn items(size: usize) -> u64 {
        size as u64 * ROUNDS
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Every task finishes every round; one leader a round.
        mix_sum(size as u64).wrapping_add(ROUNDS)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let barrier = Arc::new(async_lock::Barrier::new(size.max(1)));
        let leaders = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                let (barrier, leaders) = (barrier.clone(), leaders.clone());
                R::spawn(async move {
                    let mut rounds = 0;
                    for _ in 0..ROUNDS {
                        if barrier.wait().await.is_leader() {
                            leaders.fetch_add(1, Ordering::SeqCst);
                        }
                        rounds += 1;
                    }
                    if rounds == ROUNDS { mix(i) } else { 0 }
                })
            })
            .collect();
        let sum = join_sum(tasks).await;
        Run::checksum(sum.wrapping_add(leaders.load(Ordering::SeqCst)))
    }
}
