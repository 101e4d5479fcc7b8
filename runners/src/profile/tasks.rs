//! Probes of task handles and scheduling order: dropping or cancelling a
//! handle, the order siblings interleave at `yield_now`, the order spawned
//! children first run.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use workloads::Runtime;
use workloads::check::DropCounter;

use super::{Observed, OwnApi, Probe, WAIT, bounded, in_task, start};

/// Lets other tasks run until `done()` or [`WAIT`] has passed. Yields first;
/// then sleeps 1 ms at a time, because a yield does not always let others
/// run (a futures `ThreadPool` re-polls a task that wakes itself at once).
pub(super) async fn settle<R: Runtime>(done: impl Fn() -> bool) {
    let since = Instant::now();
    R::yield_now().await;
    while !done() && since.elapsed() < WAIT {
        R::sleep(Duration::from_millis(1)).await;
    }
}

/// Dropping a native join handle before its task first runs.
#[derive(Debug)]
pub struct DropUnpolled;

impl Probe for DropUnpolled {
    const NAME: &'static str = "drop_unpolled_handle";
    const QUESTION: &'static str = "dropping a join handle before the task first runs: the task runs to the end \
        (detach), is dropped unpolled (cancel), is dropped after running to its first .await (cancel after first \
        poll), or is neither run nor dropped (leak)";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let (polled, finished, drops) =
                (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)), DropCounter::default());
            let task = {
                let (polled, finished, guard) = (polled.clone(), finished.clone(), drops.guard());
                R::spawn_task(async move {
                    let _guard = guard;
                    polled.store(true, Ordering::SeqCst);
                    R::yield_now().await;
                    finished.store(true, Ordering::SeqCst);
                })
            };
            let polled_at_drop = polled.load(Ordering::SeqCst);
            drop(task);
            settle::<R>(|| finished.load(Ordering::SeqCst) || drops.count() > 0).await;
            let (polled, finished, dropped) =
                (polled.load(Ordering::SeqCst), finished.load(Ordering::SeqCst), drops.count() > 0);
            let detail = format!("first poll {} the drop", if polled_at_drop { "before" } else { "after" });
            let outcome = match (finished, dropped, polled) {
                (true, _, _) => "detach",
                (false, true, false) => "cancel",
                (false, true, true) => "cancel after first poll",
                (false, false, _) => "leak",
            };
            Observed::with(outcome, detail)
        })
    }
}

/// What awaiting a cancelled task returns, in words.
fn cancelled<T: std::fmt::Debug>(result: Option<Option<super::Cancelled<T>>>) -> Observed {
    match result {
        None => Observed::new("no cancel API"),
        Some(None) => Observed::with("pending", format!("still pending after {} s", WAIT.as_secs())),
        Some(Some(Ok(Some(value)))) => Observed::with("value", format!("{value:?}")),
        Some(Some(Ok(None))) => Observed::new("None"),
        Some(Some(Err(e))) => Observed::with("cancelled error", e),
    }
}

/// Cancelling a task that is still waiting, and awaiting the cancel.
#[derive(Debug)]
pub struct CancelPending;

impl Probe for CancelPending {
    const NAME: &'static str = "cancel_pending";
    const QUESTION: &'static str = "the runtime's own cancel/abort of a task that is still waiting, then awaiting \
        it: None, a cancelled error, or no cancel API; also whether the task's future is dropped";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let drops = DropCounter::default();
            let (started_tx, started) = oneshot::channel::<()>();
            let (_never_tx, never) = oneshot::channel::<()>();
            let guard = drops.guard();
            let task = R::spawn_task(async move {
                let _guard = guard;
                let _ = started_tx.send(());
                let _ = never.await;
                7u64
            });
            let _ = bounded(WAIT, started).await;
            let joined = match R::cancel_task(task) {
                Some(cancel) => Some(bounded(WAIT, cancel).await),
                None => None,
            };
            let mut seen = cancelled(joined);
            if seen.outcome != "no cancel API" {
                settle::<R>(|| drops.count() > 0).await;
                let dropped = if drops.count() > 0 { "future dropped" } else { "future not dropped" };
                seen.outcome = format!("{}, {dropped}", seen.outcome);
            }
            seen
        })
    }
}

/// Cancelling a task that has already finished, and awaiting the cancel.
#[derive(Debug)]
pub struct CancelFinished;

impl Probe for CancelFinished {
    const NAME: &'static str = "cancel_finished";
    const QUESTION: &'static str = "the runtime's own cancel/abort of a task that has already finished, then \
        awaiting it: the value, None, a cancelled error, or no cancel API";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let done = Arc::new(AtomicBool::new(false));
            let flag = done.clone();
            let task = R::spawn_task(async move {
                flag.store(true, Ordering::SeqCst);
                7u64
            });
            // The task sets the flag and returns in the same poll; once this
            // task is polled again after seeing it, the task has finished.
            settle::<R>(|| done.load(Ordering::SeqCst)).await;
            R::yield_now().await;
            cancelled(match R::cancel_task(task) {
                Some(cancel) => Some(bounded(WAIT, cancel).await),
                None => None,
            })
        })
    }
}

/// Shared log of which task ran when.
type Log = Arc<Mutex<String>>;

fn push(log: &Log, c: char) {
    log.lock().expect("log").push(c);
}

/// From inside a task of `R` (one worker), spawns one task per label running
/// `body(log, label)`, awaits them all and returns the log they wrote; `Err`
/// with the outcome for a runtime that has no scheduling order.
fn logged_order<R: OwnApi, F>(
    labels: &'static [char],
    body: impl Fn(Log, char) -> F + Send + 'static,
) -> Result<String, Observed>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    if R::THREAD_PER_TASK {
        return Err(Observed::not_applicable("thread per task"));
    }
    let rt = start::<R>();
    Ok(in_task(&rt, async move {
        let log = Log::default();
        let tasks: Vec<_> = labels.iter().map(|&c| R::spawn(body(log.clone(), c))).collect();
        for task in tasks {
            task.await;
        }
        log.lock().expect("log").clone()
    }))
}

/// Two tasks that each log and yield three times: the exact order.
///
/// The outcome is what code written against the `futures` traits meets: it
/// yields by waking itself and returning `Pending` once (futures-lite's
/// `yield_now`), and a runtime that re-runs a self-woken task at once shows
/// `AAABBB`. The seam's own `Runtime::yield_now` (an adapter may work around
/// such a runtime) is probed too and given in the detail.
#[derive(Debug)]
pub struct YieldOrder;

impl YieldOrder {
    fn order<R: OwnApi, Y: std::future::Future<Output = ()> + Send + 'static>(
        yield_now: fn() -> Y,
    ) -> Result<String, Observed> {
        logged_order::<R, _>(&['A', 'B'], move |log, c| async move {
            for _ in 0..3 {
                push(&log, c);
                yield_now().await;
            }
        })
    }
}

impl Probe for YieldOrder {
    const NAME: &'static str = "yield_order";
    const QUESTION: &'static str = "two tasks spawned A then B, each logging its letter then yielding by a \
        self-wake (futures-lite's yield_now: wake, then Pending once), three times: the exact order string (the \
        seam's yield_now in the detail)";
    const REPEAT: usize = 5;

    fn run<R: OwnApi>() -> Observed {
        match (Self::order::<R, _>(futures_lite::future::yield_now), Self::order::<R, _>(R::yield_now)) {
            (Ok(portable), Ok(seam)) => Observed::with(portable, format!("the seam's yield_now: {seam}")),
            (Err(na), _) | (_, Err(na)) => na,
        }
    }
}

/// Four children spawned from one task: the order they first run in.
#[derive(Debug)]
pub struct SpawnOrder;

impl Probe for SpawnOrder {
    const NAME: &'static str = "spawn_order";
    const QUESTION: &'static str = "children 1, 2, 3, 4 spawned from one task that then awaits them: the order \
        they first run (1234 FIFO, 4123 LIFO slot, 4321 LIFO)";
    const REPEAT: usize = 5;

    fn run<R: OwnApi>() -> Observed {
        let order = logged_order::<R, _>(&['1', '2', '3', '4'], |log, c| async move { push(&log, c) });
        order.map_or_else(
            |na| na,
            |order| {
                let class = match order.as_str() {
                    "1234" => "FIFO",
                    "4123" => "LIFO slot",
                    "4321" => "LIFO",
                    _ => "other",
                };
                Observed::new(format!("{order} ({class})"))
            },
        )
    }
}
