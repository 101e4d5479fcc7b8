//! The behaviour profile: where runtimes legitimately differ, observed by
//! probes and compared with each runtime's checked-in expectations.
//!
//! A [`Probe`] asks one question (what does dropping an unpolled join handle
//! do?) and classifies what it saw into a small set of named outcomes. Probes
//! are written once, generic over [`OwnApi`]: the seam plus the few native
//! calls a probe needs to see a runtime's *own* behaviour (its join handle,
//! its cancel, its nested `block_on`, its timeout, its channel). Probes never
//! name a runtime; per-runtime facts live in the adapter's `OwnApi` impl and
//! in `runners/profiles/<id>.toml`, the expected profile, where every
//! expectation cites the upstream doc or source that backs it.
//!
//! Probes run multi-threaded runtimes with **one worker** ([`config`]), so an
//! order is a property of the scheduler rather than of a race between
//! workers, and bound every wait with a timer thread of their own
//! ([`os_timer`]), never with the timer of the runtime under test. A probe
//! that hangs or kills its process anyway is caught by `arena conformance`,
//! which runs each runtime × probe in a child process under a watchdog.
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Once;
use std::time::Duration;

use futures::channel::oneshot;
use futures::future::{self, Either, FutureExt};
use serde::Deserialize;
use workloads::Config;

mod blocking;
mod channels;
mod files;
mod nesting;
mod panics;
mod tasks;
mod time;

pub use blocking::BlockingCap;
pub use channels::{BoundedCapacity, CoopBudget, SelectFairness};
pub use files::FileWorkThread;
pub use nesting::{DropRuntimeTasks, NestedBlockOn, NestedForeign, StaleHandle};
pub use panics::{PanicBlockOn, PanicDetached, PanicJoin};
pub use tasks::{CancelFinished, CancelPending, DropUnpolled, SpawnOrder, YieldOrder};
pub use time::{SleepZero, TimeoutZero, TimerGranularity};

pub use crate::registry::{Cancelled, OwnApi, accepted, futures_mpsc_accepts};

/// What a probe saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The named outcome, compared with the expected profile.
    pub outcome: String,
    /// Measurements and messages behind it, for people (never compared).
    pub detail: Option<String>,
}

impl Observed {
    /// An outcome with nothing more to say.
    pub fn new(outcome: impl Into<String>) -> Self {
        Observed { outcome: outcome.into(), detail: None }
    }

    /// An outcome with the detail behind it.
    pub fn with(outcome: impl Into<String>, detail: impl Into<String>) -> Self {
        Observed { outcome: outcome.into(), detail: Some(detail.into()) }
    }

    /// The outcome for a probe that cannot apply to a runtime.
    pub fn not_applicable(why: &str) -> Self {
        Observed::new(format!("n/a: {why}"))
    }
}

/// One behaviour probe.
pub trait Probe: 'static {
    /// Short name (`drop_unpolled_handle`).
    const NAME: &'static str;
    /// The question it answers and its named outcomes, in words.
    const QUESTION: &'static str;
    /// How often the tests repeat it to show the outcome is stable (ordering probes).
    const REPEAT: usize = 1;
    /// Runs the probe on `R`: builds its own runtime(s), outside any `block_on`.
    fn run<R: OwnApi>() -> Observed;
}

/// The probe registry: calls `$callback! { name: Type, … }` with every probe
/// (`with_probes!(cb, x)` calls `cb! { x; name: Type, … }`). Adding a probe is
/// one type plus one line here, and one expectation per profile file.
#[macro_export]
macro_rules! with_probes {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            drop_unpolled_handle: $crate::profile::DropUnpolled,
            cancel_pending: $crate::profile::CancelPending,
            cancel_finished: $crate::profile::CancelFinished,
            panic_join: $crate::profile::PanicJoin,
            panic_detached: $crate::profile::PanicDetached,
            panic_block_on: $crate::profile::PanicBlockOn,
            nested_block_on_task: $crate::profile::NestedBlockOn<true>,
            nested_block_on_block_on: $crate::profile::NestedBlockOn<false>,
            nested_foreign_block_on: $crate::profile::NestedForeign,
            drop_runtime_tasks: $crate::profile::DropRuntimeTasks,
            stale_handle: $crate::profile::StaleHandle,
            timer_granularity: $crate::profile::TimerGranularity,
            sleep_zero: $crate::profile::SleepZero,
            timeout_zero: $crate::profile::TimeoutZero,
            yield_order: $crate::profile::YieldOrder,
            spawn_order: $crate::profile::SpawnOrder,
            coop_budget_futures: $crate::profile::CoopBudget<false>,
            coop_budget_native: $crate::profile::CoopBudget<true>,
            blocking_cap: $crate::profile::BlockingCap,
            bounded_capacity: $crate::profile::BoundedCapacity,
            select_fairness: $crate::profile::SelectFairness,
            file_work_thread: $crate::profile::FileWorkThread,
        }
    };
}

/// Something that wants to be called once per probe type.
pub trait ProbeVisitor {
    /// Called with each registered probe.
    fn visit<P: Probe>(&mut self);
}

macro_rules! visit_list {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// Calls `visitor.visit::<P>()` for every probe, in registry order.
        pub fn visit_probes(visitor: &mut impl ProbeVisitor) {
            $(visitor.visit::<$ty>();)*
        }
    };
}
with_probes!(visit_list);

/// One expectation of a profile file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The outcome the probe must report.
    pub expected: String,
    /// The upstream doc or source that backs it: where (crate-version/path:line,
    /// or the doc) and what it says.
    pub source: String,
}

/// A profile file: probe name → expectation.
pub type Profile = std::collections::BTreeMap<String, Expectation>;

/// A profile file that does not parse, named by runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// The runtime whose `runners/profiles/<id>.toml` is broken.
    pub runtime: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "runners/profiles/{}.toml: {}", self.runtime, self.reason)
    }
}

impl std::error::Error for ProfileError {}

/// Parses `R`'s expected profile.
pub fn profile<R: OwnApi>() -> Result<Profile, ProfileError> {
    parse(R::ID, R::PROFILE)
}

/// Parses the profile file text of `runtime`.
fn parse(runtime: &'static str, text: &str) -> Result<Profile, ProfileError> {
    toml::from_str(text).map_err(|e| ProfileError { runtime, reason: e.to_string().replace('\n', " ") })
}

/// `Err("behaviour changed: …")` if `observed` differs from `expected`.
pub fn compare(probe: &str, runtime: &str, expected: &str, observed: &str) -> Result<(), String> {
    if expected == observed {
        Ok(())
    } else {
        Err(format!("behaviour changed: {probe} on {runtime}: expected {expected}, saw {observed}"))
    }
}

/// The configuration probes run with: one worker (see the [module docs](self)).
pub fn config() -> Config {
    Config { workers: 1 }
}

/// Builds `R` with [`config`]; a runtime that cannot start is a probe failure.
pub fn start<R: OwnApi>() -> R {
    R::new(&config()).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `future` as a spawned task (on a worker, not on the `block_on`
/// thread) and returns its output.
pub fn in_task<R: OwnApi, T: Send + 'static>(rt: &R, future: impl Future<Output = T> + Send + 'static) -> T {
    rt.block_on(async move { R::spawn(future).await })
}

/// Completes after `duration`, timed by a thread of its own: a bound that
/// does not depend on the runtime under test.
pub fn os_timer(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    let (tx, rx) = oneshot::channel::<()>();
    std::thread::spawn(move || {
        std::thread::sleep(duration);
        let _ = tx.send(());
    });
    rx.map(drop)
}

/// `future`'s output, or `None` if [`os_timer`]`(limit)` fires first.
pub async fn bounded<T>(limit: Duration, future: impl Future<Output = T>) -> Option<T> {
    match future::select(pin!(future), pin!(os_timer(limit))).await {
        Either::Left((v, _)) => Some(v),
        Either::Right(_) => None,
    }
}

/// How long a probe waits for something that should happen (loose: ≥ 1 s).
pub const WAIT: Duration = Duration::from_secs(3);

/// Every probe panic's message starts with this, so the quiet hook knows it.
pub const PANIC: &str = "arena probe panic";

/// Installs (once) a panic hook that stays silent for the probes' own,
/// deliberate panics ([`PANIC`]) and passes every other panic to the
/// previous hook.
pub fn quiet_probe_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !message(info.payload()).contains(PANIC) {
                previous(info);
            }
        }));
    });
}

/// The message of a panic payload.
pub fn message(payload: &(dyn Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "a panic whose payload is not a string".to_owned(),
    }
}

/// `f()`, or the message it panicked with.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| message(p.as_ref()))
}

/// `future`'s output, or the message it panicked with.
pub async fn catch_async<T>(future: impl Future<Output = T>) -> Result<T, String> {
    AssertUnwindSafe(future).catch_unwind().await.map_err(|p| message(p.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_profile_names_its_file_and_the_problem() {
        let e = parse("tokio-ct", "[spawn_order]\nexpected = \"1234 (FIFO)\"\n").unwrap_err();
        assert!(e.to_string().starts_with("runners/profiles/tokio-ct.toml: "), "{e}");
        assert!(e.to_string().contains("source"), "{e}");
        let e = parse("smol-mt", "[x]\nexpected = \"a\"\nsource = \"b\"\nextra = 1\n").unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
    }

    #[test]
    fn a_different_outcome_is_a_behaviour_change() {
        assert_eq!(compare("spawn_order", "tokio-mt", "4123 (LIFO slot)", "4123 (LIFO slot)"), Ok(()));
        assert_eq!(
            compare("spawn_order", "tokio-mt", "4123 (LIFO slot)", "1234 (FIFO)"),
            Err("behaviour changed: spawn_order on tokio-mt: expected 4123 (LIFO slot), saw 1234 (FIFO)".to_owned())
        );
    }
}
