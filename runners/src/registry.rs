//! The registry of runtimes: the [`Adapter`] trait every runtime implements
//! (the seam plus its native twins), [`OwnApi`], the runtime's own API that
//! the behaviour profile's probes compare, [`with_runtimes!`](crate::with_runtimes)
//! (one line per runtime, under its family's feature), and
//! [`visit_runtimes`], which calls a [`RuntimeVisitor`] once per runtime type
//! built here. Tests, benches, the catalog and every engine reach the
//! runtimes through it.
use std::future::Future;
use std::time::Duration;

use futures::Stream;
use futures::channel::mpsc;
use futures::future;
use workloads::Runtime;

/// An adapter: a [`Runtime`] plus two native twins, the `spawn_join` and
/// `ping_pong` workloads written against the runtime's own API. Comparing a
/// twin with its workload measures what the adapter costs.
pub trait Adapter: Runtime {
    /// `spawn_join` of `n` tasks using the runtime's own spawn and join.
    fn native_spawn_join(&self, n: usize) -> impl Future<Output = u64> + '_;
    /// `ping_pong` of `n` round trips using the runtime's own spawn and join.
    fn native_ping_pong(&self, n: usize) -> impl Future<Output = u64> + '_;
}

/// What a native cancel returned: the value, `None`, or the runtime's error value.
pub type Cancelled<T> = Result<Option<T>, String>;

/// The seam plus the native calls the probes need. Each adapter implements it
/// next to its `Runtime` impl, mapping each item to its runtime's own API.
pub trait OwnApi: Adapter {
    /// The expected profile: `include_str!` of `runners/profiles/<id>.toml`.
    const PROFILE: &'static str;
    /// Every task is an OS thread: probes of scheduling order do not apply.
    const THREAD_PER_TASK: bool = false;
    /// The runtime's own timeout, in words (`tokio::time::timeout`).
    const TIMEOUT: &'static str = "none";
    /// The runtime's own channel, in words (`tokio::sync::mpsc`).
    const CHANNEL: &'static str = "futures::channel::mpsc (no channel of its own)";

    /// The runtime's own join handle, not normalised by the seam.
    type Task<T: Send + 'static>: Send + 'static;

    /// Spawns with the runtime's own API (inside the runtime's context).
    fn spawn_task<F>(future: F) -> Self::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Awaits a native handle: `Ok(value)`, or `Err` with the error value the
    /// runtime handed back, in words. A panic the runtime resumes propagates.
    fn join_task<T: Send + 'static>(task: Self::Task<T>) -> impl Future<Output = Result<T, String>> + Send;

    /// Cancels through the runtime's own API and awaits what that returns;
    /// `None` if the runtime has no way to cancel a task.
    fn cancel_task<T: Send + 'static>(task: Self::Task<T>) -> Option<impl Future<Output = Cancelled<T>> + Send>;

    /// The runtime's own blocking entry point, called from inside it (what a
    /// library that calls `block_on` from async code would do).
    fn block_on_nested<F: Future>(future: F) -> F::Output;

    /// The runtime's own timeout: `Some(output)` if `future` finished first;
    /// `None` (the default) for a runtime without one.
    fn timeout<F>(duration: Duration, future: F) -> Option<impl Future<Output = Option<F::Output>> + Send>
    where
        F: Future + Send,
        F::Output: Send,
    {
        let _ = (duration, future);
        None::<future::Pending<Option<F::Output>>>
    }

    /// The runtime's own unbounded channel, already holding `items`, its
    /// senders dropped, as a stream.
    fn ready_channel(items: Vec<u64>) -> impl Stream<Item = u64> + Send + 'static {
        let (tx, rx) = mpsc::unbounded();
        for item in items {
            tx.unbounded_send(item).expect("receiver alive");
        }
        rx
    }

    /// How many `try_send`s a fresh bounded channel of the runtime's own, of
    /// capacity `capacity` with one sender and nobody receiving, accepts
    /// (stops at `attempts`). `Err` if the runtime refuses the capacity.
    fn bounded_accepts(capacity: usize, attempts: usize) -> Result<usize, String> {
        futures_mpsc_accepts(capacity, attempts)
    }
}

/// [`OwnApi::bounded_accepts`] for `futures::channel::mpsc::channel`.
pub fn futures_mpsc_accepts(capacity: usize, attempts: usize) -> Result<usize, String> {
    let (mut tx, _rx) = mpsc::channel::<usize>(capacity);
    Ok(accepted(attempts, |i| tx.try_send(i).is_ok()))
}

/// How many of `attempts` calls to `try_send` (with 0, 1, …) succeed before the first refusal.
pub fn accepted(attempts: usize, mut try_send: impl FnMut(usize) -> bool) -> usize {
    (0..attempts).take_while(|&i| try_send(i)).count()
}

/// The runtime registry: calls `$callback! { name: Type, … }` with every
/// runtime, in the order listings and reports use (`with_runtimes!(cb, x)`
/// calls `cb! { x; name: Type, … }`). Each entry carries the
/// `#[cfg(feature = "…")]` of its family ([`families`](crate::families)), which a callback
/// puts on what it makes of the entry; the feature is evaluated where the
/// macro expands, so it is for this package's own code and tests.
#[macro_export]
macro_rules! with_runtimes {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            #[cfg(feature = "tokio")] tokio_ct: $crate::TokioCt,
            #[cfg(feature = "tokio")] tokio_mt: $crate::TokioMt,
            #[cfg(feature = "async-std")] async_std: $crate::AsyncStd,
            #[cfg(feature = "smol")] smol_local: $crate::SmolLocal,
            #[cfg(feature = "smol")] smol_mt: $crate::SmolMt,
            #[cfg(feature = "futures")] futures_local: $crate::FuturesLocal,
            #[cfg(feature = "futures")] futures_pool: $crate::FuturesPool,
            #[cfg(feature = "glommio")] glommio: $crate::Glommio,
            #[cfg(feature = "monoio")] monoio: $crate::MonoioUring,
            #[cfg(feature = "monoio")] monoio_legacy: $crate::MonoioLegacy,
            #[cfg(feature = "compio")] compio: $crate::Compio,
            #[cfg(feature = "threads")] threads: $crate::Threads,
        }
    };
}

/// Something that wants to be called once per runtime type.
pub trait RuntimeVisitor {
    /// Called with each registered runtime.
    fn visit<R: OwnApi>(&mut self);
}

macro_rules! visit_list {
    ($($(#[$family:meta])* $name:ident: $ty:ty),* $(,)?) => {
        /// Calls `visitor.visit::<R>()` for every registered runtime built
        /// here, in registry order.
        pub fn visit_runtimes(visitor: &mut impl RuntimeVisitor) {
            $($(#[$family])* visitor.visit::<$ty>();)*
            let _ = visitor;
        }
    };
}
with_runtimes!(visit_list);
