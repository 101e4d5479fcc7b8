//! Blocking work beside async tasks: CPU-heavy jobs offloaded with
//! `spawn_blocking`, against the same jobs run inline in a task (the seeds'
//! anti-pattern), while a ticker task sleeps 1 ms at a time and records how
//! late it wakes. The ticker's lateness is what the advice is about: inline
//! blocking starves the tasks that share a worker with it.
use crate::check::{join_sum, mix};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload, ticker};

/// Rounds of the CPU job (a few tens of microseconds).
const JOB_ROUNDS: u64 = 20_000;

/// A CPU-bound job: `JOB_ROUNDS` rounds of mixing, answer checked.
fn job(i: u64) -> u64 {
    let mut x = i;
    for _ in 0..JOB_ROUNDS {
        x = mix(x);
    }
    x
}

/// `size` CPU jobs, each in a task of its own that runs it through
/// `spawn_blocking` (`OFFLOAD`) or inline (`!OFFLOAD`), while a ticker task
/// sleeps 1 ms at a time until the jobs are done, recording each tick's
/// lateness.
#[derive(Debug)]
pub struct Blocking<const OFFLOAD: bool>;

impl<const OFFLOAD: bool> Workload for Blocking<OFFLOAD> {
    const NAME: &'static str = if OFFLOAD { "blocking_offload" } else { "blocking_inline" };
    const FAMILY: Family = Family::Blocking;
    const SUMMARY: &'static str = if OFFLOAD {
        "size CPU jobs (~20k mix rounds) through spawn_blocking while a ticker sleeps 1 ms at a time; the \
         ticker's lateness recorded"
    } else {
        "size CPU jobs (~20k mix rounds) run inline in tasks (the anti-pattern) while a ticker sleeps 1 ms at a \
         time; the ticker's lateness recorded"
    };
    const UNIT: &'static str = "jobs";
    const SIZES: Sizes = Sizes { test: 8, quick: 200, bench: &[50, 1_000] };
    const WAITS_ON_TIME: bool = true;
    const LATENCY: Option<&'static str> = Some("ticker lateness: how late a 1 ms sleep beside blocking work woke");

    fn latency_samples(_: usize) -> Option<u64> {
        // A tick every millisecond while the jobs run: as many as they take.
        None
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        (0..size as u64).fold(0u64, |acc, i| acc.wrapping_add(job(i)))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (done_tx, ticker) = ticker::start::<R>();
        let jobs: Vec<_> = (0..size as u64)
            .map(|i| R::spawn(async move { if OFFLOAD { R::spawn_blocking(move || job(i)).await } else { job(i) } }))
            .collect();
        let sum = join_sum(jobs).await;
        let _ = done_tx.send(());
        Run { checksum: sum, latency: ticker.await }
    }
}
