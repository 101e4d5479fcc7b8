//! Command-line arguments. Every value is parsed here, once, by clap into
//! its type ([`SizeChoice`], [`GateSize`], [`Workers`], [`MeterChoice`],
//! [`SelftestMode`]), so `--help` lists what a flag takes and a bad value is
//! one line naming the flag before any command starts.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
pub use runners::catalog::SizeChoice;

mod values;
pub use values::{GateSize, MeterChoice, SelftestMode, Workers, config};

/// What every command's exit code means (`scripts::entry::Exit`).
const EXIT_CODES: &str = "Exit codes: 0 ok; 1 a finding (a regression, a check not ok, an adapter over its \
tolerance); 2 bad input; 3 too noisy to tell; 4 a cell failed (wrong answer, panic, hang); 5 arena could not do \
its job (a failed build, an unwritable file, a crash).";

/// Async Runtime Arena: benchmark async Rust runtimes side by side.
#[derive(Debug, Parser)]
#[command(name = "arena", version, args_override_self = true, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the runtimes and workloads.
    List(ListArgs),
    /// Run a matrix of runtimes × workloads on one core and on all cores,
    /// print the tables, write JSON results and the report.
    Run(RunArgs),
    /// Sweep cores (1 to --max-cores), every runtime given the same cores at
    /// each count: the same cells at each, written to scaling.json; flags
    /// cells whose time per item grows with cores.
    Scale(ScaleArgs),
    /// Measure what Arena's adapter costs: each runtime's native twins against
    /// the same workloads through the seam, in paired, interleaved rounds.
    Overhead(OverheadArgs),
    /// Run the conformance contract on every runtime; print the matrix, write JSON.
    Conformance(ConformanceArgs),
    /// How far two runs of the same matrices agree: rankings that flipped,
    /// whether the tie rule had called them apart, how far cells moved.
    Agreement(AgreementArgs),
    /// Build the comparison report (index.html, summary.md, results.json) from
    /// results, criterion output, overhead and conformance files.
    Report(ReportArgs),
    /// Regression gate: compare two builds (git revisions, runtime crate
    /// versions, or binaries) cell by cell, with an A/A calibration; exit 0 no
    /// regression, 1 regression, 2 bad input, 3 inconclusive, 4 a failed cell,
    /// 5 a failed build.
    Compare(Box<CompareArgs>),
    /// Prove the gate on this machine: run `compare` on one binary against
    /// itself, with an injected slowdown and without, many times, and tally
    /// how often each cell was flagged; exit 0 when every mode meets its
    /// expectation, 1 when one does not.
    GateSelftest(GateSelftestArgs),
    /// Hold one runtime × workload cell and run batches of it on command
    /// (protocol arena-gate/1; used by `compare`).
    #[command(hide = true)]
    GateWorker(GateWorkerArgs),
    /// Serve one request of a parent `arena` (`arena run`'s cells,
    /// `arena conformance`'s checks and probes) in this process:
    /// arena-protocol/1, the request on stdin, the replies on stdout.
    #[command(hide = true)]
    Child,
}

/// criterion settings of `run` (and `scale`), which its cells are given.
#[derive(Debug, Clone, Args)]
pub struct Measure {
    /// criterion warm-up per cell, milliseconds.
    #[arg(long, default_value_t = WARM_UP_MS)]
    pub warm_up_ms: u64,
    /// criterion measurement time per cell, milliseconds.
    #[arg(long, default_value_t = MEASURE_MS)]
    pub measure_ms: u64,
    /// criterion samples per cell (at least 10).
    #[arg(long, default_value_t = 10)]
    pub samples: usize,
}

/// criterion's warm-up per cell in a quick matrix, milliseconds.
pub const WARM_UP_MS: u64 = 50;
/// criterion's measurement time per cell in a quick matrix, milliseconds.
pub const MEASURE_MS: u64 = 100;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print one JSON document (runtimes with their family, workloads,
    /// contract checks, behaviour probes, families not built) instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Runtimes to run (comma list or repeated) [default: all].
    #[arg(long = "runtime", value_delimiter = ',')]
    pub runtimes: Vec<String>,
    /// Workloads to run (comma list or repeated) [default: all].
    #[arg(long = "workload", value_delimiter = ',')]
    pub workloads: Vec<String>,
    /// `quick` (one size per workload), `test`, `bench`, or sizes `N,N,…`.
    #[arg(long, default_value = "quick")]
    pub size: SizeChoice,
    /// Output directory: results.json, plus criterion's data under criterion/.
    #[arg(long, default_value = "target/arena")]
    pub out: PathBuf,
    /// A cell still running after this many seconds is stopped and marked failed.
    #[arg(long, default_value_t = 120)]
    pub timeout_s: u64,
    /// The core counts to measure on, one matrix each (comma list): every
    /// runtime confined to that many CPUs, multi-threaded ones with as many
    /// workers, single-threaded and thread-per-core ones as many instances
    /// with a shard each [default: 1 and the cores this process may use].
    #[arg(long, value_delimiter = ',')]
    pub cores: Vec<usize>,
    /// Replaced by --cores (refused with a pointer to it).
    #[arg(long, hide = true)]
    pub workers: Option<Workers>,
    /// The report's tie margin: a cell within this many percent of its row's
    /// fastest is marked tied with it [default: 30, the run-to-run noise of a
    /// quick matrix measured on docs/method.md's machine].
    #[arg(long)]
    pub tie_within: Option<f64>,
    #[command(flatten)]
    pub measure: Measure,
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// Runtimes, workloads, sizes and criterion settings as for `run` (its
    /// `--cores` is refused: the sweep sets the cores).
    #[command(flatten)]
    pub run: RunArgs,
    /// The most cores to sweep to [default: the cores this process may use].
    #[arg(long)]
    pub max_cores: Option<usize>,
}

#[derive(Debug, Args)]
pub struct OverheadArgs {
    /// Runtimes to measure (comma list or repeated) [default: all].
    #[arg(long = "runtime", value_delimiter = ',')]
    pub runtimes: Vec<String>,
    /// Seconds to spend on each runtime × twin pair (at least 11 rounds are run).
    #[arg(long, default_value_t = 3.0)]
    pub budget_s: f64,
    /// The claim checked: the adapter costs less than this many percent.
    #[arg(long, default_value_t = 1.0)]
    pub tolerance_pct: f64,
    /// Worker threads for multi-threaded runtimes [default: available cores].
    #[arg(long)]
    pub workers: Option<Workers>,
    /// Where to write the result as JSON.
    #[arg(long, default_value = "target/arena/overhead.json")]
    pub out: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// Runtimes to check (comma list or repeated) [default: all].
    #[arg(long = "runtime", value_delimiter = ',')]
    pub runtimes: Vec<String>,
    /// Contract checks to run (comma list or repeated) [default: all; none if
    /// only --probe is given].
    #[arg(long = "check", value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Behaviour probes to run (comma list or repeated) [default: all; none if
    /// only --check is given].
    #[arg(long = "probe", value_delimiter = ',')]
    pub probes: Vec<String>,
    /// Print the matrices as GitHub Markdown instead of terminal tables.
    #[arg(long)]
    pub markdown: bool,
    /// A check still running after this many seconds is stopped: "hang". The
    /// checks stop themselves after 10 s without progress; this catches a
    /// runtime that freezes even that (a million-message run on `threads`
    /// takes over a minute here).
    #[arg(long, default_value_t = 300)]
    pub timeout_s: u64,
    /// A probe still running after this many seconds is stopped: "hang"
    /// (probes bound their own waits to a few seconds).
    #[arg(long, default_value_t = 20)]
    pub probe_timeout_s: u64,
    /// Where to write the matrices as JSON.
    #[arg(long, default_value = "target/arena/conformance.json")]
    pub out: PathBuf,
    /// Worker threads for multi-threaded runtimes in contract checks
    /// [default: available cores]; probes always use one.
    #[arg(long)]
    pub workers: Option<Workers>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// `arena run` results files (repeatable) [default, with the other three
    /// defaults, where they exist: target/arena/results.json].
    #[arg(long = "results")]
    pub results: Vec<PathBuf>,
    /// criterion output directories of `cargo bench` (repeatable) [default: target/criterion].
    #[arg(long = "criterion")]
    pub criterion: Vec<PathBuf>,
    /// Which criterion measurements to read: `new` (the latest) or a
    /// baseline saved with `--save-baseline NAME`.
    #[arg(long, default_value = "new")]
    pub baseline: String,
    /// `arena overhead` files (repeatable) [default: target/arena/overhead.json].
    #[arg(long = "overhead")]
    pub overhead: Vec<PathBuf>,
    /// `arena conformance` files (repeatable) [default: target/arena/conformance.json].
    #[arg(long = "conformance")]
    pub conformance: Vec<PathBuf>,
    /// `arena-memory` files (repeatable) [default: target/arena/memory.json].
    #[arg(long = "memory")]
    pub memory: Vec<PathBuf>,
    /// `arena scale` files (repeatable) [default: target/arena/scaling.json].
    #[arg(long = "scaling")]
    pub scaling: Vec<PathBuf>,
    /// Where to write index.html, summary.md and results.json.
    #[arg(long, default_value = "target/arena/report")]
    pub out: PathBuf,
    /// Do not print the terminal tables.
    #[arg(long)]
    pub quiet: bool,
    /// A cell within this many percent of its row's fastest is marked tied
    /// with it [default: 30, the run-to-run noise of a quick matrix measured
    /// on docs/method.md's machine].
    #[arg(long)]
    pub tie_within: Option<f64>,
}

#[derive(Debug, Args)]
pub struct AgreementArgs {
    /// The first run's results.json.
    pub first: PathBuf,
    /// The second run's results.json.
    pub second: PathBuf,
    /// How many of the cells that moved most to list.
    #[arg(long, default_value_t = 5)]
    pub moves: usize,
    /// The tie margin whose "apart" is checked, percent [default: 30, the report's].
    #[arg(long)]
    pub tie_within: Option<f64>,
}

#[derive(Debug, Args)]
pub struct GateWorkerArgs {
    #[arg(long)]
    pub runtime: String,
    #[arg(long)]
    pub workload: String,
    #[arg(long)]
    pub size: usize,
    #[arg(long)]
    pub meter: runners::gate::Meter,
    /// Run the runtime slowed on purpose, taking `burn` commands.
    #[arg(long)]
    pub inject: bool,
    #[arg(long)]
    pub workers: Option<Workers>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Base: a git revision of the repository (--repo), built twice (base and its A/A twin).
    #[arg(long, requires = "head", conflicts_with_all = ["base_bin", "krate"])]
    pub base: Option<String>,
    /// Head: the git revision compared with --base.
    #[arg(long, requires = "base")]
    pub head: Option<String>,
    /// The repository whose revisions --base and --head name.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    /// A runtime crate to compare two versions of (e.g. tokio), building this
    /// checkout (HEAD) twice over: base and head each take the lockfile's
    /// version unless --base-version/--base-path or --head-version/--head-path say otherwise.
    #[arg(long = "crate", conflicts_with = "base_bin")]
    pub krate: Option<String>,
    /// The crate version base uses (`cargo update --precise`).
    #[arg(long, requires = "krate", conflicts_with = "base_path")]
    pub base_version: Option<String>,
    /// A local checkout base uses (`[patch.crates-io]`).
    #[arg(long, requires = "krate")]
    pub base_path: Option<PathBuf>,
    /// The crate version head uses.
    #[arg(long, requires = "krate", conflicts_with = "head_path")]
    pub head_version: Option<String>,
    /// A local checkout head uses.
    #[arg(long, requires = "krate")]
    pub head_path: Option<PathBuf>,
    /// Base: an `arena` binary already built (no build step).
    #[arg(long, requires = "head_bin")]
    pub base_bin: Option<PathBuf>,
    /// Head: an `arena` binary already built.
    #[arg(long, requires = "base_bin")]
    pub head_bin: Option<PathBuf>,
    /// The A/A twin of --base-bin: a second build of base [default: --base-bin
    /// itself, in processes of its own, which leaves build-to-build layout out
    /// of the calibration].
    #[arg(long, requires = "base_bin")]
    pub aa_bin: Option<PathBuf>,
    /// Runtimes to compare (comma list or repeated) [default: the regression set, see docs/gate.md].
    #[arg(long = "runtime", value_delimiter = ',')]
    pub runtimes: Vec<String>,
    /// Workloads to compare (comma list or repeated) [default: the regression set, see docs/gate.md].
    #[arg(long = "workload", value_delimiter = ',')]
    pub workloads: Vec<String>,
    /// `quick` (each workload's quick size) or one size for every workload.
    #[arg(long, default_value = "quick")]
    pub size: GateSize,
    /// A slowdown, in instruction counts, that fails the gate (percent).
    #[arg(long, default_value_t = 0.5)]
    pub threshold_instructions_pct: f64,
    /// A slowdown, in wall time, that fails the gate (percent).
    #[arg(long, default_value_t = 1.0)]
    pub threshold_wall_pct: f64,
    /// Family-wise error rate of all the cells' intervals together.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Seconds of sessions per wall-time cell (at least 20 sessions run,
    /// about 55 s here; the self-test uses 150, see docs/gate.md).
    #[arg(long, default_value_t = 60.0)]
    pub budget_s: f64,
    /// Rounds per instruction-count cell (after a warm-up round).
    #[arg(long, default_value_t = 9)]
    pub instruction_rounds: usize,
    /// What to measure cells in.
    #[arg(long, value_enum, default_value_t = MeterChoice::Auto)]
    pub meter: MeterChoice,
    /// Seed for round orders and the bootstrap [default: from the clock].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Self-test: head runs slowed on purpose by this many percent,
    /// calibrated per cell against base (see scripts/gate-selftest.sh).
    #[arg(long)]
    pub inject_pct: Option<f64>,
    /// Codegen units of the builds compare makes (`CARGO_PROFILE_RELEASE_CODEGEN_UNITS`)
    /// [default: 1, so that a change's size does not move with code it does not touch;
    /// 16, the release profile's own, is what users ship: see docs/gate.md].
    #[arg(long)]
    pub codegen_units: Option<u32>,
    /// Where builds and worktrees go.
    #[arg(long, default_value = "target/arena/compare")]
    pub work_dir: PathBuf,
    /// Where to write gate.json, gate.md and benchmark.json.
    #[arg(long, default_value = "target/arena/gate")]
    pub out: PathBuf,
    /// Print the table as GitHub Markdown.
    #[arg(long)]
    pub markdown: bool,
    /// Worker threads for multi-threaded runtimes [default: available cores].
    #[arg(long)]
    pub workers: Option<Workers>,
}

#[derive(Debug, Args)]
pub struct GateSelftestArgs {
    /// Runs of each mode (with --resume: in all, counting the runs already tallied).
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// Go on with the tally in <out>/selftest.json: add runs to each mode
    /// until it has --runs (the tally is rewritten after every run, so a
    /// long self-test can be spread over several sittings).
    #[arg(long)]
    pub resume: bool,
    /// Modes to run (comma list or repeated) [default: all four].
    #[arg(long = "mode", value_enum, value_delimiter = ',')]
    pub modes: Vec<SelftestMode>,
    /// The `arena` binary to compare with itself [default: this one].
    #[arg(long)]
    pub bin: Option<PathBuf>,
    /// Slowdown injected in the instruction-count modes (percent).
    #[arg(long, default_value_t = 1.0)]
    pub instructions_inject_pct: f64,
    /// Slowdown injected in the wall-time modes (percent).
    #[arg(long, default_value_t = 3.0)]
    pub wall_inject_pct: f64,
    /// Share of runs in which wall-inject must flag each cell.
    #[arg(long, default_value_t = 0.9)]
    pub wall_share: f64,
    /// Runtimes of the instruction-count modes.
    #[arg(long = "instruction-runtime", value_delimiter = ',', default_value = "tokio-ct,smol-local,futures-local")]
    pub instruction_runtimes: Vec<String>,
    /// Workloads of the instruction-count modes.
    #[arg(long = "instruction-workload", value_delimiter = ',', default_value = "ping_pong,spawn_join,select_macro")]
    pub instruction_workloads: Vec<String>,
    /// Runtimes of the wall-time modes.
    #[arg(long = "wall-runtime", value_delimiter = ',', default_value = "tokio-mt")]
    pub wall_runtimes: Vec<String>,
    /// Workloads of the wall-time modes.
    #[arg(long = "wall-workload", value_delimiter = ',', default_value = "ping_pong")]
    pub wall_workloads: Vec<String>,
    /// `arena compare --budget-s` for the wall-time modes (600: what 3 % took on docs/gate.md's 2-vCPU VM; ~10 min a run)
    #[arg(long, default_value_t = 600.0)]
    pub budget_s: f64,
    /// `arena compare --size`: `quick` or one size for every workload.
    #[arg(long, default_value = "quick")]
    pub size: GateSize,
    /// First run's seed; run i gets seed + i [default: from the clock].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where each run's gate output and the tally (selftest.json, selftest.md) go.
    #[arg(long, default_value = "target/arena/selftest")]
    pub out: PathBuf,
}
