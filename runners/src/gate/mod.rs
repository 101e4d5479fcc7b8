//! The measuring end of the regression gate (`arena compare`): a worker
//! process that holds one runtime × workload cell of one build, and runs
//! batches of it when told to, so the driver can interleave the builds
//! being compared one batch at a time.
//!
//! # Protocol `arena-gate/1`
//!
//! One line each way, over the worker's stdin and stdout:
//!
//! * worker: `ready arena-gate/1 <meter>`, once the workload has given the
//!   right answer once (a warm-up outside the measured region);
//! * driver: `run <iters>`; worker: `ok <value>`, the batch's cost: wall
//!   nanoseconds, or retired user-space instructions of the calling thread
//!   (`instructions`, read with `perf_event_open`), or `0` under callgrind,
//!   whose dump the driver reads instead;
//! * driver: `burn-batch <units>`, only for a worker started with injection
//!   (`--inject`): the units of [`burn`] the measured region burns at the
//!   start of every batch from now on; worker: `ok 0`;
//! * driver: `burn-cost <units>`, only with injection: burns `units` units
//!   five times on this thread; worker: `ok <nanoseconds>`, the median;
//! * driver: `quit`, or end of input: the worker exits 0;
//! * on any failure (a wrong answer above all) the worker prints
//!   `error <message>` and exits 1.
//!
//! Every run in a batch is checked against the workload's answer: a build
//! that loses work fails the gate instead of looking fast.
//!
//! The burn commands are only for the self-test, whose driver compares a
//! binary with itself; `ready`, `run` and `quit` are what a driver sends to
//! builds of other revisions.
//!
//! # Wall time
//!
//! Each wall-time batch runs on a runtime started for it (and warmed with
//! one run) outside the timing. A runtime's scheduling state — which worker
//! threads its tasks settle on, how its queues and caches have grown —
//! persists for its life and sets a level that differs from one instance to
//! the next: measured here (tokio-mt ping_pong, 16 processes × 8 batches),
//! the spread of per-process means fell from 14 % to 6.5 % with a runtime
//! per batch. What remains per process is why the driver also replicates
//! processes (sessions).
//!
//! # The measured region
//!
//! A batch runs inside [`arena_gate_measured_region`], which is never inlined
//! and holds nothing but the batch (the injected burn, none unless set; one
//! `block_on`; the runs and their checks), so
//! `valgrind --tool=callgrind --toggle-collect=arena_gate_measured_region
//! --dump-after=arena_gate_measured_region` counts exactly the batches, one dump each:
//! the fallback where hardware counters are missing. The region is one
//! function, not generic and not mangled, so its symbol is the same under
//! either symbol-mangling scheme (`legacy` or `v0`): callgrind matches
//! `--dump-after` by exact name only, and a generic function's `v0` name
//! carries its type arguments. Builds older than this one named their region
//! [`LEGACY_REGION`]; the driver names both, so it still counts them. Timers and I/O are never
//! counted: instruction counts are only asked for on one-thread runtimes and
//! workloads that neither wait on time nor spawn from other threads
//! ([`counts_instructions`]).
use std::fmt;
use std::io::{self, BufRead, Write};
use std::marker::PhantomData;
use std::time::Instant;

use reports::protocol::{GateAnswer, GateCommand, ProtocolError};
use workloads::{Config, Mismatch, Runtime, StartError, Workload, WorkloadVisitor};

use crate::catalog::UnknownName;
use crate::registry::{Adapter, RuntimeVisitor};
use crate::slowdown::{burn, burn_batch, set_batch_burn};

mod meter;

pub use meter::{Meter, counts_instructions, instruction_counter};

/// The measured region's symbol, as callgrind reports it (`--toggle-collect`,
/// `--dump-after`; callgrind matches `--dump-after` only by exact name).
pub const REGION: &str = "arena_gate_measured_region";

/// What builds before the unmangled region called it: a generic function,
/// whose name callgrind reports like this under `legacy` mangling only.
/// Nothing in this build has this name, so naming both never toggles twice.
pub const LEGACY_REGION: &str = "runners::gate::measured_region";

/// What a worker holds.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Runtime id.
    pub runtime: String,
    /// Workload name.
    pub workload: String,
    /// Size of every run.
    pub size: usize,
    /// What a batch's cost is measured in.
    pub meter: Meter,
    /// Take the burn commands (the self-test's injected slowdown).
    pub inject: bool,
    /// Runtime configuration.
    pub config: Config,
}

/// Why a worker stopped.
#[derive(Debug)]
pub enum GateError {
    /// The runtime or workload does not exist.
    Unknown(UnknownName),
    /// The runtime cannot run the workload at this size.
    NotApplicable(String),
    /// The runtime did not start.
    Start(StartError),
    /// A run gave the wrong answer.
    WrongAnswer(Mismatch),
    /// The instruction counter is missing or failed.
    Counter(String),
    /// The driver sent something that is not a command.
    Protocol(String),
    /// stdin or stdout failed.
    Io(io::Error),
}

impl fmt::Display for GateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateError::Unknown(e) => e.fmt(f),
            GateError::NotApplicable(why) => write!(f, "not applicable: {why}"),
            GateError::Start(e) => e.fmt(f),
            GateError::WrongAnswer(e) => e.fmt(f),
            GateError::Counter(e) => write!(f, "instruction counter: {e}"),
            GateError::Protocol(why) => why.fmt(f),
            GateError::Io(e) => write!(f, "talking to the driver: {e}"),
        }
    }
}

impl std::error::Error for GateError {}

impl From<io::Error> for GateError {
    fn from(e: io::Error) -> Self {
        GateError::Io(e)
    }
}

/// One batch: `iters` checked runs of `W` at `size` in one `block_on`,
/// inside the measured region.
pub fn measured_batch<R: Runtime, W: Workload>(rt: &R, size: usize, iters: u64) -> Result<(), Mismatch> {
    let mut run = || batch::<R, W>(rt, size, iters);
    // Opaque, so the optimiser cannot make a copy of the region for this one
    // closure under another symbol name.
    arena_gate_measured_region(std::hint::black_box(&mut run))
}

/// The measured region: the injected burn (none unless set), then `batch`.
/// This is the only code a batch's cost covers; see the [module docs](self).
// `no_mangle` is unsafe only because two exported symbols of one name would
// clash at link time: the `arena_gate_` prefix is this crate's, and it is
// linked once into any binary.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "Rust" fn arena_gate_measured_region(
    batch: &mut dyn FnMut() -> Result<(), Mismatch>,
) -> Result<(), Mismatch> {
    burn_batch();
    batch()
}

fn batch<R: Runtime, W: Workload>(rt: &R, size: usize, iters: u64) -> Result<(), Mismatch> {
    rt.block_on(async {
        for _ in 0..iters {
            let run = W::run::<R>(size).await;
            workloads::verify::<W, R>(size, &run)?;
        }
        Ok(())
    })
}

/// Serves the protocol for `spec` on `input` / `output` until `quit`.
///
/// Not generic, so that every cell is instantiated here, once, beside the
/// harness's instances of the same workload code: a caller's own reader and
/// writer types would build every runtime × workload again in its crate.
pub fn serve(spec: &Spec, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), GateError> {
    let runtimes: Vec<_> = crate::catalog::runtimes().iter().map(|r| r.id).collect();
    crate::catalog::pick("--runtime", std::slice::from_ref(&spec.runtime), runtimes).map_err(GateError::Unknown)?;
    let names: Vec<_> = crate::catalog::workloads().iter().filter(|w| w.twin_of.is_none()).map(|w| w.name).collect();
    crate::catalog::pick("--workload", std::slice::from_ref(&spec.workload), names).map_err(GateError::Unknown)?;
    let mut find = FindRuntime { spec, input, output, result: None };
    crate::registry::visit_runtimes(&mut find);
    find.result.expect("the runtime was checked against the registry")
}

struct FindRuntime<'a> {
    spec: &'a Spec,
    input: &'a mut dyn BufRead,
    output: &'a mut dyn Write,
    result: Option<Result<(), GateError>>,
}

impl RuntimeVisitor for FindRuntime<'_> {
    fn visit<R: Adapter>(&mut self) {
        if R::ID == self.spec.runtime {
            let mut find = FindWorkload::<R> { find: self, runtime: PhantomData };
            workloads::visit_workloads(&mut find);
        }
    }
}

struct FindWorkload<'a, 'b, R> {
    find: &'a mut FindRuntime<'b>,
    runtime: PhantomData<R>,
}

impl<R: Runtime> WorkloadVisitor for FindWorkload<'_, '_, R> {
    fn visit<W: Workload>(&mut self) {
        if W::NAME != self.find.spec.workload {
            return;
        }
        let f = &mut *self.find;
        f.result = Some(serve_cell::<R, W>(f.spec, f.input, f.output));
    }
}

fn serve_cell<R: Runtime, W: Workload>(
    spec: &Spec,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), GateError> {
    let size = spec.size;
    if let Some(why) = workloads::not_applicable::<W, R>(size) {
        return Err(GateError::NotApplicable(why));
    }
    // A file workload's files, made before the first batch and kept to the last.
    let _prepared = W::prepare(size);
    let rt = R::new(&spec.config).map_err(GateError::Start)?;
    let mut counter = match spec.meter {
        Meter::Instructions => Some(instruction_counter().map_err(GateError::Counter)?),
        Meter::Wall | Meter::Callgrind => None,
    };
    batch::<R, W>(&rt, size, 1).map_err(GateError::WrongAnswer)?;
    writeln!(out, "{}", GateAnswer::Ready { meter: spec.meter.to_string() })?;
    out.flush()?;
    for line in input.lines() {
        let line = line?;
        let command: GateCommand = line.parse().map_err(|e: ProtocolError| GateError::Protocol(e.to_string()))?;
        if !spec.inject && matches!(command, GateCommand::BurnBatch { .. } | GateCommand::BurnCost { .. }) {
            return Err(GateError::Protocol(format!("{line} (this worker was started without injection)")));
        }
        let value = match command {
            GateCommand::Quit => break,
            GateCommand::BurnBatch { units } => {
                set_batch_burn(units);
                0
            }
            GateCommand::BurnCost { units } => {
                let mut nanos: Vec<u64> = (0..5)
                    .map(|_| {
                        let start = Instant::now();
                        burn(units);
                        start.elapsed().as_nanos().try_into().unwrap_or(u64::MAX)
                    })
                    .collect();
                nanos.sort_unstable();
                nanos[2]
            }
            GateCommand::Run { iters } => match counter.as_mut() {
                Some(counter) => {
                    let fail = |e: io::Error| GateError::Counter(e.to_string());
                    counter.reset().map_err(fail)?;
                    counter.enable().map_err(fail)?;
                    let ran = measured_batch::<R, W>(&rt, size, iters);
                    counter.disable().map_err(fail)?;
                    ran.map_err(GateError::WrongAnswer)?;
                    let read = counter.read_count_and_time().map_err(fail)?;
                    if read.time_running < read.time_enabled {
                        return Err(GateError::Counter("the counter was multiplexed; its count is an estimate".into()));
                    }
                    read.count
                }
                None if spec.meter == Meter::Wall => fresh_batch::<R, W>(spec, iters)?,
                None => {
                    // Callgrind: it counts only inside the measured region.
                    measured_batch::<R, W>(&rt, size, iters).map_err(GateError::WrongAnswer)?;
                    0
                }
            },
        };
        writeln!(out, "{}", GateAnswer::Value(value))?;
        out.flush()?;
    }
    Ok(())
}

/// A wall-time batch: on a fresh runtime, started and warmed outside the
/// timing (see "Wall time" in the module docs); its nanoseconds.
fn fresh_batch<R: Runtime, W: Workload>(spec: &Spec, iters: u64) -> Result<u64, GateError> {
    let fresh = R::new(&spec.config).map_err(GateError::Start)?;
    batch::<R, W>(&fresh, spec.size, 1).map_err(GateError::WrongAnswer)?;
    let start = Instant::now();
    measured_batch::<R, W>(&fresh, spec.size, iters).map_err(GateError::WrongAnswer)?;
    let nanos = start.elapsed().as_nanos().try_into().unwrap_or(u64::MAX);
    drop(fresh);
    Ok(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(runtime: &str, workload: &str, inject: bool) -> Spec {
        Spec {
            runtime: runtime.into(),
            workload: workload.into(),
            size: 50,
            meter: Meter::Wall,
            inject,
            config: Config { workers: 2 },
        }
    }

    fn talk(spec: &Spec, input: &str) -> (Result<(), GateError>, String) {
        let mut out = Vec::new();
        let result = serve(spec, &mut input.as_bytes(), &mut out);
        (result, String::from_utf8(out).unwrap())
    }

    #[test]
    #[cfg(feature = "tokio")]
    fn a_worker_answers_each_batch() {
        let (result, out) = talk(&spec("tokio-mt", "ping_pong", false), "run 1\nrun 3\nquit\n");
        result.unwrap();
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines[0], "ready arena-gate/1 wall");
        assert_eq!(lines.len(), 3);
        for line in &lines[1..] {
            let ns: u64 = line.strip_prefix("ok ").unwrap().parse().unwrap();
            assert!(ns > 0, "{line}");
        }
    }

    #[test]
    #[cfg(feature = "smol")]
    fn burning_needs_an_injected_worker() {
        let (result, out) = talk(&spec("smol-local", "spawn_join", true), "burn-batch 100\nrun 2\nburn-batch 0\n");
        result.unwrap();
        assert_eq!(out.lines().nth(1), Some("ok 0"));
        for command in ["burn-batch 100", "burn-cost 1000"] {
            let (result, _) = talk(&spec("smol-local", "spawn_join", false), command);
            assert!(matches!(result, Err(GateError::Protocol(_))), "{command}: {result:?}");
        }
    }

    #[test]
    #[cfg(feature = "tokio")]
    fn an_injected_worker_burns_in_its_batches_and_times_its_burn() {
        // 3 × 10⁸ dependent multiply-adds take over 0.1 s on any CPU (at
        // least 4 cycles each); the batch alone takes microseconds. Only a
        // lower bound: noise can make a batch slower, never faster.
        let units = 300_000_000;
        let commands = format!("burn-batch {units}\nrun 1\nburn-batch 0\nburn-cost 100000\n");
        let (result, out) = talk(&spec("tokio-ct", "ping_pong", true), &commands);
        result.unwrap();
        let values: Vec<u64> = out.lines().skip(1).map(|l| l.strip_prefix("ok ").unwrap().parse().unwrap()).collect();
        assert_eq!((values[0], values[2]), (0, 0), "{values:?}");
        assert!(values[1] > 100_000_000, "the burn is inside the batch: {values:?}");
        assert!(values[3] > 0, "{values:?}");
    }

    #[test]
    #[cfg(all(feature = "tokio", feature = "smol"))]
    fn bad_commands_and_names_are_refused() {
        for bad in ["run 0", "run", "run x", "walk 3", "quit now", "burn-batch -1", "burn 100"] {
            let (result, _) = talk(&spec("tokio-ct", "ping_pong", false), bad);
            assert!(matches!(result, Err(GateError::Protocol(_))), "{bad}: {result:?}");
        }
        let (result, out) = talk(&spec("tokio-xt", "ping_pong", false), "");
        assert!(matches!(result, Err(GateError::Unknown(_))), "{result:?}");
        assert!(out.is_empty());
        let (result, _) = talk(&spec("tokio-ct", "ping_pong_native", false), "");
        assert!(matches!(result, Err(GateError::Unknown(_))), "{result:?}");
        let (result, _) = talk(&spec("smol-local", "spawn_remote", false), "");
        assert!(matches!(result, Err(GateError::NotApplicable(_))), "{result:?}");
    }

    #[test]
    #[cfg(feature = "tokio")]
    fn a_wrong_answer_stops_the_worker() {
        use crate::faults::LosesTasks;
        use workloads::channels::FanIn;
        let mut out = Vec::new();
        let result = serve_cell::<LosesTasks, FanIn<16>>(&spec("x", "x", false), &mut "run 1\n".as_bytes(), &mut out);
        assert!(matches!(result, Err(GateError::WrongAnswer(_))), "{result:?}");
        assert!(out.is_empty(), "no ready line before the first right answer");
    }
}
