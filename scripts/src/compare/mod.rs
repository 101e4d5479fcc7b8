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
mod worker;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use reports::files::{write_atomic, write_json_atomic};
use reports::gate::{self as gate, BatchBurn, Build, GateCell, GateRun, Injection, Interval, Verdict};
use runners::gate::Meter;
use runners::harness::{RuntimeInfo, WorkloadInfo, pick};

use self::process::{Launch, Worker};
pub use self::selftest::selftest;
pub use self::worker::worker;
use crate::Usage;
use crate::cli::{CompareArgs, GateSize, MeterChoice};

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
    force_wall: bool,
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
    let force_wall = args.meter == MeterChoice::Wall;
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
        force_wall,
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
    let all_runtimes = runners::harness::runtimes();
    let all_workloads: Vec<_> = runners::harness::workloads().into_iter().filter(|w| w.twin_of.is_none()).collect();
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
pub(crate) fn instruction_source(force_wall: bool) -> (Option<Meter>, String) {
    if force_wall {
        return (None, "not used (--meter wall)".into());
    }
    let perf = match runners::gate::instruction_counter() {
        Ok(_) => return (Some(Meter::Instructions), "perf_event_open (instructions:u, hardware counter)".into()),
        Err(e) => e,
    };
    match process::valgrind_available() {
        Ok(()) => (Some(Meter::Callgrind), format!("callgrind (no hardware counter: {perf})")),
        Err(e) => (None, format!("unavailable ({perf}; {e}): wall time everywhere")),
    }
}

pub fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let settings = settings(&args)?;
    let (instructions, source) = instruction_source(settings.force_wall);
    let (cells, skipped) = cells(&args, settings.size, instructions)?;
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
    let bar = indicatif::ProgressBar::new(cells.len() as u64);
    for (cell, alpha) in cells.iter().zip(alphas) {
        bar.set_message(format!("{}/{}", cell.runtime.id, cell.workload.name));
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
        bar.println(format!("{}/{}/{}: {}", gated.runtime, gated.workload, gated.size, gated.verdict));
        measured.push(gated);
        bar.inc(1);
    }
    bar.finish_and_clear();
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

/// One cell's measurement as it goes.
///
/// Wall time is measured in *sessions*: each starts fresh worker processes
/// for the three builds and runs a warm-up round and [`SESSION_ROUNDS`]
/// rounds. Separate processes of one binary settle into levels that differ
/// by up to ±15 % for the whole process life on multi-threaded spawn
/// workloads here (allocator and scheduling state), which no interleaving
/// inside one process pair can cancel; so the process is the unit of
/// replication, and a session's log ratio (its rounds' mean) is one sample.
/// Instruction counts carry no such process level: one session of
/// `--instruction-rounds` rounds.
struct Measurement {
    iters: u64,
    head: Vec<f64>,
    base: Vec<f64>,
    head_ratios: Vec<f64>,
    aa_ratios: Vec<f64>,
    /// Head's injected slowdown, once sized (self-test).
    burn: Option<Burn>,
    threshold: f64,
}

/// How much head burns at the start of every batch, and how it was sized.
enum Burn {
    /// Instruction counts: units found by measuring head against base.
    Counted(u64),
    /// Wall time: units sized from head's batch time and a unit's time.
    Timed(BatchBurn),
}

impl Burn {
    /// Tells a fresh head worker to burn.
    fn apply(&self, head: &mut Worker) -> Result<(), String> {
        match self {
            Burn::Counted(units) => head.burn_batch(*units),
            Burn::Timed(b) => head.burn_batch(b.units),
        }
        .map_err(|e| format!("head: {e}"))
    }
}

/// Rounds per wall-time session, after its warm-up round. Measured on
/// tokio-mt ping_pong A/A (60 s each, variance of a session's log ratio
/// times the seconds a session takes, lower is better): 2 rounds 60, 4
/// rounds 50, 8 rounds 22, 16 rounds 27; without the warm-up round 4 and 8
/// rounds read 21 and 36 but twice put same-binary intervals off zero. With
/// each batch on a fresh runtime, the batch's noise outweighs the process's
/// level, so a session is worth more rounds than its start-up costs.
const SESSION_ROUNDS: usize = 8;
/// Fewest and most wall-time sessions per cell.
const WALL_SESSIONS: (usize, usize) = (20, 2000);

impl Measurement {
    fn new(cell: &Cell, s: &Settings) -> Self {
        let threshold = if cell.meter == Meter::Wall { s.threshold_wall } else { s.threshold_instructions };
        Measurement {
            iters: 1,
            head: Vec::new(),
            base: Vec::new(),
            head_ratios: Vec::new(),
            aa_ratios: Vec::new(),
            burn: None,
            threshold,
        }
    }

    /// Runs the sessions; `Err` names the build that failed.
    fn run(
        &mut self,
        cell: &Cell,
        builds: &[Build; 3],
        s: &Settings,
        logs: &Path,
        rng: &mut fastrand::Rng,
    ) -> Result<(), String> {
        let start = Instant::now();
        let start_worker = |b: &Build| {
            let launch = Launch {
                binary: Path::new(b.binary_for(cell.family)),
                runtime: cell.runtime.id,
                workload: cell.workload.name,
                size: cell.size,
                meter: cell.meter,
                // Every build takes burn commands (see `calibrate_counted_burn`); only head burns.
                inject: s.inject.is_some(),
                workers: s.workers,
                log_dir: logs,
                role: &b.role,
            };
            Worker::start(&launch).map_err(|e| format!("{}: {e}", b.role))
        };
        for session in 0.. {
            let mut workers = builds.iter().map(start_worker).collect::<Result<Vec<_>, _>>()?;
            if session == 0 {
                self.size_batches(cell.meter, &mut workers[0])?;
                self.burn = match (s.inject, cell.meter) {
                    (None, _) => None,
                    (Some(target), Meter::Wall) => {
                        let burn =
                            calibrate_wall_burn(&mut workers[2], || start_worker(&builds[2]), self.iters, target)?;
                        Some(Burn::Timed(burn))
                    }
                    (Some(target), _) => Some(Burn::Counted(calibrate_counted_burn(&mut workers, self.iters, target)?)),
                };
            }
            if let Some(burn) = &self.burn {
                burn.apply(&mut workers[2])?;
            }
            let rounds = if cell.meter == Meter::Wall { SESSION_ROUNDS } else { s.instruction_rounds };
            // One round settles each process (lazily grown buffers, first-touch pages).
            let warm_up = 1;
            let (mut head, mut aa) = (0.0, 0.0);
            for round in 0..warm_up + rounds {
                let mut order = [0usize, 1, 2];
                rng.shuffle(&mut order);
                let mut cost = [0.0f64; 3];
                for &i in order.iter().chain(order.iter().rev()) {
                    cost[i] += workers[i].run(self.iters).map_err(|e| format!("{}: {e}", builds[i].role))?;
                }
                if round < warm_up {
                    continue;
                }
                self.base.push(cost[0] / 2.0);
                self.head.push(cost[2] / 2.0);
                if cell.meter == Meter::Wall {
                    head += (cost[2] / cost[0]).ln() / rounds as f64;
                    aa += (cost[1] / cost[0]).ln() / rounds as f64;
                } else {
                    self.head_ratios.push((cost[2] / cost[0]).ln());
                    self.aa_ratios.push((cost[1] / cost[0]).ln());
                }
            }
            if cell.meter != Meter::Wall {
                break;
            }
            self.head_ratios.push(head);
            self.aa_ratios.push(aa);
            let n = self.head_ratios.len();
            if n >= WALL_SESSIONS.1 || (n >= WALL_SESSIONS.0 && start.elapsed() >= s.budget) {
                break;
            }
        }
        Ok(())
    }

    /// Sizes the runs per batch: doubling until a base batch is long enough
    /// to measure (callgrind: one run, it is slow enough). Wall batches are
    /// then scaled to [`WALL_BATCH`] from a second, warm batch: doubling
    /// alone lands anywhere from one to two times the target, and a run
    /// whose batches came out twice as long gets half the sessions (the
    /// wall self-test's misses were such runs).
    fn size_batches(&mut self, meter: Meter, base: &mut Worker) -> Result<(), String> {
        let wall = WALL_BATCH.as_nanos() as f64;
        let enough = |cost: f64| match meter {
            Meter::Wall => cost >= wall / 4.0,
            Meter::Instructions => cost >= INSTRUCTION_BATCH,
            Meter::Callgrind => true,
        };
        let mut run = |iters| base.run(iters).map_err(|e| format!("base: {e}"));
        while !enough(run(self.iters)?) && self.iters < 1 << 20 {
            self.iters *= 2;
        }
        if meter == Meter::Wall {
            let cost = run(self.iters)?;
            self.iters = scaled_iters(self.iters, cost, wall);
        }
        Ok(())
    }

    fn finish(&self, cell: &Cell, result: Result<(), String>, tail: f64, rng: &mut fastrand::Rng) -> GateCell {
        let mut c = GateCell {
            runtime: cell.runtime.id.to_owned(),
            workload: cell.workload.name.to_owned(),
            size: cell.size as u64,
            meter: cell.meter.name().to_owned(),
            iters: self.iters,
            samples: self.head_ratios.len(),
            base: None,
            head: None,
            change: None,
            aa: None,
            threshold: self.threshold,
            verdict: Verdict::Failed,
            note: None,
            control: None,
            ratios: Vec::new(),
            aa_ratios: Vec::new(),
        };
        if let Err(e) = result {
            c.note = Some(e);
            return c;
        }
        let interval = |xs: &[f64], rng: &mut fastrand::Rng| gate::bootstrap_trimmed_mean(xs, tail, RESAMPLES, rng);
        let (change, aa): (Interval, Interval) = (interval(&self.head_ratios, rng), interval(&self.aa_ratios, rng));
        let (verdict, note) = gate::decide(change, aa, self.threshold);
        c.base = Some(gate::median(&mut self.base.clone()));
        c.head = Some(gate::median(&mut self.head.clone()));
        c.change = Some(change);
        c.aa = Some(aa);
        c.ratios = self.head_ratios.iter().map(|x| x.exp_m1()).collect();
        c.aa_ratios = self.aa_ratios.iter().map(|x| x.exp_m1()).collect();
        c.verdict = verdict;
        c.note = note;
        c
    }
}

/// The runs per batch that make a batch of `iters` runs costing `cost`
/// take `target` instead (at least one run).
fn scaled_iters(iters: u64, cost: f64, target: f64) -> u64 {
    if cost <= 0.0 {
        return iters;
    }
    ((iters as f64 * target / cost).round() as u64).max(1)
}

/// Fresh head processes a wall-time burn is sized over, and the batches
/// each times. The wall self-test of 2026-11-30 sized it in one process:
/// over ten runs of tokio-mt ping_pong the burn came out 506 to 1781 (/256
/// units a poll), which a probe of eight fresh processes afterwards traced
/// to single timings (batch medians 40.7–49.3 ms, a unit 1.05–1.29 ns from
/// one process to the next); so every input is the median over all these
/// processes' batches and timings (two burn timings in each).
const CALIBRATION: (usize, usize) = (5, 9);

/// Sizes head's wall-time burn for a slowdown of `target`: work equal to
/// `target` × head's unburned batch, burned once at the start of every
/// batch, where nothing runs beside it, so it costs its own time. Measured
/// unburned over [`CALIBRATION`]'s processes, `head` and fresh ones from
/// `fresh`. Wall time is too noisy to size a burn by measuring slowdowns
/// (pinning 3 % to ±10 % would take longer than the comparison), so the
/// burn is sized from time, and the gate's measured change says what it
/// came to. It used to be spread over the batch's polls (the same work, a
/// few units a poll): on tokio-mt ping_pong that realised about 1.2 % for a
/// 3 % target, by an amount varying from one runtime instance to the next,
/// as the CPU overlaps short burns with the stalls around them; the
/// 600-s self-test of 2026-11-30 read +0.51 % and +1.10 % in runs sized right
/// (see `runners::slowdown::set_batch_burn`).
fn calibrate_wall_burn(
    head: &mut Worker,
    mut fresh: impl FnMut() -> Result<Worker, String>,
    iters: u64,
    target: f64,
) -> Result<BatchBurn, String> {
    const UNITS: u64 = 10_000_000;
    let head_err = |e: String| format!("head: {e}");
    let (processes, timed) = CALIBRATION;
    let (mut batch, mut unit) = (Vec::new(), Vec::new());
    let mut measure = |w: &mut Worker| -> Result<(), String> {
        w.burn_batch(0).map_err(head_err)?;
        unit.push(w.burn_cost(UNITS).map_err(head_err)? as f64 / UNITS as f64);
        for _ in 0..timed {
            batch.push(w.run(iters).map_err(head_err)?);
        }
        unit.push(w.burn_cost(UNITS).map_err(head_err)? as f64 / UNITS as f64);
        Ok(())
    };
    measure(head)?;
    for _ in 1..processes {
        measure(&mut fresh()?)?;
    }
    let (batch_ns, unit_ns) = (gate::median(&mut batch), gate::median(&mut unit));
    let units = (target * batch_ns / unit_ns).round().max(1.0) as u64;
    Ok(BatchBurn { units, processes, batch_ns, unit_ns })
}

/// Head's burn at the start of every batch that makes head cost `target`
/// more than base in instructions (the caller sets it, as for every
/// session's fresh head). Base and base2 burn nothing, so base runs head's
/// very code and the slowdown is the burn alone; counts are exact, so a
/// trial burn gives the slope and secant steps against base settle the burn
/// to within 2 % of the target.
fn calibrate_counted_burn(workers: &mut [Worker], iters: u64, target: f64) -> Result<u64, String> {
    let head_err = |e: String| format!("head: {e}");
    // Head's cost at `units` relative to base's, minus one.
    let slowdown = |workers: &mut [Worker], units: u64| -> Result<f64, String> {
        let base = workers[0].run(iters).map_err(|e| format!("base: {e}"))?;
        workers[2].burn_batch(units).map_err(head_err)?;
        Ok(workers[2].run(iters).map_err(head_err)? / base - 1.0)
    };
    // A trial burn large enough to read past the last digits: grown until it costs over 5 %.
    let enough = 0.05;
    let mut trial = (1_000, 0.0);
    for _ in 0..12 {
        trial.1 = slowdown(workers, trial.0)?;
        if trial.1 > enough {
            break;
        }
        let grow = if trial.1 > 0.0 { (2.0 * enough / trial.1).clamp(2.0, 100.0) } else { 10.0 };
        trial.0 = (trial.0 as f64 * grow) as u64;
    }
    if trial.1 <= enough {
        return Err("head: could not calibrate the injected slowdown (burning work did not cost anything)".into());
    }
    // The slowdown is linear in the burn through (0, 0): base runs head's code.
    let mut b = trial;
    let mut wanted = ((target * trial.0 as f64) / trial.1).round().max(1.0) as u64;
    for _ in 0..4 {
        let got = slowdown(workers, wanted)?;
        if (got - target).abs() <= 0.02 * target {
            break;
        }
        let a = b;
        b = (wanted, got);
        let slope = (b.1 - a.1) / (b.0 as f64 - a.0 as f64);
        if slope.is_nan() || slope <= 0.0 {
            break;
        }
        wanted = (b.0 as f64 + (target - b.1) / slope).round().max(1.0) as u64;
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regression set: real names, instruction counts exactly on
    /// the one-thread runtimes, nothing the runtime refuses at quick size.
    #[test]
    fn the_regression_set_counts_instructions_where_it_says() {
        let runtimes = runners::harness::runtimes();
        let workloads = runners::harness::workloads();
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

    #[test]
    fn wall_batches_are_scaled_to_the_target() {
        // 8 runs took 60 ms: 40 ms is 5.33 runs, rounded.
        assert_eq!(scaled_iters(8, 60e6, 40e6), 5);
        assert_eq!(scaled_iters(16, 10e6, 40e6), 64);
        // A run longer than the target still runs once; a zero reading keeps the count.
        assert_eq!(scaled_iters(1, 90e6, 40e6), 1);
        assert_eq!(scaled_iters(4, 0.0, 40e6), 4);
    }
}
