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
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Tasks contending in the lock workloads.
pub const CONTENDERS: usize = 8;

/// Counts tasks inside a section and the times one found it taken.
#[derive(Debug, Default)]
pub struct Exclusive {
    inside: AtomicU64,
    violations: AtomicU64,
}

impl Exclusive {
    /// Enters; records a violation if someone else was inside.
    pub fn enter(&self) {
        if self.inside.fetch_add(1, Ordering::SeqCst) != 0 {
            self.violations.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Leaves.
    pub fn leave(&self) {
        self.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `CONTENDERS` tasks, task `t` calling `op(t, k)` for its share of
/// `size` operations, and sums what the tasks return.
async fn contend<R, F, Fut>(size: usize, op: F) -> u64
where
    R: Runtime,
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = u64> + Send,
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

/// A counter behind a lock, bumped in the way a `mutex_*` workload compares.
pub trait LockedCounter: Default + Send + Sync + 'static {
    /// The workload's name.
    const NAME: &'static str;
    /// What it measures.
    const SUMMARY: &'static str;

    /// Adds one, entering `inside` while the lock is held.
    fn bump<R: Runtime>(&self, inside: &Exclusive) -> impl Future<Output = ()> + Send;
    /// The count.
    fn count(&self) -> impl Future<Output = u64> + Send;
}

/// An `async_lock::Mutex` held across a `yield_now` (`mutex_await`).
#[derive(Debug, Default)]
pub struct HeldAcrossAwait(async_lock::Mutex<u64>);

impl LockedCounter for HeldAcrossAwait {
    const NAME: &'static str = "mutex_await";
    const SUMMARY: &'static str = "8 tasks, size increments in all of an async_lock::Mutex counter, the lock \
                                   held across a yield_now";

    async fn bump<R: Runtime>(&self, inside: &Exclusive) {
        let mut value = self.0.lock().await;
        inside.enter();
        R::yield_now().await;
        *value += 1;
        inside.leave();
    }

    async fn count(&self) -> u64 {
        *self.0.lock().await
    }
}

/// A `std::sync::Mutex` held only for the increment, a `yield_now` after
/// (`mutex_sync`).
#[derive(Debug, Default)]
pub struct ShortSection(std::sync::Mutex<u64>);

impl ShortSection {
    fn value(&self) -> std::sync::MutexGuard<'_, u64> {
        self.0.lock().expect("no task panics holding it")
    }
}

impl LockedCounter for ShortSection {
    const NAME: &'static str = "mutex_sync";
    const SUMMARY: &'static str = "8 tasks, size increments in all of a std::sync::Mutex counter, the lock held \
                                   only for the increment, a yield_now between";

    async fn bump<R: Runtime>(&self, inside: &Exclusive) {
        {
            let mut value = self.value();
            inside.enter();
            *value += 1;
            inside.leave();
        }
        R::yield_now().await;
    }

    async fn count(&self) -> u64 {
        *self.value()
    }
}

/// `size` increments of a counter behind lock `C` by 8 tasks; a task that
/// finds another inside the lock changes the checksum.
#[derive(Debug)]
pub struct MutexCounter<C>(PhantomData<C>);

impl<C: LockedCounter> Workload for MutexCounter<C> {
    const NAME: &'static str = C::NAME;
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = C::SUMMARY;
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
        let shared = Arc::new((C::default(), Exclusive::default()));
        let each = shared.clone();
        let sum = contend::<R, _, _>(size, move |id| {
            let shared = each.clone();
            async move {
                shared.0.bump::<R>(&shared.1).await;
                mix(id)
            }
        })
        .await;
        let (count, violations) = (shared.0.count().await, shared.1.violations.load(Ordering::SeqCst));
        Run::checksum(sum.wrapping_add(count).wrapping_add(violations * 1_000_003))
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
