//! The regression gate's injected slowdown: [`burn`] is a fixed amount of
//! work, and the gate's measured region burns [`set_batch_burn`]'s units at
//! the start of every batch, so that the gate's self-test can inject a
//! calibrated slowdown into a real build and check that the gate finds it.
//! It ships in release builds (the self-test runs them), unlike the faulty
//! runtimes of [`crate::faults`], and costs no code per runtime × workload:
//! base and head run the very same instantiation, head with a burn.
//!
//! [`Slowed`] wraps a runtime to spread work over its polls instead; the
//! gate does not use it (see [`set_batch_burn`] for why), and only
//! `examples/burn_probe.rs`, which measures the difference, instantiates it.
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

use workloads::{Config, Limits, RemoteSpawn, Runtime, StartError};

use crate::adapters::support::delegate_helpers;

/// Work per poll that [`Slowed`] burns, in 1/[`BURN_FRACTION`] units of [`burn`].
static BURN_RATE: AtomicU64 = AtomicU64::new(0);

/// [`set_burn`] counts in this fraction of a unit of [`burn`], so a slowdown
/// can be finer than one unit per poll (a unit is a few instructions; a poll
/// of a fast runtime a few hundred).
pub const BURN_FRACTION: u64 = 256;

thread_local! {
    /// Fractions of a unit this thread owes (carried from poll to poll).
    static OWED: Cell<u64> = const { Cell::new(0) };
}

/// Sets the work every [`Slowed`] future burns per poll from now on, in
/// 1/[`BURN_FRACTION`] units of [`burn`] (each thread burns whole units as
/// its fractions add up).
pub fn set_burn(fractions: u64) {
    BURN_RATE.store(fractions, Ordering::Relaxed);
}

/// A fixed amount of work: `units` dependent multiply-adds the optimiser
/// cannot remove, so its cost is the same instructions every call.
#[inline(never)]
pub fn burn(units: u64) {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..units {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
    }
    std::hint::black_box(x);
}

/// Whether [`Slowed`] futures count their polls into [`POLLS`] (only
/// inside [`count_polls`]; while measuring, a flag nobody writes).
static COUNTING: AtomicBool = AtomicBool::new(false);
static POLLS: AtomicU64 = AtomicU64::new(0);

/// Runs `f` and returns its result with the number of polls of [`Slowed`]
/// futures (on any thread) while it ran: how `examples/burn_probe.rs`
/// sizes a per-poll burn.
pub fn count_polls<T>(f: impl FnOnce() -> T) -> (T, u64) {
    POLLS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let out = f();
    COUNTING.store(false, Ordering::SeqCst);
    (out, POLLS.load(Ordering::SeqCst))
}

/// Whole units of [`burn`] the gate's measured region burns first.
static BATCH_BURN: AtomicU64 = AtomicU64::new(0);

/// Sets the work the gate's measured region burns from now on, on the
/// calling thread, at the start of every batch: a serial slowdown that no
/// task runs beside, so it costs its own time in full, and its own
/// instructions. (Work spread over polls does not cost its time: on
/// tokio-mt ping_pong, work worth 3 % of a batch cost about 1.2 % spread as
/// a few units a poll and 3 % burned once a batch (`cargo run --release -p
/// runners --example burn_probe`); the CPU overlaps short burns with the
/// stalls around them, by an amount that varies from one runtime instance
/// to the next.)
pub fn set_batch_burn(units: u64) {
    BATCH_BURN.store(units, Ordering::Relaxed);
}

/// Burns [`set_batch_burn`]'s units (none unless set): the first thing a
/// measured batch does.
#[inline(always)]
pub fn burn_batch() {
    burn(BATCH_BURN.load(Ordering::Relaxed));
}

/// One poll's share of the burn rate: the same instructions whatever the
/// rate, bar the loop in [`burn`], so an unburned [`Slowed`] runtime runs
/// exactly the code its burned twin does.
#[inline(never)]
fn burn_share() {
    if COUNTING.load(Ordering::Relaxed) {
        POLLS.fetch_add(1, Ordering::Relaxed);
    }
    let owed = OWED.get() + BURN_RATE.load(Ordering::Relaxed);
    OWED.set(owed % BURN_FRACTION);
    burn(owed / BURN_FRACTION);
}

pin_project_lite::pin_project! {
    /// A future that burns [`set_burn`]'s work before every poll of `inner`.
    #[derive(Debug)]
    pub struct Burning<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for Burning<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        burn_share();
        self.project().inner.poll(cx)
    }
}

/// Runtime `R` made slower on purpose: every task it spawns and every future
/// it blocks on burns [`set_burn`]'s work per poll. Only
/// `examples/burn_probe.rs` uses it, to show why the gate burns once a
/// batch instead (a wrapper would also instantiate every workload a second
/// time for every runtime).
#[derive(Debug)]
pub struct Slowed<R>(R);

/// [`Slowed`]'s remote spawner: `R`'s, wrapping what it spawns.
#[derive(Debug, Clone)]
pub struct SlowedRemote<X>(X);

impl<R: Runtime, X: RemoteSpawn<R>> RemoteSpawn<Slowed<R>> for SlowedRemote<X> {
    fn spawn<F>(&self, future: F) -> R::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.0.spawn(Burning { inner: future })
    }
}

impl<R: Runtime> Runtime for Slowed<R> {
    const ID: &'static str = R::ID;
    const SUMMARY: &'static str = "test only: a runtime that burns work on every poll";
    const LIMITS: Limits = R::LIMITS;
    const ONE_THREAD: bool = R::ONE_THREAD;
    const THREAD_PER_CORE: bool = R::THREAD_PER_CORE;

    type JoinHandle<T: Send + 'static> = R::JoinHandle<T>;
    type Remote = SlowedRemote<R::Remote>;
    type Tcp = R::Tcp;
    type Files = R::Files;
    type Primitives = R::Primitives;

    fn new(config: &Config) -> Result<Self, StartError> {
        R::new(config).map(Slowed)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(Burning { inner: future })
    }

    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        R::spawn(Burning { inner: future })
    }

    fn detach<T: Send + 'static>(handle: Self::JoinHandle<T>) {
        R::detach(handle)
    }

    delegate_helpers! { spawn_blocking: R::spawn_blocking, sleep: R::sleep, yield_now: R::yield_now }

    fn remote() -> Option<Self::Remote> {
        R::remote().map(SlowedRemote)
    }
}
