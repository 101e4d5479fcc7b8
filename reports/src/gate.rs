//! The regression gate's statistics, verdicts and output (`arena compare`).
//!
//! The driver measures each cell as rounds: in every round the three builds
//! (base, a second build of base, head) each run two batches in a mirrored
//! random order (e.g. `A B H H B A`), so drift within a round cancels. A
//! round gives two log ratios, head/base and A/A (base2/base). For each cell:
//!
//! * the **change** is the [`trimmed_mean`] of the head/base log ratios, with a
//!   bootstrap percentile interval at the family-wise level `1 − α`
//!   (Bonferroni: the cells' error rates sum to `α`, see [`cell_alphas`]);
//! * the **A/A interval** is the same for base2/base: the noise floor of
//!   this machine, this cell and these builds, measured in the same run.
//!
//! A cell regresses only when its whole interval lies above the threshold
//! plus the A/A bias: when the A/A interval excludes zero (two builds of one
//! source differ, or the intervals understate the noise), its nearest end.
//! A cell whose interval straddles that bar is **inconclusive**, and so is
//! every changed-looking cell when the A/A itself reads as a change. See
//! [`decide`].
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::schema::Environment;
use crate::text::Table;

/// The schema name of a gate result file.
pub const SCHEMA: &str = "arena-gate/2";

/// An interval around an estimate, as relative changes (`0.012` is +1.2 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The estimated change ([`trimmed_mean`] of the log ratios).
    pub estimate: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

impl Interval {
    /// How far the interval lies from zero: its nearest end when it
    /// excludes zero, else 0.
    pub fn bias(&self) -> f64 {
        if self.lower > 0.0 {
            self.lower
        } else if self.upper < 0.0 {
            -self.upper
        } else {
            0.0
        }
    }
}

/// Share of the samples [`trimmed_mean`] drops from each end.
pub const TRIM: f64 = 0.2;

/// The [`trimmed_mean`] of `log_ratios` and its bootstrap percentile
/// interval with `tail` probability cut from each end, as relative changes.
pub fn bootstrap_trimmed_mean(log_ratios: &[f64], tail: f64, resamples: usize, rng: &mut fastrand::Rng) -> Interval {
    assert!(!log_ratios.is_empty(), "no rounds");
    let n = log_ratios.len();
    let mut sample = vec![0.0; n];
    let mut estimates: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            for x in sample.iter_mut() {
                *x = log_ratios[rng.usize(..n)];
            }
            trimmed_mean(&mut sample)
        })
        .collect();
    estimates.sort_by(f64::total_cmp);
    let at = |q: f64| estimates[((q * estimates.len() as f64) as usize).min(estimates.len() - 1)];
    let mut all = log_ratios.to_vec();
    Interval { estimate: trimmed_mean(&mut all).exp_m1(), lower: at(tail).exp_m1(), upper: at(1.0 - tail).exp_m1() }
}

/// The mean of `xs` without its lowest and highest [`TRIM`] shares (sorted
/// in place). Robust to a stray session like the median, but nearly as
/// efficient as the mean on well-behaved samples (the median needs about
/// 1.5 times the samples for the same interval on normal data).
pub fn trimmed_mean(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let cut = (xs.len() as f64 * TRIM) as usize;
    let kept = &xs[cut..xs.len() - cut];
    kept.iter().sum::<f64>() / kept.len() as f64
}

/// Share of the family-wise `α` that the instruction-count cells get
/// together when wall-time cells take part too.
pub const COUNT_SHARE: f64 = 0.1;

/// Each cell's error rate (two-sided), given which cells are wall time:
/// Bonferroni within each meter, the rates summing to `alpha`. Instruction
/// counts repeat to within a few instructions, so their intervals hardly
/// widen at a smaller rate, while wall-time intervals widen with every cell
/// added; so instruction-count cells share [`COUNT_SHARE`] of `alpha` and
/// wall-time cells the rest (either gets all of it when the other is absent).
pub fn cell_alphas(alpha: f64, wall: &[bool]) -> Vec<f64> {
    let walls = wall.iter().filter(|&&w| w).count();
    let counts = wall.len() - walls;
    let count_share = match (counts, walls) {
        (0, _) => 0.0,
        (_, 0) => 1.0,
        _ => COUNT_SHARE,
    };
    wall.iter()
        .map(|&w| if w { alpha * (1.0 - count_share) / walls as f64 } else { alpha * count_share / counts as f64 })
        .collect()
}

/// The median of `xs` (sorted in place).
pub fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// A cell's verdict, and the gate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The whole interval lies below the threshold.
    Ok,
    /// The whole interval lies below minus the threshold.
    Improved,
    /// Too noisy to tell at the threshold.
    Inconclusive,
    /// The whole interval lies above the threshold and the A/A check passed.
    Regressed,
    /// A build could not run the cell, or gave a wrong answer.
    Failed,
}

impl Verdict {
    /// Lower-case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Improved => "improved",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Regressed => "regressed",
            Verdict::Failed => "failed",
        }
    }

    /// The gate's exit code for this overall verdict: 0 no regression, 1
    /// regression (or a failed cell), 3 inconclusive. (2 is bad usage or a
    /// failed build, decided before anything is measured.)
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Ok | Verdict::Improved => 0,
            Verdict::Regressed | Verdict::Failed => 1,
            Verdict::Inconclusive => 3,
        }
    }

    /// The gate's verdict over its cells: the worst of them (failed >
    /// regressed > inconclusive > ok); `Ok` for none.
    pub fn overall(cells: impl IntoIterator<Item = Verdict>) -> Verdict {
        cells.into_iter().map(|v| if v == Verdict::Improved { Verdict::Ok } else { v }).max().unwrap_or(Verdict::Ok)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Judges a cell: `change` is head against base, `aa` base2 against base,
/// `threshold` the relative slowdown that counts (0.01 for 1 %). Returns the
/// verdict and, when it is not plain, why.
///
/// The change's own interval carries the noise: when the noise is too high
/// to decide at the threshold, that interval straddles it (inconclusive).
/// The A/A comparison is the negative control, measured in the same rounds:
/// when its interval excludes zero, two builds of one source differ (code
/// placement) or the intervals understate the noise, by at least its
/// nearest end — the **bias** — which a change must clear on top of the
/// threshold; and when the bias itself exceeds the threshold, the A/A would
/// have been called a change, so nothing is called. Asking the whole A/A
/// interval to lie inside `±threshold` instead would ask the noise to be
/// half what detecting a change needs (both intervals are as wide).
pub fn decide(change: Interval, aa: Interval, threshold: f64) -> (Verdict, Option<String>) {
    let bias = aa.bias();
    let aa_text = format!("[{}, {}]", pct(aa.lower), pct(aa.upper));
    if bias > threshold && (change.lower > threshold || change.upper < -threshold) {
        let why = format!("the A/A comparison {aa_text} reads as a change itself: the measurement cannot be trusted");
        (Verdict::Inconclusive, Some(why))
    } else if change.lower > threshold + bias {
        (Verdict::Regressed, None)
    } else if change.lower > threshold {
        let why = format!("slower, but not past {} (the threshold plus the A/A bias {aa_text})", pct(threshold + bias));
        (Verdict::Inconclusive, Some(why))
    } else if change.upper < -threshold {
        (Verdict::Improved, None)
    } else if change.upper < threshold {
        (Verdict::Ok, None)
    } else {
        let why = format!("the interval reaches past {:+.2} %: more rounds or a quieter machine", threshold * 100.0);
        (Verdict::Inconclusive, Some(why))
    }
}

/// One build taking part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// `base`, `base2` (the A/A build) or `head`.
    pub role: String,
    /// What it is: a git revision, a crate version or path, a binary.
    pub what: String,
    /// The `arena` binary that ran its workers (of a family not in
    /// `families`).
    pub binary: String,
    /// One `arena` per runtime family compared, where the source builds
    /// families apart (each family is a cargo feature): a family's cells ran
    /// in a binary with no other family's code, so a change to one family
    /// cannot move another's machine code. Empty: every cell ran in `binary`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<FamilyBinary>,
}

impl Build {
    /// The binary that runs cells of runtime family `family`.
    pub fn binary_for(&self, family: &str) -> &str {
        self.families.iter().find(|f| f.family == family).map_or(&self.binary, |f| &f.binary)
    }
}

/// A build of one runtime family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyBinary {
    /// The family (its cargo feature: `tokio`, `smol`, …).
    pub family: String,
    /// The `arena` binary built with that family alone.
    pub binary: String,
}

/// One compared cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateCell {
    /// Runtime id.
    pub runtime: String,
    /// Workload name.
    pub workload: String,
    /// Size of every run.
    pub size: u64,
    /// `wall`, `instructions` or `callgrind`.
    pub meter: String,
    /// Runs per batch.
    pub iters: u64,
    /// Samples behind the interval: wall-time sessions (fresh processes
    /// each), or instruction-count rounds.
    pub samples: usize,
    /// Median cost of a base batch (ns or instructions).
    pub base: Option<f64>,
    /// Median cost of a head batch.
    pub head: Option<f64>,
    /// Head against base.
    pub change: Option<Interval>,
    /// Base2 against base.
    pub aa: Option<Interval>,
    /// The threshold this cell was judged at (relative).
    pub threshold: f64,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, when the verdict needs a reason.
    pub note: Option<String>,
    /// Why the compared change cannot reach this cell, when it cannot: a
    /// negative control (see [`crate::controls`]), never called regressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// Every sample's head/base change (relative), in the order measured.
    #[serde(default)]
    pub ratios: Vec<f64>,
    /// Every sample's base2/base change.
    #[serde(default)]
    pub aa_ratios: Vec<f64>,
}

/// A slowdown injected on purpose (the gate's self-test).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Injection {
    /// The slowdown asked for (relative).
    pub target: f64,
    /// Instruction-count cells' burn: whole units of `runners::slowdown::burn`
    /// at the start of every batch, per cell (`runtime/workload`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counted: Vec<(String, u64)>,
    /// Instruction-count cells' burn per poll in 1/256 units, as files
    /// written before the burn moved into the measured batch (so that no
    /// cell is built twice) recorded it; never written now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<(String, u64)>,
    /// Wall-time cells' burn, once a batch, and what it was sized from.
    /// (Files written before commit 629c93f burned wall cells per poll, listed
    /// them in `units` and may hold a `wall` list, which is not read.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_batch: Vec<(String, BatchBurn)>,
}

/// A wall-time cell's burn: units of `runners::slowdown::burn` that head
/// burns at the start of every batch, sized as the slowdown asked for ×
/// head's unburned batch ÷ a unit's time, both pooled over several fresh
/// processes (one process alone gave burns 3.5 times apart for one cell).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchBurn {
    /// Units burned at the start of every batch.
    pub units: u64,
    /// Fresh head processes measured.
    pub processes: usize,
    /// Median unburned batch, nanoseconds (every batch of every process).
    pub batch_ns: f64,
    /// Median nanoseconds one burn unit takes (two timings in every process).
    pub unit_ns: f64,
}

impl fmt::Display for BatchBurn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} units at the start of each batch ({}), from batch {} and {:.3} ns a unit, over {} processes",
            self.units,
            crate::text::duration(self.units as f64 * self.unit_ns),
            crate::text::duration(self.batch_ns),
            self.unit_ns,
            self.processes
        )
    }
}

/// A whole gate run: the `arena-gate/2` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateRun {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The builds compared.
    pub builds: Vec<Build>,
    /// The codegen units `compare` built with (none: binaries built
    /// elsewhere, or a file from before the setting was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codegen_units: Option<u32>,
    /// Where instruction counts came from, or why there were none.
    pub instructions: String,
    /// Family-wise error rate of the intervals.
    pub alpha: f64,
    /// Bootstrap resamples per interval.
    pub resamples: usize,
    /// Seed of the round orders and the bootstrap.
    pub seed: u64,
    /// Threshold for instruction counts (relative).
    pub threshold_instructions: f64,
    /// Threshold for wall time (relative).
    pub threshold_wall: f64,
    /// The injected slowdown, in a self-test.
    pub injected: Option<Injection>,
    /// Every cell.
    pub cells: Vec<GateCell>,
    /// What the controls moved and how it widened the other cells'
    /// thresholds (see [`crate::controls`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    /// The worst cell verdict.
    pub verdict: Verdict,
    /// The machine and toolchain.
    pub environment: Environment,
}

impl crate::files::Document for GateRun {
    const SCHEMA: &'static str = SCHEMA;
}

fn pct(x: f64) -> String {
    format!("{:+.2} %", x * 100.0)
}

fn cost(meter: &str, x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(x) if meter == "wall" => crate::text::duration(x),
        Some(x) => format!("{x:.0} instr"),
    }
}

/// The gate's table: one row per cell.
pub fn table(run: &GateRun) -> Table {
    let header =
        ["runtime", "workload", "size", "meter", "samples", "base", "head", "change (interval)", "A/A", "verdict"];
    let mut t = Table {
        title: format!(
            "Regression gate: {} (thresholds: instructions {:.2} %, wall {:.2} %; intervals family-wise {:.0} %)",
            run.verdict,
            run.threshold_instructions * 100.0,
            run.threshold_wall * 100.0,
            (1.0 - run.alpha) * 100.0
        ),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        emphasis: Vec::new(),
        right: vec![2, 4, 5, 6],
    };
    for c in &run.cells {
        let interval = |i: &Option<Interval>| match i {
            Some(i) => format!("{} [{}, {}]", pct(i.estimate), pct(i.lower), pct(i.upper)),
            None => "-".into(),
        };
        let verdict = match &c.note {
            Some(note) => format!("{}: {note}", c.verdict),
            None => c.verdict.to_string(),
        };
        let row = vec![
            c.runtime.clone(),
            c.workload.clone(),
            c.size.to_string(),
            c.meter.clone(),
            c.samples.to_string(),
            cost(&c.meter, c.base),
            cost(&c.meter, c.head),
            interval(&c.change),
            c.aa.map(|aa| format!("[{}, {}]", pct(aa.lower), pct(aa.upper))).unwrap_or_else(|| "-".into()),
            verdict,
        ];
        let flag = matches!(c.verdict, Verdict::Regressed | Verdict::Failed);
        let mut emphasis = vec![false; row.len()];
        emphasis[row.len() - 1] = flag;
        t.emphasis.push(emphasis);
        t.rows.push(row);
    }
    t
}

/// The lines printed under the table: builds and the instruction source.
pub fn summary_lines(run: &GateRun) -> Vec<String> {
    let mut lines: Vec<String> = run
        .builds
        .iter()
        .map(|b| match b.families.as_slice() {
            [] => format!("{}: {} ({})", b.role, b.what, b.binary),
            families => {
                let each: Vec<String> = families.iter().map(|f| format!("{}: {}", f.family, f.binary)).collect();
                format!("{}: {} (one binary per family, {})", b.role, b.what, each.join(", "))
            }
        })
        .collect();
    if let Some(units) = run.codegen_units {
        let s = if units == 1 { "" } else { "s" };
        lines.push(format!("built: release profile, {units} codegen unit{s} (--codegen-units)"));
    }
    lines.extend(run.controls.iter().cloned());
    lines.push(format!("instruction counts: {}", run.instructions));
    if let Some(inj) = &run.injected {
        lines.push(format!("injected slowdown: {:+.2} % of each head batch (self-test)", inj.target * 100.0));
        for (cell, units) in &inj.counted {
            lines.push(format!("  {cell}: {units} units at the start of each batch"));
        }
        for (cell, units) in &inj.units {
            lines.push(format!("  {cell}: {units}/256 units a poll"));
        }
        for (cell, burn) in &inj.per_batch {
            lines.push(format!("  {cell}: {burn}"));
        }
    }
    lines.push(format!("verdict: {} (exit {})", run.verdict, run.verdict.exit_code()));
    lines
}

/// The run as Markdown, for a pull-request comment.
pub fn markdown(run: &GateRun) -> String {
    let mut out = crate::markdown::table(&table(run));
    out.push('\n');
    for line in summary_lines(run) {
        out.push_str(&format!("- {line}\n"));
    }
    out
}

/// One benchmark in the customSmallerIsBetter format of
/// github-action-benchmark (`benchmark-action/github-action-benchmark`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkPoint {
    /// `runtime/workload/size`.
    pub name: String,
    /// `instructions` or `ns`.
    pub unit: String,
    /// Head's median cost of one run.
    pub value: f64,
    /// Change against base, with its interval.
    pub extra: String,
}

/// Head's costs per run for github-action-benchmark (smaller is better).
pub fn benchmark_points(run: &GateRun) -> Vec<BenchmarkPoint> {
    run.cells
        .iter()
        .filter_map(|c| {
            let head = c.head? / c.iters.max(1) as f64;
            let unit = if c.meter == "wall" { "ns" } else { "instructions" };
            let extra = match c.change {
                Some(i) => format!("{} vs base [{}, {}]: {}", pct(i.estimate), pct(i.lower), pct(i.upper), c.verdict),
                None => c.verdict.to_string(),
            };
            Some(BenchmarkPoint {
                name: format!("{}/{}/{}", c.runtime, c.workload, c.size),
                unit: unit.into(),
                value: head,
                extra,
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A run of wall-time ping_pong cells with these verdicts.
    pub(crate) fn run(verdicts: &[(&str, Verdict)]) -> GateRun {
        let cell = |(runtime, verdict): &(&str, Verdict)| GateCell {
            runtime: runtime.to_string(),
            workload: "ping_pong".into(),
            size: 10,
            meter: "wall".into(),
            iters: 1,
            samples: 20,
            base: Some(1.0),
            head: Some(1.03),
            change: Some(Interval { estimate: 0.03, lower: 0.02, upper: 0.04 }),
            aa: Some(Interval { estimate: 0.0, lower: -0.01, upper: 0.01 }),
            threshold: 0.015,
            verdict: *verdict,
            note: None,
            control: None,
            ratios: Vec::new(),
            aa_ratios: Vec::new(),
        };
        GateRun {
            schema: SCHEMA.into(),
            builds: Vec::new(),
            instructions: "callgrind".into(),
            alpha: 0.05,
            resamples: 10,
            seed: 1,
            threshold_instructions: 0.005,
            threshold_wall: 0.015,
            controls: Vec::new(),
            codegen_units: None,
            injected: None,
            cells: verdicts.iter().map(cell).collect(),
            verdict: Verdict::overall(verdicts.iter().map(|(_, v)| *v)),
            environment: crate::merge::unknown_environment(std::path::Path::new("test")),
        }
    }

    #[test]
    fn the_codegen_units_built_with_are_said() {
        let mut run = run(&[("tokio-ct", Verdict::Ok)]);
        assert!(!summary_lines(&run).iter().any(|l| l.contains("codegen")));
        let json = serde_json::to_string(&run).unwrap();
        assert!(!json.contains("codegen_units"), "none is not written: {json}");
        run.codegen_units = Some(1);
        assert!(summary_lines(&run).contains(&"built: release profile, 1 codegen unit (--codegen-units)".to_owned()));
        run.codegen_units = Some(16);
        assert!(summary_lines(&run).contains(&"built: release profile, 16 codegen units (--codegen-units)".to_owned()));
        let back: GateRun = serde_json::from_str(&serde_json::to_string(&run).unwrap()).unwrap();
        assert_eq!(back.codegen_units, Some(16));
    }

    fn iv(estimate: f64, lower: f64, upper: f64) -> Interval {
        Interval { estimate, lower, upper }
    }

    #[test]
    fn verdicts_follow_the_intervals() {
        let quiet = iv(0.0, -0.002, 0.002);
        let noisy = iv(0.0, -0.02, 0.03);
        assert_eq!(decide(iv(0.03, 0.02, 0.04), quiet, 0.01).0, Verdict::Regressed);
        // An A/A interval as wide as the change's, about zero, does not block
        // a change past the threshold (wall time: both carry the same noise).
        assert_eq!(decide(iv(0.03, 0.02, 0.04), noisy, 0.01).0, Verdict::Regressed);
        assert_eq!(decide(iv(0.03, 0.018, 0.04), iv(0.0, -0.015, 0.01), 0.015).0, Verdict::Regressed);
        // Two builds of one source 0.8 % apart: a change must clear 1 % + 0.8 %.
        let biased = iv(0.01, 0.008, 0.012);
        assert_eq!(decide(iv(0.02, 0.015, 0.025), biased, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(0.025, 0.02, 0.03), biased, 0.01).0, Verdict::Regressed);
        let (_, why) = decide(iv(0.02, 0.015, 0.025), biased, 0.01);
        assert!(why.unwrap().contains("+1.80 %"));
        // A bias below zero counts the same; a zero-width A/A (instruction
        // counts of separate builds) adds its offset.
        assert_eq!(decide(iv(0.02, 0.015, 0.025), iv(-0.008, -0.012, -0.008), 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(0.01, 0.01, 0.01), iv(-0.0008, -0.0008, -0.0008), 0.005).0, Verdict::Regressed);
        // An A/A that reads as a change itself: nothing past the threshold is called.
        let lying = iv(0.03, 0.02, 0.04);
        assert_eq!(decide(iv(0.2, 0.15, 0.25), lying, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(-0.2, -0.25, -0.15), lying, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(0.0, -0.005, 0.005), lying, 0.01).0, Verdict::Ok);
        assert_eq!(decide(iv(0.0, -0.005, 0.005), quiet, 0.01).0, Verdict::Ok);
        assert_eq!(decide(iv(0.0, -0.005, 0.005), noisy, 0.01).0, Verdict::Ok);
        assert_eq!(decide(iv(0.01, 0.0, 0.02), quiet, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(-0.05, -0.06, -0.04), quiet, 0.01).0, Verdict::Improved);
    }

    #[test]
    fn an_injection_reads_every_way_head_has_burned() {
        // As written before wall cells burned once a batch: the per-poll `wall` list is not read.
        let old: Injection = serde_json::from_str(
            r#"{"target": 0.03, "units": [["tokio-mt/ping_pong", 1781]],
                "wall": [["tokio-mt/ping_pong", {"processes": 5, "batch_ns": 4e7, "polls": 2e5, "unit_ns": 1.0}]]}"#,
        )
        .unwrap();
        assert!(old.per_batch.is_empty() && old.counted.is_empty());
        assert_eq!(old.units, [("tokio-mt/ping_pong".to_owned(), 1781)]);
        let burn = BatchBurn { units: 2_400_000, processes: 5, batch_ns: 40e6, unit_ns: 0.5 };
        let new = Injection {
            counted: vec![("tokio-ct/ping_pong".into(), 52_000)],
            units: vec![],
            per_batch: vec![("tokio-mt/ping_pong".into(), burn)],
            ..old
        };
        let json = serde_json::to_string(&new).unwrap();
        assert!(!json.contains("\"units\":[]"), "the per-poll list is no longer written: {json}");
        assert_eq!(serde_json::from_str::<Injection>(&json).unwrap(), new);
        assert_eq!(
            new.per_batch[0].1.to_string(),
            "2400000 units at the start of each batch (1.20 ms), from batch 40.0 ms and 0.500 ns a unit, over 5 processes"
        );
    }

    #[test]
    fn the_error_rate_is_split_by_meter_and_sums_to_alpha() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let mixed = cell_alphas(0.05, &[false, true, false, false, true]);
        assert!(close(mixed.iter().sum(), 0.05), "{mixed:?}");
        assert!(close(mixed[1], 0.0225) && close(mixed[4], 0.0225), "{mixed:?}");
        assert!(close(mixed[0], 0.005 / 3.0), "{mixed:?}");
        assert!(cell_alphas(0.05, &[false; 4]).iter().all(|&a| close(a, 0.0125)));
        assert!(cell_alphas(0.05, &[true; 2]).iter().all(|&a| close(a, 0.025)));
        assert!(cell_alphas(0.05, &[]).is_empty());
    }

    #[test]
    fn the_gate_takes_the_worst_cell() {
        use Verdict::*;
        assert_eq!(Verdict::overall([Ok, Improved]), Ok);
        assert_eq!(Verdict::overall([Ok, Inconclusive, Improved]), Inconclusive);
        assert_eq!(Verdict::overall([Inconclusive, Regressed]), Regressed);
        assert_eq!(Verdict::overall([Regressed, Failed, Ok]), Failed);
        assert_eq!(Verdict::overall([]), Ok);
        assert_eq!([Ok, Improved, Inconclusive, Regressed, Failed].map(Verdict::exit_code), [0, 0, 3, 1, 1]);
    }

    #[test]
    fn the_trimmed_mean_ignores_the_tails() {
        assert_eq!(trimmed_mean(&mut [0.0, 0.0, 100.0, 0.0, 0.0]), 0.0);
        let mut xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(trimmed_mean(&mut xs), 5.5);
        assert_eq!(trimmed_mean(&mut [4.0]), 4.0);
    }

    #[test]
    fn the_bootstrap_brackets_the_estimate_and_widens_with_confidence() {
        let mut rng = fastrand::Rng::with_seed(7);
        // Log ratios around ln(1.03) with ±2 % spread.
        let xs: Vec<f64> = (0..200).map(|i| 1.03f64.ln() + ((i * 37 % 101) as f64 / 100.0 - 0.5) * 0.04).collect();
        let wide = bootstrap_trimmed_mean(&xs, 0.001, 4000, &mut rng);
        let narrow = bootstrap_trimmed_mean(&xs, 0.05, 4000, &mut rng);
        assert!((wide.estimate - 0.03).abs() < 0.005, "{wide:?}");
        assert!(wide.lower <= narrow.lower && narrow.upper <= wide.upper, "{wide:?} {narrow:?}");
        assert!(narrow.lower < wide.estimate && wide.estimate < narrow.upper);
        // Identical counts give a point.
        let same = bootstrap_trimmed_mean(&[0.01f64.ln_1p(); 7], 0.001, 1000, &mut rng);
        assert!((same.lower - 0.01).abs() < 1e-12 && (same.upper - 0.01).abs() < 1e-12, "{same:?}");
    }
}
