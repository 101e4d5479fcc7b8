//! Probes of a runtime's lifetime: `block_on` nested inside it, another
//! executor's `block_on` inside its task, and dropping it with tasks pending.
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use workloads::check::DropCounter;

use super::{Observed, OwnApi, Probe, WAIT, bounded, catch, catch_async, in_task, quiet_probe_panics, start};

/// Classifies a nested `block_on` that should return 7.
fn nested_outcome(seen: Result<Option<u64>, String>) -> Observed {
    match seen {
        Ok(Some(7)) => Observed::new("works"),
        Ok(Some(other)) => Observed::new(format!("returned {other}")),
        Ok(None) => Observed::with("stalls", format!("gave up after {} s", WAIT.as_secs())),
        Err(panic) => Observed::with("panics", panic),
    }
}

/// The runtime's own `block_on` called inside one of its tasks
/// (`IN_TASK`) or inside its `block_on`.
#[derive(Debug)]
pub struct NestedBlockOn<const IN_TASK: bool>;

impl<const IN_TASK: bool> NestedBlockOn<IN_TASK> {
    /// The nested call: blocks on a future that yields once, bounded.
    fn nested<R: OwnApi>() -> Result<Option<u64>, String> {
        catch(|| {
            R::block_on_nested(bounded(WAIT, async {
                R::yield_now().await;
                7
            }))
        })
    }
}

impl<const IN_TASK: bool> Probe for NestedBlockOn<IN_TASK> {
    const NAME: &'static str = if IN_TASK { "nested_block_on_task" } else { "nested_block_on_block_on" };
    const QUESTION: &'static str = if IN_TASK {
        "the runtime's own block_on called inside one of its tasks: works, panics, or stalls"
    } else {
        "the runtime's own block_on called inside its block_on: works, panics, or stalls"
    };

    fn run<R: OwnApi>() -> Observed {
        quiet_probe_panics();
        let rt = start::<R>();
        let seen = if IN_TASK {
            catch(|| in_task(&rt, async { Self::nested::<R>() })).and_then(|r| r)
        } else {
            catch(|| rt.block_on(async { Self::nested::<R>() })).and_then(|r| r)
        };
        nested_outcome(seen)
    }
}

/// `futures::executor::block_on` inside a task, on a future using the
/// runtime's timer: nesting across executors.
#[derive(Debug)]
pub struct NestedForeign;

impl Probe for NestedForeign {
    const NAME: &'static str = "nested_foreign_block_on";
    const QUESTION: &'static str = "futures::executor::block_on inside a task, blocking on the runtime's 1 ms \
        sleep: works, panics, or stalls (the runtime's timer needs the blocked thread)";

    fn run<R: OwnApi>() -> Observed {
        quiet_probe_panics();
        let rt = start::<R>();
        let seen = catch(|| {
            in_task(&rt, async {
                catch(|| {
                    futures::executor::block_on(bounded(WAIT, async {
                        R::sleep(Duration::from_millis(1)).await;
                        7
                    }))
                })
            })
        });
        nested_outcome(seen.and_then(|r| r))
    }
}

/// Builds a runtime, leaves one task waiting forever (holding a drop guard),
/// drops the runtime and returns the task's handle and guard counter.
fn drop_with_pending_task<R: OwnApi>() -> (R::Task<u64>, DropCounter) {
    let drops = DropCounter::default();
    let rt = start::<R>();
    let task = in_task(&rt, {
        let guard = drops.guard();
        async move {
            let (started_tx, started) = oneshot::channel::<()>();
            let task = R::spawn_task(async move {
                let _guard = guard;
                let _ = started_tx.send(());
                std::future::pending::<()>().await;
                7u64
            });
            let _ = bounded(WAIT, started).await;
            task
        }
    });
    drop(rt);
    (task, drops)
}

/// Dropping a runtime while a task waits forever: is the task's future dropped?
#[derive(Debug)]
pub struct DropRuntimeTasks;

impl Probe for DropRuntimeTasks {
    const NAME: &'static str = "drop_runtime_tasks";
    const QUESTION: &'static str = "the runtime is dropped while a spawned task waits forever: the task's future is \
        dropped (its destructors run) or not dropped";

    fn run<R: OwnApi>() -> Observed {
        let (task, drops) = drop_with_pending_task::<R>();
        let since = Instant::now();
        while drops.count() == 0 && since.elapsed() < Duration::from_secs(1) {
            std::thread::yield_now();
        }
        let outcome = if drops.count() > 0 { "dropped" } else { "not dropped" };
        // What dropping a stale handle does is not this probe's question.
        std::mem::forget(task);
        Observed::new(outcome)
    }
}

/// Awaiting a handle whose runtime has been dropped.
#[derive(Debug)]
pub struct StaleHandle;

impl Probe for StaleHandle {
    const NAME: &'static str = "stale_handle";
    const QUESTION: &'static str = "awaiting (with futures::executor::block_on) the handle of a task whose runtime \
        was dropped while it waited: an error value, a panic, or pending";

    fn run<R: OwnApi>() -> Observed {
        quiet_probe_panics();
        let (task, _drops) = drop_with_pending_task::<R>();
        let seen = futures::executor::block_on(bounded(Duration::from_secs(1), catch_async(R::join_task(task))));
        match seen {
            Some(Ok(Ok(value))) => Observed::with("value", value.to_string()),
            Some(Ok(Err(e))) => Observed::with("error value", e),
            Some(Err(panic)) => Observed::with("panics", panic),
            None => Observed::new("pending"),
        }
    }
}
