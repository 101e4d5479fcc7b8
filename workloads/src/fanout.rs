//! Fan-out: one producer broadcasting to many subscribers (every message
//! to each), publishing to many watchers (the newest value to each), and
//! many tasks told at once to shut down.
use std::marker::PhantomData;
use std::pin::pin;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::future::{self, Either, FutureExt};
use futures::{StreamExt, poll};

use crate::check::{join_sum, mix, mix_sum};
use crate::primitives::{Primitive, Primitives, Side, Watch, WatchReceiver, WatchSender, native};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Subscribers in `broadcast`.
pub const SUBSCRIBERS: usize = 8;

/// Messages the broadcast channel holds before the producer waits.
const CAPACITY: usize = 16;

/// One producer sends `size` messages through an `async_broadcast` channel
/// of capacity 16 (no overflow: the producer waits for the slowest) to 8
/// subscribers; each must see every message, in order.
#[derive(Debug)]
pub struct Broadcast;

impl Workload for Broadcast {
    const NAME: &'static str = "broadcast";
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = "1 producer -> 8 subscribers through async_broadcast (capacity 16, producer \
                                   waits for the slowest); every subscriber sees every message in order";
    const UNIT: &'static str = "messages";
    const SIZES: Sizes = Sizes { test: 200, quick: 5_000, bench: &[1_000, 100_000] };

    fn items(size: usize) -> u64 {
        // Deliveries: every message to every subscriber.
        (size * SUBSCRIBERS) as u64
    }

    fn needs(_: usize) -> Needs {
        Needs { tasks: SUBSCRIBERS as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_mul(SUBSCRIBERS as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (tx, rx) = async_broadcast::broadcast::<u64>(CAPACITY);
        // Every subscriber exists before the first message is sent.
        let subscribers: Vec<_> = (0..SUBSCRIBERS)
            .map(|_| {
                let mut rx = rx.clone();
                R::spawn(async move {
                    let (mut sum, mut next) = (0u64, 0u64);
                    while let Ok(v) = rx.recv().await {
                        // Out of order or missing: this and later messages do not count.
                        if v == next {
                            sum = sum.wrapping_add(mix(v));
                            next += 1;
                        }
                    }
                    sum
                })
            })
            .collect();
        drop(rx);
        let producer = R::spawn(async move {
            for i in 0..size as u64 {
                tx.broadcast(i).await.expect("subscribers alive");
            }
            // Dropping the sender closes the channel: the subscribers end.
        });
        producer.await;
        Run::checksum(join_sum(subscribers).await)
    }
}

/// One producer publishes `1..=size` through a latest-value channel (the
/// neutral [`Latest`](crate::primitives::Latest), or the runtime's own
/// watch channel), yielding after each; 8 subscribers follow it.
#[derive(Debug)]
pub struct WatchFanout<S>(PhantomData<S>);

impl<S: Side> Workload for WatchFanout<S> {
    const NAME: &'static str = if S::NATIVE { "watch_native" } else { "watch" };
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = if S::NATIVE {
        "as watch, with the runtime's own watch channel (n/a on a runtime without one)"
    } else {
        "1 producer publishes 1..=size through a latest-value channel (async_broadcast, capacity 1, overwriting), \
         a yield_now after each, to 8 subscribers; each must see only rising values and the last one"
    };
    const UNIT: &'static str = "updates";
    const SIZES: Sizes = Sizes { test: 200, quick: 5_000, bench: &[1_000, 100_000] };
    const NATIVE: Option<Primitive> = native::<S>(Primitive::Watch);

    fn needs(_: usize) -> Needs {
        Needs { tasks: SUBSCRIBERS as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix(size as u64).wrapping_mul(SUBSCRIBERS as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (tx, rx) = <<S::On<R> as Primitives>::Watch as Watch>::channel();
        // Every subscriber exists before the first value is sent.
        let subscribers: Vec<_> = (0..SUBSCRIBERS)
            .map(|_| {
                let mut rx = rx.clone();
                R::spawn(async move {
                    let (mut last, mut rising) = (0u64, true);
                    while let Some(value) = rx.changed().await {
                        // A value seen twice, or an older one after a newer.
                        rising &= value > last;
                        last = value;
                    }
                    // The channel closed: the newest value must have been seen.
                    if rising && last == size as u64 { mix(last) } else { 0 }
                })
            })
            .collect();
        drop(rx);
        let producer = R::spawn(async move {
            for value in 1..=size as u64 {
                tx.send(value);
                R::yield_now().await;
            }
            // Dropping the sender closes the channel: the subscribers end.
        });
        producer.await;
        Run::checksum(join_sum(subscribers).await)
    }
}

/// A timer long enough never to fire.
const NEVER: Duration = Duration::from_secs(3600);

/// `size` idle tasks, each waiting on a shutdown signal or a one-hour
/// timer, are all told to stop at once (one `oneshot` shared by all, as a
/// server's shutdown signal is) and joined.
#[derive(Debug)]
pub struct GracefulShutdown;

impl Workload for GracefulShutdown {
    const NAME: &'static str = "graceful_shutdown";
    const FAMILY: Family = Family::Spawn;
    const SUMMARY: &'static str = "size tasks park on a shared shutdown signal (or a 1 h timer); once all are \
                                   parked the signal fires and every task must stop by it";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let stop = stop_rx.shared();
        let (parked_tx, parked) = mpsc::unbounded::<()>();
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                let (stop, parked_tx) = (stop.clone(), parked_tx.clone());
                R::spawn(async move {
                    let timer = pin!(R::sleep(NEVER));
                    let mut wait = pin!(future::select(stop, timer));
                    // Stopped before the signal was sent: a bug, not speed.
                    if poll!(wait.as_mut()).is_ready() {
                        return 0;
                    }
                    parked_tx.unbounded_send(()).expect("the root waits for every task");
                    // The root's count ends when every task has parked or died.
                    drop(parked_tx);
                    match wait.await {
                        Either::Left((Ok(()), _)) => mix(i),
                        Either::Left((Err(_), _)) | Either::Right(_) => 0,
                    }
                })
            })
            .collect();
        drop(parked_tx);
        // Every task is parked on the signal before it fires. One that ended
        // without parking (lost by the runtime, or stopped early) fails the
        // run at once: its handle might never complete.
        if parked.take(size).count().await != size {
            drop(stop_tx);
            tasks.into_iter().for_each(R::detach);
            return Run::checksum(0);
        }
        stop_tx.send(()).expect("the tasks hold the signal");
        Run::checksum(join_sum(tasks).await)
    }
}
