//! `arena-memory`: heap allocations and bytes per task, message, timer and
//! request on every runtime, and the peak resident set of a 1 M-task spawn
//! storm; a table, and JSON (`target/arena/memory.json`) that `arena report`
//! folds into the report.
//!
//! A binary of its own because it installs a counting global allocator
//! (`stats_alloc`: atomic counters on every allocation, on every thread),
//! which `arena`'s timings must not pay for. How a cell is measured is
//! `runners::memory`. Each runtime's storm runs in a fresh child process of
//! this binary, since a process's peak resident set never goes down.
//!
//! Exit codes: 0 every cell measured or skipped for a declared reason; 1 a
//! cell failed (a wrong answer or a panic); 2 bad usage.
use std::alloc::System;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use reports::files::write_json_atomic;
use reports::protocol::{Reply, Request};
use reports::schema::{MEMORY_SCHEMA, MemoryCell, MemoryResults, StormCell};
use runners::memory::{self, Skipped, Totals};
use scripts::{child, entry};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Heap use per item on each runtime, through a counting allocator.
#[derive(Debug, Parser)]
#[command(name = "arena-memory", version)]
struct Args {
    /// Runtimes to measure (comma-separated ids; default: all).
    #[arg(long = "runtime", value_delimiter = ',')]
    runtimes: Vec<String>,
    /// Workloads to measure (comma-separated; default: all memory workloads).
    #[arg(long = "workload", value_delimiter = ',')]
    workloads: Vec<String>,
    /// Cores to measure on: the process is confined to this many CPUs,
    /// multi-threaded runtimes get as many workers, single-threaded and
    /// thread-per-core ones as many instances, each with a shard (default:
    /// every CPU this process may run on).
    #[arg(long)]
    cores: Option<usize>,
    /// Replaced by `--cores`; refused with a pointer to it.
    #[arg(long, hide = true)]
    workers: Option<String>,
    /// Skip the 1 M-task spawn storm's resident set.
    #[arg(long)]
    no_storm: bool,
    /// Where to write the JSON.
    #[arg(long, default_value = "target/arena/memory.json")]
    out: PathBuf,
    /// Serve one request of a parent `arena-memory` in this process (a spawn
    /// storm): arena-protocol/1, the request on stdin, the replies on stdout.
    #[arg(long, hide = true)]
    child: bool,
}

fn totals() -> Totals {
    ALLOCATOR.stats().into()
}

fn main() -> ExitCode {
    entry::main::<Args>("arena-memory", try_main)
}

fn try_main(args: Args) -> anyhow::Result<ExitCode> {
    if args.child {
        return child::serve(storm_child).map(|()| ExitCode::SUCCESS);
    }
    if args.workers.is_some() {
        bail!(entry::Usage("--workers: replaced by --cores (every runtime gets the same cores)".into()));
    }
    let cores = args.cores.unwrap_or_else(runners::cores::count);
    entry::check_cores("--cores", cores, runners::cores::count())?;
    // Before any runtime starts a thread, so that every thread inherits it.
    runners::cores::confine(cores).map_err(|e| entry::Usage(format!("--cores: {e}")))?;
    let config = runners::Config { workers: cores };
    let runtime_ids = runners::catalog::runtimes().iter().map(|r| r.id).collect();
    let runtimes = runners::catalog::pick("--runtime", &args.runtimes, runtime_ids)?;
    runners::catalog::pick("--workload", &args.workloads, memory::WORKLOADS.to_vec())?;
    let _lock = scripts::lock::lock_parent("--out", &args.out)?;

    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let environment = runners::info::environment(&command);
    let mut failed = false;
    let cells = memory::measure_all(&config, &totals, &args.runtimes, &args.workloads, &mut |c| {
        let line = match &c.outcome {
            Ok(p) => format!("{:.2} allocations, {:.0} B per {}", p.allocations, p.bytes, c.unit.trim_end_matches('s')),
            Err(why) => why.to_string(),
        };
        eprintln!("{} on {}: {line}", c.workload, c.runtime);
    });
    let cells: Vec<MemoryCell> = cells
        .into_iter()
        .map(|c| {
            failed |= matches!(c.outcome, Err(Skipped::Failed(_)));
            let sizes = c.outcome.as_ref().map(|p| p.sizes.map(|s| s as u64)).unwrap_or_default();
            let (per, note) = match c.outcome {
                Ok(p) => (Some(p), None),
                Err(why) => (None, Some(why.to_string())),
            };
            MemoryCell {
                workload: c.workload.to_owned(),
                runtime: c.runtime.to_owned(),
                unit: c.unit.to_owned(),
                sizes,
                allocations_per_item: per.map(|p| p.allocations),
                bytes_per_item: per.map(|p| p.bytes),
                retained_per_item: per.map(|p| p.retained),
                note,
            }
        })
        .collect();

    let mut storm = Vec::new();
    if !args.no_storm {
        for id in &runtimes {
            let cell = storm_cell(id, cores)?;
            failed |= cell.note.as_deref().is_some_and(|n| n.starts_with("FAILED"));
            eprintln!("spawn storm on {id}: {}", storm_line(&cell));
            storm.push(cell);
        }
    }

    let results =
        MemoryResults { schema: MEMORY_SCHEMA.to_owned(), environment, cores: Some(cores as u64), cells, storm };
    write_json_atomic(&args.out, &results)?;
    // The tables, as the report shows them, from the file just written.
    let report =
        reports::merge::build(&reports::merge::Inputs { memory: vec![args.out.clone()], ..Default::default() })?;
    for m in &report.machines {
        for t in reports::text::memory(m) {
            print!("{}", reports::terminal::table(&t));
        }
    }
    println!("results: {}", args.out.display());
    Ok(if failed { entry::Exit::FailedCell } else { entry::Exit::Ok }.into())
}

fn storm_line(c: &StormCell) -> String {
    match (c.before_bytes, c.peak_bytes, &c.note) {
        (Some(before), Some(peak), _) => format!(
            "peak RSS {} -> {} ({} per task)",
            reports::text::bytes(before as f64),
            reports::text::bytes(peak as f64),
            reports::text::bytes(peak.saturating_sub(before) as f64 / c.tasks as f64)
        ),
        (_, _, note) => note.clone().unwrap_or_default(),
    }
}

/// How long one runtime's storm may take before the watchdog stops it.
const STORM_TIMEOUT: Duration = Duration::from_secs(600);

/// Runs runtime `id`'s storm in a child process and reads its answer.
fn storm_cell(id: &str, cores: usize) -> anyhow::Result<StormCell> {
    let exe = std::env::current_exe().context("finding this executable to run the storm in a child")?;
    let mut cmd = Command::new(exe);
    cmd.arg("--child");
    let request = Request::Storm { runtime: id.to_owned(), cores };
    let ended = child::run_watched(cmd, &request, STORM_TIMEOUT)?;
    let mut cell = StormCell {
        runtime: id.to_owned(),
        tasks: memory::STORM as u64,
        before_bytes: None,
        peak_bytes: None,
        note: None,
    };
    match (ended.failure(STORM_TIMEOUT), ended.answer()) {
        (None, Some(Reply::Storm { before, peak })) => {
            cell.before_bytes = Some(*before);
            cell.peak_bytes = Some(*peak);
        }
        (None, Some(Reply::NoStorm { why })) => cell.note = Some(why.clone()),
        (None, other) => cell.note = Some(format!("FAILED: the child gave no storm: {other:?}")),
        (Some(why), _) => cell.note = Some(format!("FAILED: the child died: {why}")),
    }
    Ok(cell)
}

/// In the child: one storm on its cores, answered [`Reply::Storm`] with its
/// peaks, or [`Reply::NoStorm`] with why not.
fn storm_child(request: Request) -> anyhow::Result<Reply> {
    let Request::Storm { runtime, cores } = request else {
        return Ok(Reply::Refused { why: format!("arena-memory serves spawn storms, not {request:?}") });
    };
    if let Err(e) = runners::cores::confine(cores) {
        return Ok(Reply::Refused { why: format!("cores: {e}") });
    }
    Ok(match memory::storm(&runtime, &runners::Config { workers: cores }) {
        None => Reply::Refused { why: format!("unknown runtime '{runtime}'") },
        Some(Ok([before, peak])) => Reply::Storm { before, peak },
        Some(Err(why)) => Reply::NoStorm { why: why.to_string() },
    })
}
