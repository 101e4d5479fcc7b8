//! The contract: behaviour every runtime must show. A failed check is a bug,
//! in the runtime or in Arena's adapter for it.
//!
//! Each check is written once against the [`Runtime`] seam, runs inside
//! `block_on`, and returns `Err` with what it saw instead of hanging: every
//! wait is bounded by [`LIMIT`], or for long runs by [`LIMIT`] without
//! progress (loose upper bounds; lower time bounds are checked strictly).
//! Checks synchronise on flags, counters and channels, never on sleeps.
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use futures::channel::{mpsc, oneshot};
use futures::future::{self, Either, FutureExt};
use futures::{SinkExt, StreamExt};

use crate::Runtime;
use crate::check::DropCounter;

mod files;

pub use files::{FileWritesReadBack, MissingFileIsError};

/// The longest any check waits for something that should happen.
pub const LIMIT: Duration = Duration::from_secs(10);

/// What a check concluded: `Err` says what broke.
pub type Verdict = Result<(), String>;

/// One contract check.
pub trait Check: 'static {
    /// Short name (`task_runs_unjoined`).
    const NAME: &'static str;
    /// The behaviour it asserts, in words.
    const CLAIM: &'static str;
    /// Runs the check on `R`; called inside `block_on`.
    fn run<R: Runtime>() -> impl Future<Output = Verdict> + Send;
}

/// `fut`'s output, or an error naming `what` if it takes longer than [`LIMIT`].
pub async fn within<R: Runtime, T>(what: &str, fut: impl Future<Output = T>) -> Result<T, String> {
    match future::select(pin!(fut), pin!(R::sleep(LIMIT))).await {
        Either::Left((v, _)) => Ok(v),
        Either::Right(_) => Err(format!("{what}: not done after {} s", LIMIT.as_secs())),
    }
}

/// `fut`'s output, or an error if `progress` stops moving for [`LIMIT`]: for
/// long runs, where being slow is not a breach but stalling is.
pub async fn while_progressing<R: Runtime, T>(
    what: &str,
    progress: &AtomicU64,
    fut: impl Future<Output = T>,
) -> Result<T, String> {
    let mut fut = pin!(fut);
    let (mut seen, mut since) = (progress.load(Ordering::SeqCst), Instant::now());
    loop {
        match future::select(fut.as_mut(), pin!(R::sleep(Duration::from_millis(100)))).await {
            Either::Left((v, _)) => return Ok(v),
            Either::Right(_) => {
                let now = progress.load(Ordering::SeqCst);
                if now != seen {
                    (seen, since) = (now, Instant::now());
                } else if since.elapsed() > LIMIT {
                    return Err(format!("{what}: stalled at {now} for {} s", LIMIT.as_secs()));
                }
            }
        }
    }
}

/// A spawned task runs to completion although its handle is never polled.
#[derive(Debug)]
pub struct TaskRunsUnjoined;

impl Check for TaskRunsUnjoined {
    const NAME: &'static str = "task_runs_unjoined";
    const CLAIM: &'static str = "a spawned task runs to completion without its handle being polled";

    async fn run<R: Runtime>() -> Verdict {
        let (tx, rx) = oneshot::channel();
        let handle = R::spawn(async move {
            R::yield_now().await;
            let _ = tx.send(7u64);
        });
        let got = within::<R, _>("a task whose handle is never polled", rx).await?;
        R::detach(handle);
        if got == Ok(7) { Ok(()) } else { Err(format!("the task's message was {got:?}")) }
    }
}

/// Awaiting a handle returns the task's value, also once the task has finished.
#[derive(Debug)]
pub struct JoinReturnsValue;

impl Check for JoinReturnsValue {
    const NAME: &'static str = "join_returns_value";
    const CLAIM: &'static str = "awaiting a join handle returns the task's value (running or already finished)";

    async fn run<R: Runtime>() -> Verdict {
        let running = R::spawn(async {
            for _ in 0..3 {
                R::yield_now().await;
            }
            0xC0FFEE_u64
        });
        let (done_tx, done_rx) = oneshot::channel();
        let finished = R::spawn(async move {
            let _ = done_tx.send(());
            String::from("done")
        });
        within::<R, _>("the second task", done_rx).await?.map_err(|_| "the second task vanished".to_owned())?;
        let a = within::<R, _>("joining a running task", running).await?;
        let b = within::<R, _>("joining a finished task", finished).await?;
        if (a, b.as_str()) == (0xC0FFEE, "done") { Ok(()) } else { Err(format!("joined {a:#x} and {b:?}")) }
    }
}

/// A future completed by a wake from a plain OS thread.
struct ForeignWake {
    shared: Arc<(AtomicBool, Mutex<Option<Waker>>)>,
    started: bool,
}

impl Future for ForeignWake {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Store the waker before looking at the flag, so no wake is lost.
        *self.shared.1.lock().unwrap() = Some(cx.waker().clone());
        if !self.started {
            self.started = true;
            let shared = self.shared.clone();
            std::thread::spawn(move || {
                shared.0.store(true, Ordering::SeqCst);
                if let Some(w) = shared.1.lock().unwrap().take() {
                    w.wake();
                }
            });
        }
        if self.shared.0.load(Ordering::SeqCst) { Poll::Ready(()) } else { Poll::Pending }
    }
}

/// A wake from another OS thread completes the task.
#[derive(Debug)]
pub struct ForeignThreadWakes;

impl Check for ForeignThreadWakes {
    const NAME: &'static str = "foreign_thread_wakes";
    const CLAIM: &'static str = "a wake from another OS thread completes the task";

    async fn run<R: Runtime>() -> Verdict {
        let task = R::spawn(async {
            for _ in 0..100 {
                ForeignWake { shared: Default::default(), started: false }.await;
            }
        });
        within::<R, _>("100 tasks woken from foreign threads", task).await
    }
}

/// Waking a task that has finished does nothing harmful.
#[derive(Debug)]
pub struct WakeAfterCompletion;

impl Check for WakeAfterCompletion {
    const NAME: &'static str = "wake_after_completion";
    const CLAIM: &'static str = "waking a finished task is harmless: the runtime goes on working";

    async fn run<R: Runtime>() -> Verdict {
        let (tx, rx) = oneshot::channel::<Waker>();
        let mut tx = Some(tx);
        let task = R::spawn(future::poll_fn(move |cx| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(cx.waker().clone());
            }
            Poll::Ready(1u64)
        }));
        within::<R, _>("a task that finishes at once", task).await?;
        let waker = within::<R, _>("the task's waker", rx).await?.map_err(|_| "no waker came back".to_owned())?;
        for _ in 0..3 {
            waker.wake_by_ref();
        }
        let remote = waker.clone();
        std::thread::spawn(move || remote.wake()).join().map_err(|_| "waking from a thread panicked".to_owned())?;
        waker.wake();
        let after = R::spawn(async {
            R::yield_now().await;
            2u64
        });
        match within::<R, _>("a task spawned after the stale wakes", after).await? {
            2 => Ok(()),
            v => Err(format!("a task spawned afterwards returned {v}")),
        }
    }
}

/// Returns `Pending` forever without keeping the waker, counting its polls.
struct NeverWoken(Arc<AtomicU64>);

impl Future for NeverWoken {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Poll::Pending
    }
}

/// A task nobody wakes is polled once and then left alone.
#[derive(Debug)]
pub struct NeverWokenNotRepolled;

impl Check for NeverWokenNotRepolled {
    const NAME: &'static str = "never_woken_not_repolled";
    const CLAIM: &'static str = "a task that is never woken is not polled again";

    async fn run<R: Runtime>() -> Verdict {
        let polls = Arc::new(AtomicU64::new(0));
        let stuck = R::spawn(NeverWoken(polls.clone()));
        let start = Instant::now();
        while polls.load(Ordering::SeqCst) == 0 {
            if start.elapsed() > LIMIT {
                return Err("the task was never polled at all".into());
            }
            R::yield_now().await;
        }
        // Keep the runtime busy: yields, spawns, joins and a timer.
        for _ in 0..10 {
            R::yield_now().await;
            let tasks: Vec<_> = (0..10u64).map(|i| R::spawn(async move { i })).collect();
            crate::check::join_sum(tasks).await;
        }
        R::sleep(Duration::from_millis(5)).await;
        let seen = polls.load(Ordering::SeqCst);
        // Only now: detaching may itself wake the task (futures'
        // `RemoteHandle::forget` drops the receiver, which wakes it).
        R::detach(stuck);
        match seen {
            1 => Ok(()),
            n => Err(format!("polled {n} times without a wake")),
        }
    }
}

/// A future that never completes and holds a drop guard.
async fn loser(guard: crate::check::DropGuard) {
    let _guard = guard;
    future::pending::<()>().await
}

/// `futures::select!` drops the losing futures when a branch wins.
#[derive(Debug)]
pub struct SelectDropsLosers;

impl Check for SelectDropsLosers {
    const NAME: &'static str = "select_drops_losers";
    const CLAIM: &'static str = "futures::select! drops the losing futures (their destructors run)";

    async fn run<R: Runtime>() -> Verdict {
        let task = R::spawn(async {
            let drops = DropCounter::default();
            for _ in 0..100 {
                let (tx, rx) = oneshot::channel::<()>();
                let answer = R::spawn(async move {
                    let _ = tx.send(());
                });
                futures::select! {
                    _ = rx.fuse() => {},
                    _ = Box::pin(loser(drops.guard())).fuse() => {},
                    _ = Box::pin(loser(drops.guard())).fuse() => {},
                }
                answer.await;
            }
            drops.count()
        });
        match within::<R, _>("100 select! rounds", task).await? {
            200 => Ok(()),
            n => Err(format!("{n} of 200 losing futures were dropped")),
        }
    }
}

/// Concurrent timers in [`TimersNeverEarly`].
const TIMERS: u64 = 10_000;

/// No timer fires before its deadline, alone or among 10,000.
#[derive(Debug)]
pub struct TimersNeverEarly;

impl Check for TimersNeverEarly {
    const NAME: &'static str = "timers_never_early";
    const CLAIM: &'static str = "a timer never fires before its deadline (alone and with 10,000 concurrent timers)";

    async fn run<R: Runtime>() -> Verdict {
        for ms in [0, 1, 5, 20] {
            let d = Duration::from_millis(ms);
            let start = Instant::now();
            within::<R, _>("one sleep", R::sleep(d)).await?;
            if start.elapsed() < d {
                return Err(format!("a {ms} ms sleep ended after {:?}", start.elapsed()));
            }
        }
        let timers: Vec<_> = (0..TIMERS)
            .map(|i| {
                R::spawn(async move {
                    // 0 to 20 ms, spread with a microsecond part.
                    let d = Duration::from_micros((i * 7_919) % 20_000);
                    let start = Instant::now();
                    R::sleep(d).await;
                    let waited = start.elapsed();
                    if waited < d { Some(d - waited) } else { None }
                })
            })
            .collect();
        let early: Vec<_> =
            within::<R, _>("10,000 timers", future::join_all(timers)).await?.into_iter().flatten().collect();
        match early.iter().max() {
            None => Ok(()),
            Some(worst) => Err(format!("{} of {TIMERS} timers fired early, the worst by {worst:?}", early.len())),
        }
    }
}

/// Producers and messages each in [`ChannelsExactlyOnceInOrder`].
const SENDERS: u64 = 4;
const PER_SENDER: u64 = 25_000;

/// Every message arrives exactly once, in order per sender.
#[derive(Debug)]
pub struct ChannelsExactlyOnceInOrder;

impl Check for ChannelsExactlyOnceInOrder {
    const NAME: &'static str = "channels_exactly_once_in_order";
    const CLAIM: &'static str = "channels deliver every message exactly once and in order per sender, under stress";

    async fn run<R: Runtime>() -> Verdict {
        let (tx, mut rx) = mpsc::channel::<(u64, u64)>(8);
        for s in 0..SENDERS {
            let mut tx = tx.clone();
            R::spawn_detached(async move {
                for seq in 0..PER_SENDER {
                    if tx.send((s, seq)).await.is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let received = Arc::new(AtomicU64::new(0));
        let count = received.clone();
        let consumer = R::spawn(async move {
            let mut next = vec![0u64; SENDERS as usize];
            while let Some((s, seq)) = rx.next().await {
                count.fetch_add(1, Ordering::Relaxed);
                let want = &mut next[s as usize];
                if seq != *want {
                    return Err(format!("sender {s}: got message {seq}, expected {}", *want));
                }
                *want += 1;
            }
            match next.iter().position(|&n| n != PER_SENDER) {
                Some(s) => Err(format!("sender {s}: {} of {PER_SENDER} messages arrived", next[s])),
                None => Ok(()),
            }
        });
        while_progressing::<R, _>("100,000 messages", &received, consumer).await?
    }
}

/// Messages in [`NoLostWakeups`].
const MESSAGES: u64 = 1_000_000;

/// A million messages through a channel of capacity one: every send and
/// receive may park, so a lost wake-up stalls the run.
#[derive(Debug)]
pub struct NoLostWakeups;

impl Check for NoLostWakeups {
    const NAME: &'static str = "no_lost_wakeups";
    const CLAIM: &'static str = "no lost wake-ups in a 1,000,000-message run";

    async fn run<R: Runtime>() -> Verdict {
        let (mut tx, mut rx) = mpsc::channel::<u64>(0);
        R::spawn_detached(async move {
            for i in 0..MESSAGES {
                if tx.send(i).await.is_err() {
                    return;
                }
            }
        });
        let received = Arc::new(AtomicU64::new(0));
        let count = received.clone();
        let consumer = R::spawn(async move {
            while rx.next().await.is_some() {
                count.fetch_add(1, Ordering::Relaxed);
            }
            count.load(Ordering::Relaxed)
        });
        match while_progressing::<R, _>("1,000,000 messages", &received, consumer).await? {
            MESSAGES => Ok(()),
            n => Err(format!("{n} of {MESSAGES} messages arrived")),
        }
    }
}

/// Blocking work on `spawn_blocking` does not stop async tasks.
#[derive(Debug)]
pub struct BlockingDoesNotStall;

impl Check for BlockingDoesNotStall {
    const NAME: &'static str = "blocking_does_not_stall";
    const CLAIM: &'static str = "spawn_blocking work does not stop other tasks from progressing";

    async fn run<R: Runtime>() -> Verdict {
        // The blocking work waits until an async task releases it: if it ran
        // on the executor's thread, that task could never run.
        let (release, released) = std::sync::mpsc::channel::<()>();
        let blocked = R::spawn_blocking(move || released.recv_timeout(LIMIT).is_ok());
        let progress = R::spawn(async move {
            for _ in 0..10 {
                R::yield_now().await;
            }
            let _ = release.send(());
        });
        within::<R, _>("a task while blocking work waits for it", progress).await?;
        if within::<R, _>("the blocking work", blocked).await? {
            Ok(())
        } else {
            Err(format!("the async task did not run while blocking work ran ({} s)", LIMIT.as_secs()))
        }
    }
}
