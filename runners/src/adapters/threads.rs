//! `threads`: the baseline the seeds compare against. Every spawn is a new OS
//! thread running `futures::executor::block_on`; sleeps are
//! `futures_timer::Delay` (one timer thread); blocking work is another thread.
//!
//! A million OS threads is not a benchmark, so the baseline declares a cap
//! (`Limits::max_tasks`); cells above it are reported as "capped", not dropped.
//!
//! The join handle is a `oneshot` the thread answers; if the thread panicked,
//! the joiner joins it and resumes its panic, like the other adapters.
//!
//! TCP is `std::net` with blocking calls (`futures::io::AllowStdIo`): each
//! task is a thread, so blocking in `poll` is what a thread-per-connection
//! server does. Files are `std::fs` calls on the task's own thread, for the
//! same reason (`files::StdFiles<InTask>`); every file cell says the
//! baseline has no file API of its own.
use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::resume_unwind;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::thread::JoinHandle as Thread;

use futures::channel::oneshot;
use futures::io::AllowStdIo;
use workloads::net::Tcp;
use workloads::{Config, Limits, Runtime, StartError};

use super::files::{InTask, StdFiles};
use super::support::{AnyThread, YieldNow, delegate_helpers, on_new_thread};
use super::twins::{native_ping_pong, native_spawn_join};
use crate::profile::{Cancelled, OwnApi, message};
use crate::registry::Adapter;

/// Most OS threads a cell may need before it is reported as capped.
pub const MAX_THREADS: u64 = 10_000;

/// The thread-per-task baseline.
#[derive(Debug)]
pub struct Threads(());

/// A task running on its own OS thread.
#[derive(Debug)]
pub struct ThreadTask<T> {
    result: oneshot::Receiver<T>,
    thread: Option<Thread<()>>,
}

impl<T> Future for ThreadTask<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match ready!(Pin::new(&mut self.result).poll(cx)) {
            Ok(value) => Poll::Ready(value),
            Err(oneshot::Canceled) => {
                // The sender was dropped without an answer: the task panicked.
                let thread = self.thread.take().expect("task thread joined twice");
                match thread.join() {
                    Err(panic) => resume_unwind(panic),
                    Ok(()) => panic!("threads: task thread ended without an answer"),
                }
            }
        }
    }
}

/// `std::net` sockets, blocking.
#[derive(Debug)]
pub struct BlockingTcp;

impl Tcp for BlockingTcp {
    type Stream = AllowStdIo<TcpStream>;
    type Listener = TcpListener;

    async fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind(addr)
    }

    fn local_addr(listener: &TcpListener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &TcpListener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept()?;
        stream.set_nodelay(true)?;
        Ok(AllowStdIo::new(stream))
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(AllowStdIo::new(stream))
    }
}

impl Runtime for Threads {
    const ID: &'static str = "threads";
    const SUMMARY: &'static str = "baseline: one OS thread per task running futures::executor::block_on";
    const LIMITS: Limits = Limits { max_tasks: Some(MAX_THREADS), no_remote_spawn: None };

    type JoinHandle<T: Send + 'static> = ThreadTask<T>;
    type Remote = AnyThread<Threads>;
    type Tcp = BlockingTcp;
    type Files = StdFiles<InTask>;
    type Primitives = workloads::primitives::Neutral;

    fn new(_: &Config) -> Result<Self, StartError> {
        Ok(Threads(()))
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        futures::executor::block_on(future)
    }

    fn spawn<F>(future: F) -> ThreadTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (tx, result) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            let _ = tx.send(futures::executor::block_on(future));
        });
        ThreadTask { result, thread: Some(thread) }
    }

    fn detach<T: Send + 'static>(handle: ThreadTask<T>) {
        // Dropping the handle detaches the task.
        drop(handle)
    }

    delegate_helpers! { spawn_blocking: on_new_thread, sleep: futures_timer::Delay::new, yield_now: YieldNow::default }

    fn remote() -> Option<Self::Remote> {
        Some(AnyThread::new())
    }
}

impl Adapter for Threads {
    async fn native_spawn_join(&self, n: usize) -> u64 {
        native_spawn_join!(n, |task| std::thread::spawn(move || futures::executor::block_on(task)), |handle| handle
            .join()
            .unwrap())
    }

    async fn native_ping_pong(&self, n: usize) -> u64 {
        native_ping_pong!(n, |task| std::thread::spawn(move || futures::executor::block_on(task)), |handle| handle
            .join()
            .unwrap())
    }
}

impl OwnApi for Threads {
    const PROFILE: &'static str = include_str!("../../profiles/threads.toml");
    const THREAD_PER_TASK: bool = true;

    type Task<T: Send + 'static> = Thread<T>;

    fn spawn_task<F>(future: F) -> Thread<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        std::thread::spawn(move || futures::executor::block_on(future))
    }

    async fn join_task<T: Send + 'static>(task: Thread<T>) -> Result<T, String> {
        on_new_thread(move || task.join())
            .await
            .map_err(|panic| format!("Err(thread panicked: {})", message(panic.as_ref())))
    }

    fn cancel_task<T: Send + 'static>(_: Thread<T>) -> Option<impl Future<Output = Cancelled<T>> + Send> {
        None::<std::future::Ready<Cancelled<T>>>
    }

    fn block_on_nested<F: Future>(future: F) -> F::Output {
        futures::executor::block_on(future)
    }
}
