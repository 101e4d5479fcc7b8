//! `gate.json` (schema `arena-gate/2`): the builds, every cell with its
//! samples, interval and verdict, the controls and what the self-test
//! injected.
use std::fmt;

use serde::{Deserialize, Serialize};

use super::stats::{Interval, Verdict};
use crate::schema::Environment;

/// The schema name of a gate result file.
pub const SCHEMA: &str = "arena-gate/2";

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
    /// negative control (see [`crate::gate::controls`]), never called regressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// Every sample's head/base change (relative), in the order measured.
    #[serde(default)]
    pub ratios: Vec<f64>,
    /// Every sample's base2/base change.
    #[serde(default)]
    pub aa_ratios: Vec<f64>,
    /// For a cell counted by callgrind and called regressed or improved: the
    /// functions whose instructions per run moved most, base to head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functions: Option<super::Explanation>,
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
    /// thresholds (see [`crate::gate::controls`]).
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
            functions: None,
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
}
