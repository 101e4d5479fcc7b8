//! smol's executors, through the `smol` crate's re-exports (what smol users
//! write): `smol-local` (`smol::LocalExecutor`, async-executor's, on the
//! `block_on` thread) and `smol-mt` (`smol::Executor` on `Config::workers`
//! threads).
//!
//! * `smol-local` is driven by `smol::future::block_on(ex.run(f))`
//!   (futures-lite's), so a run is single-threaded and deterministic; timers
//!   (`smol::Timer`, async-io's) are then driven by async-io's fallback
//!   "async-io" thread, because futures-lite's `block_on` does not run the
//!   reactor.
//! * `smol-mt` follows smol's documented multi-threaded pattern: each worker
//!   thread runs `smol::block_on(ex.run(shutdown))` (async-io's, driving the
//!   reactor when idle). The `block_on` thread only drives the root future.
//!
//! `spawn` finds the executor in a scoped thread-local set around `block_on`
//! and each worker's loop. TCP is async-io's `Async<std::net::TcpStream>`
//! (`net::AsyncIoTcp`, shared with the `futures` executors), what
//! `smol::net` wraps. Files are `smol::fs` (async-fs): every call is
//! `std::fs` on the `blocking` crate's pool (async-fs-2.2.0 src/lib.rs:51,
//! `unblock`), as is `spawn_blocking` (`smol::unblock`).
//!
//! Normalisation: smol's `Task` cancels its task when dropped (async-task
//! docs: "Dropping a Task cancels the task"), so `detach` is `Task::detach`.
//! A panicking task resumes its panic in the joiner (async-executor builds
//! tasks with `propagate_panic(true)`).
use std::future::Future;
use std::sync::Arc;
use std::thread::JoinHandle as Thread;
use std::time::Duration;

use futures::Stream;
use futures::channel::oneshot;
use smol::{Executor, LocalExecutor, Task};
use workloads::{Config, Limits, NoRemote, RemoteSpawn, Runtime, StartError};

use super::support::{delegate_helpers, native_task_is_join_handle, with_context};
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi, accepted, catch};
use crate::registry::Adapter;

fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    let timer = smol::Timer::after(duration);
    async move {
        timer.await;
    }
}

super::files::futures_io_files!(
    SmolFiles,
    smol::fs,
    smol::fs::File,
    "smol::fs (async-fs): std::fs calls on the blocking crate's pool"
);

scoped_tls::scoped_thread_local!(static LOCAL: LocalExecutor<'static>);
scoped_tls::scoped_thread_local!(static SHARED: Arc<Executor<'static>>);

/// `smol-local`: a `LocalExecutor` run by futures-lite's `block_on`.
#[derive(Debug)]
pub struct SmolLocal {
    ex: LocalExecutor<'static>,
}

impl Runtime for SmolLocal {
    const ID: &'static str = "smol-local";
    const SUMMARY: &'static str = "smol::LocalExecutor driven by smol::future::block_on (one thread)";
    const LIMITS: Limits = Limits { max_tasks: None, no_remote_spawn: Some("smol::LocalExecutor is !Send") };
    const ONE_THREAD: bool = true;

    type JoinHandle<T: Send + 'static> = Task<T>;
    type Remote = NoRemote;
    type Tcp = super::net::AsyncIoTcp;
    type Files = SmolFiles;
    type Primitives = workloads::primitives::Neutral;

    fn new(_: &Config) -> Result<Self, StartError> {
        Ok(SmolLocal { ex: LocalExecutor::new() })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        LOCAL.set(&self.ex, || smol::future::block_on(self.ex.run(future)))
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        with_context(&LOCAL, Self::ID, |ex| ex.spawn(future))
    }

    fn detach<T: Send + 'static>(handle: Task<T>) {
        handle.detach()
    }

    delegate_helpers! { spawn_blocking: smol::unblock, sleep: sleep, yield_now: smol::future::yield_now }

    fn remote() -> Option<NoRemote> {
        None
    }
}

impl Adapter for SmolLocal {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        let ex = &self.ex;
        native_spawn_join!(n, |task| ex.spawn(task), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        let ex = &self.ex;
        native_ping_pong!(n, |task| ex.spawn(task), |handle| handle.await)
    }
}

/// `smol-mt`: an `Executor` shared by `Config::workers` threads.
#[derive(Debug)]
pub struct SmolMt {
    ex: Arc<Executor<'static>>,
    /// Dropping these ends the workers' `ex.run(..)`.
    stop: Vec<oneshot::Sender<()>>,
    workers: Vec<Thread<()>>,
}

impl Runtime for SmolMt {
    const ID: &'static str = "smol-mt";
    const SUMMARY: &'static str = "smol::Executor run by Config::workers threads (smol::block_on)";

    type JoinHandle<T: Send + 'static> = Task<T>;
    type Remote = SmolRemote;
    type Tcp = super::net::AsyncIoTcp;
    type Files = SmolFiles;
    type Primitives = workloads::primitives::Neutral;

    fn new(config: &Config) -> Result<Self, StartError> {
        let ex = Arc::new(Executor::new());
        let (mut stop, mut workers) = (Vec::new(), Vec::new());
        for i in 0..config.workers.max(1) {
            let (tx, rx) = oneshot::channel::<()>();
            let ex = ex.clone();
            let worker = std::thread::Builder::new().name(format!("smol-mt-{i}")).spawn(move || {
                SHARED.set(&ex, || smol::block_on(ex.run(rx))).ok();
            });
            let worker = worker.map_err(|e| StartError { runtime: Self::ID, reason: e.to_string() })?;
            stop.push(tx);
            workers.push(worker);
        }
        Ok(SmolMt { ex, stop, workers })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        SHARED.set(&self.ex, || smol::block_on(future))
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        with_context(&SHARED, Self::ID, |ex| ex.spawn(future))
    }

    fn detach<T: Send + 'static>(handle: Task<T>) {
        handle.detach()
    }

    delegate_helpers! { spawn_blocking: smol::unblock, sleep: sleep, yield_now: smol::future::yield_now }

    fn remote() -> Option<SmolRemote> {
        SHARED.is_set().then(|| SHARED.with(|ex| SmolRemote(ex.clone())))
    }
}

impl Drop for SmolMt {
    fn drop(&mut self) {
        self.stop.clear();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// Spawns onto a `smol-mt` executor from any thread.
#[derive(Debug, Clone)]
pub struct SmolRemote(Arc<Executor<'static>>);

impl RemoteSpawn<SmolMt> for SmolRemote {
    fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.0.spawn(future)
    }
}

impl Adapter for SmolMt {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        let ex = &self.ex;
        native_spawn_join!(n, |task| ex.spawn(task), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        let ex = &self.ex;
        native_ping_pong!(n, |task| ex.spawn(task), |handle| handle.await)
    }
}

/// smol's `OwnApi` items; the two executors differ only in their profile and
/// in what their own `block_on` is.
macro_rules! smol_native {
    ($ty:ty, $profile:literal, |$future:ident| $block_on:expr) => {
        impl OwnApi for $ty {
            const PROFILE: &'static str = include_str!($profile);
            const TIMEOUT: &'static str = "FutureExt::or with smol::Timer (smol has no timeout)";
            const CHANNEL: &'static str = "smol::channel (async-channel)";

            native_task_is_join_handle!();

            fn cancel_task<T: Send + 'static>(task: Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
                Some(async move { Ok(task.cancel().await) })
            }

            fn block_on_nested<F: Future>($future: F) -> F::Output {
                $block_on
            }

            fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
            where
                F: Future + Send,
                F::Output: Send,
            {
                use smol::future::FutureExt;
                Some(async { Some(future.await) }.or(async move {
                    sleep(duration).await;
                    None
                }))
            }

            fn ready_channel(items: Vec<u64>) -> impl Stream<Item = u64> + Send + 'static {
                let (tx, rx) = smol::channel::unbounded();
                for item in items {
                    tx.try_send(item).expect("receiver alive");
                }
                rx
            }

            fn bounded_accepts(capacity: usize, attempts: usize) -> Result<usize, String> {
                let (tx, _rx) = catch(|| smol::channel::bounded::<usize>(capacity))?;
                Ok(accepted(attempts, |i| tx.try_send(i).is_ok()))
            }
        }
    };
}

smol_native!(SmolLocal, "../../profiles/smol-local.toml", |future| {
    with_context(&LOCAL, SmolLocal::ID, |ex| smol::future::block_on(ex.run(future)))
});
smol_native!(SmolMt, "../../profiles/smol-mt.toml", |future| smol::block_on(future));
