//! The values flags take, each parsed once by clap: a bad one is refused
//! before any command starts, in one line naming the flag.
use std::fmt;
use std::str::FromStr;

use clap::ValueEnum;

/// `--workers N`: worker threads for multi-threaded runtimes, at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workers(pub usize);

impl FromStr for Workers {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse::<usize>() {
            Ok(0) => Err("must be at least 1".into()),
            Ok(n) => Ok(Workers(n)),
            Err(_) => Err(format!("'{s}' is not a number of threads")),
        }
    }
}

/// The runtime configuration `--workers` asks for: by default one worker per
/// available core.
pub fn config(workers: Option<Workers>) -> runners::Config {
    workers.map_or_else(runners::Config::default, |Workers(workers)| runners::Config { workers })
}

/// `arena compare --size`: each workload's quick size, or one size for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateSize {
    /// Each workload's quick size.
    Quick,
    /// This size for every workload.
    Each(usize),
}

impl FromStr for GateSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "quick" => Ok(GateSize::Quick),
            n => n
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .map(GateSize::Each)
                .ok_or_else(|| format!("'{n}' is not quick or a positive size")),
        }
    }
}

impl fmt::Display for GateSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateSize::Quick => f.write_str("quick"),
            GateSize::Each(n) => write!(f, "{n}"),
        }
    }
}

/// `arena compare --meter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MeterChoice {
    /// Instruction counts where a cell allows them, else wall time.
    Auto,
    /// Wall time everywhere.
    Wall,
    /// Like auto, but instruction counts from callgrind even where a hardware
    /// counter is readable: slower, and it says which functions moved.
    Callgrind,
}

/// A mode of `arena gate-selftest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelftestMode {
    /// Instruction counts, head slowed by --instructions-inject-pct: must be flagged every run.
    InstructionsInject,
    /// Instruction counts, head unchanged: must never be flagged.
    InstructionsAa,
    /// Wall time, head slowed by --wall-inject-pct: must be flagged in --wall-share of runs.
    WallInject,
    /// Wall time, head unchanged: must never be flagged.
    WallAa,
}

impl SelftestMode {
    /// The mode's name on the command line and in the tally.
    pub fn name(self) -> &'static str {
        match self {
            SelftestMode::InstructionsInject => "instructions-inject",
            SelftestMode::InstructionsAa => "instructions-aa",
            SelftestMode::WallInject => "wall-inject",
            SelftestMode::WallAa => "wall-aa",
        }
    }
}
