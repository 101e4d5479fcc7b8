//! Probes of channels and `select!`: the cooperative budget on an
//! always-ready channel, bounded-channel capacity, `select!` fairness.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use futures::StreamExt;
use futures::future::{self, FutureExt};

use super::{Observed, OwnApi, Probe, accepted, futures_mpsc_accepts, in_task, start};

/// Messages waiting in the channel of [`CoopBudget`].
const READY: u64 = 10_000;

/// A task draining an always-ready channel: does a sibling ever get to run?
///
/// Two causes can let a sibling run while the channel is full, and the probe
/// tells them apart. An *eager start* runs a spawned task's body inside
/// `spawn`, before the spawner goes on: seen as a sibling that started before
/// the first message was received. A *cooperative budget* makes the draining
/// task return `Pending` after N ready messages: seen as the sibling getting
/// in after N. On an eager runtime the budget is probed with the sibling's
/// second half: it first yields the way code written against the `futures`
/// traits does (futures-lite's `yield_now`: wake itself, `Pending` once),
/// and only its continuation counts as running.
#[derive(Debug)]
pub struct CoopBudget<const NATIVE: bool>;

impl<const NATIVE: bool> Probe for CoopBudget<NATIVE> {
    const NAME: &'static str = if NATIVE { "coop_budget_native" } else { "coop_budget_futures" };
    const QUESTION: &'static str = if NATIVE {
        "a task spawns a sibling, then receives 10,000 ready messages from the runtime's own channel: the sibling \
         runs after N messages (a cooperative budget), or never before the channel is empty; \"eager start, …\" \
         when the sibling's body ran inside spawn, before any message (then its continuation after a yield is \
         what counts)"
    } else {
        "a task spawns a sibling, then receives 10,000 ready messages from futures::channel::mpsc: the sibling runs \
         after N messages (a cooperative budget), or never before the channel is empty; \"eager start, …\" when \
         the sibling's body ran inside spawn, before any message (then its continuation after a yield is what \
         counts)"
    };

    fn run<R: OwnApi>() -> Observed {
        if R::THREAD_PER_TASK {
            return Observed::not_applicable("thread per task");
        }
        let rt = start::<R>();
        in_task(&rt, async {
            let items: Vec<u64> = (0..READY).collect();
            let mut rx = if NATIVE {
                R::ready_channel(items).boxed()
            } else {
                let (tx, rx) = futures::channel::mpsc::unbounded();
                items.into_iter().for_each(|i| tx.unbounded_send(i).expect("receiver alive"));
                rx.boxed()
            };
            let (started, resumed) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
            let here = thread::current().id();
            let sibling = {
                let (started, resumed) = (started.clone(), resumed.clone());
                R::spawn(async move {
                    started.store(true, Ordering::SeqCst);
                    futures_lite::future::yield_now().await;
                    resumed.store(true, Ordering::SeqCst);
                    thread::current().id()
                })
            };
            // Before the first message: only an eager spawn has run the body.
            let eager = started.load(Ordering::SeqCst);
            let ran = if eager { resumed.clone() } else { started.clone() };
            let (mut received, mut sum) = (0u64, 0u64);
            while let Some(i) = rx.next().await {
                received += 1;
                sum += i;
                if ran.load(Ordering::SeqCst) {
                    break;
                }
            }
            let there = sibling.await;
            let drained = received == READY && sum == READY * (READY - 1) / 2;
            let budget = match (ran.load(Ordering::SeqCst) && !drained, here == there) {
                (true, true) => format!("sibling runs after {received}"),
                (true, false) => "sibling ran on another thread".to_owned(),
                (false, _) if drained => "never yields".to_owned(),
                (false, _) => format!("channel lost messages: {received} received, sum {sum}"),
            };
            Observed::new(if eager { format!("eager start, then {budget}") } else { budget })
                .with_channel::<R, NATIVE>()
        })
    }
}

impl Observed {
    fn with_channel<R: OwnApi, const NATIVE: bool>(mut self) -> Self {
        self.detail = Some(if NATIVE { R::CHANNEL } else { "futures::channel::mpsc" }.to_owned());
        self
    }
}

/// How many messages a bounded channel of capacity 4 holds with one sender.
#[derive(Debug)]
pub struct BoundedCapacity;

impl Probe for BoundedCapacity {
    const NAME: &'static str = "bounded_capacity";
    const QUESTION: &'static str = "how many try_sends a bounded(4) channel with one sender and no receiver accepts: \
        futures::channel::mpsc::channel(4) (documented as buffer + senders), async-channel bounded(4), and the \
        runtime's own";

    fn run<R: OwnApi>() -> Observed {
        let _rt = start::<R>();
        let attempts = 100;
        let futures = futures_mpsc_accepts(4, attempts).map_or_else(|e| e, |n| n.to_string());
        let (tx, _rx) = async_channel::bounded::<usize>(4);
        let async_channel = accepted(attempts, |i| tx.try_send(i).is_ok());
        let native = R::bounded_accepts(4, attempts).map_or_else(|e| e, |n| n.to_string());
        Observed::with(format!("mpsc {futures}, async-channel {async_channel}, native {native}"), R::CHANNEL)
    }
}

/// `futures::select!` and `select_biased!` over two always-ready branches.
#[derive(Debug)]
pub struct SelectFairness;

impl SelectFairness {
    const ROUNDS: u32 = 1_000;

    /// How often the first branch won, in [`Self::ROUNDS`] rounds.
    async fn first_wins(biased: bool) -> u32 {
        let mut wins = 0;
        for _ in 0..Self::ROUNDS {
            let (mut a, mut b) = (future::ready(()).fuse(), future::ready(()).fuse());
            let first = if biased {
                futures::select_biased! { () = a => true, () = b => false }
            } else {
                futures::select! { () = a => true, () = b => false }
            };
            wins += u32::from(first);
        }
        wins
    }

    fn class(wins: u32) -> &'static str {
        match wins {
            1_000 => "first branch",
            0 => "second branch",
            350..=650 => "random",
            _ => "skewed",
        }
    }
}

impl Probe for SelectFairness {
    const NAME: &'static str = "select_fairness";
    const QUESTION: &'static str = "which branch wins when both are ready, over 1,000 rounds inside a task: \
        futures::select! (random or biased) and futures::select_biased!";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let (fair, biased) = (Self::first_wins(false).await, Self::first_wins(true).await);
            Observed::with(
                format!("select! {}, select_biased! {}", Self::class(fair), Self::class(biased)),
                format!("first branch won {fair} and {biased} of {}", Self::ROUNDS),
            )
        })
    }
}
