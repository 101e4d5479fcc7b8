//! `arena compare`: the regression gate. It builds (or takes) three `arena`
//! binaries — base, a second build of base, head — starts one worker per
//! build for each cell (`arena gate-worker`, see `runners::gate`) and runs
//! them in interleaved rounds: every round each build runs two batches in a
//! mirrored random order. Cells that allow it are measured in instructions
//! (hardware counter, else callgrind); the rest in wall time. The statistics
//! and verdicts are `reports::gate`'s.
mod build;
mod process;
mod selftest;
mod session;
mod worker;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use reports::files::{write_atomic, write_json_atomic};
use reports::gate::{self as gate, GateRun, Injection, Verdict};
use runners::catalog::{RuntimeInfo, WorkloadInfo, pick};
use runners::gate::Meter;

pub use self::selftest::selftest;
use self::session::{Burn, Measurement};
pub use self::worker::worker;
use crate::Usage;
use crate::cli::{CompareArgs, GateSize, MeterChoice};
use crate::progress::Progress;
use scripts::lock::lock_dir;

/// The cells the gate compares by default, at their quick sizes
/// (docs/gate.md, "How it works"): every workload without timers on the one-thread
/// runtimes, in instruction counts (exact and cheap), and message passing
/// and spawning on the multi-threaded runtimes in wall time (each costs
/// `--budget-s`, and every wall-time cell added widens the others'
/// intervals).
pub const REGRESSION_SET: &[(&str, &[&str])] = &[
    ("tokio-ct", COUNTED),
    ("smol-local", COUNTED),
    ("futures-local", COUNTED),
    ("tokio-mt", &["ping_pong", "spawn_join"]),
    ("smol-mt", &["ping_pong", "spawn_join"]),
];
const COUNTED: &[&str] = &["ping_pong", "fan_in_c16", "spawn_join", "select_macro", "yield_storm"];

/// A wall-time batch is scaled to this long (see `size_batches`).
const WALL_BATCH: Duration = Duration::from_millis(40);
/// An instruction-count batch holds at least this many instructions.
const INSTRUCTION_BATCH: f64 = 2e6;
/// Bootstrap resamples per interval.
const RESAMPLES: usize = 10_000;

/// What the gate was asked to do, checked.
struct Settings {
    threshold_instructions: f64,
    threshold_wall: f64,
    alpha: f64,
    budget: Duration,
    instruction_rounds: usize,
    meter: MeterChoice,
    size: Option<usize>,
    inject: Option<f64>,
    workers: Option<usize>,
    /// Codegen units of the builds made here.
    codegen_units: u32,
}

/// The codegen units the gate builds with unless told: one, so that the
/// compiler's partitioning of a crate into units cannot move a change's
/// size (measured: docs/gate.md, "Codegen units").
const CODEGEN_UNITS: u32 = 1;

/// A percentage flag's value as a fraction, if it lies strictly between 0 and 100.
fn pct(flag: &str, v: f64) -> Result<f64, Usage> {
    if v > 0.0 && v < 100.0 { Ok(v / 100.0) } else { Err(Usage(format!("{flag}: '{v}' is not between 0 and 100"))) }
}

fn settings(args: &CompareArgs) -> Result<Settings, Usage> {
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        return Err(Usage(format!("--alpha: '{}' is not between 0 and 1", args.alpha)));
    }
    if !(args.budget_s.is_finite() && args.budget_s > 0.0) {
        return Err(Usage(format!("--budget-s: '{}' is not a positive number of seconds", args.budget_s)));
    }
    if args.instruction_rounds < 3 {
        return Err(Usage("--instruction-rounds: at least 3".into()));
    }
    if args.meter == MeterChoice::Callgrind {
        process::valgrind_available().map_err(|e| Usage(format!("--meter callgrind: {e}")))?;
    }
    let size = match args.size {
        GateSize::Quick => None,
        GateSize::Each(n) => Some(n),
    };
    let codegen_units = match (args.codegen_units, args.base_bin.is_some()) {
        (Some(_), true) => return Err(Usage("--codegen-units: --base-bin/--head-bin are built already".into())),
        (Some(0), false) => return Err(Usage("--codegen-units: at least 1".into())),
        (units, _) => units.unwrap_or(CODEGEN_UNITS),
    };
    Ok(Settings {
        threshold_instructions: pct("--threshold-instructions-pct", args.threshold_instructions_pct)?,
        threshold_wall: pct("--threshold-wall-pct", args.threshold_wall_pct)?,
        alpha: args.alpha,
        budget: Duration::from_secs_f64(args.budget_s),
        instruction_rounds: args.instruction_rounds,
        meter: args.meter,
        size,
        inject: args.inject_pct.map(|p| pct("--inject-pct", p)).transpose()?,
        workers: args.workers.map(|w| w.0),
        codegen_units,
    })
}

/// A cell to compare.
struct Cell {
    runtime: RuntimeInfo,
    /// The runtime's family (its cargo feature): which build runs the cell.
    family: &'static str,
    workload: WorkloadInfo,
    size: usize,
    meter: Meter,
}

/// The selected cells (skipping those a runtime cannot run, with a note).
fn cells(
    args: &CompareArgs,
    size: Option<usize>,
    instructions: Option<Meter>,
) -> anyhow::Result<(Vec<Cell>, Vec<String>)> {
    let all_runtimes = runners::catalog::runtimes();
    let all_workloads: Vec<_> = runners::catalog::workloads().into_iter().filter(|w| w.twin_of.is_none()).collect();
    // Neither flag: the regression set. Either or both: every runtime named
    // (else the set's) with every workload named (else the set's).
    let default_set = args.runtimes.is_empty() && args.workloads.is_empty();
    // The set's runtimes this binary was built with (a build with some
    // families compares theirs).
    let built = |r: &&str| runners::families::of(r).is_some_and(|f| f.built);
    let set_runtimes: Vec<String> = REGRESSION_SET.iter().map(|(r, _)| *r).filter(built).map(String::from).collect();
    if args.runtimes.is_empty() && set_runtimes.is_empty() {
        return Err(Usage(
            "--runtime: none of the regression set's runtimes was built into this binary; name some".into(),
        )
        .into());
    }
    let mut set_workloads: Vec<String> =
        REGRESSION_SET.iter().flat_map(|(_, ws)| ws.iter().map(|w| w.to_string())).collect();
    set_workloads.sort_unstable();
    set_workloads.dedup();
    let runtimes = if args.runtimes.is_empty() { set_runtimes } else { args.runtimes.clone() };
    let workloads = if args.workloads.is_empty() { set_workloads } else { args.workloads.clone() };
    let runtimes = pick("--runtime", &runtimes, all_runtimes.iter().map(|r| r.id).collect())?;
    let workloads = pick("--workload", &workloads, all_workloads.iter().map(|w| w.name).collect())?;
    let in_set = |r: &str, w: &str| REGRESSION_SET.iter().any(|(sr, ws)| *sr == r && ws.contains(&w));
    let (mut cells, mut skipped) = (Vec::new(), Vec::new());
    for w in all_workloads.iter().filter(|w| workloads.contains(&w.name)) {
        for r in all_runtimes.iter().filter(|r| runtimes.contains(&r.id)) {
            if default_set && !in_set(r.id, w.name) {
                continue;
            }
            let size = size.unwrap_or(w.sizes.quick);
            if let Some(why) = r.refuses(w, size) {
                skipped.push(format!("{}/{}/{size}: {why}", r.id, w.name));
                continue;
            }
            let meter = match instructions {
                Some(m) if runners::gate::counts_instructions(r, w).is_ok() => m,
                _ => Meter::Wall,
            };
            let family = runners::families::of(r.id).map_or("", |f| f.feature);
            cells.push(Cell { runtime: *r, family, workload: *w, size, meter });
        }
    }
    if cells.is_empty() {
        anyhow::bail!(Usage("--runtime/--workload: no cell to compare (every one is n/a)".into()));
    }
    Ok((cells, skipped))
}

/// Where instruction counts come from here, or why wall time stands in.
pub(crate) fn instruction_source(choice: MeterChoice) -> (Option<Meter>, String) {
    let perf = match choice {
        MeterChoice::Wall => return (None, "not used (--meter wall)".into()),
        MeterChoice::Callgrind => "--meter callgrind".to_string(),
        MeterChoice::Auto => match runners::gate::instruction_counter() {
            Ok(_) => return (Some(Meter::Instructions), "perf_event_open (instructions:u, hardware counter)".into()),
            Err(e) => format!("no hardware counter: {e}"),
        },
    };
    match process::valgrind_available() {
        Ok(()) => (Some(Meter::Callgrind), format!("callgrind ({perf})")),
        Err(e) => (None, format!("unavailable ({perf}; {e}): wall time everywhere")),
    }
}

pub fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let settings = settings(&args)?;
    let (instructions, source) = instruction_source(settings.meter);
    let (cells, skipped) = cells(&args, settings.size, instructions)?;
    build::check(&args)?;
    let _out = lock_dir("--out", &args.out)?;
    // Builds go into the work directory; binaries given are not built.
    let _work = if args.base_bin.is_none() { Some(lock_dir("--work-dir", &args.work_dir)?) } else { None };
    let mut families: Vec<&str> = Vec::new();
    for c in &cells {
        if !families.contains(&c.family) {
            families.push(c.family);
        }
    }
    let builds = build::prepare(&args, &families, settings.codegen_units)?;
    let controls = build::controls(&args, &builds, &families)?;
    let out = args.out.clone();
    let logs = out.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    let mut rng = fastrand::Rng::with_seed(seed);
    // Bonferroni within each meter; each interval cuts half its cell's rate from each end.
    let alphas = gate::cell_alphas(settings.alpha, &cells.iter().map(|c| c.meter == Meter::Wall).collect::<Vec<_>>());
    let (mut measured, mut counted, mut per_batch) = (Vec::new(), Vec::new(), Vec::new());
    let mut progress = Progress::new(cells.len());
    for (cell, alpha) in cells.iter().zip(alphas) {
        progress.working_on(format!("{}/{}", cell.runtime.id, cell.workload.name));
        let mut m = Measurement::new(cell, &settings);
        let result = m.run(cell, &builds, &settings, &logs, &mut rng);
        let mut gated = m.finish(cell, result, alpha / 2.0, &mut rng);
        gated.control = controls.iter().find(|(family, _)| *family == cell.family).map(|(_, why)| why.clone());
        let name = format!("{}/{}", cell.runtime.id, cell.workload.name);
        match m.burn.take() {
            Some(Burn::Counted(u)) => counted.push((name, u)),
            Some(Burn::Timed(b)) => per_batch.push((name, b)),
            None => {}
        }
        let line = match gated.change {
            Some(c) => format!(
                "{}/{}/{}: {} ({:+.2} %)",
                gated.runtime,
                gated.workload,
                gated.size,
                gated.verdict,
                c.estimate * 100.0
            ),
            None => format!("{}/{}/{}: {}", gated.runtime, gated.workload, gated.size, gated.verdict),
        };
        progress.finished_shown(line, matches!(gated.verdict, Verdict::Regressed | Verdict::Failed));
        measured.push(gated);
    }
    drop(progress);
    let control_lines = reports::gate::controls::apply(&mut measured);
    let verdict = Verdict::overall(measured.iter().map(|c| c.verdict));
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let run = GateRun {
        schema: gate::SCHEMA.to_owned(),
        builds: builds.to_vec(),
        // Binaries given were built however their maker chose.
        codegen_units: args.base_bin.is_none().then_some(settings.codegen_units),
        instructions: source,
        alpha: settings.alpha,
        resamples: RESAMPLES,
        seed,
        threshold_instructions: settings.threshold_instructions,
        threshold_wall: settings.threshold_wall,
        injected: settings.inject.map(|target| Injection { target, counted, units: Vec::new(), per_batch }),
        cells: measured,
        controls: control_lines,
        verdict,
        environment: runners::info::environment(&command),
    };
    let table = gate::table(&run);
    if args.markdown {
        print!("{}", gate::markdown(&run));
    } else {
        print!("{}", reports::terminal::table(&table));
        for line in gate::summary_lines(&run) {
            println!("{line}");
        }
    }
    for s in &skipped {
        println!("skipped {s}");
    }
    write_outputs(&out, &run)?;
    println!("results: {}", out.join("gate.json").display());
    Ok(ExitCode::from(verdict.exit_code()))
}

/// gate.json, gate.md and benchmark.json (github-action-benchmark's
/// customSmallerIsBetter), each written atomically.
fn write_outputs(out: &Path, run: &GateRun) -> anyhow::Result<()> {
    let markdown = gate::markdown(run);
    let points = serde_json::to_vec_pretty(&gate::benchmark_points(run))?;
    write_json_atomic(&out.join("gate.json"), run)?;
    write_atomic(&out.join("gate.md"), markdown.as_bytes())?;
    write_atomic(&out.join("benchmark.json"), &points)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regression set: real names, instruction counts exactly on
    /// the one-thread runtimes, nothing the runtime refuses at quick size.
    #[test]
    fn the_regression_set_counts_instructions_where_it_says() {
        let runtimes = runners::catalog::runtimes();
        let workloads = runners::catalog::workloads();
        for (r, ws) in REGRESSION_SET {
            let runtime = runtimes.iter().find(|x| x.id == *r).unwrap_or_else(|| panic!("no runtime {r}"));
            for w in *ws {
                let workload = workloads.iter().find(|x| x.name == *w).unwrap_or_else(|| panic!("no workload {w}"));
                let counted = runners::gate::counts_instructions(runtime, workload).is_ok();
                assert_eq!(counted, *ws == COUNTED, "{r}/{w}");
                assert_eq!(runtime.refuses(workload, workload.sizes.quick), None, "{r}/{w}");
            }
        }
    }
}
