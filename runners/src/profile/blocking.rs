//! Probe of the blocking pool: how many `spawn_blocking` jobs run at once.
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::{Observed, OwnApi, Probe, WAIT, bounded, in_task, start};

/// Jobs offered to the pool; a pool that runs them all is "no cap up to" this.
const JOBS: usize = 1_000;

/// Jobs running now and the most seen at once; `release` lets them all end.
#[derive(Debug, Default)]
struct Gate {
    state: Mutex<(usize, usize, bool)>,
    changed: Condvar,
}

impl Gate {
    /// A job: counts itself in, waits for the release (or the probe's bound).
    fn job(&self) {
        let mut state = self.state.lock().expect("gate");
        state.0 += 1;
        state.1 = state.1.max(state.0);
        self.changed.notify_all();
        let _ = self.changed.wait_timeout_while(state, WAIT * 4, |s| !s.2).expect("gate");
    }

    /// Waits until `JOBS` run at once, or the count stops growing for 1 s;
    /// returns the most that ran at once.
    fn plateau(&self) -> usize {
        let mut state = self.state.lock().expect("gate");
        let (mut seen, mut since) = (state.0, Instant::now());
        while state.0 < JOBS && since.elapsed() < Duration::from_secs(1) {
            state = self.changed.wait_timeout(state, Duration::from_millis(50)).expect("gate").0;
            if state.0 != seen {
                (seen, since) = (state.0, Instant::now());
            }
        }
        state.1
    }

    fn release(&self) {
        self.state.lock().expect("gate").2 = true;
        self.changed.notify_all();
    }
}

/// The blocking pool's concurrency cap.
#[derive(Debug)]
pub struct BlockingCap;

impl Probe for BlockingCap {
    const NAME: &'static str = "blocking_cap";
    const QUESTION: &'static str = "1,000 spawn_blocking jobs that block until released: how many run at once \
        (cap N), or all of them (no cap up to 1000)";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        let gate = Arc::new(Gate::default());
        let jobs = in_task(&rt, {
            let gate = gate.clone();
            async move {
                (0..JOBS)
                    .map(|_| {
                        let gate = gate.clone();
                        R::spawn(R::spawn_blocking(move || gate.job()))
                    })
                    .collect::<Vec<_>>()
            }
        });
        let most = gate.plateau();
        gate.release();
        let finished = rt.block_on(bounded(WAIT * 4, async move {
            for job in jobs {
                job.await;
            }
        }));
        let outcome = match (most, finished) {
            (_, None) => format!("jobs did not finish after release (cap {most}?)"),
            (JOBS, _) => format!("no cap up to {JOBS}"),
            (n, _) => format!("cap {n}"),
        };
        Observed::new(outcome)
    }
}
