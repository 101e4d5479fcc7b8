//! tokio: `tokio-ct` (current-thread scheduler) and `tokio-mt` (multi-thread
//! scheduler with `Config::workers` workers).
//!
//! Normalisation: tokio's `JoinHandle` already detaches on drop ("A
//! `JoinHandle` detaches the associated task when it is dropped", tokio docs
//! for `tokio::task::JoinHandle`). Its output is `Result<T, JoinError>`: a
//! panic is resumed in the joiner, which is what the other adapters do.
//! `block_on` runs the root future on the calling thread; in `tokio-mt` that
//! thread is not a worker, so spawned tasks run on the workers.
//!
//! TCP is `tokio::net`, its streams seen through `tokio_util::compat`
//! (`Compat`: tokio's `AsyncRead`/`AsyncWrite` as `futures::io`'s, the
//! documented bridge; its `poll_close` is tokio's `poll_shutdown`).
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use futures::Stream;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};
use workloads::net::Tcp;
use workloads::{Config, RemoteSpawn, Runtime, StartError};

use crate::Adapter;
use crate::native::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, Native, accepted, catch};
use crate::support::{JoinFailure, Joined};

/// tokio, with the current-thread scheduler (`MT = false`) or the
/// multi-thread one (`MT = true`).
#[derive(Debug)]
pub struct Tokio<const MT: bool>(tokio::runtime::Runtime);

/// `tokio-ct`: `Builder::new_current_thread()`.
pub type TokioCt = Tokio<false>;
/// `tokio-mt`: `Builder::new_multi_thread()` with `Config::workers` workers.
pub type TokioMt = Tokio<true>;

/// A tokio task; awaiting it yields its output or resumes its panic.
pub type JoinHandle<T> = Joined<tokio::task::JoinHandle<T>>;

impl JoinFailure for tokio::task::JoinError {
    fn into_panic(self) -> Result<Box<dyn std::any::Any + Send>, Self> {
        self.try_into_panic()
    }
}

/// Spawns onto a tokio runtime from any thread (`tokio::runtime::Handle`).
#[derive(Debug, Clone)]
pub struct Remote(tokio::runtime::Handle);

impl<const MT: bool> RemoteSpawn<Tokio<MT>> for Remote {
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Joined(self.0.spawn(future))
    }
}

/// `tokio::net` sockets; streams through `tokio_util::compat`.
#[derive(Debug)]
pub struct TokioTcp;

impl Tcp for TokioTcp {
    type Stream = Compat<tokio::net::TcpStream>;
    type Listener = tokio::net::TcpListener;

    async fn bind(addr: SocketAddr) -> io::Result<tokio::net::TcpListener> {
        tokio::net::TcpListener::bind(addr).await
    }

    fn local_addr(listener: &tokio::net::TcpListener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &tokio::net::TcpListener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream.compat())
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream.compat())
    }
}

impl<const MT: bool> Runtime for Tokio<MT> {
    const ID: &'static str = if MT { "tokio-mt" } else { "tokio-ct" };
    const SUMMARY: &'static str = if MT {
        "tokio multi-thread scheduler, one worker per configured thread"
    } else {
        "tokio current-thread scheduler driven by block_on"
    };
    const ONE_THREAD: bool = !MT;

    type JoinHandle<T: Send + 'static> = JoinHandle<T>;
    type Remote = Remote;
    type Tcp = TokioTcp;

    fn new(config: &Config) -> Result<Self, StartError> {
        let mut builder = if MT {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(config.workers.max(1));
            b
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        let rt = builder.enable_time().enable_io().build();
        rt.map(Tokio).map_err(|e| StartError { runtime: Self::ID, reason: e.to_string() })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn<F>(future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Joined(tokio::spawn(future))
    }

    fn detach<T: Send + 'static>(handle: JoinHandle<T>) {
        // Dropping the handle detaches the task.
        drop(handle)
    }

    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Joined(tokio::task::spawn_blocking(work))
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        tokio::time::sleep(duration)
    }

    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        tokio::task::yield_now()
    }

    fn remote() -> Option<Remote> {
        Some(Remote(tokio::runtime::Handle::current()))
    }
}

impl<const MT: bool> Adapter for Tokio<MT> {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        native_spawn_join!(n, |task| tokio::spawn(task), |handle| handle.await.unwrap())
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        native_ping_pong!(n, |task| tokio::spawn(task), |handle| handle.await.unwrap())
    }
}

impl<const MT: bool> Native for Tokio<MT> {
    const PROFILE: &'static str =
        if MT { include_str!("../profiles/tokio-mt.toml") } else { include_str!("../profiles/tokio-ct.toml") };
    const TIMEOUT: &'static str = "tokio::time::timeout";
    const CHANNEL: &'static str = "tokio::sync::mpsc";

    type Task<T: Send + 'static> = tokio::task::JoinHandle<T>;

    fn spawn_task<F>(future: F) -> Self::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(future)
    }

    async fn join_task<T: Send + 'static>(task: Self::Task<T>) -> Result<T, String> {
        task.await.map_err(|e| e.to_string())
    }

    fn cancel_task<T: Send + 'static>(task: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        task.abort();
        Some(async move { task.await.map(Some).map_err(|e| e.to_string()) })
    }

    fn block_on_nested<F: Future>(future: F) -> F::Output {
        tokio::runtime::Handle::current().block_on(future)
    }

    fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
    where
        F: Future + Send,
        F::Output: Send,
    {
        Some(async move { tokio::time::timeout(duration, future).await.ok() })
    }

    fn ready_channel(items: Vec<u64>) -> impl Stream<Item = u64> + Send + 'static {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for item in items {
            tx.send(item).expect("receiver alive");
        }
        futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }

    fn bounded_accepts(capacity: usize, attempts: usize) -> Result<usize, String> {
        let (tx, _rx) = catch(|| tokio::sync::mpsc::channel::<usize>(capacity))?;
        Ok(accepted(attempts, |i| tx.try_send(i).is_ok()))
    }
}
