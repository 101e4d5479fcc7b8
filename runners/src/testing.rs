//! Deliberately faulty runtimes, for proving that Arena catches what it must:
//! each is tokio-ct with one fault switched on. Never benchmarked or listed.
//!
//! * `test-deadlocks` never returns from `block_on`; `test-aborts` aborts the
//!   process from it (as a panic that escapes a runtime with
//!   `panic = "abort"`, or a crashed worker, would). They join `arena
//!   conformance`'s registry only with `ARENA_TEST_RUNTIMES=1`, to prove that
//!   such a runtime becomes a cell, not a dead suite.
//! * `broken-early-timers` completes every sleep at once and
//!   `broken-loses-tasks` silently drops every third spawned task: the tests
//!   show the workloads' checksums, the harness and the contract catch them.
use std::cell::Cell;
use std::future::{Future, ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::Either;
use workloads::{Config, Limits, NoRemote, Runtime, StartError};

use crate::profile::{Cancelled, Native};
use crate::{Adapter, TokioCt};

/// `block_on` never returns.
pub const DEADLOCKS: u8 = 0;
/// `block_on` aborts the process.
pub const ABORTS: u8 = 1;
/// Every sleep completes at once.
pub const EARLY_TIMERS: u8 = 2;
/// Every third task spawned in a `block_on` is dropped unrun.
pub const LOSES_TASKS: u8 = 3;

/// tokio-ct with fault `FAULT` switched on.
#[derive(Debug)]
pub struct Faulty<const FAULT: u8>(TokioCt);

/// `test-deadlocks`.
pub type Deadlocks = Faulty<DEADLOCKS>;
/// `test-aborts`.
pub type Aborts = Faulty<ABORTS>;
/// `broken-early-timers`.
pub type EarlyTimers = Faulty<EARLY_TIMERS>;
/// `broken-loses-tasks`.
pub type LosesTasks = Faulty<LOSES_TASKS>;

thread_local! {
    /// Spawns since `block_on` started (tokio-ct spawns on one thread).
    static SPAWNS: Cell<u64> = const { Cell::new(0) };
}

/// A handle to a task that may have been thrown away: then it never completes.
#[derive(Debug)]
pub struct MaybeLost<H>(Option<H>);

impl<H: Future + Unpin> Future for MaybeLost<H> {
    type Output = H::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<H::Output> {
        match self.0.as_mut() {
            Some(h) => Pin::new(h).poll(cx),
            None => Poll::Pending,
        }
    }
}

impl<const FAULT: u8> Runtime for Faulty<FAULT> {
    const ID: &'static str = match FAULT {
        DEADLOCKS => "test-deadlocks",
        ABORTS => "test-aborts",
        EARLY_TIMERS => "broken-early-timers",
        _ => "broken-loses-tasks",
    };
    const SUMMARY: &'static str = "test only: tokio-ct with a fault";
    const LIMITS: Limits = Limits { max_tasks: None, no_remote_spawn: Some("test runtime") };

    type JoinHandle<T: Send + 'static> = MaybeLost<<TokioCt as Runtime>::JoinHandle<T>>;
    type Remote = NoRemote;

    fn new(config: &Config) -> Result<Self, StartError> {
        TokioCt::new(config).map(Faulty)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        match FAULT {
            DEADLOCKS => {
                drop(future);
                loop {
                    std::thread::park();
                }
            }
            ABORTS => {
                drop(future);
                eprintln!("test-aborts: the runtime blew up");
                std::process::abort()
            }
            _ => {
                SPAWNS.with(|n| n.set(0));
                self.0.block_on(future)
            }
        }
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let n = SPAWNS.with(|n| n.replace(n.get() + 1));
        if FAULT == LOSES_TASKS && n % 3 == 2 {
            drop(future);
            return MaybeLost(None);
        }
        MaybeLost(Some(TokioCt::spawn(future)))
    }

    fn detach<T: Send + 'static>(handle: Self::JoinHandle<T>) {
        if let Some(h) = handle.0 {
            TokioCt::detach(h)
        }
    }

    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        TokioCt::spawn_blocking(work)
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        if FAULT == EARLY_TIMERS { Either::Left(ready(())) } else { Either::Right(TokioCt::sleep(duration)) }
    }

    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        TokioCt::yield_now()
    }

    fn remote() -> Option<NoRemote> {
        None
    }
}

impl<const FAULT: u8> Adapter for Faulty<FAULT> {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        self.0.native_spawn_join(n).await
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        self.0.native_ping_pong(n).await
    }
}

/// tokio-ct's native calls, and tokio-ct's profile as the expectation.
impl<const FAULT: u8> Native for Faulty<FAULT> {
    const PROFILE: &'static str = TokioCt::PROFILE;
    const TIMEOUT: &'static str = TokioCt::TIMEOUT;
    const CHANNEL: &'static str = TokioCt::CHANNEL;

    type Task<T: Send + 'static> = <TokioCt as Native>::Task<T>;

    fn spawn_task<F>(future: F) -> Self::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioCt::spawn_task(future)
    }

    fn join_task<T: Send + 'static>(task: Self::Task<T>) -> impl Future<Output = Result<T, String>> + Send {
        TokioCt::join_task(task)
    }

    fn cancel_task<T: Send + 'static>(task: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        TokioCt::cancel_task(task)
    }

    fn block_on_nested<F: Future>(future: F) -> F::Output {
        TokioCt::block_on_nested(future)
    }
}
