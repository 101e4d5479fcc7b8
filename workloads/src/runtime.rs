//! The runtime seam: everything a workload may ask of a runtime.
//!
//! A workload is generic over `R: Runtime` and calls only associated functions
//! (`R::spawn`, `R::sleep`, …), so it is monomorphised per runtime: no boxing,
//! no dynamic dispatch and no channel hop between a workload and the runtime.
//!
//! Spawning is *contextual* (like `tokio::spawn`): an adapter finds its
//! executor in a thread-local set up by [`Runtime::block_on`] and on its worker
//! threads, so a task can spawn without carrying a handle around.
//!
//! # Normalised semantics
//!
//! Runtimes disagree on a few points that would otherwise make the same
//! workload measure different things. Every adapter normalises them:
//!
//! * **Fire-and-forget goes through the seam.** What dropping a join handle
//!   does is the runtime's own behaviour (tokio and async-std detach, smol's
//!   `Task` and futures' `RemoteHandle` cancel), so a workload never drops a
//!   handle it has not awaited: it calls [`Runtime::spawn_detached`] or
//!   [`Runtime::detach`], which each adapter maps to its runtime's idiom
//!   (`Task::detach`, `RemoteHandle::forget`, dropping a tokio handle). Handles
//!   stay the runtimes' own types, with no wrapper to pay for.
//! * **Awaiting a handle yields the task's output**; a task that panicked
//!   resumes its panic in the joiner (tokio's `JoinError` is unwrapped).
//! * **The root future passed to `block_on` only spawns and awaits**: work is
//!   done in spawned tasks so that it runs on the runtime's workers.
//! * **TCP is the runtime's own** (or its documented compat layer), through
//!   [`Runtime::Tcp`]: [`crate::net::Tcp`] streams are `futures::io` ones with
//!   `TCP_NODELAY` set, and connections are ended by dropping the stream, the
//!   one way of closing every runtime agrees on.
//! * **Files are the runtime's own** file API where it has one, through
//!   [`Runtime::Files`] ([`crate::fs`]); a runtime without one says what
//!   stands in ([`Files::OWN`], [`Files::API`]).
//! * **Locks and events are chosen by the workload**, through
//!   [`Runtime::Primitives`] ([`crate::primitives`]): a workload either uses
//!   the runtime-neutral ones on every runtime or asks for the runtime's own.
//!
//! # Thread-per-core runtimes
//!
//! The seam asks spawned futures and join handles to be `Send`, because the
//! multi-threaded runtimes need it. Workloads are written with `Send` data
//! (`Arc`, `futures::channel`), which a `!Send` executor runs just as well. A
//! thread-per-core adapter (glommio, monoio, compio) is one executor on one
//! thread and sets [`Runtime::THREAD_PER_CORE`]. On N cores the harness runs
//! a workload on N instances of any runtime whose tasks all run on one thread
//! ([`Runtime::ONE_THREAD`]: these, tokio-ct, smol-local, futures-local) at
//! once, each on its own thread running one *shard*
//! ([`Workload::shard_sizes`](crate::Workload::shard_sizes)).
//! Its `!Send` handles and timers satisfy the `Send` bound through a
//! thread-checked wrapper: a shard's tasks never leave its thread. Nothing in
//! a workload needs to change for that.
use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::fs::Files;
use crate::net::Tcp;
use crate::primitives::Primitives;

/// How a runtime is configured for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Worker threads for multi-threaded runtimes (ignored by single-threaded
    /// ones, which the harness runs as this many instances instead).
    pub workers: usize,
}

impl Default for Config {
    /// One worker per available core.
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config { workers }
    }
}

/// What a runtime can and cannot do; the harness checks it against a
/// workload's [`Needs`](crate::Needs) and marks the cell "n/a" with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most tasks that may be alive at once, if the runtime has a cap
    /// (the `threads` baseline: every task is an OS thread).
    pub max_tasks: Option<u64>,
    /// Why tasks cannot be spawned from threads outside the runtime, if so.
    pub no_remote_spawn: Option<&'static str>,
}

impl Limits {
    /// No cap, remote spawns allowed.
    pub const NONE: Limits = Limits { max_tasks: None, no_remote_spawn: None };
}

/// A runtime could not be started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    /// The runtime's id.
    pub runtime: &'static str,
    /// What went wrong, in words.
    pub reason: String,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot start runtime {}: {}", self.runtime, self.reason)
    }
}

impl std::error::Error for StartError {}

/// One async runtime behind Arena's seam. See the [module docs](self).
pub trait Runtime: Sized + 'static {
    /// Stable id used in benchmark ids, flags and results (`tokio-ct`).
    const ID: &'static str;
    /// One line saying what this adapter runs and how.
    const SUMMARY: &'static str;
    /// Caps and missing capabilities.
    const LIMITS: Limits = Limits::NONE;
    /// Whether every task runs on the thread that calls [`Runtime::block_on`]
    /// (no worker threads): then a counter of that thread sees all of a run's
    /// work, which is what instruction-count regression checks rely on; and
    /// on N cores a run uses N instances, one per thread, each with a shard.
    const ONE_THREAD: bool = false;
    /// Whether the runtime is one executor of a thread-per-core design (no
    /// work stealing, no spawning onto other threads; it also sets
    /// [`Runtime::ONE_THREAD`], so on several cores a run uses one instance
    /// per core, each on its own thread running a shard of the work).
    const THREAD_PER_CORE: bool = false;

    /// A spawned task; awaiting it yields the task's output. What dropping it
    /// unawaited does is runtime-specific: use [`Runtime::detach`] instead.
    type JoinHandle<T: Send + 'static>: Future<Output = T> + Send + Unpin + 'static;
    /// A handle that spawns onto this runtime from threads outside it.
    type Remote: RemoteSpawn<Self>;
    /// Loopback TCP on this runtime: its own sockets, or its compat layer,
    /// as `futures::io` streams.
    type Tcp: Tcp;
    /// Files on this runtime: its own file API, or what stands in for one.
    type Files: Files;
    /// The async primitives this runtime ships ([`Neutral`] where it ships
    /// none of its own, or re-exports the neutral ones).
    ///
    /// [`Neutral`]: crate::primitives::Neutral
    type Primitives: Primitives;

    /// Builds the runtime (threads, reactors) for the given configuration.
    fn new(config: &Config) -> Result<Self, StartError>;

    /// Runs `future` to completion on the calling thread, inside the runtime's context.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Spawns a task from inside the runtime's context.
    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Lets a spawned task run on with nobody awaiting it.
    fn detach<T: Send + 'static>(handle: Self::JoinHandle<T>);

    /// Spawns a task nobody will await (fire and forget).
    fn spawn_detached<F>(future: F)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Self::detach(Self::spawn(future))
    }

    /// Runs blocking work where it cannot stall the async tasks.
    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// Completes no earlier than `duration` from now.
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static;

    /// Returns `Pending` once, letting other tasks run, then completes.
    fn yield_now() -> impl Future<Output = ()> + Send + 'static;

    /// A spawner usable from foreign threads, taken from inside the runtime's
    /// context; `None` where [`Limits::no_remote_spawn`] says why not.
    fn remote() -> Option<Self::Remote>;
}

/// Spawns onto runtime `R` from any thread.
pub trait RemoteSpawn<R: Runtime>: Clone + Send + Sync + 'static {
    /// Spawns `future` onto the runtime this handle was taken from.
    fn spawn<F>(&self, future: F) -> R::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;
}

/// The [`Runtime::Remote`] of a runtime that cannot be spawned onto from
/// other threads: it has no values, so it can never be used.
#[derive(Debug, Clone, Copy)]
pub enum NoRemote {}

impl<R: Runtime> RemoteSpawn<R> for NoRemote {
    fn spawn<F>(&self, _: F) -> R::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match *self {}
    }
}
