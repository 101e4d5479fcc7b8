//! Reading a report's inputs: every results file, criterion directory and
//! measurement file into the group of the machine it was made on, the newer
//! of two winning, and a ledger of what became of each input (used, or the
//! one-line reason it was refused).
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::Inputs;
use super::first_seen;
use crate::criterion::{Found, per_core_count, scan};
use crate::files::FileError;
use crate::files::{read_conformance, read_memory, read_overhead, read_results, read_scaling};
use crate::model::{
    ConformanceMatrix, Input, Memory, Overhead, Ranks, ReportCell, Run, SCALING_GROWTH, Scaling, ScalingRow,
};
use crate::schema::{Cell, Conformance, Environment, MemoryResults, OverheadResults, ScalingResults, Status};

/// The inputs, read: one group per machine, and the ledger.
pub(super) struct Gathered {
    pub(super) groups: Groups,
    pub(super) ledger: Ledger,
    /// Whether any input held anything.
    pub(super) seen_anything: bool,
}

/// One machine while inputs are merged.
pub(super) struct Group {
    pub(super) environment: Environment,
    pub(super) runs: Vec<Run>,
    pub(super) cells: BTreeMap<(String, String, u64, Option<u64>), ReportCell>,
    pub(super) group_pages: BTreeMap<String, String>,
    pub(super) overhead: Option<Overhead>,
    pub(super) conformance: Option<ConformanceMatrix>,
    pub(super) memory: Option<Memory>,
    pub(super) scaling: Option<Scaling>,
}

/// Groups by machine, in the order machines are first seen.
#[derive(Default)]
pub(super) struct Groups {
    pub(super) keys: Vec<String>,
    pub(super) groups: BTreeMap<String, Group>,
}

impl Groups {
    fn get(&mut self, env: &Environment) -> &mut Group {
        let key = machine_key(env);
        if !self.groups.contains_key(&key) {
            self.keys.push(key.clone());
        }
        let group = self.groups.entry(key).or_insert_with(|| Group {
            environment: env.clone(),
            runs: Vec::new(),
            cells: BTreeMap::new(),
            group_pages: BTreeMap::new(),
            overhead: None,
            conformance: None,
            memory: None,
            scaling: None,
        });
        if env.date > group.environment.date {
            group.environment = env.clone();
        }
        group
    }
}

/// Everything that makes two inputs incomparable: not the date, the
/// command or the Arena revision.
fn machine_key(env: &Environment) -> String {
    let crates: Vec<String> = env.crates.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let p = &env.profile;
    format!(
        "{:?}|{}|{}|{}|{}|{}/{}/{}|{}",
        env.host,
        env.cpu,
        env.cores,
        env.kernel,
        env.rustc,
        p.name,
        p.opt_level,
        p.debug_assertions,
        crates.join(",")
    )
}

impl Group {
    /// Adds a run's cells; a cell already there from a newer run stays.
    fn add_run(&mut self, run: Run, cells: Vec<(Cell, Option<crate::model::SampleSpread>, Option<String>)>) {
        let index = self.runs.len();
        let date = run.date.clone();
        self.runs.push(run);
        for (cell, samples, criterion_page) in cells {
            let key = (cell.workload.clone(), cell.runtime.clone(), cell.size, cell.cores);
            if self.cells.get(&key).is_some_and(|old| self.runs[old.run].date > date) {
                continue;
            }
            let ranks = Ranks::default();
            let cell = ReportCell { cell, run: index, ranks, samples, criterion_page, adapter_cost_pct: None };
            self.cells.insert(key, cell);
        }
    }
}

fn link(out_dir: &Path, target: &Path) -> Option<String> {
    let absolute = |p: &Path| std::path::absolute(p).ok();
    let rel = pathdiff::diff_paths(absolute(target)?, absolute(out_dir)?)?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

fn input(path: &Path, kind: &str, status: &str) -> Input {
    Input { path: path.display().to_string(), kind: kind.to_owned(), status: status.to_owned() }
}

/// What became of each input, and the problems to report.
#[derive(Default)]
pub(super) struct Ledger {
    pub(super) inputs: Vec<Input>,
    pub(super) problems: Vec<String>,
}

impl Ledger {
    fn used(&mut self, path: &Path, kind: &str) {
        self.inputs.push(input(path, kind, "used"));
    }

    /// An input that gave nothing: `why` goes on its line and, naming it, into the problems.
    fn refused(&mut self, path: &Path, kind: &str, why: impl fmt::Display) {
        let why = why.to_string();
        self.inputs.push(input(path, kind, &why));
        let named = path.display().to_string();
        self.problems.push(if why.starts_with(&named) { why } else { format!("{named}: {why}") });
    }
}

/// Reads every input into its machine's group; what became of each input is
/// in the ledger.
pub(super) fn gather(inputs: &Inputs) -> Gathered {
    let (mut groups, mut ledger) = (Groups::default(), Ledger::default());
    let mut seen_anything = false;

    for path in &inputs.results {
        match read_results(path) {
            Ok(results) if results.cells.is_empty() => ledger.refused(path, "results", "an empty run (no cells)"),
            Ok(results) => {
                ledger.used(path, "results");
                let run = Run {
                    path: path.display().to_string(),
                    kind: "results".into(),
                    date: results.environment.date.clone(),
                    command: results.environment.command.clone(),
                    settings: Some(results.settings.clone()),
                };
                seen_anything = true;
                let cells = results.cells.into_iter().map(|c| (c, None, None)).collect();
                groups.get(&results.environment).add_run(run, cells);
            }
            Err(e) => ledger.refused(path, "results", e),
        }
    }

    for dir in inputs.criterion.iter().flat_map(|d| per_core_count(d)) {
        let dir = &dir;
        let scanned = match scan(dir, &inputs.baseline) {
            Ok(scanned) => scanned,
            Err(e) => {
                ledger.refused(
                    dir,
                    "criterion",
                    format!("{e} (criterion's output directory; run `cargo bench` to make it)"),
                );
                continue;
            }
        };
        ledger.problems.extend(scanned.problems);
        if scanned.cells.is_empty() {
            ledger.refused(dir, "criterion", "no Arena benchmarks in it");
            continue;
        }
        ledger.used(dir, "criterion");
        seen_anything = true;
        let environment = scanned.environment.unwrap_or_else(|| unknown_environment(dir));
        let run = Run {
            path: dir.display().to_string(),
            kind: "criterion".into(),
            date: environment.date.clone(),
            command: environment.command.clone(),
            settings: None,
        };
        let group = groups.get(&environment);
        let mut cells = Vec::new();
        for Found { cell, samples, page, group_page } in scanned.cells {
            if let Some(page) = group_page.and_then(|p| link(&inputs.out_dir, &p)) {
                group.group_pages.insert(cell.workload.clone(), page);
            }
            let page = page.and_then(|p| link(&inputs.out_dir, &p));
            cells.push((cell, samples, page));
        }
        group.add_run(run, cells);
    }

    seen_anything |= take_newest::<OverheadResults>(&inputs.overhead, &mut ledger, &mut groups);
    seen_anything |= take_newest::<Conformance>(&inputs.conformance, &mut ledger, &mut groups);
    seen_anything |= take_newest::<MemoryResults>(&inputs.memory, &mut ledger, &mut groups);
    seen_anything |= take_newest::<ScalingResults>(&inputs.scaling, &mut ledger, &mut groups);
    Gathered { groups, ledger, seen_anything }
}

/// A criterion directory without `arena-environment.json`: a machine of its own.
pub(crate) fn unknown_environment(dir: &Path) -> Environment {
    Environment {
        host: Some(format!("unknown machine ({})", dir.display())),
        cpu: "unknown".into(),
        cores: 0,
        kernel: "unknown".into(),
        rustc: "unknown".into(),
        profile: crate::schema::Profile { name: "unknown".into(), opt_level: "?".into(), debug_assertions: false },
        crates: BTreeMap::new(),
        date: String::new(),
        command: String::new(),
        git: None,
    }
}

/// A measurement file of which each machine keeps the newest: overhead,
/// conformance, memory, worker scaling.
trait Newest: Sized {
    /// The input kind, as the ledger names it.
    const KIND: &'static str;
    /// What the machine keeps of it.
    type Kept;
    fn read(path: &Path) -> Result<Self, FileError>;
    fn environment(&self) -> &Environment;
    /// A file with nothing in it is refused.
    fn is_empty(&self) -> bool;
    fn slot(group: &mut Group) -> &mut Option<Self::Kept>;
    fn date(kept: &Self::Kept) -> &str;
    fn keep(self, path: &Path) -> Self::Kept;
}

/// Reads every file of kind `F` into its machine, the newer one winning;
/// whether any was usable.
fn take_newest<F: Newest>(paths: &[PathBuf], ledger: &mut Ledger, groups: &mut Groups) -> bool {
    let mut seen = false;
    for path in paths {
        match F::read(path) {
            Ok(f) if f.is_empty() => ledger.refused(path, F::KIND, "an empty run (no cells)"),
            Ok(f) => {
                ledger.used(path, F::KIND);
                seen = true;
                let date = f.environment().date.clone();
                let slot = F::slot(groups.get(f.environment()));
                if slot.as_ref().is_none_or(|old| F::date(old) <= date.as_str()) {
                    *slot = Some(f.keep(path));
                }
            }
            Err(e) => ledger.refused(path, F::KIND, e),
        }
    }
    seen
}

impl Newest for OverheadResults {
    const KIND: &'static str = "overhead";
    type Kept = Overhead;
    fn read(path: &Path) -> Result<Self, FileError> {
        read_overhead(path)
    }
    fn environment(&self) -> &Environment {
        &self.environment
    }
    fn is_empty(&self) -> bool {
        // An overhead file with no pairs still says what was tried.
        false
    }
    fn slot(group: &mut Group) -> &mut Option<Overhead> {
        &mut group.overhead
    }
    fn date(kept: &Overhead) -> &str {
        &kept.date
    }
    fn keep(self, path: &Path) -> Overhead {
        Overhead {
            path: path.display().to_string(),
            date: self.environment.date,
            tolerance_pct: self.tolerance_pct,
            pairs: self.pairs,
        }
    }
}

impl Newest for Conformance {
    const KIND: &'static str = "conformance";
    type Kept = ConformanceMatrix;
    fn read(path: &Path) -> Result<Self, FileError> {
        read_conformance(path)
    }
    fn environment(&self) -> &Environment {
        &self.environment
    }
    fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
    fn slot(group: &mut Group) -> &mut Option<ConformanceMatrix> {
        &mut group.conformance
    }
    fn date(kept: &ConformanceMatrix) -> &str {
        &kept.date
    }
    fn keep(self, path: &Path) -> ConformanceMatrix {
        let runtimes = first_seen(self.cells.iter().map(|c| c.runtime.as_str()));
        ConformanceMatrix { path: path.display().to_string(), date: self.environment.date, runtimes, cells: self.cells }
    }
}

impl Newest for MemoryResults {
    const KIND: &'static str = "memory";
    type Kept = Memory;
    fn read(path: &Path) -> Result<Self, FileError> {
        read_memory(path)
    }
    fn environment(&self) -> &Environment {
        &self.environment
    }
    fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.storm.is_empty()
    }
    fn slot(group: &mut Group) -> &mut Option<Memory> {
        &mut group.memory
    }
    fn date(kept: &Memory) -> &str {
        &kept.date
    }
    fn keep(self, path: &Path) -> Memory {
        Memory {
            path: path.display().to_string(),
            date: self.environment.date,
            cores: self.cores,
            cells: self.cells,
            storm: self.storm,
        }
    }
}

impl Newest for ScalingResults {
    const KIND: &'static str = "scaling";
    type Kept = Scaling;
    fn read(path: &Path) -> Result<Self, FileError> {
        read_scaling(path)
    }
    fn environment(&self) -> &Environment {
        &self.environment
    }
    fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
    fn slot(group: &mut Group) -> &mut Option<Scaling> {
        &mut group.scaling
    }
    fn date(kept: &Scaling) -> &str {
        &kept.date
    }
    fn keep(self, path: &Path) -> Scaling {
        scaling(path, self)
    }
}

/// A sweep's cells as rows: one per workload × runtime × size, in the
/// order first seen, a column per core count.
fn scaling(path: &Path, sc: ScalingResults) -> Scaling {
    let cores = sc.settings.cores.clone();
    let mut rows: Vec<ScalingRow> = Vec::new();
    for c in &sc.cells {
        let Some(at) = cores.iter().position(|&n| Some(n) == c.cores) else { continue };
        let row = match rows.iter().position(|r| (&r.workload, &r.runtime, r.size) == (&c.workload, &c.runtime, c.size))
        {
            Some(i) => &mut rows[i],
            None => {
                rows.push(ScalingRow {
                    workload: c.workload.clone(),
                    runtime: c.runtime.clone(),
                    size: c.size,
                    per_item_ns: vec![None; cores.len()],
                    cpu_per_item_ns: vec![None; cores.len()],
                    notes: vec![None; cores.len()],
                    ratio: None,
                    grows: false,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        match (&c.status, c.estimate) {
            (Status::Measured, Some(e)) => {
                row.per_item_ns[at] = Some(e.per_item_ns);
                row.cpu_per_item_ns[at] = c.cpu.map(|t| t.per_item_ns);
            }
            (Status::Measured, None) => row.notes[at] = Some("no estimate".to_owned()),
            (Status::Skipped(why), _) => row.notes[at] = Some(why.clone()),
            (Status::Failed(why), _) => row.notes[at] = Some(format!("FAILED: {why}")),
        }
    }
    for row in &mut rows {
        if let (Some(Some(first)), Some(Some(last))) = (row.per_item_ns.first(), row.per_item_ns.last())
            && row.per_item_ns.len() > 1
            && *first > 0.0
        {
            row.ratio = Some(last / first);
            row.grows = last / first >= SCALING_GROWTH;
        }
    }
    Scaling { path: path.display().to_string(), date: sc.environment.date, cores, rows }
}
