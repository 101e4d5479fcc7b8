//! The waiting workloads: a `Semaphore` bounding concurrency
//! (`semaphore`), a `Barrier` whose last arrival wakes the others
//! (`barrier_fanout`), and an event whose notifier wakes many listeners at
//! once (`notify_fanout`).
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{join_sum, mix, mix_sum};
use crate::primitives::{AsyncBarrier, AsyncSemaphore, Notify, Primitive, Primitives, Side, native};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

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
