//! Probes of panics: in a joined task, in a detached task, in the future
//! given to `block_on`.
use std::thread::{self, ThreadId};

use futures::channel::oneshot;

use super::{Observed, OwnApi, PANIC, Probe, WAIT, bounded, catch, catch_async, in_task, quiet_probe_panics, start};

/// A panic in a task, as its joiner sees it through the native handle.
#[derive(Debug)]
pub struct PanicJoin;

impl Probe for PanicJoin {
    const NAME: &'static str = "panic_join";
    const QUESTION: &'static str = "a task panics; its joiner awaits the native handle and sees: an error value, the \
        panic resumed in the joiner, the panic escaping block_on, or nothing (pending)";

    fn run<R: OwnApi>() -> Observed {
        quiet_probe_panics();
        let rt = start::<R>();
        let joined = catch(|| {
            in_task(&rt, async {
                let task = R::spawn_task(async { panic!("{PANIC}: task") });
                bounded(WAIT, catch_async(R::join_task(task))).await
            })
        });
        match joined {
            Ok(Some(Ok(Ok(())))) => Observed::new("joined a value"),
            Ok(Some(Ok(Err(e)))) => Observed::with("error value", e),
            Ok(Some(Err(panic))) => Observed::with("resumed in joiner", panic),
            Ok(None) => Observed::with("pending", format!("still pending after {} s", WAIT.as_secs())),
            Err(panic) => Observed::with("escapes block_on", panic),
        }
    }
}

/// A panic in a detached task: does the runtime keep running tasks?
#[derive(Debug)]
pub struct PanicDetached;

impl Probe for PanicDetached {
    const NAME: &'static str = "panic_detached";
    const QUESTION: &'static str = "a detached task panics: the runtime keeps running tasks on the same worker \
        (contained), on a new worker thread (worker replaced), stops running tasks, or the panic escapes block_on";

    fn run<R: OwnApi>() -> Observed {
        if R::THREAD_PER_TASK {
            return Observed::not_applicable("thread per task");
        }
        quiet_probe_panics();
        let rt = start::<R>();
        let worker = |tx: oneshot::Sender<ThreadId>| async move {
            let _ = tx.send(thread::current().id());
        };
        let seen = catch(|| {
            rt.block_on(async {
                let (before_tx, before) = oneshot::channel();
                R::spawn_detached(worker(before_tx));
                let before = bounded(WAIT, before).await.and_then(Result::ok)?;
                let (ran_tx, ran) = oneshot::channel::<()>();
                R::spawn_detached(async move {
                    let _ = ran_tx.send(());
                    panic!("{PANIC}: detached")
                });
                bounded(WAIT, ran).await?.ok()?;
                let (after_tx, after) = oneshot::channel();
                R::spawn_detached(worker(after_tx));
                Some((before, bounded(WAIT, after).await.and_then(Result::ok)))
            })
        });
        match seen {
            Err(panic) => Observed::with("escapes block_on", panic),
            Ok(None) => Observed::new("probe stalled before the panic"),
            Ok(Some((_, None))) => {
                // Dropping a runtime that runs nothing may wait forever for it.
                std::mem::forget(rt);
                Observed::new("stops running tasks")
            }
            Ok(Some((before, Some(after)))) if before == after => Observed::new("contained"),
            Ok(Some(_)) => Observed::new("worker replaced"),
        }
    }
}

/// A panic in the future given to `block_on`, and the runtime afterwards.
#[derive(Debug)]
pub struct PanicBlockOn;

impl Probe for PanicBlockOn {
    const NAME: &'static str = "panic_block_on";
    const QUESTION: &'static str = "the future given to block_on panics: the panic unwinds to block_on's caller, and \
        the runtime can (reusable) or cannot (unusable) run a spawned task afterwards, or its next block_on never \
        returns (hangs)";

    /// The runtime lives on a thread of its own, so a `block_on` that never
    /// returns (it cannot be bounded from inside) is seen from here; that
    /// thread is then left blocked until the process ends.
    fn run<R: OwnApi>() -> Observed {
        quiet_probe_panics();
        let (tx, steps) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let rt = start::<R>();
            let Err(panic) = catch(|| rt.block_on(async { panic!("{PANIC}: block_on") }));
            let _ = tx.send(panic);
            let again =
                catch(|| rt.block_on(async { bounded(WAIT, R::join_task(R::spawn_task(async { 7u64 }))).await }));
            let outcome = match again {
                Ok(Some(Ok(7))) => "unwinds to caller, runtime reusable",
                Ok(_) => "unwinds to caller, runtime unusable",
                Err(_) => "unwinds to caller, runtime poisoned",
            };
            let _ = tx.send(outcome.to_owned());
        });
        let Ok(panic) = steps.recv_timeout(WAIT * 2) else {
            return Observed::new("block_on hangs");
        };
        match steps.recv_timeout(WAIT * 2) {
            Ok(outcome) => Observed::with(outcome, panic),
            Err(_) => Observed::with("unwinds to caller, next block_on hangs", panic),
        }
    }
}
