//! monoio: `monoio` (io_uring driver) and `monoio-legacy` (its epoll
//! driver), thread-per-core.
//!
//! One `monoio::Runtime<TimeDriver<D>>` per value, built with
//! `RuntimeBuilder` on the thread that uses it; the harness runs a workload
//! on `Config::workers` of them, one per thread, each running a shard
//! (`runners::host`). monoio has no work stealing and no spawning from
//! other threads, by design.
//!
//! * monoio's `block_on` takes `&mut self`; the runtime sits in a
//!   `RefCell`, so a nested `block_on` on the same value panics on the
//!   borrow (monoio itself refuses one: "Can not start a runtime inside a
//!   runtime", monoio-0.2.4 src/runtime.rs:135).
//! * `spawn` is `monoio::spawn`; its `JoinHandle` is `Send` for `Send`
//!   outputs and detaches when dropped ("Note if you drop it directly, task
//!   will not be terminated", src/task/join.rs:11), so `detach` drops it.
//! * monoio ships no blocking pool: `spawn_blocking` panics unless one is
//!   attached (src/blocking.rs:111-118). Arena attaches
//!   `DefaultThreadPool::new(BLOCKING_THREADS)` to each runtime.
//! * `Sleep` is `!Send`; the seam's `Send` bound is met by
//!   `send_wrapper::SendWrapper` (panics if polled or dropped on another
//!   thread, which a shard's tasks never are).
//! * monoio has no `yield_now`, and a task that wakes itself while it runs
//!   goes to the *front* of the run queue (src/task/harness.rs:56-59,
//!   `PollFuture::Notified` -> `scheduler.yield_now` -> `push_front`,
//!   src/scheduler.rs:12-14), so a self-waking yield (`support::YieldNow`)
//!   runs the same task again at once and never lets the others run. The
//!   seam's yield, [`DeferredYield`], hands its wake to a task spawned
//!   behind the queued ones: one spawn per yield, which `yield_storm` pays.
//! * TCP is `monoio::net`. Its streams read and write through owned buffers
//!   (`AsyncReadRent`), not `poll_read`; monoio's own `poll-io` feature
//!   turns a stream into a `TcpStreamPoll` with tokio's poll traits
//!   (src/net/tcp/stream_poll.rs: readiness through the driver, "a
//!   uring-based epoll" on io_uring), seen as `futures::io` through
//!   `tokio_util::compat`. So echo on monoio measures that path, not its
//!   completion-based one.
//! * Files are `monoio::fs` ([`MonoioFiles`]), positional, on owned
//!   buffers. On io_uring each call is a submission (src/driver/op/read.rs:65
//!   `uring_op`); on the legacy driver the same op is a plain system call
//!   (`pread64`, `fsync`, `open`, `unlink`) made on the executor thread
//!   (src/driver/op/read.rs:84 `legacy_call`, op/fsync.rs:68, op/open.rs:72,
//!   op/unlink.rs:50): a file call there blocks every task of the shard.
use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use monoio::blocking::DefaultThreadPool;
use monoio::buf::IoBufMut;
use monoio::time::TimeDriver;
use monoio::{Buildable, Driver, IoUringDriver, LegacyDriver, RuntimeBuilder};
use send_wrapper::SendWrapper;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};
use workloads::fs::Files;
use workloads::{Config, Limits, NoRemote, Runtime, StartError};

use super::files::At;
use super::net::{LocalNet, LocalTcp};
use super::support::native_task_is_join_handle;
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi};
use crate::registry::Adapter;

/// Threads in the blocking pool attached to each monoio runtime.
const BLOCKING_THREADS: usize = 8;

/// A monoio driver Arena runs: its id and summary.
pub trait Flavor: Driver + Buildable + 'static
where
    TimeDriver<Self>: Driver + Buildable,
{
    /// The runtime's id.
    const ID: &'static str;
    /// One line on what it runs.
    const SUMMARY: &'static str;
    /// The expected profile.
    const PROFILE: &'static str;
    /// What its files go through (`Files::API`).
    const FILES: &'static str;
}

impl Flavor for IoUringDriver {
    const ID: &'static str = "monoio";
    const SUMMARY: &'static str =
        "monoio io_uring driver, one runtime per worker thread, each running a shard of the workload";
    const PROFILE: &'static str = include_str!("../../profiles/monoio.toml");
    const FILES: &'static str = "monoio::fs on io_uring";
}

impl Flavor for LegacyDriver {
    const ID: &'static str = "monoio-legacy";
    const SUMMARY: &'static str =
        "monoio legacy (epoll) driver, one runtime per worker thread, each running a shard of the workload";
    const PROFILE: &'static str = include_str!("../../profiles/monoio-legacy.toml");
    const FILES: &'static str = "monoio::fs, legacy driver: blocking system calls on the executor thread";
}

/// `monoio::fs` with driver `D`, positional.
#[derive(Debug)]
pub struct MonoioFiles<D>(PhantomData<D>);

impl<D: Flavor> Files for MonoioFiles<D>
where
    TimeDriver<D>: Driver + Buildable,
{
    type File = At<monoio::fs::File>;
    const API: &'static str = D::FILES;
    const OWN: bool = true;

    fn open(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        SendWrapper::new(async move { monoio::fs::File::open(path).await.map(At::new) })
    }

    fn create(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        SendWrapper::new(async move { monoio::fs::File::create(path).await.map(At::new) })
    }

    fn read_exact(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = (io::Result<()>, Vec<u8>)> + Send {
        SendWrapper::new(async move {
            let len = buf.len();
            let (read, buf) = file.file.read_exact_at(buf.slice_mut(0..len), file.at).await;
            file.at += if read.is_ok() { len as u64 } else { 0 };
            (read, buf.into_inner())
        })
    }

    fn write_all(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(async move {
            let len = buf.len() as u64;
            let (written, _) = file.file.write_all_at(buf, file.at).await;
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
        SendWrapper::new(monoio::fs::read(path))
    }

    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(monoio::fs::remove_file(path))
    }
}

/// A monoio runtime with driver `D` and its timer.
pub struct Monoio<D: Flavor>(RefCell<monoio::Runtime<TimeDriver<D>>>)
where
    TimeDriver<D>: Driver + Buildable;

/// `monoio`: the io_uring driver.
pub type MonoioUring = Monoio<IoUringDriver>;
/// `monoio-legacy`: the epoll driver.
pub type MonoioLegacy = Monoio<LegacyDriver>;

impl<D: Flavor> std::fmt::Debug for Monoio<D>
where
    TimeDriver<D>: Driver + Buildable,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Monoio({})", D::ID)
    }
}

fn build<D: Flavor>() -> std::io::Result<monoio::Runtime<TimeDriver<D>>>
where
    TimeDriver<D>: Driver + Buildable,
{
    let builder = RuntimeBuilder::<TimeDriver<D>>::new();
    Buildable::build(builder.attach_thread_pool(Box::new(DefaultThreadPool::new(BLOCKING_THREADS))))
}

impl<D: Flavor> Runtime for Monoio<D>
where
    TimeDriver<D>: Driver + Buildable,
{
    const ID: &'static str = D::ID;
    const SUMMARY: &'static str = D::SUMMARY;
    const LIMITS: Limits =
        Limits { max_tasks: None, no_remote_spawn: Some("a monoio runtime takes spawns only from its own thread") };
    const ONE_THREAD: bool = true;
    const THREAD_PER_CORE: bool = true;

    type JoinHandle<T: Send + 'static> = monoio::task::JoinHandle<T>;
    type Remote = NoRemote;
    type Tcp = LocalTcp<MonoioNet>;
    type Files = MonoioFiles<D>;
    type Primitives = workloads::primitives::Neutral;

    fn new(_: &Config) -> Result<Self, StartError> {
        build::<D>()
            .map(|rt| Monoio(RefCell::new(rt)))
            .map_err(|e| StartError { runtime: D::ID, reason: e.to_string() })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.borrow_mut().block_on(future)
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        monoio::spawn(future)
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
        let handle = monoio::spawn_blocking(work);
        async move { handle.await.unwrap_or_else(|e| panic!("monoio blocking task did not finish: {e:?}")) }
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        SendWrapper::new(monoio::time::sleep(duration))
    }

    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        DeferredYield(false)
    }

    fn remote() -> Option<NoRemote> {
        None
    }
}

/// `monoio::net` sockets, streams through `poll-io` and `tokio_util::compat`.
#[derive(Debug)]
pub struct MonoioNet;

impl LocalNet for MonoioNet {
    type Stream = Compat<monoio::net::tcp::stream_poll::TcpStreamPoll>;
    type Listener = monoio::net::TcpListener;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        monoio::net::TcpListener::bind(addr)
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        poll_io(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        poll_io(monoio::net::TcpStream::connect(addr).await?)
    }
}

/// A monoio stream with `TCP_NODELAY`, in poll mode, as `futures::io`.
fn poll_io(stream: monoio::net::TcpStream) -> io::Result<Compat<monoio::net::tcp::stream_poll::TcpStreamPoll>> {
    stream.set_nodelay(true)?;
    let poll = stream.try_into_poll_io().map_err(|(e, _)| e)?;
    Ok(poll.compat())
}

/// A yield for monoio: `Pending` once, with the wake sent from a task
/// spawned at the back of the run queue (see the module docs), then `Ready`.
#[derive(Debug)]
pub struct DeferredYield(bool);

impl Future for DeferredYield {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        let waker = cx.waker().clone();
        // Dropping monoio's JoinHandle detaches the task.
        drop(monoio::spawn(async move { waker.wake() }));
        Poll::Pending
    }
}

impl<D: Flavor> Adapter for Monoio<D>
where
    TimeDriver<D>: Driver + Buildable,
{
    async fn native_spawn_join(&self, n: usize) -> u64 {
        native_spawn_join!(n, |task| monoio::spawn(task), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        native_ping_pong!(n, |task| monoio::spawn(task), |handle| handle.await)
    }
}

impl<D: Flavor> OwnApi for Monoio<D>
where
    TimeDriver<D>: Driver + Buildable,
{
    const PROFILE: &'static str = D::PROFILE;
    const TIMEOUT: &'static str = "monoio::time::timeout";

    native_task_is_join_handle!();

    /// monoio's `JoinHandle` has no cancel or abort (src/task/join.rs).
    fn cancel_task<T: Send + 'static>(_: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        None::<futures::future::Pending<Cancelled<T>>>
    }

    /// monoio's entry point is `Runtime::block_on` on a runtime value a task
    /// cannot reach: the nested call builds a second runtime, as a library
    /// would have to.
    fn block_on_nested<F: Future>(future: F) -> F::Output {
        build::<D>().expect("a second monoio runtime").block_on(future)
    }

    fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
    where
        F: Future + Send,
        F::Output: Send,
    {
        let timed = monoio::time::timeout(duration, future);
        Some(SendWrapper::new(async move { timed.await.ok() }))
    }
}
