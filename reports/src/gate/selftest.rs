//! The regression gate's self-test record (`arena gate-selftest`): how often
//! each mode of the gate flagged each cell over repeated runs, against what
//! it must do — flag an injected slowdown (always, or in a share of runs) and
//! never flag an unchanged build.
//!
//! The tally is built from the gate's own result files ([`GateRun`]), so the
//! self-test judges exactly what a CI job would have acted on.
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::gate::{GateRun, Verdict};
use crate::schema::Environment;
use crate::text::Table;

/// The schema name of a self-test file.
pub const SCHEMA: &str = "arena-gate-selftest/1";

/// What a mode must do, cell by cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Regressed in every run.
    Always,
    /// Regressed in at least this share of runs (`0.9`: 9 in 10).
    AtLeast(f64),
    /// Never regressed.
    Never,
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Always => f.write_str("flagged in every run"),
            Expect::AtLeast(share) => write!(f, "flagged in ≥ {:.0} % of runs", share * 100.0),
            Expect::Never => f.write_str("never flagged"),
        }
    }
}

impl Expect {
    /// Whether `flagged` regressions in `runs` runs meet the expectation.
    pub fn met(self, flagged: usize, runs: usize) -> bool {
        match self {
            Expect::Always => flagged == runs,
            Expect::AtLeast(share) => flagged as f64 >= share * runs as f64,
            Expect::Never => flagged == 0,
        }
    }
}

/// One cell's verdicts over a mode's runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellTally {
    /// Runtime id.
    pub runtime: String,
    /// Workload name.
    pub workload: String,
    /// Size of every run.
    pub size: u64,
    /// `instructions`, `callgrind` or `wall`.
    pub meter: String,
    /// How many runs ended in each verdict.
    pub verdicts: BTreeMap<Verdict, usize>,
    /// Each run's estimated change (relative; absent where the cell failed).
    pub changes: Vec<Option<f64>>,
    /// Each run's samples (sessions or rounds).
    pub samples: Vec<usize>,
}

impl CellTally {
    /// Runs that ended `regressed`.
    pub fn flagged(&self) -> usize {
        self.verdicts.get(&Verdict::Regressed).copied().unwrap_or(0)
    }

    /// Runs tallied.
    pub fn runs(&self) -> usize {
        self.verdicts.values().sum()
    }
}

/// One gate run of a mode, as the self-test saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The seed the run was given.
    pub seed: u64,
    /// The gate's overall verdict.
    pub verdict: Verdict,
    /// Seconds the run took, builds excluded (there are none: binaries).
    pub seconds: f64,
    /// Its result file.
    pub gate_json: String,
}

/// A mode of the gate, run repeatedly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeTally {
    /// Mode name, e.g. `instructions-1pct`.
    pub name: String,
    /// The slowdown injected into head (relative), if any.
    pub inject: Option<f64>,
    /// What every cell must do.
    pub expect: Expect,
    /// Where instruction counts came from in the last run.
    pub instructions: String,
    /// What every run of it was given (injection, cells, size, budget): a
    /// resumed self-test adds runs only to a tally of the same settings.
    #[serde(default)]
    pub settings: String,
    /// The runs, in order.
    pub runs: Vec<RunRecord>,
    /// The cells, in the gate's order.
    pub cells: Vec<CellTally>,
}

impl ModeTally {
    /// An empty tally.
    pub fn new(name: &str, inject: Option<f64>, expect: Expect) -> Self {
        ModeTally {
            name: name.to_owned(),
            inject,
            expect,
            instructions: String::new(),
            settings: String::new(),
            runs: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Adds one gate run's result.
    pub fn add(&mut self, run: &GateRun, seconds: f64, gate_json: &str) {
        self.instructions = run.instructions.clone();
        self.runs.push(RunRecord { seed: run.seed, verdict: run.verdict, seconds, gate_json: gate_json.to_owned() });
        for c in &run.cells {
            let i = match self.cells.iter().position(|t| {
                (t.runtime.as_str(), t.workload.as_str(), t.size) == (c.runtime.as_str(), c.workload.as_str(), c.size)
            }) {
                Some(i) => i,
                None => {
                    self.cells.push(CellTally {
                        runtime: c.runtime.clone(),
                        workload: c.workload.clone(),
                        size: c.size,
                        meter: c.meter.clone(),
                        verdicts: BTreeMap::new(),
                        changes: Vec::new(),
                        samples: Vec::new(),
                    });
                    self.cells.len() - 1
                }
            };
            let t = &mut self.cells[i];
            *t.verdicts.entry(c.verdict).or_insert(0) += 1;
            t.changes.push(c.change.map(|i| i.estimate));
            t.samples.push(c.samples);
        }
    }

    /// Whether every cell met the expectation in every run, no cell failed,
    /// and every cell took part in every run.
    pub fn passed(&self) -> bool {
        !self.cells.is_empty()
            && self.cells.iter().all(|c| {
                c.runs() == self.runs.len()
                    && !c.verdicts.contains_key(&Verdict::Failed)
                    && self.expect.met(c.flagged(), c.runs())
            })
    }
}

/// A whole self-test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selftest {
    /// [`SCHEMA`].
    pub schema: String,
    /// The `arena` binary compared with itself.
    pub binary: String,
    /// Runs per mode asked for (a mode with fewer is not finished: the
    /// self-test was stopped, and `--resume` goes on with it).
    pub runs: usize,
    /// Modes run.
    pub modes: Vec<ModeTally>,
    /// Modes left out, with why.
    pub skipped: Vec<String>,
    /// Whether every mode passed.
    pub passed: bool,
    /// The machine, toolchain and command.
    pub environment: Environment,
}

impl crate::files::Document for Selftest {
    const SCHEMA: &'static str = SCHEMA;
}

impl Selftest {
    /// Whether a mode has fewer runs than asked for.
    pub fn unfinished(&self) -> bool {
        self.modes.iter().any(|m| m.runs.len() < self.runs)
    }
}

/// The self-test as a table: one row per mode × cell.
pub fn table(s: &Selftest) -> Table {
    let header =
        ["mode", "cell", "meter", "expected", "regressed", "inconclusive", "ok", "other", "median change", "met"];
    let state = match (s.passed, s.unfinished()) {
        (true, _) => "passed",
        (false, true) => "unfinished",
        (false, false) => "FAILED",
    };
    let mut t = Table {
        title: format!("Gate self-test: {state} ({} runs per mode)", s.runs),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        emphasis: Vec::new(),
        right: vec![4, 5, 6, 7, 8],
    };
    for m in &s.modes {
        for c in &m.cells {
            let count = |v: Verdict| c.verdicts.get(&v).copied().unwrap_or(0);
            let runs = c.runs();
            let other = runs - c.flagged() - count(Verdict::Inconclusive) - count(Verdict::Ok);
            let mut changes: Vec<f64> = c.changes.iter().flatten().copied().collect();
            let change = if changes.is_empty() {
                "-".to_owned()
            } else {
                format!("{:+.2} %", crate::gate::median(&mut changes) * 100.0)
            };
            let met = m.expect.met(c.flagged(), runs) && !c.verdicts.contains_key(&Verdict::Failed);
            let row = vec![
                m.name.clone(),
                format!("{}/{}/{}", c.runtime, c.workload, c.size),
                c.meter.clone(),
                m.expect.to_string(),
                format!("{}/{runs}", c.flagged()),
                count(Verdict::Inconclusive).to_string(),
                count(Verdict::Ok).to_string(),
                other.to_string(),
                change,
                if met { "yes" } else { "NO" }.to_owned(),
            ];
            let mut emphasis = vec![false; row.len()];
            emphasis[row.len() - 1] = !met;
            t.emphasis.push(emphasis);
            t.rows.push(row);
        }
    }
    t
}

/// The self-test as Markdown: the table and the skipped modes.
pub fn markdown(s: &Selftest) -> String {
    let mut out = crate::markdown::table(&table(s));
    out.push('\n');
    for m in &s.modes {
        let seconds: f64 = m.runs.iter().map(|r| r.seconds).sum();
        out.push_str(&format!(
            "- {}: {} runs, {:.0} s in all; instruction counts: {}\n",
            m.name,
            m.runs.len(),
            seconds,
            m.instructions
        ));
    }
    for skipped in &s.skipped {
        out.push_str(&format!("- skipped {skipped}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(verdicts: &[(&str, Verdict)]) -> GateRun {
        crate::gate::run::tests::run(verdicts)
    }

    #[test]
    fn expectations_count_regressed_runs_only() {
        assert!(Expect::Always.met(10, 10));
        assert!(!Expect::Always.met(9, 10));
        assert!(Expect::AtLeast(0.9).met(9, 10));
        assert!(!Expect::AtLeast(0.9).met(8, 10));
        assert!(Expect::Never.met(0, 10));
        assert!(!Expect::Never.met(1, 10));
    }

    #[test]
    fn a_mode_passes_only_if_every_cell_meets_it_in_every_run() {
        let mut m = ModeTally::new("wall-3pct", Some(0.03), Expect::AtLeast(0.9));
        for _ in 0..9 {
            m.add(&run(&[("a", Verdict::Regressed), ("b", Verdict::Regressed)]), 1.0, "x");
        }
        m.add(&run(&[("a", Verdict::Regressed), ("b", Verdict::Inconclusive)]), 1.0, "x");
        assert!(m.passed(), "9 of 10 is enough for b");
        assert_eq!(m.cells[1].flagged(), 9);
        m.add(&run(&[("a", Verdict::Regressed), ("b", Verdict::Ok)]), 1.0, "x");
        assert!(!m.passed(), "9 of 11 is not");

        let mut aa = ModeTally::new("wall-aa", None, Expect::Never);
        aa.add(&run(&[("a", Verdict::Ok), ("b", Verdict::Inconclusive)]), 1.0, "x");
        assert!(aa.passed());
        aa.add(&run(&[("a", Verdict::Failed), ("b", Verdict::Ok)]), 1.0, "x");
        assert!(!aa.passed(), "a failed cell fails the self-test");

        let mut missing = ModeTally::new("wall-aa", None, Expect::Never);
        missing.add(&run(&[("a", Verdict::Ok), ("b", Verdict::Ok)]), 1.0, "x");
        missing.add(&run(&[("a", Verdict::Ok)]), 1.0, "x");
        assert!(!missing.passed(), "a cell missing from a run is not a pass");
    }

    #[test]
    fn the_table_marks_unmet_rows() {
        let mut m = ModeTally::new("instructions-aa", None, Expect::Never);
        m.add(&run(&[("a", Verdict::Regressed), ("b", Verdict::Ok)]), 1.0, "x");
        let s = Selftest {
            schema: SCHEMA.into(),
            binary: "arena".into(),
            runs: 1,
            passed: false,
            modes: vec![m],
            skipped: vec!["wall-aa: not asked for".into()],
            environment: crate::merge::unknown_environment(std::path::Path::new("test")),
        };
        let t = table(&s);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][4], "1/1");
        assert_eq!(t.rows[0][9], "NO");
        assert_eq!(t.rows[1][9], "yes");
        assert!(markdown(&s).contains("skipped wall-aa"));
    }
}
