//! Pieces several adapters share: detach-on-drop handles, a runtime-neutral
//! `yield_now`, blocking work on a fresh thread, and a remote spawner for
//! runtimes whose `spawn` works from any thread.
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::channel::oneshot;
use futures::future::RemoteHandle;
use workloads::{RemoteSpawn, Runtime};

/// A native task handle that cancels its task when dropped, and how to let
/// the task go on instead.
pub trait Detach: Future + Unpin {
    /// Lets the task run on without anyone awaiting it.
    fn detach(self);
}

impl<T> Detach for async_task::Task<T> {
    fn detach(self) {
        async_task::Task::detach(self)
    }
}

impl<T: 'static> Detach for RemoteHandle<T> {
    fn detach(self) {
        self.forget()
    }
}

/// Wraps a cancel-on-drop handle so that dropping it detaches the task:
/// Arena's normalised semantics (see `workloads::Runtime`).
#[derive(Debug)]
pub struct Detaching<H: Detach>(Option<H>);

impl<H: Detach> Detaching<H> {
    /// Takes over `handle`.
    pub fn new(handle: H) -> Self {
        Detaching(Some(handle))
    }
}

impl<H: Detach> Future for Detaching<H> {
    type Output = H::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<H::Output> {
        let handle = self.0.as_mut().expect("task handle polled after completion");
        let out = Pin::new(handle).poll(cx);
        if out.is_ready() {
            // Completed: nothing left to detach or cancel.
            self.0 = None;
        }
        out
    }
}

impl<H: Detach> Drop for Detaching<H> {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.detach();
        }
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

/// Runtimes whose executor lives in a thread-local for the duration of
/// `block_on` (and on their worker threads): sets it and puts back what was
/// there before when dropped, so nested and repeated `block_on`s work.
#[derive(Debug)]
pub struct ContextGuard<T: 'static> {
    key: &'static std::thread::LocalKey<std::cell::RefCell<Option<T>>>,
    previous: Option<T>,
}

impl<T: 'static> ContextGuard<T> {
    /// Puts `value` in `key` until the guard is dropped.
    pub fn enter(key: &'static std::thread::LocalKey<std::cell::RefCell<Option<T>>>, value: T) -> Self {
        let previous = key.with(|slot| slot.borrow_mut().replace(value));
        ContextGuard { key, previous }
    }
}

impl<T: 'static> Drop for ContextGuard<T> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        self.key.with(|slot| *slot.borrow_mut() = previous);
    }
}

/// Calls `f` with the value a [`ContextGuard`] put in `key`; panics with a
/// message naming `runtime` when called outside its `block_on`.
pub fn with_context<T, R>(
    key: &'static std::thread::LocalKey<std::cell::RefCell<Option<T>>>,
    runtime: &str,
    f: impl FnOnce(&T) -> R,
) -> R {
    key.with(|slot| match slot.borrow().as_ref() {
        Some(value) => f(value),
        None => panic!("{runtime}: spawn called outside the runtime (not inside block_on or a task)"),
    })
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
