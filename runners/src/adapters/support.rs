//! Pieces several adapters share: a runtime-neutral `yield_now`, blocking work on a fresh thread, a remote spawner for
//! runtimes whose `spawn` works from any thread, and the lookup of the
//! current executor.
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::channel::oneshot;
use workloads::{RemoteSpawn, Runtime};

/// A join error that may carry the task's panic.
pub trait JoinFailure: std::fmt::Display + Sized {
    /// The panic's payload, or the error back if the task did not panic
    /// (it was cancelled, its runtime went away…).
    fn into_panic(self) -> Result<Box<dyn std::any::Any + Send>, Self>;
}

/// A runtime's join handle whose output is `Result<T, E>`, normalised to the
/// seam's: awaiting it yields the task's output, or resumes its panic in the
/// joiner (tokio, compio).
#[derive(Debug)]
pub struct Joined<H>(pub H);

impl<H, T, E> Future for Joined<H>
where
    H: Future<Output = Result<T, E>> + Unpin,
    E: JoinFailure,
{
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Poll::Ready(match std::task::ready!(Pin::new(&mut self.0).poll(cx)) {
            Ok(value) => value,
            Err(e) => match e.into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => panic!("task did not finish: {e}"),
            },
        })
    }
}

/// Returns `Pending` once (waking itself first), then `Ready`: a yield that
/// works on any executor. Used where a runtime ships no `yield_now`.
#[derive(Debug, Default)]
pub struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Runs `work` on a new OS thread; for runtimes without a blocking pool.
pub fn on_new_thread<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    async move { rx.await.expect("blocking work panicked") }
}

/// The remote spawner of a runtime whose `spawn` already works from any
/// thread (a global runtime, or one thread per task).
#[derive(Debug)]
pub struct AnyThread<R>(PhantomData<fn() -> R>);

impl<R> AnyThread<R> {
    /// The spawner.
    pub fn new() -> Self {
        AnyThread(PhantomData)
    }
}

impl<R> Clone for AnyThread<R> {
    fn clone(&self) -> Self {
        AnyThread(PhantomData)
    }
}

impl<R: Runtime> RemoteSpawn<R> for AnyThread<R> {
    fn spawn<F>(&self, future: F) -> R::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        R::spawn(future)
    }
}

/// Calls `f` with the executor a runtime put in `key` (with
/// `ScopedKey::set`, around its `block_on` and its worker loops); panics
/// with a message naming `runtime` when called outside the runtime.
///
/// A scoped thread-local (`scoped-tls`: a `Cell` holding a pointer, valid
/// while `set`'s closure runs) rather than `thread_local!` with a
/// `RefCell<Option<_>>`: the borrow flag and destructor check of the latter
/// cost 2–3 % of a smol or futures spawn, measured with `arena overhead`.
pub fn with_context<T, R>(key: &'static scoped_tls::ScopedKey<T>, runtime: &str, f: impl FnOnce(&T) -> R) -> R {
    if !key.is_set() {
        panic!("{runtime}: spawn called outside the runtime (not inside block_on or a task)");
    }
    key.with(f)
}

/// Writes the `spawn_blocking`, `sleep` and `yield_now` items of a `Runtime`
/// impl from three functions with those signatures, for the adapters that
/// share them (both smol executors; the futures executors and `threads`).
macro_rules! delegate_helpers {
    (spawn_blocking: $blocking:path, sleep: $sleep:path, yield_now: $yield_now:path $(,)?) => {
        fn spawn_blocking<F, T>(work: F) -> impl std::future::Future<Output = T> + Send + 'static
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            $blocking(work)
        }

        fn sleep(duration: std::time::Duration) -> impl std::future::Future<Output = ()> + Send + 'static {
            $sleep(duration)
        }

        fn yield_now() -> impl std::future::Future<Output = ()> + Send + 'static {
            $yield_now()
        }
    };
}

pub(crate) use delegate_helpers;

/// Writes the `Task`, `spawn_task` and `join_task` items of an `OwnApi` impl
/// for a runtime whose own join handle is the one the seam already uses
/// (async-std, smol, the futures executors): awaiting it yields the output.
macro_rules! native_task_is_join_handle {
    () => {
        type Task<T: Send + 'static> = <Self as workloads::Runtime>::JoinHandle<T>;

        fn spawn_task<F>(future: F) -> Self::Task<F::Output>
        where
            F: std::future::Future + Send + 'static,
            F::Output: Send + 'static,
        {
            <Self as workloads::Runtime>::spawn(future)
        }

        async fn join_task<T: Send + 'static>(task: Self::Task<T>) -> Result<T, String> {
            Ok(task.await)
        }
    };
}

pub(crate) use native_task_is_join_handle;
