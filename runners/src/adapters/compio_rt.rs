//! compio: `compio`, a thread-per-core, completion-based runtime (io_uring
//! here, with a polling fallback compiled in).
//!
//! One `compio::runtime::Runtime` per value, built on the thread that uses
//! it; the harness runs a workload on `Config::workers` of them, one per
//! thread, each running a shard (`runners::host`). compio has no work
//! stealing and no spawning from other threads into a runtime (that is its
//! separate `dispatcher` crate, not used here).
//!
//! * `block_on` is `Runtime::block_on`; `spawn` is `compio::runtime::spawn`,
//!   which finds the runtime in compio's own thread-local.
//! * Normalisation: compio's `JoinHandle` cancels its task when dropped
//!   (compio-executor-0.1.4 src/join_handle.rs:19, "Dropping a JoinHandle
//!   will cancel the task"), so `detach` is `JoinHandle::detach`. Its output
//!   is `Result<T, JoinError>`; [`JoinHandle`] resumes a panic in the joiner
//!   (`JoinError::Panicked`), as the other adapters do.
//! * `spawn_blocking` is compio's own (an `Asyncify` op on the driver's
//!   thread pool). compio's timers are `!Send` (`async fn`s holding the
//!   runtime's `Rc`): the seam's `Send` bound is met by
//!   `send_wrapper::SendWrapper`, which panics if polled or dropped on
//!   another thread, which a shard's tasks never are. `sleep` fixes its
//!   deadline when called (`sleep_until(now + d)`: compio's `sleep` is an
//!   `async fn` whose deadline would start at the first poll). compio has no
//!   `yield_now`: the seam's is `support::YieldNow`.
//! * TCP is `compio::net`, whose streams take owned buffers; compio's own
//!   `compio::io::compat::AsyncStream` gives them the `futures::io` traits,
//!   copying through a buffer of its own (and buffering writes until a
//!   flush). It is `!Unpin` (compio-io-0.10.1 src/compat/async_stream.rs:21,
//!   `PhantomPinned`), so each stream is boxed once, at connect or accept.
//! * Files are `compio::fs` ([`CompioFiles`]), positional, on owned buffers,
//!   each call an io_uring submission (compio-driver-0.12.5
//!   src/sys/op/fs/iour.rs:6 `OpenFile`, :159 `Sync`;
//!   src/sys/op/general/iour.rs:75 `ReadAt`).
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, Instant};

use compio::buf::{IntoInner, IoBuf};
use compio::io::{AsyncReadAtExt, AsyncWriteAtExt};
use compio::runtime::JoinError;
use send_wrapper::SendWrapper;
use workloads::fs::Files;
use workloads::{Config, Limits, NoRemote, Runtime, StartError};

use super::files::At;
use super::net::{LocalNet, LocalTcp};
use super::support::{JoinFailure, Joined, YieldNow};
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi};
use crate::registry::Adapter;

/// `compio`: one `compio::runtime::Runtime` on the thread that built it.
#[derive(Debug)]
pub struct Compio(compio::runtime::Runtime);

/// `compio::fs`, positional, on io_uring.
#[derive(Debug)]
pub enum CompioFiles {}

impl Files for CompioFiles {
    type File = At<compio::fs::File>;
    const API: &'static str = "compio::fs on io_uring";
    const OWN: bool = true;

    fn open(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        SendWrapper::new(async move { compio::fs::File::open(path).await.map(At::new) })
    }

    fn create(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        SendWrapper::new(async move { compio::fs::File::create(path).await.map(At::new) })
    }

    fn read_exact(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = (io::Result<()>, Vec<u8>)> + Send {
        SendWrapper::new(async move {
            let len = buf.len();
            // A slice of exactly `len`: compio fills a buffer to its capacity.
            let compio::BufResult(read, buf) = file.file.read_exact_at(buf.slice(0..len), file.at).await;
            file.at += if read.is_ok() { len as u64 } else { 0 };
            (read, buf.into_inner())
        })
    }

    fn write_all(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(async move {
            let len = buf.len() as u64;
            let compio::BufResult(written, _) = (&*file.file).write_all_at(buf, file.at).await;
            file.at += if written.is_ok() { len } else { 0 };
            written
        })
    }

    fn sync_data(file: &mut Self::File) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(file.file.sync_data())
    }

    fn close(file: Self::File) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(file.into_inner().close())
    }

    fn read(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        SendWrapper::new(compio::fs::read(path))
    }

    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(compio::fs::remove_file(path))
    }
}

/// A compio task; awaiting it yields its output or resumes its panic.
pub type JoinHandle<T> = Joined<compio::runtime::JoinHandle<T>>;

impl JoinFailure for JoinError {
    fn into_panic(self) -> Result<Box<dyn std::any::Any + Send>, Self> {
        match self {
            JoinError::Panicked(panic) => Ok(panic),
            other => Err(other),
        }
    }
}

impl Runtime for Compio {
    const ID: &'static str = "compio";
    const SUMMARY: &'static str =
        "compio Runtime (io_uring), one per worker thread, each running a shard of the workload";
    const LIMITS: Limits =
        Limits { max_tasks: None, no_remote_spawn: Some("a compio Runtime takes spawns only from its own thread") };
    const ONE_THREAD: bool = true;
    const THREAD_PER_CORE: bool = true;

    type JoinHandle<T: Send + 'static> = JoinHandle<T>;
    type Remote = NoRemote;
    type Tcp = LocalTcp<CompioNet>;
    type Files = CompioFiles;
    type Primitives = workloads::primitives::Neutral;

    fn new(_: &Config) -> Result<Self, StartError> {
        compio::runtime::Runtime::new().map(Compio).map_err(|e| StartError { runtime: Self::ID, reason: e.to_string() })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn<F>(future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Joined(compio::runtime::spawn(future))
    }

    fn detach<T: Send + 'static>(handle: JoinHandle<T>) {
        handle.0.detach()
    }

    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Joined(compio::runtime::spawn_blocking(work))
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        SendWrapper::new(compio::time::sleep_until(Instant::now() + duration))
    }

    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        YieldNow::default()
    }

    fn remote() -> Option<NoRemote> {
        None
    }
}

/// `compio::net` sockets, streams through `compio::io::compat::AsyncStream`.
#[derive(Debug)]
pub struct CompioNet;

/// A compio stream as `futures::io`.
pub type CompioStream = Pin<Box<compio::io::compat::AsyncStream<compio::net::TcpStream>>>;

impl LocalNet for CompioNet {
    type Stream = CompioStream;
    type Listener = compio::net::TcpListener;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        compio::net::TcpListener::bind(addr).await
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<CompioStream> {
        let (stream, _) = listener.accept().await?;
        compat(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<CompioStream> {
        compat(compio::net::TcpStream::connect(addr).await?)
    }
}

/// A compio stream with `TCP_NODELAY`, as `futures::io`.
fn compat(stream: compio::net::TcpStream) -> io::Result<CompioStream> {
    stream.set_nodelay(true)?;
    Ok(Box::pin(compio::io::compat::AsyncStream::new(stream)))
}

impl Adapter for Compio {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        native_spawn_join!(n, |task| compio::runtime::spawn(task), |handle| handle.await.expect("task finished"))
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        native_ping_pong!(n, |task| compio::runtime::spawn(task), |handle| handle.await.expect("task finished"))
    }
}

impl OwnApi for Compio {
    const PROFILE: &'static str = include_str!("../../profiles/compio.toml");
    const TIMEOUT: &'static str = "compio::time::timeout";

    type Task<T: Send + 'static> = compio::runtime::JoinHandle<T>;

    fn spawn_task<F>(future: F) -> Self::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        compio::runtime::spawn(future)
    }

    async fn join_task<T: Send + 'static>(task: Self::Task<T>) -> Result<T, String> {
        task.await.map_err(|e| e.to_string())
    }

    fn cancel_task<T: Send + 'static>(task: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        Some(async move { Ok(task.cancel().await) })
    }

    fn block_on_nested<F: Future>(future: F) -> F::Output {
        compio::runtime::Runtime::with_current(|rt| rt.block_on(future))
    }

    fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
    where
        F: Future + Send,
        F::Output: Send,
    {
        let timed = compio::time::timeout(duration, future);
        Some(SendWrapper::new(async move { timed.await.ok() }))
    }
}
