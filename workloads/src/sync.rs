//! Sync primitives under contention: an async mutex held across an
//! `.await`, a std mutex held only for a short synchronous section, a
//! read-heavy `RwLock`, a `Semaphore` bounding concurrency (the seeds'
//! "limit concurrency" pattern), a `Barrier` whose last arrival wakes all
//! the others and an event whose notifier wakes many listeners at once
//! (wake-up fan-out).
//!
//! Each async one is generic over a [`Side`]: the runtime-neutral
//! primitives (`async-lock`, `event-listener`) on every runtime, and a
//! `*_native` twin with the runtime's own ([`crate::primitives`]), "n/a"
//! where it has none, so the two can be compared on one runtime.
//!
//! Each checks the property the primitive promises, not just the sum: a
//! critical section that finds another task inside it, a writer that finds
//! readers, more permits out than the semaphore has, a barrier round with
//! other than one leader, or a listener that skips a round changes the
//! checksum.
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{join_sum, mix, mix_sum};
use crate::primitives::{
    AsyncBarrier, AsyncMutex, AsyncRwLock, AsyncSemaphore, Notify, Primitive, Primitives, Side, native,
};
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

/// Permits in `semaphore`.
pub const PERMITS: usize = 8;

/// `size` tasks, at most 8 at a time inside an `async_lock::Semaphore` (or
/// the runtime's own), each holding its permit across a `yield_now`.
#[derive(Debug)]
pub struct SemaphoreLimit<S>(PhantomData<S>);

impl<S: Side> Workload for SemaphoreLimit<S> {
    const NAME: &'static str = if S::NATIVE { "semaphore_native" } else { "semaphore" };
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = if S::NATIVE {
        "as semaphore, with the runtime's own async semaphore (n/a on a runtime without one)"
    } else {
        "size tasks through an async_lock::Semaphore of 8 permits, each holding its permit across a yield_now; \
         never more than 8 inside"
    };
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };
    const NATIVE: Option<Primitive> = native::<S>(Primitive::Semaphore);

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Every task once; the peak inside never above the permits.
        mix_sum(size as u64).wrapping_add(1)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let permits = Arc::new(<S::On<R> as Primitives>::Semaphore::new(PERMITS));
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

/// `size` tasks meet at an `async_lock::Barrier` (or the runtime's own) 20
/// times: each round the last to arrive wakes all the others.
#[derive(Debug)]
pub struct BarrierFanout<S>(PhantomData<S>);

impl<S: Side> Workload for BarrierFanout<S> {
    const NAME: &'static str = if S::NATIVE { "barrier_fanout_native" } else { "barrier_fanout" };
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = if S::NATIVE {
        "as barrier_fanout, with the runtime's own async barrier (n/a on a runtime without one)"
    } else {
        "size tasks x 20 rounds at an async_lock::Barrier: the last arrival wakes the others; exactly one leader \
         a round"
    };
    const UNIT: &'static str = "wake-ups";
    const SIZES: Sizes = Sizes { test: 16, quick: 500, bench: &[100, 10_000] };
    const NATIVE: Option<Primitive> = native::<S>(Primitive::Barrier);

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
        let barrier = Arc::new(<S::On<R> as Primitives>::Barrier::new(size.max(1)));
        let leaders = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                let (barrier, leaders) = (barrier.clone(), leaders.clone());
                R::spawn(async move {
                    let mut rounds = 0;
                    for _ in 0..ROUNDS {
                        if barrier.wait().await {
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

/// `size` tasks wait on one event (`event_listener::Event`, or the
/// runtime's own notify) 20 times; each round a notifier task wakes them
/// all at once when every task listens.
#[derive(Debug)]
pub struct NotifyFanout<S>(PhantomData<S>);

/// What `notify_fanout`'s tasks share.
struct Rounds<N> {
    /// Wakes the waiters: the round has moved on.
    go: N,
    /// Wakes the notifier: every waiter listens.
    all_in: N,
    /// Rounds the notifier has opened.
    round: AtomicU64,
    /// Waiters that have listened, over all rounds.
    arrived: AtomicU64,
    /// Waiters that found the round more than one ahead (a round skipped).
    skipped: AtomicU64,
}

impl<S: Side> Workload for NotifyFanout<S> {
    const NAME: &'static str = if S::NATIVE { "notify_fanout_native" } else { "notify_fanout" };
    const FAMILY: Family = Family::Sync;
    const SUMMARY: &'static str = if S::NATIVE {
        "as notify_fanout, with the runtime's own notify (n/a on a runtime without one)"
    } else {
        "size tasks x 20 rounds listen on one event_listener::Event; a notifier wakes them all at once when every \
         task listens; no task may pass a round early or skip one"
    };
    const UNIT: &'static str = "wake-ups";
    const SIZES: Sizes = Sizes { test: 16, quick: 500, bench: &[100, 10_000] };
    const NATIVE: Option<Primitive> = native::<S>(Primitive::Notify);

    fn items(size: usize) -> u64 {
        size as u64 * ROUNDS
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Every waiter through every round, the notifier through every round.
        mix_sum(size as u64).wrapping_add(ROUNDS)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let n = size as u64;
        let shared = Arc::new(Rounds {
            go: <S::On<R> as Primitives>::Notify::new(),
            all_in: <S::On<R> as Primitives>::Notify::new(),
            round: AtomicU64::new(0),
            arrived: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        });
        let waiters: Vec<_> = (0..n)
            .map(|i| {
                let shared = shared.clone();
                R::spawn(async move {
                    for r in 0..ROUNDS {
                        let mut listening = false;
                        loop {
                            // Listen before looking at the round: a notify
                            // in between is not lost.
                            let listener = shared.go.listen();
                            if !listening {
                                listening = true;
                                if shared.arrived.fetch_add(1, Ordering::SeqCst) + 1 == n * (r + 1) {
                                    shared.all_in.notify_all();
                                }
                            }
                            let now = shared.round.load(Ordering::SeqCst);
                            if now > r {
                                if now > r + 1 {
                                    shared.skipped.fetch_add(1, Ordering::SeqCst);
                                }
                                break;
                            }
                            listener.await;
                        }
                    }
                    mix(i)
                })
            })
            .collect();
        let notifier = {
            let shared = shared.clone();
            R::spawn(async move {
                for r in 0..ROUNDS {
                    loop {
                        let listener = shared.all_in.listen();
                        if shared.arrived.load(Ordering::SeqCst) >= n * (r + 1) {
                            break;
                        }
                        listener.await;
                    }
                    shared.round.store(r + 1, Ordering::SeqCst);
                    shared.go.notify_all();
                }
                ROUNDS
            })
        };
        let sum = join_sum(waiters).await.wrapping_add(notifier.await);
        Run::checksum(sum.wrapping_add(shared.skipped.load(Ordering::SeqCst) * 1_000_003))
    }
}
