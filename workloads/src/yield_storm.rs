//! Yield storm: many tasks yielding many times, the cost of a trip through
//! the scheduler.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{join_sum, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Yields each task makes.
const YIELDS: u64 = 100;

/// `size` tasks each call `yield_now` `YIELDS` times.
///
/// The checksum counts every yield in a shared counter and every task's
/// return value, so a task that never finishes or a yield loop cut short fails.
#[derive(Debug)]
pub struct YieldStorm;

impl Workload for YieldStorm {
    const NAME: &'static str = "yield_storm";
    const FAMILY: Family = Family::Yield;
    const SUMMARY: &'static str = "size tasks x 100 yield_now calls each; where yield_now re-polls the \
                                      yielding task at once (the yield_order probe shows AAABBB), it counts re-polls, \
                                      not hand-overs";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 20, quick: 500, bench: &[100, 10_000] };

    fn items(size: usize) -> u64 {
        size as u64 * YIELDS
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(Self::items(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let yields = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                let yields = yields.clone();
                R::spawn(async move {
                    for _ in 0..YIELDS {
                        R::yield_now().await;
                        yields.fetch_add(1, Ordering::Relaxed);
                    }
                    crate::check::mix(i)
                })
            })
            .collect();
        let sum = join_sum(tasks).await;
        Run::checksum(sum.wrapping_add(yields.load(Ordering::Relaxed)))
    }
}
