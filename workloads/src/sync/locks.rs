//! The lock workloads: an async mutex held across an `.await` against a std
//! mutex held only for a short synchronous section (`mutex_await`,
//! `mutex_sync`), and a read-heavy `RwLock` (`rwlock_read`); [`Exclusive`]
//! catches two tasks inside one section.
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{join_sum, mix, mix_sum};
use crate::primitives::{AsyncMutex, AsyncRwLock, Primitive, Primitives, Side, native};
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
pub trait LockedCounter: Send + Sync + 'static {
    /// A counter at zero.
    fn new() -> Self;
    /// Adds one, entering `inside` while the lock is held.
    fn bump<R: Runtime>(&self, inside: &Exclusive) -> impl Future<Output = ()> + Send;
    /// The count.
    fn count(&self) -> impl Future<Output = u64> + Send;
}

/// How a `mutex_*` workload holds its lock: its name and its counter.
pub trait Holding: 'static {
    /// The workload's name.
    const NAME: &'static str;
    /// What it measures.
    const SUMMARY: &'static str;
    /// The runtime's own primitive it needs, if any ([`Workload::NATIVE`]).
    const NATIVE: Option<Primitive> = None;
    /// The counter on runtime `R`.
    type Counter<R: Runtime>: LockedCounter;
}

/// An async mutex held across a `yield_now` (`mutex_await`: `async_lock::Mutex`;
/// `mutex_await_native`: the runtime's own).
#[derive(Debug)]
pub struct HeldAcrossAwait<S>(PhantomData<S>);

/// The counter of [`HeldAcrossAwait`]: a `u64` in mutex `M`.
#[derive(Debug)]
pub struct Held<M>(M);

impl<S: Side> Holding for HeldAcrossAwait<S> {
    const NAME: &'static str = if S::NATIVE { "mutex_await_native" } else { "mutex_await" };
    const SUMMARY: &'static str = if S::NATIVE {
        "as mutex_await, with the runtime's own async mutex (n/a on a runtime without one)"
    } else {
        "8 tasks, size increments in all of an async_lock::Mutex counter, the lock held across a yield_now"
    };
    const NATIVE: Option<Primitive> = native::<S>(Primitive::Mutex);
    type Counter<R: Runtime> = Held<<S::On<R> as Primitives>::Mutex<u64>>;
}

impl<M: AsyncMutex<u64>> LockedCounter for Held<M> {
    fn new() -> Self {
        Held(M::new(0))
    }

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

impl Holding for ShortSection {
    const NAME: &'static str = "mutex_sync";
    const SUMMARY: &'static str = "8 tasks, size increments in all of a std::sync::Mutex counter, the lock held \
                                   only for the increment, a yield_now between";
    type Counter<R: Runtime> = ShortSection;
}

impl LockedCounter for ShortSection {
    fn new() -> Self {
        ShortSection::default()
    }

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

/// `size` increments of a counter held as `H` says by 8 tasks; a task that
/// finds another inside the lock changes the checksum.
#[derive(Debug)]
pub struct MutexCounter<H>(PhantomData<H>);

impl<H: Holding> Workload for MutexCounter<H> {
    const NAME: &'static str = H::NAME;
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = H::SUMMARY;
    const UNIT: &'static str = "lock acquisitions";
    const SIZES: Sizes = Sizes { test: 200, quick: 5_000, bench: &[1_000, 100_000] };
    const NATIVE: Option<Primitive> = H::NATIVE;

    fn needs(size: usize) -> Needs {
        Needs { tasks: CONTENDERS.min(size.max(1)) as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Every id once, the counter at `size`, no violation.
        mix_sum(size as u64).wrapping_add(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let shared = Arc::new((H::Counter::<R>::new(), Exclusive::default()));
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

/// `size` operations on an `async_lock::RwLock` (or the runtime's own) by
/// 8 tasks: 15 in 16 reads (held across a `yield_now`, so readers overlap),
/// 1 in 16 a write.
#[derive(Debug)]
pub struct RwLockRead<S>(PhantomData<S>);

impl<S: Side> Workload for RwLockRead<S> {
    const NAME: &'static str = if S::NATIVE { "rwlock_read_native" } else { "rwlock_read" };
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = if S::NATIVE {
        "as rwlock_read, with the runtime's own async RwLock (n/a on a runtime without one)"
    } else {
        "8 tasks, size operations in all on an async_lock::RwLock: 15 of 16 reads held across a yield_now, 1 of \
         16 a write; no writer may meet a reader"
    };
    const UNIT: &'static str = "lock acquisitions";
    const SIZES: Sizes = Sizes { test: 320, quick: 8_000, bench: &[1_600, 160_000] };
    const NATIVE: Option<Primitive> = native::<S>(Primitive::RwLock);

    fn needs(size: usize) -> Needs {
        Needs { tasks: CONTENDERS.min(size.max(1)) as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        let writes = (0..size as u64).filter(|id| id % WRITE_EVERY == 0).count() as u64;
        mix_sum(size as u64).wrapping_add(writes)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let lock = Arc::new(<S::On<R> as Primitives>::RwLock::<u64>::new(0));
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
