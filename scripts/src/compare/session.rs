//! One cell's measurement: sessions of fresh worker processes for base, its
//! A/A twin and head, rounds of batches in mirrored random order, batches
//! sized to a target cost, and (self-test) head's injected burn calibrated
//! against base.
use std::path::Path;
use std::time::Instant;

use reports::gate::{self as gate, BatchBurn, Build, GateCell, Interval, Profile, Verdict};
use runners::gate::Meter;

use super::process::{Launch, Worker};
use super::{Cell, INSTRUCTION_BATCH, RESAMPLES, Settings, WALL_BATCH};

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
pub(super) struct Measurement {
    iters: u64,
    head: Vec<f64>,
    base: Vec<f64>,
    head_ratios: Vec<f64>,
    aa_ratios: Vec<f64>,
    /// Base's and head's instructions by function over the measured rounds
    /// (callgrind only).
    profiles: [Profile; 2],
    /// Head's injected slowdown, once sized (self-test).
    pub(super) burn: Option<Burn>,
    threshold: f64,
}

/// How much head burns at the start of every batch, and how it was sized.
pub(super) enum Burn {
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
/// Functions listed for a changed cell, by own and by inclusive instructions.
const EXPLAINED: usize = 10;
/// Fewest and most wall-time sessions per cell.
const WALL_SESSIONS: (usize, usize) = (20, 2000);

impl Measurement {
    pub(super) fn new(cell: &Cell, s: &Settings) -> Self {
        let threshold = if cell.meter == Meter::Wall { s.threshold_wall } else { s.threshold_instructions };
        Measurement {
            iters: 1,
            head: Vec::new(),
            base: Vec::new(),
            head_ratios: Vec::new(),
            aa_ratios: Vec::new(),
            profiles: Default::default(),
            burn: None,
            threshold,
        }
    }

    /// Runs the sessions; `Err` names the build that failed.
    pub(super) fn run(
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
                    // Base's and head's measured batches, by function (callgrind only).
                    let slot = [Some(0), None, Some(1)][i];
                    if let (Some(p), Some(slot), true) = (workers[i].take_profile(), slot, round >= warm_up) {
                        self.profiles[slot].add(&p);
                    }
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

    pub(super) fn finish(
        &self,
        cell: &Cell,
        result: Result<(), String>,
        tail: f64,
        rng: &mut fastrand::Rng,
    ) -> GateCell {
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
            functions: None,
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
        let [base, head] = &self.profiles;
        if matches!(verdict, Verdict::Regressed | Verdict::Improved) && base.runs > 0 && head.runs > 0 {
            c.functions = Some(gate::callgrind::explain(base, head, EXPLAINED));
        }
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
