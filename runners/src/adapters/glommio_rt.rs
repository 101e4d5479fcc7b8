//! glommio: `glommio`, a thread-per-core runtime on io_uring.
//!
//! One `glommio::LocalExecutor` (`LocalExecutorBuilder::new(Placement::Unbound)`)
//! per `Glommio` value; the harness runs a workload on `Config::workers` of
//! them, one per thread, each running a shard (`runners::host`). glommio has
//! no work stealing and no spawning from other threads, by design.
//!
//! * `block_on` is `LocalExecutor::run`; `spawn` is `glommio::spawn_local`,
//!   which finds the executor in glommio's own thread-local.
//! * glommio's `Task`, `sleep` and blocking futures are `!Send` (they hold
//!   `Rc`s); the seam's `Send` bound is met by `send_wrapper::SendWrapper`,
//!   which panics if one is polled or dropped on another thread. A shard's
//!   tasks never leave its thread, so it never fires.
//! * Normalisation: a `Task` cancels its task when dropped (glommio-0.9.0
//!   src/executor/mod.rs:1626, `#[must_use = "tasks get canceled when
//!   dropped, use .detach() to run them in the background"]`), so `detach`
//!   is `Task::detach`.
//! * `spawn_blocking` is `ExecutorProxy::spawn_blocking` (glommio's own
//!   blocking thread pool); `yield_now` is futures-lite's, which is what
//!   `ExecutorProxy::yield_now` awaits (src/executor/mod.rs:2176).
//! * TCP is `glommio::net` (io_uring), whose `TcpStream` implements the
//!   `futures::io` traits through futures-lite (src/net/tcp_socket.rs:704).
//! * Files are `glommio::io::BufferedFile` ([`GlommioFiles`]): io_uring
//!   reads and writes through the page cache, like every other runtime's
//!   files; `DmaFile` reads `O_DIRECT`, from the device, and would put a
//!   cold read beside everyone else's warm ones. glommio's files sync with
//!   `fdatasync` only (src/io/buffered_file.rs:192), which is what the
//!   seam asks of every runtime.
//! * Its own primitives are `glommio::sync`'s `RwLock` and `Semaphore`
//!   ([`GlommioSync`]; src/sync/mod.rs:28), single-thread ones (`Rc` and
//!   `RefCell` inside), made `Send` like the rest; it has no mutex, barrier,
//!   notify or watch channel of its own. A lock or semaphore is closed only
//!   by `close()`, which Arena never calls, so its `Result` is unwrapped.
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures::Stream;
use glommio::io::BufferedFile;
use glommio::{LocalExecutor, LocalExecutorBuilder, Placement};
use send_wrapper::SendWrapper;
use workloads::fs::Files;
use workloads::primitives::{AsyncRwLock, AsyncSemaphore, Neutral, Primitive, Primitives};
use workloads::{Config, Limits, NoRemote, Runtime, StartError};

use super::files::{At, short_read};
use super::net::{Local, LocalNet, LocalTcp};
use super::support::native_task_is_join_handle;
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi, accepted, catch};
use crate::registry::Adapter;

/// `glommio`: one `LocalExecutor` on the thread that built it.
#[derive(Debug)]
pub struct Glommio {
    ex: LocalExecutor,
}

/// `glommio::io::BufferedFile`, positional, on io_uring.
#[derive(Debug)]
pub enum GlommioFiles {}

impl Files for GlommioFiles {
    type File = At<BufferedFile>;
    const API: &'static str = "glommio::io::BufferedFile on io_uring (through the page cache)";
    const OWN: bool = true;

    fn open(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        SendWrapper::new(async move { Ok(At::new(BufferedFile::open(path).await?)) })
    }

    fn create(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        SendWrapper::new(async move { Ok(At::new(BufferedFile::create(path).await?)) })
    }

    fn read_exact(file: &mut Self::File, mut buf: Vec<u8>) -> impl Future<Output = (io::Result<()>, Vec<u8>)> + Send {
        SendWrapper::new(async move {
            // glommio reads into a buffer of its own: copied into `buf`.
            let mut filled = 0;
            while filled < buf.len() {
                let read = match file.file.read_at(file.at, buf.len() - filled).await {
                    Ok(read) if read.is_empty() => return (Err(short_read()), buf),
                    Ok(read) => read,
                    Err(e) => return (Err(e.into()), buf),
                };
                buf[filled..filled + read.len()].copy_from_slice(&read);
                filled += read.len();
                file.at += read.len() as u64;
            }
            (Ok(()), buf)
        })
    }

    fn write_all(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(async move {
            // `write_at` keeps the buffer: a short write cannot be resumed,
            // so it is an error rather than a hole in the file.
            let len = buf.len();
            let written = file.file.write_at(buf, file.at).await?;
            file.at += written as u64;
            match written == len {
                true => Ok(()),
                false => Err(io::Error::new(io::ErrorKind::WriteZero, format!("wrote {written} of {len} bytes"))),
            }
        })
    }

    fn sync_data(file: &mut Self::File) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(async move { Ok(file.file.fdatasync().await?) })
    }

    fn close(file: Self::File) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(async move { Ok(file.into_inner().close().await?) })
    }

    fn read(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        SendWrapper::new(async move {
            let file = BufferedFile::open(path).await?;
            let size = usize::try_from(file.file_size().await?).map_err(io::Error::other)?;
            let mut file = At::new(file);
            let (read, buf) = Self::read_exact(&mut file, vec![0; size]).await;
            Self::close(file).await?;
            read.map(|()| buf)
        })
    }

    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send {
        SendWrapper::new(async move { Ok(glommio::io::remove(path).await?) })
    }
}

/// A glommio `Task` made `Send` by `send_wrapper`. `SendWrapper`'s own
/// `poll` checks the thread twice (before polling and again to reach the
/// pinned value); a `Task` is `Unpin` (glommio-0.9.0
/// src/task/join_handle.rs:37), so this polls it through one check. The
/// checks that remain (at spawn, each poll and drop) are the seam's price on
/// glommio: `arena overhead` measures it.
#[derive(Debug)]
pub struct Join<T>(SendWrapper<glommio::Task<T>>);

impl<T> Future for Join<T> {
    type Output = T;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<T> {
        std::pin::Pin::new(&mut *self.0).poll(cx)
    }
}

/// `glommio::sync`: its `RwLock` and `Semaphore`; the rest are [`Neutral`]'s.
#[derive(Debug)]
pub enum GlommioSync {}

impl Primitives for GlommioSync {
    const SOURCE: &'static str = "glommio::sync";
    const OWN: &'static [Primitive] = &[Primitive::RwLock, Primitive::Semaphore];

    type Mutex<T: Send + 'static> = <Neutral as Primitives>::Mutex<T>;
    type RwLock<T: Send + Sync + 'static> = Shard<glommio::sync::RwLock<T>>;
    type Semaphore = Shard<glommio::sync::Semaphore>;
    type Barrier = <Neutral as Primitives>::Barrier;
    type Notify = <Neutral as Primitives>::Notify;
    type Watch = <Neutral as Primitives>::Watch;
}

/// A `glommio::sync` primitive, made `Send + Sync` by `send_wrapper` (it
/// lives and is used on one shard's thread).
#[derive(Debug)]
pub struct Shard<P>(SendWrapper<P>);

impl<T: Send + Sync + 'static> AsyncRwLock<T> for Shard<glommio::sync::RwLock<T>> {
    type Read<'a> = Local<glommio::sync::RwLockReadGuard<'a, T>>;
    type Write<'a> = Local<glommio::sync::RwLockWriteGuard<'a, T>>;

    fn new(value: T) -> Self {
        Shard(SendWrapper::new(glommio::sync::RwLock::new(value)))
    }

    fn read(&self) -> impl Future<Output = Self::Read<'_>> + Send {
        SendWrapper::new(async move { Local::new(self.0.read().await.expect("Arena never closes a lock")) })
    }

    fn write(&self) -> impl Future<Output = Self::Write<'_>> + Send {
        SendWrapper::new(async move { Local::new(self.0.write().await.expect("Arena never closes a lock")) })
    }
}

impl AsyncSemaphore for Shard<glommio::sync::Semaphore> {
    type Permit<'a> = Local<glommio::sync::Permit<'a>>;

    fn new(permits: usize) -> Self {
        Shard(SendWrapper::new(glommio::sync::Semaphore::new(permits as u64)))
    }

    fn acquire(&self) -> impl Future<Output = Self::Permit<'_>> + Send {
        SendWrapper::new(
            async move { Local::new(self.0.acquire_permit(1).await.expect("Arena never closes a semaphore")) },
        )
    }
}

impl Runtime for Glommio {
    const ID: &'static str = "glommio";
    const SUMMARY: &'static str =
        "glommio LocalExecutor (io_uring), one per worker thread, each running a shard of the workload";
    const LIMITS: Limits = Limits {
        max_tasks: None,
        no_remote_spawn: Some("a glommio LocalExecutor takes spawns only from its own thread"),
    };
    const ONE_THREAD: bool = true;
    const THREAD_PER_CORE: bool = true;

    type JoinHandle<T: Send + 'static> = Join<T>;
    type Remote = NoRemote;
    type Tcp = LocalTcp<GlommioNet>;
    type Files = GlommioFiles;
    type Primitives = GlommioSync;

    fn new(_: &Config) -> Result<Self, StartError> {
        let ex = LocalExecutorBuilder::new(Placement::Unbound).make();
        ex.map(|ex| Glommio { ex }).map_err(|e| StartError { runtime: Self::ID, reason: e.to_string() })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.ex.run(future)
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Join(SendWrapper::new(glommio::spawn_local(future)))
    }

    fn detach<T: Send + 'static>(handle: Join<T>) {
        handle.0.take().detach();
    }

    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        SendWrapper::new(glommio::executor().spawn_blocking(work))
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        // `Timer::new` fixes the deadline now (`glommio::timer::sleep` is an
        // `async fn`: its deadline would start at the first poll).
        let timer = glommio::timer::Timer::new(duration);
        SendWrapper::new(async move {
            timer.await;
        })
    }

    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        // What `ExecutorProxy::yield_now` awaits, without its borrow of the proxy.
        futures_lite::future::yield_now()
    }

    fn remote() -> Option<NoRemote> {
        None
    }
}

/// `glommio::net` sockets.
#[derive(Debug)]
pub struct GlommioNet;

impl LocalNet for GlommioNet {
    type Stream = glommio::net::TcpStream;
    type Listener = glommio::net::TcpListener;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        Ok(glommio::net::TcpListener::bind(addr)?)
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        Ok(listener.local_addr()?)
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let stream = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = glommio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}

impl Adapter for Glommio {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        native_spawn_join!(n, |task| glommio::spawn_local(task), |handle| handle.await)
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        native_ping_pong!(n, |task| glommio::spawn_local(task), |handle| handle.await)
    }
}

impl OwnApi for Glommio {
    const PROFILE: &'static str = include_str!("../../profiles/glommio.toml");
    const TIMEOUT: &'static str = "glommio::timer::timeout";
    const CHANNEL: &'static str = "glommio::channels::local_channel";

    native_task_is_join_handle!();

    fn cancel_task<T: Send + 'static>(task: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        Some(SendWrapper::new(async move { Ok(task.0.take().cancel().await) }))
    }

    /// glommio's entry point is `LocalExecutor::run`, and a task cannot
    /// reach its own executor: the nested call builds a second one on the
    /// same thread, as a library would have to.
    fn block_on_nested<F: Future>(future: F) -> F::Output {
        LocalExecutorBuilder::new(Placement::Unbound).make().expect("a second LocalExecutor").run(future)
    }

    fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
    where
        F: Future + Send,
        F::Output: Send,
    {
        let timed = glommio::timer::timeout(duration, async { Ok::<_, glommio::GlommioError<()>>(future.await) });
        Some(SendWrapper::new(async move { timed.await.ok() }))
    }

    fn ready_channel(items: Vec<u64>) -> impl Stream<Item = u64> + Send + 'static {
        let (tx, rx) = glommio::channels::local_channel::new_unbounded();
        for item in items {
            assert!(tx.try_send(item).is_ok(), "an unbounded channel takes every item");
        }
        // `LocalReceiver::stream` borrows the receiver; this stream owns it.
        SendWrapper::new(futures::stream::unfold(rx, |rx| async move { rx.recv().await.map(|v| (v, rx)) }))
    }

    fn bounded_accepts(capacity: usize, attempts: usize) -> Result<usize, String> {
        let (tx, _rx) = catch(|| glommio::channels::local_channel::new_bounded::<usize>(capacity))?;
        Ok(accepted(attempts, |i| tx.try_send(i).is_ok()))
    }
}
