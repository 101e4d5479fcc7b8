//! Timer workloads: many sleeps with staggered deadlines, timeouts that do not
//! fire, and timers cancelled before they fire.
//!
//! `timer_wheel` records how late each timer fired (the lateness
//! distribution), and a timer that fires *early* is left out of the checksum:
//! firing before the deadline is a bug, not speed.
use std::pin::pin;
use std::time::{Duration, Instant};

use futures::future::{self, Either};

use crate::check::{join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// The window over which `timer_wheel` deadlines are spread.
const WINDOW: Duration = Duration::from_millis(20);

/// `size` tasks sleep until deadlines spread evenly over `WINDOW`.
#[derive(Debug)]
pub struct TimerWheel;

impl Workload for TimerWheel {
    const NAME: &'static str = "timer_wheel";
    const FAMILY: Family = Family::Timers;
    const SUMMARY: &'static str = "size tasks sleep to deadlines spread over 20 ms; lateness recorded";
    const UNIT: &'static str = "timers";
    const SIZES: Sizes = Sizes { test: 100, quick: 2_500, bench: &[100, 10_000, 100_000] };
    const WAITS_ON_TIME: bool = true;
    const LATENCY: Option<&'static str> = Some("timer lateness: how long after its deadline a timer fired");

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let start = Instant::now();
        let step = WINDOW / size.max(1) as u32;
        let timers: Vec<_> = (0..size as u32)
            .map(|i| {
                let deadline = start + step * i;
                R::spawn(async move {
                    R::sleep(deadline.saturating_duration_since(Instant::now())).await;
                    Instant::now().checked_duration_since(deadline)
                })
            })
            .collect();
        let mut run = Run { checksum: 0, latency: Vec::with_capacity(size) };
        for (i, t) in timers.into_iter().enumerate() {
            if let Some(late) = t.await {
                run.checksum = run.checksum.wrapping_add(mix(i as u64));
                run.latency.push(late);
            }
        }
        run
    }
}

/// A timeout long enough never to fire.
const NEVER: Duration = Duration::from_secs(3600);

/// `size` tasks each wrap a short operation (one yield) in a one-hour
/// timeout: the operation wins and the timer is dropped.
#[derive(Debug)]
pub struct TimeoutOk;

impl Workload for TimeoutOk {
    const NAME: &'static str = "timeout_ok";
    const FAMILY: Family = Family::Timers;
    const SUMMARY: &'static str = "size tasks: one yield wrapped in a 1 h timeout; the work wins, the timer is dropped";
    const UNIT: &'static str = "timeouts";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                R::spawn(async move {
                    let work = pin!(async move {
                        R::yield_now().await;
                        mix(i)
                    });
                    match future::select(work, pin!(R::sleep(NEVER))).await {
                        Either::Left((v, _timer)) => v,
                        Either::Right(_) => 0,
                    }
                })
            })
            .collect();
        Run::checksum(join_sum(tasks).await)
    }
}

/// Tasks sharing the timers of `timer_cancel`.
const CANCELLERS: u64 = 4;

/// `size` timers are created, polled once (so the runtime registers them)
/// and dropped long before their deadline.
#[derive(Debug)]
pub struct TimerCancel;

impl Workload for TimerCancel {
    const NAME: &'static str = "timer_cancel";
    const FAMILY: Family = Family::Timers;
    const SUMMARY: &'static str = "4 tasks create size 1 h timers in all, poll each once, drop it";
    const UNIT: &'static str = "timers";
    const SIZES: Sizes = Sizes { test: 400, quick: 20_000, bench: &[4_000, 400_000] };

    fn items(size: usize) -> u64 {
        size as u64 / CANCELLERS * CANCELLERS
    }

    fn needs(_: usize) -> Needs {
        Needs { tasks: CANCELLERS, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(Self::items(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let per = size as u64 / CANCELLERS;
        let tasks: Vec<_> = (0..CANCELLERS)
            .map(|t| {
                R::spawn(async move {
                    let mut sum = 0u64;
                    for i in t * per..(t + 1) * per {
                        let mut timer = pin!(R::sleep(NEVER));
                        // A timer that is ready at once did not wait: it does not count.
                        if futures::poll!(timer.as_mut()).is_pending() {
                            sum = sum.wrapping_add(mix(i));
                        }
                    }
                    sum
                })
            })
            .collect();
        Run::checksum(join_sum(tasks).await)
    }
}
