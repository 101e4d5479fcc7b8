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
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::criterion::{Found, per_core_count, scan};
use crate::files::FileError;
use crate::files::{read_conformance, read_memory, read_overhead, read_results, read_scaling};
use crate::model::{
    ConformanceMatrix, Growth, Input, Machine, Matrix, MatrixEntry, MatrixRow, Memory, Overhead, REPORT_SCHEMA, Ranks,
    Report, ReportCell, Run, SCALING_GROWTH, Scaling, ScalingRow, WorkloadNote,
};
use crate::ranks;
use crate::schema::{Cell, Conformance, Environment, MemoryResults, OverheadResults, ScalingResults, Status};

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

/// One machine while inputs are merged.
struct Group {
    environment: Environment,
    runs: Vec<Run>,
    cells: BTreeMap<(String, String, u64, Option<u64>), ReportCell>,
    group_pages: BTreeMap<String, String>,
    overhead: Option<Overhead>,
    conformance: Option<ConformanceMatrix>,
    memory: Option<Memory>,
    scaling: Option<Scaling>,
}

/// Groups by machine, in the order machines are first seen.
#[derive(Default)]
struct Groups {
    keys: Vec<String>,
    groups: BTreeMap<String, Group>,
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
struct Ledger {
    inputs: Vec<Input>,
    problems: Vec<String>,
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

/// Builds the report; fails only when no input held anything.
pub fn build(inputs: &Inputs) -> Result<Report, NothingToReport> {
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

pub(crate) fn first_seen<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    out
}

/// The registry's order of workloads and runtimes, and the tie margin.
struct Order<'a> {
    workloads: Vec<&'a str>,
    runtimes: Vec<&'a str>,
    tie_within: f64,
}

/// Position in `known`, or after it by first appearance in `seen`.
fn rank(known: &[&str], seen: &[String], name: &str) -> usize {
    known
        .iter()
        .position(|k| *k == name)
        .unwrap_or_else(|| known.len() + seen.iter().position(|s| s == name).unwrap_or(0))
}

fn machine(group: Group, order: &Order, earlier: &[Machine]) -> Machine {
    let env = &group.environment;
    let base = env.host.clone().unwrap_or_else(|| format!("{} × {}", env.cores, env.cpu));
    let taken = |l: &str| earlier.iter().any(|m| m.label == l);
    let label = if taken(&base) {
        (2..).map(|n| format!("{base} #{n}")).find(|l| !taken(l)).expect("some suffix is free")
    } else {
        base
    };

    let mut cells: Vec<ReportCell> = group.cells.into_values().collect();
    let conformance_runtimes = group.conformance.iter().flat_map(|c| c.runtimes.iter().map(String::as_str));
    let mut runtimes = first_seen(cells.iter().map(|c| c.cell.runtime.as_str()).chain(conformance_runtimes));
    let seen_workloads = first_seen(cells.iter().map(|c| c.cell.workload.as_str()));
    let seen_runtimes = runtimes.clone();
    runtimes.sort_by_key(|r| rank(&order.runtimes, &seen_runtimes, r));
    // One core first, then more, then cells from before cores were held equal.
    cells.sort_by_key(|c| {
        let w = rank(&order.workloads, &seen_workloads, &c.cell.workload);
        (cores_order(c.cell.cores), w, c.cell.size, rank(&order.runtimes, &seen_runtimes, &c.cell.runtime))
    });
    ranks::set(&mut cells, order.tie_within);
    if let Some(o) = &group.overhead {
        for c in &mut cells {
            c.adapter_cost_pct = crate::model::adapter_cost(&o.pairs, &c.cell.runtime, &c.cell.workload);
        }
    }
    let workloads = first_seen(cells.iter().map(|c| c.cell.workload.as_str()));
    let mut core_counts: Vec<Option<u64>> = cells.iter().map(|c| c.cell.cores).collect();
    core_counts.dedup();
    let matrices = core_counts
        .iter()
        .map(|&cores| {
            let of_cores: Vec<&ReportCell> = cells.iter().filter(|c| c.cell.cores == cores).collect();
            let rows = workloads
                .iter()
                .filter(|w| of_cores.iter().any(|c| c.cell.workload == **w))
                .map(|w| matrix_row(w, &of_cores, &runtimes, group.group_pages.get(w).cloned()))
                .collect();
            Matrix { cores, rows }
        })
        .collect();
    let mut series: Vec<(&str, &str, Option<u64>)> = Vec::new();
    for c in &cells {
        let key = (c.cell.workload.as_str(), c.cell.runtime.as_str(), c.cell.cores);
        if !series.contains(&key) {
            series.push(key);
        }
    }
    let growth = series.iter().filter_map(|&(w, r, n)| growth(w, r, n, &cells)).collect();
    Machine {
        label,
        environment: group.environment,
        runs: group.runs,
        runtimes,
        tie_within: order.tie_within,
        matrices,
        cells,
        growth,
        overhead: group.overhead,
        conformance: group.conformance,
        memory: group.memory,
        scaling: group.scaling,
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

/// Sort key of a core count: one core first, more after, unknown last.
fn cores_order(cores: Option<u64>) -> u64 {
    cores.unwrap_or(u64::MAX)
}

fn per_item(c: &ReportCell) -> Option<f64> {
    c.cell.estimate.filter(|_| c.cell.status == Status::Measured).map(|e| e.per_item_ns)
}

fn matrix_row(workload: &str, cells: &[&ReportCell], runtimes: &[String], page: Option<String>) -> MatrixRow {
    let of_workload: Vec<&ReportCell> = cells.iter().copied().filter(|c| c.cell.workload == workload).collect();
    // The size the most runtimes were measured at; the largest such.
    let mut sizes: Vec<u64> = of_workload.iter().map(|c| c.cell.size).collect();
    sizes.dedup();
    let measured_at = |s: u64| of_workload.iter().filter(|c| c.cell.size == s && per_item(c).is_some()).count();
    let size = sizes.iter().copied().max_by_key(|&s| (measured_at(s), s)).expect("a workload has cells");
    let first = of_workload[0];
    let entries = runtimes
        .iter()
        .map(|r| {
            let at = of_workload.iter().find(|c| c.cell.runtime == *r && c.cell.size == size);
            let elsewhere = of_workload.iter().any(|c| c.cell.runtime == *r);
            entry(r, at.copied(), elsewhere)
        })
        .collect();
    MatrixRow {
        workload: workload.to_owned(),
        family: first.cell.family.clone(),
        size,
        unit: first.cell.unit.clone(),
        criterion_page: page,
        entries,
    }
}

fn entry(runtime: &str, cell: Option<&ReportCell>, elsewhere: bool) -> MatrixEntry {
    let mut e = MatrixEntry {
        runtime: runtime.to_owned(),
        state: String::new(),
        per_item_ns: None,
        cpu_per_item_ns: None,
        shards: cell.map_or(1, |c| c.cell.shards),
        ranks: Ranks::default(),
        note: None,
        adapter_cost_pct: cell.and_then(|c| c.adapter_cost_pct),
    };
    match cell.map(|c| (&c.cell.status, c)) {
        None => {
            e.state = "not measured".into();
            e.note = Some(if elsewhere { "no result at this size" } else { "in no input" }.into());
        }
        Some((Status::Measured, c)) => match c.cell.estimate {
            Some(_) => {
                e.state = "measured".into();
                e.per_item_ns = c.cell.per_item_interval();
                e.cpu_per_item_ns = c.cell.cpu.map(|t| [t.per_item_ns, t.lower_ns, t.upper_ns]);
                e.ranks = c.ranks;
            }
            None => {
                e.state = "not measured".into();
                e.note = Some("no criterion estimate in its input".into());
            }
        },
        Some((Status::Skipped(why), _)) => {
            e.state = "skipped".into();
            e.note = Some(why.clone());
        }
        Some((Status::Failed(why), _)) => {
            e.state = "failed".into();
            e.note = Some(why.clone());
        }
    }
    e
}

fn growth(workload: &str, runtime: &str, cores: Option<u64>, cells: &[ReportCell]) -> Option<Growth> {
    let points: Vec<(f64, f64)> = cells
        .iter()
        .filter(|c| c.cell.workload == workload && c.cell.runtime == runtime && c.cell.cores == cores)
        .filter_map(|c| Some(((c.cell.items.max(1) as f64).ln(), per_item(c)?.ln())))
        .collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if points.len() < 2 || sxx <= 0.0 {
        return None;
    }
    let slope = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum::<f64>() / sxx;
    let (first, last) = (points.first()?, points.last()?);
    let ratio = (last.1 - first.1).exp();
    Some(Growth {
        workload: workload.to_owned(),
        runtime: runtime.to_owned(),
        cores,
        slope,
        ratio,
        super_linear: slope > 0.2 && ratio >= 1.5,
    })
}
