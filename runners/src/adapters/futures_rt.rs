//! The `futures` crate's own executors: `futures-local` (`LocalPool`) and
//! `futures-pool` (`ThreadPool`), with `futures-timer` for timers.
//!
//! The `futures` executors have no timer, no `yield_now` and no blocking
//! pool: timers are `futures_timer::Delay` (one global timer thread),
//! `yield_now` is Arena's runtime-neutral `YieldNow`, and blocking work runs
//! on a new OS thread per call. They have no file API either: files are
//! `std::fs` calls, each on a new thread as their blocking work is, and
//! every file cell says so (`files::StdFiles<NewThread>`). They have no reactor either: TCP is
//! async-io's (`net::AsyncIoTcp`), whose reactor then runs on async-io's own
//! thread.
//!
//! Normalisation: `spawn_with_handle` returns a `RemoteHandle`, which cancels
//! the task when dropped (futures docs for `RemoteHandle`: "dropping the
//! handle will cancel the future"), so `detach` is `RemoteHandle::forget`,
//! and `spawn_detached` spawns without a handle (`spawn_local` / `spawn`). A
//! panic inside the task is resumed by the `RemoteHandle` in the joiner.
//!
//! Of primitives, `futures` ships only `futures::lock::Mutex`
//! ([`FuturesLock`]); the rest are the neutral ones.
use std::cell::RefCell;
use std::future::Future;
use std::sync::{Arc, Barrier};

use futures::FutureExt;
use futures::executor::{LocalPool, LocalSpawner, ThreadPool};
use futures::future::RemoteHandle;
use futures::task::{LocalSpawnExt, SpawnExt};
use workloads::primitives::{AsyncMutex, Neutral, Primitive, Primitives};
use workloads::{Config, Limits, NoRemote, RemoteSpawn, Runtime, StartError};

use super::files::{NewThread, StdFiles};
use super::support::{YieldNow, delegate_helpers, native_task_is_join_handle, on_new_thread, with_context};
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi};
use crate::registry::Adapter;

scoped_tls::scoped_thread_local!(static LOCAL: LocalSpawner);
// The pool, on the `block_on` thread while it runs.
scoped_tls::scoped_thread_local!(static POOL: ThreadPool);
thread_local! {
    // The pool, on each worker (whose loop is the pool's, not ours to wrap).
    static WORKER_POOL: RefCell<Option<ThreadPool>> = const { RefCell::new(None) };
}

/// Calls `f` with the pool of the `futures-pool` runtime this thread is in.
fn with_pool<R>(f: impl FnOnce(&ThreadPool) -> R) -> R {
    if POOL.is_set() {
        return POOL.with(f);
    }
    WORKER_POOL.with(|slot| match slot.borrow().as_ref() {
        Some(pool) => f(pool),
        None => panic!("{}: spawn called outside the runtime (not inside block_on or a task)", FuturesPool::ID),
    })
}

/// `futures::lock`'s `Mutex`, the one primitive `futures` ships; the
/// others are [`Neutral`]'s.
#[derive(Debug)]
pub enum FuturesLock {}

impl Primitives for FuturesLock {
    const SOURCE: &'static str = "futures::lock";
    const OWN: &'static [Primitive] = &[Primitive::Mutex];

    type Mutex<T: Send + 'static> = FuturesMutex<T>;
    type RwLock<T: Send + Sync + 'static> = <Neutral as Primitives>::RwLock<T>;
    type Semaphore = <Neutral as Primitives>::Semaphore;
    type Barrier = <Neutral as Primitives>::Barrier;
    type Notify = <Neutral as Primitives>::Notify;
    type Watch = <Neutral as Primitives>::Watch;
}

/// `futures::lock::Mutex` behind the seam's trait.
#[derive(Debug)]
pub struct FuturesMutex<T>(futures::lock::Mutex<T>);

impl<T: Send + 'static> AsyncMutex<T> for FuturesMutex<T> {
    type Guard<'a> = futures::lock::MutexGuard<'a, T>;

    fn new(value: T) -> Self {
        FuturesMutex(futures::lock::Mutex::new(value))
    }

    fn lock(&self) -> impl Future<Output = Self::Guard<'_>> + Send {
        self.0.lock()
    }
}

/// `futures-local`: a `LocalPool` run by `run_until` on the `block_on` thread.
#[derive(Debug)]
pub struct FuturesLocal {
    pool: RefCell<LocalPool>,
    /// The context `spawn` finds (a scoped thread-local during `block_on`),
    /// also used by the native twins, which run while `block_on` holds `pool`.
    spawner: LocalSpawner,
}

impl Runtime for FuturesLocal {
    const ID: &'static str = "futures-local";
    const SUMMARY: &'static str = "futures::executor::LocalPool (one thread), futures-timer for timers";
    const LIMITS: Limits = Limits { max_tasks: None, no_remote_spawn: Some("futures' LocalSpawner is !Send") };
    const ONE_THREAD: bool = true;

    type JoinHandle<T: Send + 'static> = RemoteHandle<T>;
    type Remote = NoRemote;
    type Tcp = super::net::AsyncIoTcp;
    type Files = StdFiles<NewThread>;
    type Primitives = FuturesLock;

    fn new(_: &Config) -> Result<Self, StartError> {
        let pool = LocalPool::new();
        Ok(FuturesLocal { spawner: pool.spawner(), pool: RefCell::new(pool) })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        LOCAL.set(&self.spawner, || self.pool.borrow_mut().run_until(future))
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = with_context(&LOCAL, Self::ID, |s| s.spawn_local_with_handle(future));
        handle.expect("LocalPool is gone")
    }

    fn detach<T: Send + 'static>(handle: RemoteHandle<T>) {
        handle.forget()
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        with_context(&LOCAL, Self::ID, |s| s.spawn_local(future.map(drop))).expect("LocalPool is gone")
    }

    delegate_helpers! { spawn_blocking: on_new_thread, sleep: futures_timer::Delay::new, yield_now: YieldNow::default }

    fn remote() -> Option<NoRemote> {
        None
    }
}

impl Adapter for FuturesLocal {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        let spawner = &self.spawner;
        native_spawn_join!(n, |task| spawner.spawn_local_with_handle(task).unwrap(), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        let spawner = &self.spawner;
        native_ping_pong!(n, |task| spawner.spawn_local_with_handle(task).unwrap(), |handle| handle.await)
    }
}

/// `futures-pool`: a `ThreadPool` of `Config::workers` threads; the `block_on`
/// thread runs `futures::executor::block_on` on the root future.
///
/// `ThreadPool` has no notion of a current pool, so the adapter keeps a clone
/// in a thread-local on every worker (and on the `block_on` thread while it
/// runs). Those clones would keep the pool alive forever, so `new` and `drop`
/// set and clear them by running one task per worker, all held at a barrier
/// so that each lands on a different worker.
#[derive(Debug)]
pub struct FuturesPool {
    pool: ThreadPool,
    workers: usize,
}

/// Runs `f` once on every worker of `pool` (`workers` of them) and waits.
fn on_every_worker(pool: &ThreadPool, workers: usize, f: impl Fn() + Send + Sync + 'static) {
    let (f, barrier) = (Arc::new(f), Arc::new(Barrier::new(workers)));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (f, barrier) = (f.clone(), barrier.clone());
            pool.spawn_with_handle(async move {
                f();
                barrier.wait();
            })
        })
        .collect::<Result<_, _>>()
        .expect("ThreadPool refused a task");
    futures::executor::block_on(futures::future::join_all(tasks));
}

impl Runtime for FuturesPool {
    const ID: &'static str = "futures-pool";
    const SUMMARY: &'static str = "futures::executor::ThreadPool, Config::workers threads, futures-timer for timers";

    type JoinHandle<T: Send + 'static> = RemoteHandle<T>;
    type Remote = ThreadPool;
    type Tcp = super::net::AsyncIoTcp;
    type Files = StdFiles<NewThread>;
    type Primitives = FuturesLock;

    fn new(config: &Config) -> Result<Self, StartError> {
        let workers = config.workers.max(1);
        let built = ThreadPool::builder().pool_size(workers).name_prefix("futures-pool-").create();
        let pool = built.map_err(|e| StartError { runtime: Self::ID, reason: e.to_string() })?;
        let shared = pool.clone();
        on_every_worker(&pool, workers, move || WORKER_POOL.with(|slot| *slot.borrow_mut() = Some(shared.clone())));
        Ok(FuturesPool { pool, workers })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        POOL.set(&self.pool, || futures::executor::block_on(future))
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        with_pool(|pool| pool.spawn_with_handle(future)).expect("ThreadPool is shut down")
    }

    fn detach<T: Send + 'static>(handle: RemoteHandle<T>) {
        handle.forget()
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        with_pool(|pool| pool.spawn_ok(future.map(drop)))
    }

    delegate_helpers! { spawn_blocking: on_new_thread, sleep: futures_timer::Delay::new, yield_now: YieldNow::default }

    fn remote() -> Option<ThreadPool> {
        if POOL.is_set() { Some(POOL.with(ThreadPool::clone)) } else { WORKER_POOL.with(|slot| slot.borrow().clone()) }
    }
}

impl Drop for FuturesPool {
    fn drop(&mut self) {
        on_every_worker(&self.pool, self.workers, || WORKER_POOL.with(|slot| *slot.borrow_mut() = None));
    }
}

impl RemoteSpawn<FuturesPool> for ThreadPool {
    fn spawn<F>(&self, future: F) -> RemoteHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with_handle(future).expect("ThreadPool is shut down")
    }
}

impl Adapter for FuturesPool {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        let pool = &self.pool;
        native_spawn_join!(n, |task| pool.spawn_with_handle(task).unwrap(), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        let pool = &self.pool;
        native_ping_pong!(n, |task| pool.spawn_with_handle(task).unwrap(), |handle| handle.await)
    }
}

/// The futures executors' `OwnApi` items; they differ only in their profile.
macro_rules! futures_native {
    ($ty:ty, $profile:literal) => {
        impl OwnApi for $ty {
            const PROFILE: &'static str = include_str!($profile);

            native_task_is_join_handle!();

            fn cancel_task<T: Send + 'static>(_: RemoteHandle<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
                None::<std::future::Ready<Cancelled<T>>>
            }

            fn block_on_nested<F: Future>(future: F) -> F::Output {
                futures::executor::block_on(future)
            }
        }
    };
}

futures_native!(FuturesLocal, "../../profiles/futures-local.toml");
futures_native!(FuturesPool, "../../profiles/futures-pool.toml");
