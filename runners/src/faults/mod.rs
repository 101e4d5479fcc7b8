//! Deliberately faulty runtimes, for proving that Arena catches what it must:
//! each is tokio-ct with one fault switched on. Never benchmarked or listed.
//!
//! * `test-deadlocks` never returns from `block_on`; `test-aborts` aborts the
//!   process from it (as a panic that escapes a runtime with
//!   `panic = "abort"`, or a crashed worker, would). They join `arena
//!   conformance`'s registry only with `ARENA_TEST_RUNTIMES=1`, to prove that
//!   such a runtime becomes a cell, not a dead suite. `test-unavailable`
//!   never starts (as glommio without io_uring): its cells must read
//!   `unavailable: …`, in `arena run` and `arena conformance`.
//! * `broken-early-timers` completes every sleep at once,
//!   `broken-loses-tasks` silently drops every third spawned task,
//!   `broken-corrupts-bytes` flips a bit in every 50th TCP read and in every
//!   file read, and `broken-skips-file-writes` drops every second write to a
//!   file while saying it wrote it ([`io`]): the tests show the workloads'
//!   checksums, the harness and the contract catch them.
//! * `broken-loses-tasks-in-one-shard` is a single-threaded runtime (so it
//!   runs one instance per core) that drops every third task only in its
//!   second instance: every shard's answer must be checked.
//!   `broken-escapes-cores` starts a thread that re-pins itself to every CPU:
//!   a confined cell must fail rather than be timed.
//! * `test-eager-start` runs a spawned task's body inside `spawn` until it
//!   first returns `Pending`, and `test-reruns-self-wake` polls a task again
//!   at once when it woke itself: behaviours, not faults, that the profile's
//!   probes must tell apart from a cooperative budget and a fair yield.
//!
//! Built with the `tokio` family only. The regression gate's injected
//! slowdown, which ships, is [`crate::slowdown`].
use std::cell::Cell;
use std::future::{Future, ready};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::Either;
use workloads::{Config, Limits, NoRemote, Runtime, StartError};

use crate::TokioCt;
use crate::profile::{Cancelled, OwnApi};
use crate::registry::Adapter;

mod io;

pub use io::{Corrupting, FaultyFiles, FaultyTcp};

/// `block_on` never returns.
pub const DEADLOCKS: u8 = 0;
/// `block_on` aborts the process.
pub const ABORTS: u8 = 1;
/// Every sleep completes at once.
pub const EARLY_TIMERS: u8 = 2;
/// Every third task spawned in a `block_on` is dropped unrun.
pub const LOSES_TASKS: u8 = 3;
/// `new` fails, as a runtime that cannot start on the machine does.
pub const UNAVAILABLE: u8 = 4;
/// Every 50th TCP read (over all streams) and every file read comes back
/// with a bit flipped.
pub const CORRUPTS_BYTES: u8 = 5;
/// Single-threaded (sharded on several cores); every third task spawned
/// on the second shard's thread is dropped unrun.
pub const LOSES_TASKS_IN_ONE_SHARD: u8 = 6;
/// `new` starts a thread that sets its own affinity to every CPU.
pub const ESCAPES_CORES: u8 = 7;
/// `spawn` polls the future once, on the spawning thread, before queueing it.
pub const EAGER_START: u8 = 8;
/// A task that woke itself while being polled is polled again at once.
pub const RERUNS_SELF_WAKE: u8 = 9;
/// Every second write to an open file is dropped, and reported written.
pub const SKIPS_FILE_WRITES: u8 = 10;

/// tokio-ct with fault `FAULT` switched on.
#[derive(Debug)]
pub struct Faulty<const FAULT: u8>(
    TokioCt,
    #[expect(dead_code, reason = "held for its drop: the escapee thread ends with the runtime")] Option<Escapee>,
);

/// `test-deadlocks`.
pub type Deadlocks = Faulty<DEADLOCKS>;
/// `test-aborts`.
pub type Aborts = Faulty<ABORTS>;
/// `broken-early-timers`.
pub type EarlyTimers = Faulty<EARLY_TIMERS>;
/// `broken-loses-tasks`.
pub type LosesTasks = Faulty<LOSES_TASKS>;
/// `test-unavailable`.
pub type Unavailable = Faulty<UNAVAILABLE>;
/// `broken-corrupts-bytes`.
pub type CorruptsBytes = Faulty<CORRUPTS_BYTES>;
/// `broken-loses-tasks-in-one-shard`.
pub type LosesTasksInOneShard = Faulty<LOSES_TASKS_IN_ONE_SHARD>;
/// `broken-escapes-cores`.
pub type EscapesCores = Faulty<ESCAPES_CORES>;
/// `test-eager-start`.
pub type EagerStart = Faulty<EAGER_START>;
/// `test-reruns-self-wake`.
pub type RerunsSelfWake = Faulty<RERUNS_SELF_WAKE>;
/// `broken-skips-file-writes`.
pub type SkipsFileWrites = Faulty<SKIPS_FILE_WRITES>;

/// A thread that re-pinned itself to every CPU and waits until dropped.
#[derive(Debug)]
pub struct Escapee {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Escapee {
    fn start() -> Self {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (pinned, done) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("escapee".into())
            .spawn(move || {
                let mut every = rustix::thread::CpuSet::new();
                for cpu in 0..rustix::thread::CpuSet::MAX_CPU {
                    every.set(cpu);
                }
                // The kernel keeps the CPUs the process's cpuset allows.
                let _ = rustix::thread::sched_setaffinity(None, &every);
                let _ = pinned.send(());
                let _ = stopped.recv();
            })
            .expect("escapee thread");
        let _ = done.recv();
        Escapee { stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for Escapee {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Why `test-unavailable` does not start.
pub const UNAVAILABLE_REASON: &str = "test runtime: io_uring_setup: Operation not permitted (os error 1)";

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
        UNAVAILABLE => "test-unavailable",
        CORRUPTS_BYTES => "broken-corrupts-bytes",
        LOSES_TASKS_IN_ONE_SHARD => "broken-loses-tasks-in-one-shard",
        ESCAPES_CORES => "broken-escapes-cores",
        EAGER_START => "test-eager-start",
        RERUNS_SELF_WAKE => "test-reruns-self-wake",
        SKIPS_FILE_WRITES => "broken-skips-file-writes",
        _ => "broken-loses-tasks",
    };
    const SUMMARY: &'static str = "test only: tokio-ct with a fault";
    const ONE_THREAD: bool = FAULT == LOSES_TASKS_IN_ONE_SHARD;
    const LIMITS: Limits = Limits { max_tasks: None, no_remote_spawn: Some("test runtime") };

    type JoinHandle<T: Send + 'static> = MaybeLost<<TokioCt as Runtime>::JoinHandle<T>>;
    type Remote = NoRemote;
    type Tcp = FaultyTcp<FAULT>;
    type Files = FaultyFiles<FAULT>;
    type Primitives = <TokioCt as Runtime>::Primitives;

    fn new(config: &Config) -> Result<Self, StartError> {
        if FAULT == UNAVAILABLE {
            return Err(StartError { runtime: Self::ID, reason: UNAVAILABLE_REASON.to_owned() });
        }
        let escapee = (FAULT == ESCAPES_CORES).then(Escapee::start);
        TokioCt::new(config).map(|rt| Faulty(rt, escapee))
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
        let second_shard = || std::thread::current().name().is_some_and(|t| t.ends_with("-shard-1"));
        let loses = FAULT == LOSES_TASKS || (FAULT == LOSES_TASKS_IN_ONE_SHARD && second_shard());
        if loses && n % 3 == 2 {
            drop(future);
            return MaybeLost(None);
        }
        match FAULT {
            EAGER_START => {
                // Polled once here with a waker that goes nowhere; the task
                // polls it again when it first runs, so no wake-up is lost.
                let mut future = Box::pin(future);
                let noop = std::task::Waker::noop();
                let rest: Either<std::future::Ready<F::Output>, Pin<Box<F>>> =
                    match future.as_mut().poll(&mut Context::from_waker(noop)) {
                        Poll::Ready(v) => Either::Left(ready(v)),
                        Poll::Pending => Either::Right(future),
                    };
                MaybeLost(Some(TokioCt::spawn(rest)))
            }
            RERUNS_SELF_WAKE => MaybeLost(Some(TokioCt::spawn(Rerun(Box::pin(future))))),
            _ => MaybeLost(Some(TokioCt::spawn(future))),
        }
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
impl<const FAULT: u8> OwnApi for Faulty<FAULT> {
    const PROFILE: &'static str = TokioCt::PROFILE;
    const TIMEOUT: &'static str = TokioCt::TIMEOUT;
    const CHANNEL: &'static str = TokioCt::CHANNEL;

    type Task<T: Send + 'static> = <TokioCt as OwnApi>::Task<T>;

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

    fn ready_channel(items: Vec<u64>) -> impl futures::Stream<Item = u64> + Send + 'static {
        TokioCt::ready_channel(items)
    }
}

/// A future polled again at once whenever it woke itself during a poll
/// (at most 100 times in a row), as a runtime that puts a self-woken task at
/// the front of its queue does.
struct Rerun<F>(Pin<Box<F>>);

/// A waker that notes it was woken, then wakes the task's real waker.
struct Noted {
    woken: AtomicBool,
    inner: std::task::Waker,
}

impl std::task::Wake for Noted {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.inner.wake_by_ref();
    }
}

impl<F: Future> Future for Rerun<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        for _ in 0..100 {
            let noted = std::sync::Arc::new(Noted { woken: AtomicBool::new(false), inner: cx.waker().clone() });
            let waker = std::task::Waker::from(noted.clone());
            match self.0.as_mut().poll(&mut Context::from_waker(&waker)) {
                Poll::Ready(v) => return Poll::Ready(v),
                Poll::Pending if noted.woken.load(Ordering::SeqCst) => continue,
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Pending
    }
}
