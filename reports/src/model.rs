//! The report's own schema (`arena-report/2`): everything `index.html` and
//! `summary.md` show, as the `results.json` written beside them.
//!
//! A report holds one [`Machine`] per machine the inputs were measured on.
//! Numbers from different machines are never merged or compared: each
//! machine has its own matrices, its own "fastest", its own charts. Within
//! a machine, a matrix holds the cells of one core count ([`Matrix::cores`]):
//! nothing is ranked or divided across core counts. Durations are
//! nanoseconds; `relative` is a cell's time per item divided by the fastest
//! runtime's on the same machine, workload, size and cores (1.0 = fastest;
//! see [`crate::ranks`]).
use serde::{Deserialize, Serialize};

use crate::schema::{Cell, ConformanceCell, Environment, MemoryCell, OverheadPair, Settings, StormCell};

/// Schema tag of a report's `results.json`.
pub const REPORT_SCHEMA: &str = "arena-report/2";

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// When the report was built (RFC 3339, UTC).
    pub generated: String,
    /// The command that built it.
    pub command: String,
    /// Every file or directory read, and what came of it.
    pub inputs: Vec<Input>,
    /// What could not be used, one line each, naming the file concerned.
    pub problems: Vec<String>,
    /// What each workload seen in the inputs does, where known.
    pub workloads: Vec<WorkloadNote>,
    /// One entry per machine, in the order first seen.
    pub machines: Vec<Machine>,
}

/// One input of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The path as given.
    pub path: String,
    /// `results`, `criterion`, `overhead`, `conformance` or `memory`.
    pub kind: String,
    /// `used`, or why not (`unreadable: …`).
    pub status: String,
}

/// A workload's description, from Arena's registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadNote {
    /// Workload name.
    pub name: String,
    /// Workload family.
    pub family: String,
    /// What it does, and what to keep in mind reading its numbers.
    pub summary: String,
}

/// Everything measured on one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Short name: the host name, else the CPU; `#2`, `#3` … when two
    /// machines (or two builds on one) would share a name.
    pub label: String,
    /// The machine and build (from its newest input).
    pub environment: Environment,
    /// The runs merged here, in input order; cells point into this list.
    pub runs: Vec<Run>,
    /// Runtimes seen, in the order first seen.
    pub runtimes: Vec<String>,
    /// The margin within which a cell is tied with its row's fastest
    /// (0.3: 30 %; see [`crate::ranks`]).
    pub tie_within: f64,
    /// The headline matrices, one per core count (one core first; cells from
    /// before cores were held equal last): one row per workload.
    pub matrices: Vec<Matrix>,
    /// Every cell, at every size and core count.
    pub cells: Vec<ReportCell>,
    /// How time per item grows with size, per workload and runtime (with at
    /// least two measured sizes).
    pub growth: Vec<Growth>,
    /// The adapter-overhead measurement made on this machine, if any.
    pub overhead: Option<Overhead>,
    /// The conformance matrices made on this machine, if any.
    pub conformance: Option<ConformanceMatrix>,
    /// The memory measurement made on this machine, if any.
    #[serde(default)]
    pub memory: Option<Memory>,
    /// The worker-count sweep made on this machine, if any.
    #[serde(default)]
    pub scaling: Option<Scaling>,
}

/// One input run merged into a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// Where it came from.
    pub path: String,
    /// `results` (`arena run`) or `criterion` (`cargo bench`'s directory).
    pub kind: String,
    /// When it was measured.
    pub date: String,
    /// The command that measured it.
    pub command: String,
    /// criterion settings, when the input records them.
    pub settings: Option<Settings>,
}

/// One cell with what the report adds to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCell {
    /// The cell as measured.
    #[serde(flatten)]
    pub cell: Cell,
    /// Index into the machine's `runs`.
    pub run: usize,
    /// Against the other runtimes at this workload, size and core count.
    #[serde(flatten)]
    pub ranks: Ranks,
    /// Time of one run in each of criterion's samples, where its
    /// `sample.json` was read: fastest and slowest, and how many.
    pub samples: Option<SampleSpread>,
    /// criterion's own page for this benchmark, relative to the report.
    pub criterion_page: Option<String>,
    /// What Arena's seam costs this runtime on this workload, percent over
    /// the runtime's own API, where `arena overhead` on this machine found
    /// it above its tolerance (see [`adapter_cost`]); the cell's time
    /// includes it.
    #[serde(default)]
    pub adapter_cost_pct: Option<f64>,
}

/// The price of the seam a cell pays, percent, from an overhead pair of its
/// runtime and workload whose verdict is `over` (the whole interval of
/// `native / adapter` below 1 − tolerance): `1 / median − 1`.
pub fn adapter_cost(pairs: &[OverheadPair], runtime: &str, workload: &str) -> Option<f64> {
    let pair = pairs.iter().find(|p| p.runtime == runtime && p.workload == workload && p.verdict == "over")?;
    Some((1.0 / pair.median_ratio - 1.0) * 100.0)
}

/// The spread of criterion's samples of one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SampleSpread {
    /// Samples.
    pub count: usize,
    /// Fastest sample, time of one run.
    pub min_ns: f64,
    /// Slowest sample, time of one run.
    pub max_ns: f64,
}

/// Where a cell stands among the runtimes of its workload, size and core
/// count (all empty for a cell with no core count: never ranked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Ranks {
    /// Time per item over the fastest's (1.0 = fastest).
    pub relative: Option<f64>,
    /// Whether it cannot be told apart from the fastest (the fastest included).
    pub tied: bool,
    /// CPU time per item over the least's.
    pub cpu_relative: Option<f64>,
    /// Whether its CPU time cannot be told apart from the least.
    pub cpu_tied: bool,
}

/// The headline matrix of one core count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// The cores every cell ran on; `None` for cells from before cores were
    /// held equal (shown, not ranked).
    pub cores: Option<u64>,
    /// One row per workload.
    pub rows: Vec<MatrixRow>,
}

impl Matrix {
    /// What the matrix's mode means, in one sentence.
    pub fn mode(&self) -> String {
        mode(self.cores)
    }
}

/// What running on `cores` means, in one sentence.
pub fn mode(cores: Option<u64>) -> String {
    match cores {
        Some(1) => "On 1 core: every runtime's process confined to one CPU, multi-threaded runtimes with one \
                    worker, single-threaded and thread-per-core runtimes one instance."
            .to_owned(),
        Some(n) => format!(
            "On {n} cores: every runtime's process confined to the same {n} CPUs, multi-threaded runtimes with \
             {n} workers, single-threaded and thread-per-core runtimes {n} instances, one per core, each with a \
             shard of the work."
        ),
        None => "Cores not held equal (results from before arena-results/2): multi-threaded runtimes on the \
                 run's workers, single-threaded ones on one thread; not ranked."
            .to_owned(),
    }
}

/// One workload across the runtimes of a machine, at its headline size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixRow {
    /// Workload name.
    pub workload: String,
    /// Workload family.
    pub family: String,
    /// The size shown: the one the most runtimes were measured at (the
    /// largest such), so a runtime capped at large sizes still appears.
    pub size: u64,
    /// What `size` counts.
    pub unit: String,
    /// criterion's page comparing the runtimes on this workload, if any.
    pub criterion_page: Option<String>,
    /// One entry per runtime of the machine, in its order.
    pub entries: Vec<MatrixEntry>,
}

/// One matrix cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixEntry {
    /// Runtime id.
    pub runtime: String,
    /// `measured`, `skipped`, `failed` or `not measured` (no input has it).
    pub state: String,
    /// Mean time per item, with its 95 % interval.
    pub per_item_ns: Option<[f64; 3]>,
    /// Mean CPU time per item (every thread), with its 95 % interval.
    pub cpu_per_item_ns: Option<[f64; 3]>,
    /// Runtime instances the cell used, one per core (1: one runtime).
    pub shards: u64,
    /// Against the other runtimes of the row.
    #[serde(flatten)]
    pub ranks: Ranks,
    /// Why it is not measured, or a caveat.
    pub note: Option<String>,
    /// The price of the seam this cell pays, percent (see
    /// [`ReportCell::adapter_cost_pct`]).
    #[serde(default)]
    pub adapter_cost_pct: Option<f64>,
}

/// How a runtime's time per item grows with a workload's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    /// Workload name.
    pub workload: String,
    /// Runtime id.
    pub runtime: String,
    /// The cores of the cells compared.
    pub cores: Option<u64>,
    /// Least-squares slope of ln(time per item) over ln(items): 0 when the
    /// total cost grows linearly with the work, 1 when quadratically.
    pub slope: f64,
    /// Time per item at the largest measured size over that at the smallest.
    pub ratio: f64,
    /// Whether the growth is super-linear: slope above 0.2 and the largest
    /// size at least 1.5 times the smallest's time per item.
    pub super_linear: bool,
}

/// `arena overhead`'s pairs for one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overhead {
    /// The file it came from.
    pub path: String,
    /// When it was measured.
    pub date: String,
    /// The tolerance the verdicts were reached at, percent.
    pub tolerance_pct: f64,
    /// One entry per runtime × native twin.
    pub pairs: Vec<OverheadPair>,
}

/// Time per item at or above this multiple of its value on the fewest cores,
/// on the most cores, is flagged: adding cores made each item slower.
pub const SCALING_GROWTH: f64 = 1.5;

/// `arena scale`'s sweep for one machine: one row per workload × runtime ×
/// size, its time per item on each core count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// The file it came from.
    pub path: String,
    /// When it was measured.
    pub date: String,
    /// The core counts swept, in order (the rows' columns).
    pub cores: Vec<u64>,
    /// One row per workload × runtime × size.
    pub rows: Vec<ScalingRow>,
}

/// One workload × runtime × size across worker counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingRow {
    /// Workload name.
    pub workload: String,
    /// Runtime id.
    pub runtime: String,
    /// Size.
    pub size: u64,
    /// Time per item (ns) on each core count, where measured.
    pub per_item_ns: Vec<Option<f64>>,
    /// CPU time per item (ns) on each core count, where measured.
    pub cpu_per_item_ns: Vec<Option<f64>>,
    /// Why a core count has no time (`capped`, `FAILED: …`), where it has none.
    pub notes: Vec<Option<String>>,
    /// Time per item on the most cores over that on the fewest, both measured.
    pub ratio: Option<f64>,
    /// Whether `ratio` is at least [`SCALING_GROWTH`].
    pub grows: bool,
}

/// `arena-memory`'s cells for one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// The file it came from.
    pub path: String,
    /// When it was measured.
    pub date: String,
    /// The cores every runtime ran on; `None`: not held equal (an
    /// `arena-memory/1` file).
    #[serde(default)]
    pub cores: Option<u64>,
    /// Heap use per item, one per workload × runtime.
    pub cells: Vec<MemoryCell>,
    /// The spawn storm's resident set, one per runtime.
    pub storm: Vec<StormCell>,
}

/// `arena conformance`'s cells for one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConformanceMatrix {
    /// The file it came from.
    pub path: String,
    /// When it ran.
    pub date: String,
    /// Runtimes, in the order first seen.
    pub runtimes: Vec<String>,
    /// Every check and probe cell.
    pub cells: Vec<ConformanceCell>,
}
