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
use std::marker::PhantomData;
use std::path::PathBuf;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};
use hdrhistogram::Histogram;
use reports::files::{FileError, write_cell};
use reports::schema::{Cell, FileApi, Latency, Status};
use workloads::channels::PingPong;
use workloads::fs::Files;
use workloads::spawn::SpawnJoin;
use workloads::{Config, Family, Workload, WorkloadVisitor};

use crate::body::{Body, Plain, Twin};
use crate::catalog::{Selection, WorkloadInfo};
use crate::cores::{self, Cpus};
use crate::host::Host;
use crate::registry::{Adapter, RuntimeVisitor};

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
        crate::registry::visit_runtimes(&mut cells);
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
        if B::W::FAMILY == Family::Fs {
            cell.files = Some(FileApi { api: <R::Files as Files>::API.to_owned(), own: <R::Files as Files>::OWN });
        }
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
        // Made once for the cell, before criterion's first batch, and kept through its last.
        let prepared = OnceCell::new();
        // Items per run: criterion's own pages (and critcmp) then show time per item too.
        self.group.throughput(Throughput::Elements(cell.items));
        self.group.bench_with_input(BenchmarkId::new(R::ID, size), &size, |b, &size| {
            ran.set(true);
            let host = host.get_or_init(|| Host::new(config).unwrap_or_else(|e| panic!("{e}")));
            prepared.get_or_init(|| host.prepare::<B::W>(size));
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
