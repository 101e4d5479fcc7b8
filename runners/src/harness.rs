//! The measurement harness: registers every selected workload × runtime ×
//! size cell with criterion. `cargo bench` (`benches/arena.rs`) and
//! `arena run` both drive it, so both produce the same kind of number.
//!
//! Each cell is timed inside the runtime: one `block_on` per criterion sample
//! (`iter_custom`), timing each run of the workload and leaving out runtime
//! construction, `block_on` entry and the answer check. Every run's checksum
//! is checked; a wrong answer panics with the cell's id rather than being
//! timed. Each cell is also written as `arena.json` beside criterion's files.
//!
//! A cell runs on [`Harness::config`]'s `workers` cores: a multi-threaded
//! runtime with that many workers, a single-threaded one as that many
//! shards ([`Host`]). Around each sample the harness reads the process's CPU
//! time ([`cores::cpu_time`]), and where the process is confined
//! ([`Harness::confined`]) it checks after each sample that no thread left
//! its CPUs; a thread that did fails the cell.
use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};
use hdrhistogram::Histogram;
use reports::files::{FileError, write_cell};
use reports::schema::{Cell, Latency, Status};
use workloads::channels::PingPong;
use workloads::spawn::SpawnJoin;
use workloads::{Config, Limits, Needs, Sizes, Workload, WorkloadVisitor};

use crate::body::{Body, Plain, Twin};
use crate::cores::{self, Cpus};
use crate::host::Host;
use crate::{Adapter, RuntimeVisitor};

/// Which of a workload's sizes to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeChoice {
    /// The small sizes the tests use.
    Test,
    /// One size per workload, for a matrix that runs in minutes.
    Quick,
    /// The full sweep `cargo bench` uses.
    Bench,
    /// These sizes for every selected workload.
    Fixed(Vec<usize>),
}

impl SizeChoice {
    fn pick(&self, sizes: &Sizes) -> Vec<usize> {
        match self {
            SizeChoice::Test => vec![sizes.test],
            SizeChoice::Quick => vec![sizes.quick],
            SizeChoice::Bench => sizes.bench.to_vec(),
            SizeChoice::Fixed(v) => v.clone(),
        }
    }
}

impl FromStr for SizeChoice {
    type Err = String;

    /// `test`, `quick`, `bench`, or a comma-separated list of positive sizes.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "test" => Ok(SizeChoice::Test),
            "quick" => Ok(SizeChoice::Quick),
            "bench" => Ok(SizeChoice::Bench),
            _ => s
                .split(',')
                .map(|n| n.trim().parse::<usize>().ok().filter(|&n| n > 0))
                .collect::<Option<Vec<_>>>()
                .map(SizeChoice::Fixed)
                .ok_or_else(|| format!("'{s}' is not test, quick, bench or a list of positive sizes")),
        }
    }
}

/// A name given on the command line that names nothing in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The flag or variable it came from (`--runtime`).
    pub flag: String,
    /// The name given.
    pub name: String,
    /// The names that exist.
    pub valid: Vec<&'static str>,
    /// The family feature this binary was built without, when the name is
    /// one of its runtimes.
    pub not_built: Option<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.not_built {
            Some(feature) => write!(
                f,
                "{}: '{}' was not built into this binary: its family is the cargo feature '{feature}', which \
                 this build left out (built: {})",
                self.flag,
                self.name,
                self.valid.join(", ")
            ),
            None => write!(f, "{}: unknown name '{}' (valid: {})", self.flag, self.name, self.valid.join(", ")),
        }
    }
}

impl std::error::Error for UnknownName {}

/// The names of `valid` that `wanted` (given with `flag`) asks for, in
/// `valid`'s order; all of them if `wanted` is empty. An unknown name is an error.
pub fn pick(flag: &str, wanted: &[String], valid: Vec<&'static str>) -> Result<Vec<&'static str>, UnknownName> {
    if let Some(name) = wanted.iter().find(|w| !valid.contains(&w.as_str())) {
        let not_built = crate::families::of(name).filter(|f| !f.built).map(|f| f.feature);
        return Err(UnknownName { flag: flag.to_owned(), name: name.clone(), valid, not_built });
    }
    Ok(valid.into_iter().filter(|v| wanted.is_empty() || wanted.iter().any(|w| w == v)).collect())
}

/// Which cells to run. Empty name lists mean "all".
#[derive(Debug, Clone)]
pub struct Selection {
    /// Runtime ids.
    pub runtimes: Vec<String>,
    /// Workload names (native twins included).
    pub workloads: Vec<String>,
    /// Sizes.
    pub sizes: SizeChoice,
}

impl Selection {
    /// Checks every name against the registries; `flags` names where the
    /// runtime and workload names came from, for the error message.
    pub fn check(&self, flags: [&str; 2]) -> Result<(), UnknownName> {
        pick(flags[0], &self.runtimes, runtimes().iter().map(|r| r.id).collect())?;
        pick(flags[1], &self.workloads, workloads().iter().map(|w| w.name).collect())?;
        Ok(())
    }

    fn wants_runtime(&self, id: &str) -> bool {
        self.runtimes.is_empty() || self.runtimes.iter().any(|r| r == id)
    }

    fn wants_workload(&self, name: &str) -> bool {
        self.workloads.is_empty() || self.workloads.iter().any(|w| w == name)
    }

    /// The cells this selection asks for, in the order they run.
    pub fn cells(&self) -> Vec<(&'static str, &'static str, usize)> {
        let mut cells = Vec::new();
        for w in workloads().iter().filter(|w| self.wants_workload(w.name)) {
            for r in runtimes().iter().filter(|r| self.wants_runtime(r.id)) {
                cells.extend(self.sizes.pick(&w.sizes).into_iter().map(|s| (w.name, r.id, s)));
            }
        }
        cells
    }
}

/// A registered runtime, for listings.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeInfo {
    /// Id.
    pub id: &'static str,
    /// What it runs.
    pub summary: &'static str,
    /// Task cap, if any.
    pub max_tasks: Option<u64>,
    /// Why it cannot take spawns from outside threads, if so.
    pub no_remote_spawn: Option<&'static str>,
    /// Whether all its tasks run on the thread that calls `block_on`.
    pub one_thread: bool,
    /// Whether a run uses one instance per worker, each on a shard.
    pub thread_per_core: bool,
}

impl RuntimeInfo {
    /// Why this runtime cannot run `workload` at `size`, if it cannot.
    pub fn refuses(&self, workload: &WorkloadInfo, size: usize) -> Option<String> {
        let limits = Limits { max_tasks: self.max_tasks, no_remote_spawn: self.no_remote_spawn };
        workloads::refusal(self.id, &limits, (workload.needs)(size))
    }
}

/// Every registered runtime, in registry order.
pub fn runtimes() -> Vec<RuntimeInfo> {
    struct List(Vec<RuntimeInfo>);
    impl RuntimeVisitor for List {
        fn visit<R: Adapter>(&mut self) {
            let (max_tasks, no_remote_spawn) = (R::LIMITS.max_tasks, R::LIMITS.no_remote_spawn);
            let (id, summary, one_thread, thread_per_core) = (R::ID, R::SUMMARY, R::ONE_THREAD, R::THREAD_PER_CORE);
            self.0.push(RuntimeInfo { id, summary, max_tasks, no_remote_spawn, one_thread, thread_per_core });
        }
    }
    let mut list = List(Vec::new());
    crate::visit_runtimes(&mut list);
    list.0
}

/// A registered workload or native twin, for listings.
#[derive(Debug, Clone, Copy)]
pub struct WorkloadInfo {
    /// Name.
    pub name: &'static str,
    /// Family name.
    pub family: &'static str,
    /// What size counts.
    pub unit: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Its sizes.
    pub sizes: Sizes,
    /// For a native twin, the workload it mirrors.
    pub twin_of: Option<&'static str>,
    /// Items of work at a size.
    pub items: fn(usize) -> u64,
    /// Whether a run waits on real time (timers).
    pub waits_on_time: bool,
    /// What it needs from a runtime at a size.
    pub needs: fn(usize) -> Needs,
}

impl WorkloadInfo {
    fn of<B: Body>() -> WorkloadInfo {
        let (name, family, unit, summary) = (B::NAME, B::W::FAMILY.name(), B::W::UNIT, B::W::SUMMARY);
        let (sizes, twin_of, items, waits_on_time) = (B::W::SIZES, B::TWIN_OF, B::W::items, B::W::WAITS_ON_TIME);
        WorkloadInfo { name, family, unit, summary, sizes, twin_of, items, waits_on_time, needs: B::W::needs }
    }

    /// A cell of this workload on `runtime` at `size`, with no estimate yet.
    pub fn cell(&self, runtime: &str, size: usize, status: Status) -> Cell {
        Cell {
            workload: self.name.to_owned(),
            family: self.family.to_owned(),
            runtime: runtime.to_owned(),
            size: size as u64,
            items: (self.items)(size),
            unit: self.unit.to_owned(),
            status,
            cores: None,
            cpus: None,
            shards: 1,
            estimate: None,
            cpu: None,
            latency: None,
        }
    }
}

/// Every workload, then the native twins.
pub fn workloads() -> Vec<WorkloadInfo> {
    struct List(Vec<WorkloadInfo>);
    impl List {
        fn add<B: Body>(&mut self) {
            self.0.push(WorkloadInfo::of::<B>());
        }
    }
    impl WorkloadVisitor for List {
        fn visit<W: Workload>(&mut self) {
            self.add::<Plain<W>>();
        }
    }
    let mut list = List(Vec::new());
    workloads::visit_workloads(&mut list);
    list.add::<Twin<SpawnJoin>>();
    list.add::<Twin<PingPong>>();
    list.0
}

/// Runs a selection through criterion.
#[derive(Debug, Clone)]
pub struct Harness {
    /// Runtime configuration for every cell; `workers` is the cores a cell
    /// runs on (workers of a multi-threaded runtime, shards of a
    /// single-threaded one).
    pub config: Config,
    /// criterion's output directory; cell records go beside its files.
    pub criterion_dir: PathBuf,
    /// What to run.
    pub selection: Selection,
    /// The CPUs this process was confined to ([`cores::confine`], as many as
    /// `config.workers`), if it was: recorded in every cell, and every
    /// thread must stay on them.
    pub confined: Option<Cpus>,
    /// criterion's samples per cell: the last this many batches of a cell
    /// are its measurement (the ones before are warm-up), and its CPU time
    /// per item is read over them.
    pub samples: usize,
}

impl Harness {
    /// Registers (and so runs) every selected cell on `c`, which must write
    /// to `self.criterion_dir`. Returns the cells measured or skipped (not those criterion filtered out).
    pub fn run(&self, c: &mut Criterion) -> Result<Vec<Cell>, FileError> {
        let mut pass = Pass { harness: self, c, cells: Vec::new(), error: None };
        workloads::visit_workloads(&mut pass);
        pass.group::<Twin<SpawnJoin>>();
        pass.group::<Twin<PingPong>>();
        match pass.error {
            Some(e) => Err(e),
            None => Ok(pass.cells),
        }
    }
}

impl Harness {
    /// Measures workload `W` on runtime `R` at the selection's sizes, whether
    /// or not `R` is registered (tests use this for deliberately broken
    /// runtimes). Name lists in the selection are ignored.
    pub fn run_one<R: Adapter, W: Workload>(&self, c: &mut Criterion) -> Result<Vec<Cell>, FileError> {
        let (mut cells, mut error) = (Vec::new(), None);
        let harness = Harness {
            selection: Selection { runtimes: Vec::new(), workloads: Vec::new(), ..self.selection.clone() },
            ..self.clone()
        };
        let group = c.benchmark_group(W::NAME);
        let mut pass =
            Cells::<Plain<W>> { harness: &harness, group, cells: &mut cells, error: &mut error, body: PhantomData };
        pass.runtime::<R>();
        pass.group.finish();
        error.map_or(Ok(cells), Err)
    }
}

struct Pass<'a> {
    harness: &'a Harness,
    c: &'a mut Criterion,
    cells: Vec<Cell>,
    error: Option<FileError>,
}

impl WorkloadVisitor for Pass<'_> {
    fn visit<W: Workload>(&mut self) {
        self.group::<Plain<W>>();
    }
}

impl Pass<'_> {
    fn group<B: Body>(&mut self) {
        if !self.harness.selection.wants_workload(B::NAME) {
            return;
        }
        let mut group = self.c.benchmark_group(B::NAME);
        if B::W::WAITS_ON_TIME {
            group.sampling_mode(SamplingMode::Flat);
        }
        let mut cells = Cells::<B> {
            harness: self.harness,
            group,
            cells: &mut self.cells,
            error: &mut self.error,
            body: PhantomData,
        };
        crate::visit_runtimes(&mut cells);
        cells.group.finish();
    }
}

/// The cells of one workload (one criterion group), visited per runtime.
struct Cells<'a, 'c, B> {
    harness: &'a Harness,
    group: BenchmarkGroup<'c, WallTime>,
    cells: &'a mut Vec<Cell>,
    error: &'a mut Option<FileError>,
    body: PhantomData<B>,
}

impl<B: Body> RuntimeVisitor for Cells<'_, '_, B> {
    fn visit<R: Adapter>(&mut self) {
        self.runtime::<R>()
    }
}

impl<B: Body> Cells<'_, '_, B> {
    /// The cells of runtime `R`, registered or not.
    fn runtime<R: Adapter>(&mut self) {
        if !self.harness.selection.wants_runtime(R::ID) {
            return;
        }
        // Built on first use, so cells criterion filters out cost nothing.
        let (host, mut started) = (OnceCell::new(), None);
        for size in self.harness.selection.sizes.pick(&B::W::SIZES) {
            // A cell criterion filtered out (`cargo bench -- <filter>`) was
            // not measured: it leaves no record claiming it was.
            let Some(cell) = self.cell::<R>(&host, &mut started, size) else { continue };
            if let Err(e) = write_cell(&self.harness.criterion_dir, &cell) {
                self.error.get_or_insert(e);
            }
            self.cells.push(cell);
        }
    }

    /// One cell. `started` remembers whether `R` starts on this machine
    /// (checked once per runtime for this workload's cells, before criterion's
    /// filter, and only for a cell it could run): if not,
    /// the cell is "unavailable: …", say without io_uring or with too low
    /// a memlock limit.
    fn cell<R: Adapter>(
        &mut self,
        host: &OnceCell<Host<R>>,
        started: &mut Option<Result<(), String>>,
        size: usize,
    ) -> Option<Cell> {
        let mut cell = WorkloadInfo::of::<B>().cell(R::ID, size, Status::Measured);
        let config = &self.harness.config;
        cell.cores = Some(config.workers as u64);
        cell.cpus = self.harness.confined.as_ref().map(|c| c.ids().iter().map(|&id| id as u64).collect());
        cell.shards = Host::<R>::shards_for(config) as u64;
        if let Some(reason) = workloads::not_applicable::<B::W, R>(size) {
            cell.status = Status::Skipped(reason);
            return Some(cell);
        }
        let start = || R::new(config).map(drop).map_err(|e| format!("unavailable: {}", e.reason));
        if let Err(reason) = started.get_or_insert_with(start) {
            cell.status = Status::Skipped(reason.clone());
            return Some(cell);
        }
        // 1 ns to 1 hour at 3 significant figures; later values are clamped to an hour.
        let hist = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds");
        let latency = RefCell::new(hist);
        let ran = std::cell::Cell::new(false);
        // (runs, CPU time) of every batch criterion asked for, warm-up first.
        let batches = RefCell::new(Vec::new());
        let escaped = RefCell::new(None);
        let confined = self.harness.confined.as_ref();
        self.group.bench_with_input(BenchmarkId::new(R::ID, size), &size, |b, &size| {
            ran.set(true);
            let host = host.get_or_init(|| Host::new(config).unwrap_or_else(|e| panic!("{e}")));
            b.iter_custom(|iters| {
                let mut record = |samples: &[Duration]| {
                    let mut hist = latency.borrow_mut();
                    for sample in samples {
                        hist.saturating_record(sample.as_nanos().try_into().unwrap_or(u64::MAX));
                    }
                };
                let cpu = cores::cpu_time();
                let wall = host.batch::<B>(size, iters, &mut record).unwrap_or_else(|e| panic!("{e}"));
                batches.borrow_mut().push((iters, cores::cpu_time() - cpu));
                if let Some(cpus) = confined.filter(|_| escaped.borrow().is_none()) {
                    *escaped.borrow_mut() = cores::escaped(cpus).into_iter().next().map(|t| (t, cpus.to_string()));
                }
                wall
            });
        });
        if let Some((thread, cpus)) = escaped.into_inner() {
            cell.status =
                Status::Failed(format!("left its cores: {thread}, outside the CPUs {cpus} it was confined to"));
        }
        let batches = batches.into_inner();
        let measured = &batches[batches.len().saturating_sub(self.harness.samples.max(1))..];
        cell.cpu = cores::cpu_per_item(measured, cell.items);
        let hist = latency.into_inner();
        if !hist.is_empty() {
            cell.latency = Some(Latency {
                what: B::W::LATENCY.unwrap_or("latency").to_owned(),
                samples: hist.len(),
                p50_ns: hist.value_at_quantile(0.5),
                p90_ns: hist.value_at_quantile(0.9),
                p99_ns: hist.value_at_quantile(0.99),
                p999_ns: hist.value_at_quantile(0.999),
                max_ns: hist.max(),
            });
        }
        ran.get().then_some(cell)
    }
}
