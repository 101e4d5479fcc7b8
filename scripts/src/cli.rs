//! Command-line arguments.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::Usage;

/// The runtime configuration `--workers` asks for: at least one worker,
/// by default one per available core.
pub fn config(workers: Option<usize>) -> Result<runners::Config, Usage> {
    match workers {
        Some(0) => Err(Usage("--workers: must be at least 1".into())),
        Some(workers) => Ok(runners::Config { workers }),
        None => Ok(runners::Config::default()),
    }
}

/// Async Runtime Arena: benchmark async Rust runtimes side by side.
#[derive(Debug, Parser)]
#[command(name = "arena", version, args_override_self = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the runtimes and workloads.
    List,
    /// Run a matrix of runtimes × workloads, print a table, write JSON results.
    Run(RunArgs),
    /// Measure what Arena's adapter costs: each runtime's native twins against
    /// the same workloads through the seam, in paired, interleaved rounds.
    Overhead(OverheadArgs),
    /// Run the conformance contract on every runtime; print the matrix, write JSON.
    Conformance(ConformanceArgs),
    /// Build the comparison report (index.html, summary.md, results.json) from
    /// results, criterion output, overhead and conformance files.
    Report(ReportArgs),
    /// Run one contract check on one runtime in this process (used by `conformance`).
    #[command(hide = true)]
    ConformanceCell(ConformanceCellArgs),
    /// Run one runtime × workload pair in this process (used by `run`).
    #[command(hide = true)]
    Cell(CellArgs),
}

/// Measurement settings shared by `run` and `cell`.
#[derive(Debug, Clone, Args)]
pub struct Measure {
    /// Worker threads for multi-threaded runtimes [default: available cores].
    #[arg(long)]
    pub workers: Option<usize>,
    /// criterion warm-up per cell, milliseconds.
    #[arg(long, default_value_t = 100)]
    pub warm_up_ms: u64,
    /// criterion measurement time per cell, milliseconds.
    #[arg(long, default_value_t = 300)]
    pub measure_ms: u64,
    /// criterion samples per cell (at least 10).
    #[arg(long, default_value_t = 10)]
    pub samples: usize,
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
    pub size: String,
    /// Output directory: results.json, plus criterion's data under criterion/.
    #[arg(long, default_value = "target/arena")]
    pub out: PathBuf,
    /// A cell still running after this many seconds is stopped and marked failed.
    #[arg(long, default_value_t = 120)]
    pub timeout_s: u64,
    #[command(flatten)]
    pub measure: Measure,
}

#[derive(Debug, Args)]
pub struct CellArgs {
    #[arg(long)]
    pub runtime: String,
    #[arg(long)]
    pub workload: String,
    #[arg(long)]
    pub size: String,
    #[arg(long)]
    pub criterion_dir: PathBuf,
    #[command(flatten)]
    pub measure: Measure,
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
    pub workers: Option<usize>,
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
    pub workers: Option<usize>,
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
    /// Where to write index.html, summary.md and results.json.
    #[arg(long, default_value = "target/arena/report")]
    pub out: PathBuf,
    /// Do not print the terminal tables.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ConformanceCellArgs {
    #[arg(long)]
    pub runtime: String,
    #[arg(long, required_unless_present = "probe", conflicts_with = "probe")]
    pub check: Option<String>,
    #[arg(long)]
    pub probe: Option<String>,
    #[arg(long)]
    pub workers: Option<usize>,
}
