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
//!
//! [`stats`] holds the statistics and the verdicts, [`run`] the schema of
//! `gate.json`, [`render`] its table, Markdown and github-action-benchmark
//! export; [`callgrind`] reads callgrind's dumps and says which functions a
//! changed cell's instructions moved in; [`controls`] finds the cells a change cannot reach, and
//! [`selftest`] tallies the gate's verdicts on one binary against itself.

pub mod callgrind;
pub mod controls;
pub mod render;
pub mod run;
pub mod selftest;
pub mod stats;

pub use callgrind::{Explanation, FunctionChange, Profile};
pub use render::{BenchmarkPoint, benchmark_points, markdown, summary_lines, table};
pub use run::{BatchBurn, Build, FamilyBinary, GateCell, GateRun, Injection, SCHEMA};
pub use stats::{
    COUNT_SHARE, Interval, TRIM, Verdict, bootstrap_trimmed_mean, cell_alphas, decide, median, trimmed_mean,
};
