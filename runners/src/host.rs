//! Where a cell's runs execute: one runtime, or one per core for a runtime
//! whose tasks all run on one thread.
//!
//! A multi-threaded runtime runs a workload on one runtime value with
//! `Config::workers` workers ([`Host::Single`]). A runtime whose tasks all
//! run on the thread that drives it ([`Runtime::ONE_THREAD`]: tokio's
//! current-thread scheduler, smol's `LocalExecutor`, futures' `LocalPool`,
//! and the thread-per-core runtimes glommio, monoio and compio) can only use
//! more cores the way such runtimes are deployed: one instance per core, each
//! serving its own share of the work. [`Host::Sharded`] does that when there
//! is more than one core: `Config::workers` threads, each building its own
//! runtime on its own thread, and a run of a workload is
//! [`Workload::shard_sizes`] independent runs started together, one per
//! shard, each checked against its own answer. So on N cores, sharding by
//! hand and work stealing are compared like for like.
//!
//! A sharded run's time is its slowest shard's: each shard times its own run
//! from a common start (a barrier before every run, outside the timing), so
//! a shard that starts a few microseconds late because its thread woke late
//! does not lengthen the run. Checks and latency bookkeeping stay outside
//! the timing on both hosts, as in the harness's single-runtime loop, and so
//! does preparing what the runs use ([`Host::prepare`]).
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use workloads::fs::scratch::Prepared;
use workloads::{Config, Mismatch, Run, Runtime, StartError, Workload};

use crate::body::{Body, Plain};
use crate::registry::Adapter;

/// The runtime(s) a cell runs on.
pub enum Host<R> {
    /// One runtime; the workload's tasks go wherever it schedules them.
    Single(R),
    /// One runtime per worker thread, each running a shard.
    Sharded(Shards<R>),
}

impl<R> fmt::Debug for Host<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Single(_) => f.write_str("Host::Single"),
            Host::Sharded(s) => write!(f, "Host::Sharded({s:?})"),
        }
    }
}

impl<R: Adapter> Host<R> {
    /// Starts `R` the way a run of a workload uses it: sharded over
    /// `config.workers` threads if its tasks all run on one thread and there
    /// is more than one worker, else once.
    pub fn new(config: &Config) -> Result<Self, StartError> {
        if Self::shards_for(config) > 1 {
            Shards::new(config).map(Host::Sharded)
        } else {
            R::new(config).map(Host::Single)
        }
    }

    /// How many runtime instances [`Host::new`] starts for `config`.
    pub fn shards_for(config: &Config) -> usize {
        if R::ONE_THREAD { config.workers.max(1) } else { 1 }
    }

    /// What runs of `W` at `size` use and should not time making (a file
    /// workload's files; [`Workload::prepare`]), for every shard size; kept
    /// while the value returned lives. [`Host::batch`] prepares too, so a
    /// caller that holds this across batches makes it once.
    pub fn prepare<W: Workload>(&self, size: usize) -> Prepared {
        let mut sizes = match self {
            Host::Single(_) => vec![size],
            Host::Sharded(shards) => W::shard_sizes(size, shards.shards.len()),
        };
        sizes.dedup();
        sizes.into_iter().fold(Prepared::default(), |kept, size| kept.and(W::prepare(size)))
    }

    /// Runs `W` once at `size`, checks the answer (of every shard), and
    /// returns the latency samples the run recorded ([`Workload::LATENCY`]).
    pub fn run_checked<W: Workload>(&self, size: usize) -> Result<Vec<Duration>, Mismatch> {
        let mut latency = Vec::new();
        self.batch::<Plain<W>>(size, 1, &mut |samples| latency.extend_from_slice(samples))?;
        Ok(latency)
    }

    /// `iters` checked runs of `B` at `size`; returns the time the runs took
    /// (the sum over runs; a sharded run lasts as long as its slowest shard)
    /// and hands each run's latency samples to `latency`. Stops at the first wrong
    /// answer on one runtime; a sharded batch finishes its runs (the other
    /// shards wait for it at each start) and returns the first.
    pub(crate) fn batch<B: Body>(
        &self,
        size: usize,
        iters: u64,
        latency: &mut dyn FnMut(&[Duration]),
    ) -> Result<Duration, Mismatch> {
        let _prepared = self.prepare::<B::W>(size);
        match self {
            Host::Single(rt) => rt.block_on(async {
                let expected = B::W::expected(size);
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let run = B::run(rt, size).await;
                    total += start.elapsed();
                    check::<B, R>(size, expected, &run)?;
                    latency(&run.latency);
                }
                Ok(total)
            }),
            Host::Sharded(shards) => shards.batch::<B>(size, iters, latency),
        }
    }
}

fn check<B: Body, R: Runtime>(size: usize, expected: u64, run: &Run) -> Result<(), Mismatch> {
    if run.checksum == expected {
        return Ok(());
    }
    Err(Mismatch { workload: B::NAME, runtime: R::ID, size, expected, got: run.checksum })
}

/// Work sent to a shard's thread, run there with its runtime.
type Job<R> = Box<dyn FnOnce(&R) + Send>;

/// `Config::workers` threads, each owning one runtime `R` built on it.
pub struct Shards<R> {
    shards: Vec<Shard<R>>,
}

impl<R> fmt::Debug for Shards<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Shards({})", self.shards.len())
    }
}

struct Shard<R> {
    jobs: Option<mpsc::Sender<Job<R>>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// What one shard's part of a batch gave back.
struct ShardRuns {
    times: Vec<Duration>,
    latency: Vec<Duration>,
    mismatch: Option<Mismatch>,
}

impl<R: Adapter> Shards<R> {
    /// Starts the threads and waits until every runtime is built (or one
    /// failed to start: its error).
    fn new(config: &Config) -> Result<Self, StartError> {
        let mut shards = Shards { shards: Vec::new() };
        for i in 0..config.workers.max(1) {
            let (jobs, inbox) = mpsc::channel::<Job<R>>();
            let (ready_tx, ready) = mpsc::channel();
            let config = config.clone();
            let thread =
                thread::Builder::new().name(format!("{}-shard-{i}", R::ID)).spawn(move || match R::new(&config) {
                    Ok(rt) => {
                        let _ = ready_tx.send(Ok(()));
                        for job in inbox {
                            job(&rt);
                        }
                    }
                    Err(e) => drop(ready_tx.send(Err(e))),
                });
            let thread = thread.map_err(|e| StartError { runtime: R::ID, reason: format!("shard thread: {e}") })?;
            shards.shards.push(Shard { jobs: Some(jobs), thread: Some(thread) });
            match ready.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(StartError { runtime: R::ID, reason: "a shard died building its runtime".into() });
                }
            }
        }
        Ok(shards)
    }

    fn batch<B: Body>(
        &self,
        size: usize,
        iters: u64,
        latency: &mut dyn FnMut(&[Duration]),
    ) -> Result<Duration, Mismatch> {
        let sizes = B::W::shard_sizes(size, self.shards.len());
        assert!(sizes.len() <= self.shards.len(), "{} split into more shards than asked", B::NAME);
        let start = Arc::new(Barrier::new(sizes.len()));
        let (done, results) = mpsc::channel();
        for (shard, &part) in self.shards.iter().zip(&sizes) {
            let (start, done) = (start.clone(), done.clone());
            let job: Job<R> = Box::new(move |rt: &R| {
                let runs = catch_unwind(AssertUnwindSafe(|| rt.block_on(shard_runs::<R, B>(rt, part, iters, &start))));
                let _ = done.send(runs);
            });
            shard.jobs.as_ref().and_then(|jobs| jobs.send(job).ok()).expect("shard thread alive");
        }
        drop(done);
        let mut times = vec![Duration::ZERO; iters as usize];
        let mut first = None;
        for runs in results.iter().take(sizes.len()) {
            // A panicking shard is resumed here at once: the others wait at
            // the next start for it and never come back (see `Drop`).
            let runs = runs.unwrap_or_else(|panic| resume_unwind(panic));
            for (slowest, t) in times.iter_mut().zip(runs.times) {
                *slowest = (*slowest).max(t);
            }
            latency(&runs.latency);
            first = first.or(runs.mismatch);
        }
        first.map_or_else(|| Ok(times.iter().sum()), Err)
    }
}

/// One shard's runs: waits for every shard before each run (blocking its
/// thread, with no task of this batch left to run), times the run, checks it.
async fn shard_runs<R: Adapter, B: Body>(rt: &R, size: usize, iters: u64, start: &Barrier) -> ShardRuns {
    let expected = B::W::expected(size);
    let mut out = ShardRuns { times: Vec::with_capacity(iters as usize), latency: Vec::new(), mismatch: None };
    for _ in 0..iters {
        start.wait();
        let began = Instant::now();
        let run = B::run(rt, size).await;
        out.times.push(began.elapsed());
        if let Err(e) = check::<B, R>(size, expected, &run) {
            out.mismatch.get_or_insert(e);
        }
        out.latency.extend(run.latency);
    }
    out
}

impl<R> Drop for Shards<R> {
    /// Ends the threads' job loops and joins them, unless a shard panicked:
    /// then the others are stuck at a barrier and are left to the process's end.
    fn drop(&mut self) {
        for shard in &mut self.shards {
            shard.jobs.take();
        }
        if thread::panicking() {
            return;
        }
        for shard in &mut self.shards {
            if let Some(thread) = shard.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
