//! The catalog: what this build can run, by name. Every registered runtime
//! ([`runtimes()`], with its limits) and workload ([`workloads()`], native twins
//! included, with sizes and what a size counts), a [`Selection`] of them
//! from the command line or the environment, checked name by name
//! ([`pick`], [`UnknownName`]), and which sizes to run ([`SizeChoice`]).
//! The harness, the gate worker, `arena-memory` and every command read it.
use std::fmt;
use std::str::FromStr;

use reports::schema::{Cell, Status};
use workloads::channels::PingPong;
use workloads::fs::Files;
use workloads::spawn::SpawnJoin;
use workloads::{Limits, Needs, Sizes, Workload, WorkloadVisitor};

use crate::body::{Body, Plain, Twin};
use crate::registry::{Adapter, RuntimeVisitor};

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
    pub(crate) fn pick(&self, sizes: &Sizes) -> Vec<usize> {
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

    pub(crate) fn wants_runtime(&self, id: &str) -> bool {
        self.runtimes.is_empty() || self.runtimes.iter().any(|r| r == id)
    }

    pub(crate) fn wants_workload(&self, name: &str) -> bool {
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
    /// The file API its files go through (`Files::API`).
    pub files: &'static str,
    /// Whether that is its own (`Files::OWN`).
    pub own_files: bool,
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
            let (files, own_files) = (<R::Files as Files>::API, <R::Files as Files>::OWN);
            self.0.push(RuntimeInfo {
                id,
                summary,
                max_tasks,
                no_remote_spawn,
                one_thread,
                thread_per_core,
                files,
                own_files,
            });
        }
    }
    let mut list = List(Vec::new());
    crate::registry::visit_runtimes(&mut list);
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
    pub(crate) fn of<B: Body>() -> WorkloadInfo {
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
            files: None,
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
