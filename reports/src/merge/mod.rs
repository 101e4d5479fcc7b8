//! Building a [`Report`] from Arena's files: results from `arena run`,
//! criterion directories from `cargo bench`, overhead, conformance, memory and
//! worker-scaling files.
//!
//! Inputs are grouped by machine: the same host, CPU, cores, kernel, rustc,
//! cargo profile and crate versions. Within a machine, cells from several
//! inputs merge (a CI job per runtime gives one file per runtime); when two
//! inputs have the same cell, the newer run's is kept. Across machines nothing
//! is merged, averaged or compared. An unreadable input is a problem naming
//! its file, and the report is built from the rest; only when nothing at all
//! is left is it an error.
//!
//! [`read`] turns the input files into one group per machine and a ledger of
//! what became of each file; [`machine`] computes a machine's matrices,
//! ratios, ties and growth from its group.
use std::fmt;
use std::path::PathBuf;

use crate::model::{Machine, REPORT_SCHEMA, Report, WorkloadNote};
use crate::ranks;

mod machine;
mod read;

pub(crate) use machine::first_seen;
use machine::{Order, machine};
use read::Gathered;
#[cfg(test)]
pub(crate) use read::unknown_environment;

/// What to build a report from.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `arena run` results files (`arena-results/1`).
    pub results: Vec<PathBuf>,
    /// criterion output directories written by `cargo bench`.
    pub criterion: Vec<PathBuf>,
    /// Which of criterion's measurement folders to read: `new` (the latest
    /// run) or a baseline saved with `--save-baseline`.
    pub baseline: String,
    /// `arena overhead` files.
    pub overhead: Vec<PathBuf>,
    /// `arena conformance` files.
    pub conformance: Vec<PathBuf>,
    /// `arena-memory` files.
    pub memory: Vec<PathBuf>,
    /// `arena scale` files.
    pub scaling: Vec<PathBuf>,
    /// What each workload does (from the registry), shown beside its numbers;
    /// workloads are shown in this order, unknown ones after.
    pub workloads: Vec<WorkloadNote>,
    /// Runtime ids in the order to show them (the registry's); unknown ones after.
    pub runtimes: Vec<String>,
    /// Where the report will be written: links are made relative to it.
    pub out_dir: PathBuf,
    /// The command building the report.
    pub command: String,
    /// The tie margin of the matrices ([`crate::ranks::TIE_WITHIN`] if `None`).
    pub tie_within: Option<f64>,
    /// When (RFC 3339).
    pub generated: String,
}

/// No input held anything to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NothingToReport {
    /// Why each input gave nothing, naming it.
    pub problems: Vec<String>,
}

impl fmt::Display for NothingToReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [] => f.write_str("nothing to report: no input given"),
            problems => write!(f, "nothing to report: {}", problems.join("; ")),
        }
    }
}

impl std::error::Error for NothingToReport {}

/// Builds the report; fails only when no input held anything.
pub fn build(inputs: &Inputs) -> Result<Report, NothingToReport> {
    let Gathered { mut groups, ledger, seen_anything } = read::gather(inputs);
    if !seen_anything {
        return Err(NothingToReport { problems: ledger.problems });
    }
    let order = Order {
        workloads: inputs.workloads.iter().map(|w| w.name.as_str()).collect(),
        runtimes: inputs.runtimes.iter().map(String::as_str).collect(),
        tie_within: inputs.tie_within.unwrap_or(ranks::TIE_WITHIN),
    };
    let mut machines: Vec<Machine> = Vec::new();
    for key in &groups.keys {
        let group = groups.groups.remove(key).expect("every key has a group");
        machines.push(machine(group, &order, &machines));
    }
    let seen: Vec<&str> = machines.iter().flat_map(|m| m.cells.iter().map(|c| c.cell.workload.as_str())).collect();
    let workloads = inputs.workloads.iter().filter(|w| seen.contains(&w.name.as_str())).cloned().collect();
    Ok(Report {
        schema: REPORT_SCHEMA.to_owned(),
        generated: inputs.generated.clone(),
        command: inputs.command.clone(),
        inputs: ledger.inputs,
        problems: ledger.problems,
        workloads,
        machines,
    })
}
