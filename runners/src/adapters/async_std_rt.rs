//! async-std 1.13 (discontinued upstream, still used in the wild): `async-std`.
//!
//! async-std runs one global executor (async-global-executor) for the whole
//! process. Its thread count is fixed when it first starts: `new` configures
//! it with `Config::workers` through `async_global_executor::init_with_config`
//! (the first configuration wins, see async-global-executor's `init.rs`), and
//! refuses a later, different count instead of silently running with the old
//! one. `ASYNC_STD_THREAD_COUNT` still overrides, as async-std documents.
//!
//! Normalisation: async-std's `JoinHandle` detaches on drop (its `Drop` calls
//! `detach`) and yields the task's output; nothing to change.
//!
//! TCP is `async_std::net`, whose streams implement `futures::io` themselves.
//! Files are `async_std::fs`: every call is `std::fs` on its blocking pool
//! (async-std-1.13.2 src/fs/file.rs:15 and src/fs/read.rs:40 use
//! `task::spawn_blocking`, which is `async_global_executor::spawn_blocking`,
//! src/task/spawn_blocking.rs:36, the `blocking` crate's pool).
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use futures::Stream;
use workloads::net::Tcp;
use workloads::{Config, Runtime, StartError};

use super::support::{AnyThread, native_task_is_join_handle};
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi, accepted, catch};
use crate::registry::Adapter;

super::files::futures_io_files!(
    AsyncStdFiles,
    async_std::fs,
    async_std::fs::File,
    "async_std::fs: std::fs calls on its blocking pool (the blocking crate)"
);

/// The async-std global runtime.
#[derive(Debug)]
pub struct AsyncStd(());

/// Worker count the global executor was started with.
static WORKERS: OnceLock<usize> = OnceLock::new();

/// `async_std::net` sockets.
#[derive(Debug)]
pub struct AsyncStdTcp;

impl Tcp for AsyncStdTcp {
    type Stream = async_std::net::TcpStream;
    type Listener = async_std::net::TcpListener;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        async_std::net::TcpListener::bind(addr).await
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = async_std::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}

impl Runtime for AsyncStd {
    const ID: &'static str = "async-std";
    const SUMMARY: &'static str = "async-std 1.13 global executor (async-global-executor), Config::workers threads";

    type JoinHandle<T: Send + 'static> = async_std::task::JoinHandle<T>;
    type Remote = AnyThread<AsyncStd>;
    type Tcp = AsyncStdTcp;
    type Files = AsyncStdFiles;
    type Primitives = workloads::primitives::Neutral;

    fn new(config: &Config) -> Result<Self, StartError> {
        let workers = config.workers.max(1);
        let started = *WORKERS.get_or_init(|| {
            let cfg = async_global_executor::GlobalExecutorConfig::default()
                .with_env_var("ASYNC_STD_THREAD_COUNT")
                .with_min_threads(workers)
                .with_max_threads(workers);
            async_global_executor::init_with_config(cfg);
            workers
        });
        if started != workers {
            let reason = format!("its global executor already runs {started} threads in this process, not {workers}");
            return Err(StartError { runtime: Self::ID, reason });
        }
        Ok(AsyncStd(()))
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        async_std::task::block_on(future)
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        async_std::task::spawn(future)
    }

    fn detach<T: Send + 'static>(handle: Self::JoinHandle<T>) {
        // Dropping the handle detaches the task.
        drop(handle)
    }

    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        async_std::task::spawn_blocking(work)
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        async_std::task::sleep(duration)
    }

    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        async_std::task::yield_now()
    }

    fn remote() -> Option<Self::Remote> {
        Some(AnyThread::new())
    }
}

impl Adapter for AsyncStd {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        native_spawn_join!(n, |task| async_std::task::spawn(task), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        native_ping_pong!(n, |task| async_std::task::spawn(task), |handle| handle.await)
    }
}

impl OwnApi for AsyncStd {
    const PROFILE: &'static str = include_str!("../../profiles/async-std.toml");
    const TIMEOUT: &'static str = "async_std::future::timeout";
    const CHANNEL: &'static str = "async_std::channel (async-channel 1.x)";

    native_task_is_join_handle!();

    fn cancel_task<T: Send + 'static>(task: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        Some(async move { Ok(task.cancel().await) })
    }

    fn block_on_nested<F: Future>(future: F) -> F::Output {
        async_std::task::block_on(future)
    }

    fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
    where
        F: Future + Send,
        F::Output: Send,
    {
        Some(async move { async_std::future::timeout(duration, future).await.ok() })
    }

    fn ready_channel(items: Vec<u64>) -> impl Stream<Item = u64> + Send + 'static {
        let (tx, rx) = async_std::channel::unbounded();
        for item in items {
            tx.try_send(item).expect("receiver alive");
        }
        rx
    }

    fn bounded_accepts(capacity: usize, attempts: usize) -> Result<usize, String> {
        let (tx, _rx) = catch(|| async_std::channel::bounded::<usize>(capacity))?;
        Ok(accepted(attempts, |i| tx.try_send(i).is_ok()))
    }
}
