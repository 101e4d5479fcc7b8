//! Memory: heap allocations and bytes per item (task, message, request) of
//! a workload on each runtime, and the peak resident set of a spawn storm.
//!
//! The counts come from a counting global allocator, which only a binary can
//! install (`arena-memory` does, with `stats_alloc`): this module takes the
//! counter as a function (and reads `stats_alloc`'s counters, without
//! installing it), so the timing binary `arena` never pays for counting.
//!
//! A cell runs the workload once to warm the runtime up (thread pools,
//! queues and caches that grow once), then [`RUNS`] times at a small and
//! [`RUNS`] times at a large size, each run checked. Per item is the
//! difference between the two sizes' median counts over the difference in
//! items, so what a run costs whatever its size (the runtime's setup, the
//! workload's vectors of handles grown in steps) cancels out. Everything
//! allocated while the run goes counts, on every thread: the runtime's
//! task cells, queues and timers, and the workload's own messages and
//! handles (the same on every runtime). Retained bytes are those still
//! allocated after the run, per item: a runtime that keeps memory for
//! finished tasks (or leaks it) shows there.
use std::fmt;

use workloads::{Config, Mismatch, Workload, not_applicable};

use crate::host::Host;
use crate::profile::OwnApi;
use crate::profile::catch;
use crate::registry::{Adapter, RuntimeVisitor};

/// Runs at each size; the median counts.
pub const RUNS: usize = 3;

/// Tasks in the spawn storm whose peak resident set is measured.
pub const STORM: usize = 1_000_000;

/// The workloads measured for memory: the costs users ask about, per spawned
/// task, per channel message, per timer, per request and per file read. Calls
/// `$callback! { name: Type, … }` as `with_workloads!` does.
#[macro_export]
macro_rules! with_memory_workloads {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            spawn_join: workloads::spawn::SpawnJoin,
            ping_pong: workloads::channels::PingPong,
            fan_in_c16: workloads::channels::FanIn<16>,
            oneshot: workloads::channels::Oneshot,
            broadcast: workloads::fanout::Broadcast,
            timer_wheel: workloads::timers::TimerWheel,
            mixed_service: workloads::service::MixedService,
            fs_read_small: workloads::fs::ReadSmall,
        }
    };
}

macro_rules! names {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// The names of the workloads measured for memory, in order.
        pub const WORKLOADS: &[&str] = &[$(<$ty as Workload>::NAME),*];

        /// Measures every selected memory workload on `R`.
        fn each_workload<R: Adapter>(
            config: &Config,
            counter: Counter<'_>,
            wanted: &dyn Fn(&str) -> bool,
            out: &mut Vec<Cell>,
        ) {
            $(if wanted(<$ty as Workload>::NAME) {
                out.push(Cell {
                    workload: <$ty as Workload>::NAME,
                    runtime: R::ID,
                    unit: <$ty as Workload>::UNIT,
                    outcome: measure::<$ty, R>(config, counter),
                });
            })*
        }
    };
}
with_memory_workloads!(names);

/// One workload × runtime's memory, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Workload name.
    pub workload: &'static str,
    /// Runtime id.
    pub runtime: &'static str,
    /// What an item is ("tasks", "messages").
    pub unit: &'static str,
    /// Per item, or why not.
    pub outcome: Result<PerItem, Skipped>,
}

/// Measures the memory workloads in `workloads` (all if empty) on the
/// runtimes in `runtimes` (all if empty), runtime by runtime; `progress` is
/// told of each cell as it is done.
pub fn measure_all(
    config: &Config,
    counter: Counter<'_>,
    runtimes: &[String],
    workloads: &[String],
    progress: &mut dyn FnMut(&Cell),
) -> Vec<Cell> {
    struct Each<'a> {
        config: &'a Config,
        counter: Counter<'a>,
        runtimes: &'a [String],
        workloads: &'a [String],
        progress: &'a mut dyn FnMut(&Cell),
        out: Vec<Cell>,
    }
    impl RuntimeVisitor for Each<'_> {
        fn visit<R: OwnApi>(&mut self) {
            if !(self.runtimes.is_empty() || self.runtimes.iter().any(|r| r == R::ID)) {
                return;
            }
            let wanted = |name: &str| self.workloads.is_empty() || self.workloads.iter().any(|w| w == name);
            let start = self.out.len();
            each_workload::<R>(self.config, self.counter, &wanted, &mut self.out);
            self.out[start..].iter().for_each(&mut *self.progress);
        }
    }
    let mut each = Each { config, counter, runtimes, workloads, progress, out: Vec::new() };
    crate::registry::visit_runtimes(&mut each);
    each.out
}

/// The spawn storm's peak resident set on runtime `id` (before and after
/// [`STORM`] tasks of `spawn_join`); `None` for an unknown id.
pub fn storm(id: &str, config: &Config) -> Option<Result<[u64; 2], Skipped>> {
    struct One<'a> {
        id: &'a str,
        config: &'a Config,
        out: Option<Result<[u64; 2], Skipped>>,
    }
    impl RuntimeVisitor for One<'_> {
        fn visit<R: OwnApi>(&mut self) {
            if R::ID == self.id {
                self.out = Some(rss::<workloads::spawn::SpawnJoin, R>(self.config, STORM));
            }
        }
    }
    let mut one = One { id, config, out: None };
    crate::registry::visit_runtimes(&mut one);
    one.out
}

/// A counting allocator's cumulative totals since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Calls to `alloc` and `realloc`.
    pub allocations: u64,
    /// Bytes those calls asked for (a `realloc` counts its growth only).
    pub bytes: u64,
    /// Bytes allocated and not yet freed.
    pub live: i64,
}

impl From<stats_alloc::Stats> for Totals {
    /// `stats_alloc`'s counters as totals (its `bytes_allocated` counts a
    /// `realloc`'s growth, `bytes_deallocated` its shrinking).
    fn from(s: stats_alloc::Stats) -> Totals {
        Totals {
            allocations: (s.allocations + s.reallocations) as u64,
            bytes: s.bytes_allocated as u64,
            live: s.bytes_allocated as i64 - s.bytes_deallocated as i64,
        }
    }
}

/// Reads the counting allocator's totals.
pub type Counter<'a> = &'a dyn Fn() -> Totals;

/// What one workload costs per item on one runtime.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerItem {
    /// Heap allocations per item.
    pub allocations: f64,
    /// Bytes allocated per item.
    pub bytes: f64,
    /// Bytes still allocated after the run, per item.
    pub retained: f64,
    /// The small and large sizes compared.
    pub sizes: [usize; 2],
}

/// Why a cell has no numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// The runtime cannot run the workload at these sizes (`capped: …`, `n/a: …`).
    NotApplicable(String),
    /// The runtime did not start here.
    Unavailable(String),
    /// A run gave the wrong answer or panicked.
    Failed(String),
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skipped::NotApplicable(why) => f.write_str(why),
            Skipped::Unavailable(why) => write!(f, "unavailable: {why}"),
            Skipped::Failed(why) => write!(f, "FAILED: {why}"),
        }
    }
}

/// The two sizes a cell compares: a tenth of the quick size and the quick size.
pub fn sizes<W: Workload>() -> [usize; 2] {
    let large = W::SIZES.quick.max(2);
    [(large / 10).max(1), large]
}

/// Measures `W` on `R` with `counter` at the [`sizes`] it is measured at.
pub fn measure<W: Workload, R: Adapter>(config: &Config, counter: Counter<'_>) -> Result<PerItem, Skipped> {
    measure_at::<W, R>(config, counter, sizes::<W>())
}

/// Measures `W` on `R` with `counter`, comparing `sizes` (small, large).
pub fn measure_at<W: Workload, R: Adapter>(
    config: &Config,
    counter: Counter<'_>,
    sizes: [usize; 2],
) -> Result<PerItem, Skipped> {
    assert!(W::items(sizes[1]) > W::items(sizes[0]), "the large size must have more items");
    if let Some(why) = sizes.iter().rev().find_map(|&s| not_applicable::<W, R>(s)) {
        return Err(Skipped::NotApplicable(why));
    }
    let host = Host::<R>::new(config).map_err(|e| Skipped::Unavailable(e.reason))?;
    // What the runs read (files) is made before counting, and kept.
    let _prepared = host.prepare::<W>(sizes[0]).and(host.prepare::<W>(sizes[1]));
    let run = |size: usize| -> Result<Totals, Skipped> {
        let before = counter();
        // The latency samples are dropped before counting: they are the
        // harness's, not kept by the run.
        let outcome = catch(|| host.run_checked::<W>(size).map(drop));
        let after = counter();
        checked(outcome)?;
        Ok(Totals {
            allocations: after.allocations - before.allocations,
            bytes: after.bytes - before.bytes,
            live: after.live - before.live,
        })
    };
    run(sizes[0])?;
    let median = |size: usize| -> Result<Totals, Skipped> {
        let mut runs = (0..RUNS).map(|_| run(size)).collect::<Result<Vec<_>, _>>()?;
        runs.sort_by_key(|t| (t.allocations, t.bytes));
        Ok(runs[RUNS / 2])
    };
    let (small, large) = (median(sizes[0])?, median(sizes[1])?);
    let items = (W::items(sizes[1]) - W::items(sizes[0])) as f64;
    Ok(PerItem {
        allocations: (large.allocations as f64 - small.allocations as f64) / items,
        bytes: (large.bytes as f64 - small.bytes as f64) / items,
        retained: large.live as f64 / W::items(sizes[1]) as f64,
        sizes,
    })
}

/// The peak resident set of this process so far (`VmHWM`), in bytes, where
/// the kernel reports it (Linux's `/proc/self/status`).
pub fn peak_rss() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| format!("/proc/self/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| "/proc/self/status has no VmHWM line".to_owned())
}

/// Peak resident set before and after one checked run of `W` at `size` on
/// `R`. Meant for a process of its own: the peak never goes down.
pub fn rss<W: Workload, R: Adapter>(config: &Config, size: usize) -> Result<[u64; 2], Skipped> {
    if let Some(why) = not_applicable::<W, R>(size) {
        return Err(Skipped::NotApplicable(why));
    }
    let host = Host::<R>::new(config).map_err(|e| Skipped::Unavailable(e.reason))?;
    let _prepared = host.prepare::<W>(size);
    let before = peak_rss().map_err(Skipped::Unavailable)?;
    checked(catch(|| host.run_checked::<W>(size)))?;
    Ok([before, peak_rss().map_err(Skipped::Unavailable)?])
}

/// A caught, checked run as a cell's outcome.
fn checked<T>(outcome: Result<Result<T, Mismatch>, String>) -> Result<T, Skipped> {
    match outcome {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(mismatch)) => Err(Skipped::Failed(mismatch.to_string())),
        Err(panic) => Err(Skipped::Failed(format!("panicked: {panic}"))),
    }
}
