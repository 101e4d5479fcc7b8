//! `arena run`: the quick matrices, one per core count (by default one core,
//! then every core this process may use). One child process per runtime ×
//! workload pair and core count (`arena child`, asked for a cell on N cores, which confines
//! itself to N CPUs), one at a time so cells do not compete for cores, each
//! under a watchdog; then the cells are collected with criterion's
//! estimates into `results.json`, and the report is written from it.
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;
use reports::files::{read_cell, read_estimate, write_json_atomic};
use reports::merge::Inputs;
use reports::protocol::{Reply, Request};
use reports::schema::{Cell, RESULTS_SCHEMA, Results, Settings, Status};
use runners::catalog::{Selection, WorkloadInfo};

use scripts::child::run_watched;
use scripts::entry::{Exit, check_cores};
use scripts::lock::lock_dir;

use crate::Usage;
use crate::cli::RunArgs;
use crate::progress::Progress;

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let selection = selection(&args)?;
    let counts = core_counts(&args)?;
    let tie_within = crate::report::tie_within(args.tie_within)?;
    let _locks = (lock_dir("--out", &args.out)?, lock_dir("--out", &args.out.join("report"))?);
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let environment = runners::info::environment(&command);
    let pairs = pairs(&selection);
    let mut cells = Vec::new();
    for &cores in &counts {
        let dir = args.out.join("criterion").join(format!("cores-{cores}"));
        cells.extend(measure(&args, cores, &pairs, &dir)?);
    }
    let settings = settings(&args, &counts);
    let results = Results { schema: RESULTS_SCHEMA.to_owned(), environment, settings, cells };
    let path = args.out.join("results.json");
    write_json_atomic(&path, &results)?;
    println!("results: {}", path.display());
    // The report of this run, with this machine's conformance, overhead,
    // memory and scaling files when an earlier `arena conformance` / `arena
    // overhead` / `arena-memory` / `arena scale` left them.
    let report_dir = args.out.join("report");
    let extra = |name: &str| Some(args.out.join(name)).filter(|p| p.exists()).into_iter().collect();
    let inputs = Inputs {
        results: vec![path],
        overhead: extra("overhead.json"),
        conformance: extra("conformance.json"),
        memory: extra("memory.json"),
        scaling: extra("scaling.json"),
        tie_within,
        ..crate::report::inputs(&report_dir)
    };
    crate::report::write(&inputs, &report_dir, true)?;
    let failed = results.cells.iter().any(|c| matches!(c.status, Status::Failed(_)));
    Ok(if failed { Exit::FailedCell } else { Exit::Ok }.into())
}

/// The settings of a run on `counts` cores.
pub fn settings(args: &RunArgs, counts: &[usize]) -> Settings {
    Settings {
        cores: counts.iter().map(|&n| n as u64).collect(),
        legacy_workers: None,
        warm_up_ms: args.measure.warm_up_ms,
        measurement_ms: args.measure.measure_ms,
        sample_size: args.measure.samples,
    }
}

/// The core counts `--cores` asks for, checked against the CPUs this
/// process may use; by default one core, then all of them.
fn core_counts(args: &RunArgs) -> anyhow::Result<Vec<usize>> {
    if args.workers.is_some() {
        let why = "--workers: replaced by --cores (every runtime gets the same cores: --cores 1,N)";
        return Err(Usage(why.into()).into());
    }
    let available = runners::cores::count();
    let mut counts: Vec<usize> = Vec::new();
    // Each count once, in the order given (one core first by default).
    for n in if args.cores.is_empty() { vec![1, available] } else { args.cores.clone() } {
        if !counts.contains(&n) {
            counts.push(n);
        }
    }
    for &n in &counts {
        check_cores("--cores", n, available)?;
    }
    Ok(counts)
}

/// The selection `args` ask for, checked: unknown names, sizes and too few
/// samples are usage errors.
pub fn selection(args: &RunArgs) -> anyhow::Result<Selection> {
    let sizes = args.size.clone();
    if args.measure.samples < 10 {
        return Err(Usage(format!("--samples: criterion needs at least 10, got {}", args.measure.samples)).into());
    }
    let selection = Selection { runtimes: args.runtimes.clone(), workloads: args.workloads.clone(), sizes };
    selection.check(["--runtime", "--workload"])?;
    Ok(selection)
}

/// Measures `pairs` on `cores` cores, one child process per pair,
/// criterion's files in `criterion_dir` (cleared first: it is this
/// measurement's scratch space); the cells, failed ones included.
pub fn measure(args: &RunArgs, cores: usize, pairs: &[Pair], criterion_dir: &Path) -> anyhow::Result<Vec<Cell>> {
    if criterion_dir.exists() {
        std::fs::remove_dir_all(criterion_dir).with_context(|| format!("{}: cannot clear", criterion_dir.display()))?;
    }
    std::fs::create_dir_all(criterion_dir).with_context(|| format!("{}: cannot create", criterion_dir.display()))?;
    let exe = std::env::current_exe().context("cannot find the arena executable")?;
    let mut progress = Progress::new(pairs.len());
    let workload_infos = runners::catalog::workloads();
    let mut cells = Vec::new();
    for (workload, runtime, sizes) in pairs {
        let pair = format!("{workload} on {runtime}, {}", reports::text::cores_text(cores as u64));
        progress.working_on(&pair);
        let timeout = Duration::from_secs(args.timeout_s.max(1) * sizes.len() as u64);
        let failed = run_child(&exe, args, cores, criterion_dir, (workload, runtime, sizes), timeout)?;
        let info = workload_infos.iter().find(|w| w.name == *workload).expect("selection names are checked");
        let mut outcomes = Vec::new();
        for &size in sizes {
            let cell = collect(criterion_dir, info, (runtime, cores), size, &failed);
            outcomes.push(match (&cell.status, cell.per_item_interval()) {
                (Status::Failed(why), _) => {
                    progress.warn(format!("FAILED {}: {why}", cell.label()));
                    format!("{size}: FAILED")
                }
                (Status::Skipped(why), _) => format!("{size}: {why}"),
                (Status::Measured, Some([mean, ..])) => format!("{size}: {} per item", reports::text::duration(mean)),
                (Status::Measured, None) => format!("{size}: measured"),
            });
            cells.push(cell);
        }
        progress.finished(format!("{pair}: {}", outcomes.join(", ")));
    }
    Ok(cells)
}

/// A workload, a runtime and the sizes to measure it at.
pub type Pair = (&'static str, &'static str, Vec<usize>);

/// The selection's cells grouped into runtime × workload pairs, each with its sizes.
pub fn pairs(selection: &Selection) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    for (w, r, size) in selection.cells() {
        match pairs.last_mut() {
            Some((pw, pr, sizes)) if *pw == w && *pr == r => sizes.push(size),
            _ => pairs.push((w, r, vec![size])),
        }
    }
    pairs
}

/// Measures one pair in a child process (`arena child`, a
/// [`Request::Cell`]); why it failed, if it did.
fn run_child(
    exe: &Path,
    args: &RunArgs,
    cores: usize,
    criterion_dir: &Path,
    (workload, runtime, sizes): (&str, &str, &[usize]),
    timeout: Duration,
) -> anyhow::Result<Option<String>> {
    let m = &args.measure;
    let request = Request::Cell {
        runtime: runtime.to_owned(),
        workload: workload.to_owned(),
        sizes: sizes.to_vec(),
        cores,
        criterion_dir: criterion_dir.to_owned(),
        warm_up_ms: m.warm_up_ms,
        measure_ms: m.measure_ms,
        samples: m.samples,
    };
    let mut cmd = Command::new(exe);
    cmd.arg("child");
    // criterion works out a default output directory at start-up, through
    // `cargo metadata` unless this is set; it is overridden anyway.
    cmd.env("CARGO_TARGET_DIR", &args.out);
    let ended = run_watched(cmd, &request, timeout)?;
    Ok(match ended.answer() {
        Some(Reply::Refused { why }) => Some(format!("refused: {why}")),
        _ => ended.failure(timeout),
    })
}

/// The cell as the child left it, with criterion's estimate; a cell the
/// child never finished is failed with the child's reason.
fn collect(
    criterion_dir: &Path,
    info: &WorkloadInfo,
    (runtime, cores): (&str, usize),
    size: usize,
    failed: &Option<String>,
) -> Cell {
    let mut cell = match read_cell(criterion_dir, info.name, runtime, size as u64) {
        Ok(cell) => cell,
        Err(e) => {
            let why = match failed {
                Some(why) => why.clone(),
                None => format!("no cell record: {e}"),
            };
            let mut cell = info.cell(runtime, size, Status::Failed(why));
            cell.cores = Some(cores as u64);
            return cell;
        }
    };
    if cell.status == Status::Measured {
        match read_estimate(criterion_dir, info.name, runtime, cell.size, cell.items) {
            Ok(estimate) => cell.estimate = Some(estimate),
            Err(e) => cell.status = Status::Failed(format!("no criterion estimate: {e}")),
        }
    }
    cell
}
