//! Command-line arguments.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
