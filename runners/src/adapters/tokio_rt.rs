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
//!
//! Files are `tokio::fs` ([`TokioFiles`]), on tokio's blocking pool.
//!
//! Its own primitives are `tokio::sync` ([`TokioSync`]): `Mutex`, `RwLock`,
//! `Semaphore`, `Barrier`, `Notify` and `watch`, each behind an [`Own`]
//! wrapper that maps it onto the seam's traits (a permit is never refused:
//! Arena never closes a semaphore). `Notify::notified` is registered from
//! creation for `notify_waiters` ("The `Notified` future is guaranteed to
//! receive wakeups from `notify_waiters()` as soon as it has been created,
//! even if it has not yet been polled", tokio docs of `Notify::notified`),
//! which is what the seam's `Notify::listen` promises.
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures::Stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};
use workloads::fs::Files;
use workloads::net::Tcp;
use workloads::primitives::{
    AsyncBarrier, AsyncMutex, AsyncRwLock, AsyncSemaphore, Notify, Primitive, Primitives, Watch, WatchReceiver,
    WatchSender,
};
use workloads::{Config, RemoteSpawn, Runtime, StartError};

use super::support::{JoinFailure, Joined};
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi, accepted, catch};
use crate::registry::Adapter;

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

/// `tokio::fs`: every call is `std::fs` run on tokio's blocking pool
/// (tokio-1.54.1 src/fs/file.rs:29 imports `spawn_blocking`; `fs::read` is
/// `asyncify(std::fs::read)`; its io_uring path needs `--cfg tokio_unstable`,
/// src/fs/read.rs:59, which Arena does not build with). A `File` reads and
/// writes through a buffer of its own, one blocking call per chunk of at
/// most 2 MiB (`DEFAULT_MAX_BUF_SIZE`).
#[derive(Debug)]
pub struct TokioFiles;

impl Files for TokioFiles {
    type File = tokio::fs::File;
    const API: &'static str = "tokio::fs: std::fs calls on tokio's blocking pool";
    const OWN: bool = true;

    fn open(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        tokio::fs::File::open(path)
    }

    fn create(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        tokio::fs::File::create(path)
    }

    async fn read_exact(file: &mut Self::File, mut buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        (file.read_exact(&mut buf).await.map(drop), buf)
    }

    async fn write_all(file: &mut Self::File, buf: Vec<u8>) -> io::Result<()> {
        file.write_all(&buf).await
    }

    fn sync_data(file: &mut Self::File) -> impl Future<Output = io::Result<()>> + Send + '_ {
        file.sync_data()
    }

    async fn close(mut file: Self::File) -> io::Result<()> {
        // A write may still be running on the pool: `flush` waits for it.
        file.flush().await
    }

    fn read(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        tokio::fs::read(path)
    }

    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send {
        tokio::fs::remove_file(path)
    }
}

/// `tokio::sync`, tokio's own primitives.
#[derive(Debug)]
pub enum TokioSync {}

impl Primitives for TokioSync {
    const SOURCE: &'static str = "tokio::sync";
    const OWN: &'static [Primitive] = &[
        Primitive::Mutex,
        Primitive::RwLock,
        Primitive::Semaphore,
        Primitive::Barrier,
        Primitive::Notify,
        Primitive::Watch,
    ];

    type Mutex<T: Send + 'static> = Own<tokio::sync::Mutex<T>>;
    type RwLock<T: Send + Sync + 'static> = Own<tokio::sync::RwLock<T>>;
    type Semaphore = Own<tokio::sync::Semaphore>;
    type Barrier = Own<tokio::sync::Barrier>;
    type Notify = Own<tokio::sync::Notify>;
    type Watch = TokioSync;
}

/// A `tokio::sync` primitive behind the seam's traits.
#[derive(Debug, Clone)]
pub struct Own<P>(P);

impl<T: Send + 'static> AsyncMutex<T> for Own<tokio::sync::Mutex<T>> {
    type Guard<'a> = tokio::sync::MutexGuard<'a, T>;

    fn new(value: T) -> Self {
        Own(tokio::sync::Mutex::new(value))
    }

    fn lock(&self) -> impl Future<Output = Self::Guard<'_>> + Send {
        self.0.lock()
    }
}

impl<T: Send + Sync + 'static> AsyncRwLock<T> for Own<tokio::sync::RwLock<T>> {
    type Read<'a> = tokio::sync::RwLockReadGuard<'a, T>;
    type Write<'a> = tokio::sync::RwLockWriteGuard<'a, T>;

    fn new(value: T) -> Self {
        Own(tokio::sync::RwLock::new(value))
    }

    fn read(&self) -> impl Future<Output = Self::Read<'_>> + Send {
        self.0.read()
    }

    fn write(&self) -> impl Future<Output = Self::Write<'_>> + Send {
        self.0.write()
    }
}

impl AsyncSemaphore for Own<tokio::sync::Semaphore> {
    type Permit<'a> = tokio::sync::SemaphorePermit<'a>;

    fn new(permits: usize) -> Self {
        Own(tokio::sync::Semaphore::new(permits))
    }

    async fn acquire(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.0.acquire().await.expect("Arena never closes a semaphore")
    }
}

impl AsyncBarrier for Own<tokio::sync::Barrier> {
    fn new(n: usize) -> Self {
        Own(tokio::sync::Barrier::new(n))
    }

    async fn wait(&self) -> bool {
        self.0.wait().await.is_leader()
    }
}

impl Notify for Own<tokio::sync::Notify> {
    type Listener<'a> = tokio::sync::futures::Notified<'a>;

    fn new() -> Self {
        Own(tokio::sync::Notify::new())
    }

    fn listen(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.notified()
    }

    fn notify_all(&self) {
        self.0.notify_waiters()
    }
}

impl Watch for TokioSync {
    type Sender = Own<tokio::sync::watch::Sender<u64>>;
    type Receiver = Own<tokio::sync::watch::Receiver<u64>>;

    fn channel() -> (Self::Sender, Self::Receiver) {
        // Receivers count the initial value as seen: they wait for a send.
        let (tx, rx) = tokio::sync::watch::channel(0);
        (Own(tx), Own(rx))
    }
}

impl WatchSender for Own<tokio::sync::watch::Sender<u64>> {
    fn send(&self, value: u64) {
        // `send_replace` never refuses, receivers or not.
        self.0.send_replace(value);
    }
}

impl WatchReceiver for Own<tokio::sync::watch::Receiver<u64>> {
    async fn changed(&mut self) -> Option<u64> {
        // `changed` reports an unseen value before it reports a closed channel.
        self.0.changed().await.ok()?;
        Some(*self.0.borrow_and_update())
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
    type Files = TokioFiles;
    type Primitives = TokioSync;

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

impl<const MT: bool> OwnApi for Tokio<MT> {
    const PROFILE: &'static str =
        if MT { include_str!("../../profiles/tokio-mt.toml") } else { include_str!("../../profiles/tokio-ct.toml") };
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
