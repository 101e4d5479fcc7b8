//! The results schema (`arena-results/2`): what `arena run` writes and what
//! every later tool (the report, the CI gate) reads.
//!
//! A results file is one [`Results`]: the machine and build it was measured
//! on, the run's settings, and one [`Cell`] per workload × runtime × size ×
//! cores. Every cell says on how many cores it ran ([`Cell::cores`]), and
//! cells are only ever compared with cells on as many cores. Files of the
//! previous versions (`arena-results/1`, `arena-cell/1`, `arena-scaling/1`,
//! from before cores were held equal) are still read: see [`crate::legacy`].
//! The harness also writes each cell alone as `arena.json` beside criterion's
//! files for that benchmark, so `cargo bench` output carries the same cells.
//! All durations are nanoseconds.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Schema tag of a results file.
pub const RESULTS_SCHEMA: &str = "arena-results/2";
/// Schema tag of a single cell file (`arena.json`).
pub const CELL_SCHEMA: &str = "arena-cell/2";
/// Schema tag of an adapter-overhead file (`arena overhead`).
pub const OVERHEAD_SCHEMA: &str = "arena-overhead/1";
/// Schema tag of a worker-scaling file (`arena scale`).
pub const SCALING_SCHEMA: &str = "arena-scaling/2";
/// Schema tag of a memory file (`arena-memory`).
pub const MEMORY_SCHEMA: &str = "arena-memory/2";
/// File name of a cell record inside criterion's benchmark directory.
pub const CELL_FILE: &str = "arena.json";

/// One run of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always [`RESULTS_SCHEMA`].
    pub schema: String,
    /// Where and with what the numbers were measured.
    pub environment: Environment,
    /// How the run was configured.
    pub settings: Settings,
    /// Every cell, measured or not.
    pub cells: Vec<Cell>,
}

/// The machine, toolchain and crate versions behind a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// The machine's host name; files from before it was recorded have none.
    /// The report groups results by machine with it (see `reports::merge`).
    #[serde(default)]
    pub host: Option<String>,
    /// CPU model as the kernel reports it.
    pub cpu: String,
    /// Cores available to the process.
    pub cores: usize,
    /// Kernel release.
    pub kernel: String,
    /// `rustc -V` of the compiler that built the benchmarks.
    pub rustc: String,
    /// The cargo profile the benchmarks were built with.
    pub profile: Profile,
    /// Exact versions of the runtime and measurement crates (from Cargo.lock).
    pub crates: BTreeMap<String, String>,
    /// When the run started (RFC 3339, UTC).
    pub date: String,
    /// The command line that produced the run.
    pub command: String,
    /// `git describe` of the Arena checkout, when known.
    pub git: Option<String>,
}

/// What a cargo profile did to the code that was measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// `release`, `debug`, … (cargo's `PROFILE` for the build script).
    pub name: String,
    /// `opt-level`.
    pub opt_level: String,
    /// Whether debug assertions were on.
    pub debug_assertions: bool,
}

/// How a run was configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The core counts measured, in order (`[1, 8]`: a one-core and an
    /// eight-core matrix). Empty in files from before cores were held equal.
    #[serde(default)]
    pub cores: Vec<u64>,
    /// Worker threads given to multi-threaded runtimes, in files from before
    /// cores were held equal (`workers` in `arena-results/1`); absent since.
    #[serde(default, alias = "workers", skip_serializing_if = "Option::is_none")]
    pub legacy_workers: Option<u64>,
    /// criterion warm-up per benchmark, milliseconds.
    pub warm_up_ms: u64,
    /// criterion measurement time per benchmark, milliseconds.
    pub measurement_ms: u64,
    /// criterion samples per benchmark.
    pub sample_size: usize,
}

/// One workload on one runtime at one size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Workload name (a native twin ends in `_native`).
    pub workload: String,
    /// Workload family.
    pub family: String,
    /// Runtime id.
    pub runtime: String,
    /// The workload's size parameter.
    pub size: u64,
    /// Items of work at that size (cost per item = time / items).
    pub items: u64,
    /// What `size` counts.
    pub unit: String,
    /// Whether it was measured, and why not if not.
    pub status: Status,
    /// The cores the cell ran on: the measuring process was confined to this
    /// many CPUs; multi-threaded runtimes had this many workers, and
    /// single-threaded and thread-per-core runtimes ran this many instances,
    /// one per thread, each with a shard of the work ([`Cell::shards`]).
    /// `None` in files from before cores were held equal, where
    /// multi-threaded runtimes had the run's workers and single-threaded ones
    /// one thread: such cells are shown, never ranked.
    #[serde(default)]
    pub cores: Option<u64>,
    /// The CPUs the measuring process was confined to; `None` where it was not.
    #[serde(default)]
    pub cpus: Option<Vec<u64>>,
    /// Independent runtime instances a run used, each on its own thread with
    /// its shard of the work (1: one runtime ran the whole workload).
    #[serde(default = "one")]
    pub shards: u64,
    /// criterion's estimate of one run, when measured.
    pub estimate: Option<Estimate>,
    /// CPU time (user + system, every thread of the process) per item over
    /// the measured runs, when measured.
    #[serde(default)]
    pub cpu: Option<CpuTime>,
    /// Latency percentiles over every run, where the workload records
    /// samples (timer lateness, echo round trips). Read from `lateness` too,
    /// the field's name before network workloads recorded round trips.
    #[serde(alias = "lateness")]
    pub latency: Option<Latency>,
    /// For a workload that does file I/O, the file API the runtime did it
    /// through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FileApi>,
}

/// The file API a cell's runtime did its file I/O through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileApi {
    /// What it is (`tokio::fs: std::fs calls on tokio's blocking pool`), or,
    /// for a runtime with none of its own, what stood in.
    pub api: String,
    /// Whether it is the runtime's own; `false`: the runtime has none.
    pub own: bool,
}

fn one() -> u64 {
    1
}

impl Cell {
    /// `<workload>/<runtime>/<size>`, criterion's benchmark id.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.workload, self.runtime, self.size)
    }

    /// Mean time per item with its 95 % interval, `[mean, lower, upper]`,
    /// when the cell was measured and has an estimate.
    pub fn per_item_interval(&self) -> Option<[f64; 3]> {
        let e = self.estimate.filter(|_| self.status == Status::Measured)?;
        let items = self.items.max(1) as f64;
        Some([e.per_item_ns, e.mean_lower_ns / items, e.mean_upper_ns / items])
    }

    /// The id with the cores it ran on: `ping_pong/tokio-ct/10000 on 2 cores`.
    pub fn label(&self) -> String {
        match self.cores {
            Some(1) => format!("{} on 1 core", self.id()),
            Some(n) => format!("{} on {n} cores", self.id()),
            None => self.id(),
        }
    }
}

/// CPU time per item: the process's CPU time over each measured sample,
/// divided by the sample's runs and the items of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CpuTime {
    /// Mean over samples.
    pub per_item_ns: f64,
    /// Lower bound of the mean's 95 % bootstrap interval.
    pub lower_ns: f64,
    /// Upper bound of the mean's 95 % bootstrap interval.
    pub upper_ns: f64,
    /// Samples it was computed from.
    pub samples: u64,
}

/// Whether a cell was measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "lowercase")]
pub enum Status {
    /// Measured, every run's answer checked.
    Measured,
    /// Not run: the runtime cannot do it ("n/a: …") or caps it ("capped: …").
    Skipped(String),
    /// Run and failed: wrong answer, panic, hang or a runtime that would not start.
    Failed(String),
}

/// criterion's estimate of the time one run of the workload takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Mean time per run.
    pub mean_ns: f64,
    /// Lower bound of the mean's confidence interval.
    pub mean_lower_ns: f64,
    /// Upper bound of the mean's confidence interval.
    pub mean_upper_ns: f64,
    /// Median time per run.
    pub median_ns: f64,
    /// Mean time per item (`mean_ns / items`).
    pub per_item_ns: f64,
}

/// Percentiles of a workload's latency samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    /// What a sample times, as the workload says ("timer lateness: how long
    /// after its deadline a timer fired"); the part before `:` is its name.
    /// Files from before the field were all timer lateness.
    #[serde(default = "timer_lateness")]
    pub what: String,
    /// Samples observed.
    pub samples: u64,
    /// Median.
    pub p50_ns: u64,
    /// 90th percentile.
    pub p90_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p999_ns: u64,
    /// Latest.
    pub max_ns: u64,
}

impl Latency {
    /// What a sample times, in a word or two (the part of [`Latency::what`]
    /// before `:`).
    pub fn name(&self) -> &str {
        self.what.split(':').next().unwrap_or_default().trim()
    }
}

fn timer_lateness() -> String {
    "timer lateness: how long after its deadline a timer fired".to_owned()
}

/// A cell record on disk: one [`Cell`] with its schema tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellRecord {
    /// Always [`CELL_SCHEMA`].
    pub schema: String,
    /// The cell.
    #[serde(flatten)]
    pub cell: Cell,
}

/// What `arena overhead` measured: the adapter against each runtime's native twins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadResults {
    /// Always [`OVERHEAD_SCHEMA`].
    pub schema: String,
    /// Where it was measured.
    pub environment: Environment,
    /// The claim checked: the adapter costs less than this many percent.
    pub tolerance_pct: f64,
    /// Seconds spent per runtime × twin pair.
    pub budget_s: f64,
    /// One entry per runtime × twin.
    pub pairs: Vec<OverheadPair>,
}

/// One runtime's workload through the seam against its native twin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadPair {
    /// Runtime id.
    pub runtime: String,
    /// The workload the twin mirrors.
    pub workload: String,
    /// Size both ran at.
    pub size: u64,
    /// Paired rounds counted.
    pub rounds: u64,
    /// Median over rounds of `native time / adapter time`.
    pub median_ratio: f64,
    /// 95 % confidence interval of that median.
    pub interval: [f64; 2],
    /// `within`, `over`, `faster` or `inconclusive` at the tolerance.
    pub verdict: String,
}

/// What `arena scale` measured: the same cells on each core count from one
/// up (`settings.cores`), every runtime given the same cores at each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingResults {
    /// Always [`SCALING_SCHEMA`].
    pub schema: String,
    /// Where it was measured.
    pub environment: Environment,
    /// How it was measured; `cores` are the counts swept.
    pub settings: Settings,
    /// Every cell at every core count (each says its [`Cell::cores`]).
    pub cells: Vec<Cell>,
}

/// What `arena-memory` measured: heap use per item through a counting
/// allocator, and the peak resident set of a spawn storm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryResults {
    /// Always [`MEMORY_SCHEMA`].
    pub schema: String,
    /// Where it was measured.
    pub environment: Environment,
    /// The cores every runtime ran on (the process confined to them);
    /// `None` in an `arena-memory/1` file, from before cores were held equal.
    #[serde(default)]
    pub cores: Option<u64>,
    /// One entry per workload × runtime.
    pub cells: Vec<MemoryCell>,
    /// One entry per runtime: the spawn storm's resident set.
    pub storm: Vec<StormCell>,
}

/// A workload's heap use per item on one runtime: the difference between a
/// small and a large run's counts over the difference in items (median of
/// three runs each), so per-run setup cancels out. `note` says why a cell
/// has no numbers (`capped: …`, `unavailable: …`, `FAILED: …`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryCell {
    /// Workload name.
    pub workload: String,
    /// Runtime id.
    pub runtime: String,
    /// What an item is ("tasks", "messages").
    pub unit: String,
    /// The small and large sizes compared.
    pub sizes: [u64; 2],
    /// Heap allocations (`alloc` and `realloc` calls) per item.
    pub allocations_per_item: Option<f64>,
    /// Bytes allocated per item.
    pub bytes_per_item: Option<f64>,
    /// Bytes still allocated after the large run, per item.
    pub retained_per_item: Option<f64>,
    /// Why there are no numbers, if there are none.
    pub note: Option<String>,
}

/// The peak resident set (`VmHWM`) of a fresh process before and after one
/// `spawn_join` of `tasks` tasks on one runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StormCell {
    /// Runtime id.
    pub runtime: String,
    /// Tasks spawned.
    pub tasks: u64,
    /// Peak resident bytes with the runtime started, before the storm.
    pub before_bytes: Option<u64>,
    /// Peak resident bytes after it.
    pub peak_bytes: Option<u64>,
    /// Why there are no numbers, if there are none.
    pub note: Option<String>,
}

/// Schema tag of a conformance file (`arena conformance`).
pub const CONFORMANCE_SCHEMA: &str = "arena-conformance/2";

/// What `arena conformance` found: one cell per runtime × contract check and
/// runtime × behaviour probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conformance {
    /// Always [`CONFORMANCE_SCHEMA`].
    pub schema: String,
    /// Where it ran.
    pub environment: Environment,
    /// Every runtime × check and runtime × probe run.
    pub cells: Vec<ConformanceCell>,
}

/// One contract check or behaviour probe on one runtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConformanceCell {
    /// Runtime id.
    pub runtime: String,
    /// Which layer the check belongs to.
    pub layer: Layer,
    /// Check or probe name.
    pub check: String,
    /// What happened.
    pub outcome: Outcome,
    /// Profile probes: the named outcome seen (`detach`), or `hang after <n> s`
    /// / `aborted: …` when the probe's process did not report one.
    pub observed: Option<String>,
    /// Profile probes: the outcome the runtime's profile file expects.
    pub expected: Option<String>,
    /// For anything but `ok`, in words: `broken: <what the check saw>`,
    /// `behaviour changed: <probe> on <runtime>: expected X, saw Y`,
    /// `hang after <n> s`, `aborted: <panic message or signal>`,
    /// `unavailable: <why the runtime cannot start>`; for `ok`
    /// probes, the measurements behind the outcome, if any.
    pub detail: Option<String>,
}

/// The two layers of the conformance suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// Behaviour every runtime must show.
    Contract,
    /// Where runtimes legitimately differ, checked against expectations.
    Profile,
}

/// How a check or probe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The runtime kept the contract, or showed its expected behaviour.
    Ok,
    /// The check ran and saw the contract broken.
    Broken,
    /// The probe ran and saw another outcome than the profile expects.
    Changed,
    /// The check did not finish before the watchdog stopped it.
    Hang,
    /// The process died (panic escaping the runtime, abort, signal).
    Aborted,
    /// Not run: the runtime cannot start on this machine (no io_uring, too
    /// low a memlock limit); the detail says why.
    Unavailable,
}

impl Outcome {
    /// Whether the cell is a finding against the runtime: anything but
    /// `ok`, and a runtime that could not start here, which says nothing
    /// about it.
    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Ok | Outcome::Unavailable)
    }
}
