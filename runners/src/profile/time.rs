//! Probes of timers: how late a short sleep ends, whether `sleep(0)` is
//! ready at once, and what a zero timeout does to a future that yields once.
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::task::noop_waker_ref;

use super::{Observed, OwnApi, Probe, WAIT, bounded, in_task, start};

/// Sequential 1 ms sleeps in one round of [`TimerGranularity`].
const SLEEPS: usize = 41;
/// Rounds of [`TimerGranularity`]; the round with the smallest median decides.
const ROUNDS: usize = 7;

/// The median lateness of a 1 ms sleep, as a class.
///
/// Noise only ever makes a fine timer later, so one round's median can cross
/// 0.5 ms on a loaded machine (it did on futures-pool in CI). A tick timer's
/// lateness is `1 ms + d' - d` for consecutive wake-up delays `d`, `d'`,
/// whose difference has median ~0 however loaded the machine is. So the
/// smallest of several rounds' medians is robust both ways: a fine timer
/// needs only one quiet round, and a tick timer's medians stay near 1 ms.
#[derive(Debug)]
pub struct TimerGranularity;

impl TimerGranularity {
    /// The class of a median overshoot; bounds sit between the clusters
    /// runtimes fall into, so noise does not move a runtime across one.
    fn class(overshoot: Duration) -> &'static str {
        match overshoot.as_micros() {
            0..500 => "fine (< 0.5 ms late)",
            500..5_000 => "ms tick (0.5-5 ms late)",
            _ => "coarse (>= 5 ms late)",
        }
    }
}

impl Probe for TimerGranularity {
    const NAME: &'static str = "timer_granularity";
    const QUESTION: &'static str = "lateness of a 1 ms sleep: the smallest of 7 rounds' medians (41 sequential \
        sleeps a round), as a class: fine (< 0.5 ms), ms tick (0.5-5 ms) or coarse (>= 5 ms)";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let want = Duration::from_millis(1);
            let mut medians = Vec::with_capacity(ROUNDS);
            let mut late = Vec::with_capacity(SLEEPS);
            for _ in 0..ROUNDS {
                late.clear();
                for _ in 0..SLEEPS {
                    let start = Instant::now();
                    R::sleep(want).await;
                    late.push(start.elapsed().saturating_sub(want));
                }
                late.sort();
                medians.push(late[SLEEPS / 2]);
            }
            let quietest = *medians.iter().min().expect("ROUNDS > 0");
            let shown: Vec<String> = medians.iter().map(|m| format!("{m:.1?}")).collect();
            Observed::with(Self::class(quietest), format!("round medians {}", shown.join(", ")))
        })
    }
}

/// Whether `sleep(0)` completes without its task yielding.
#[derive(Debug)]
pub struct SleepZero;

impl SleepZero {
    const TRIALS: usize = 5;
    const BLOCK: Duration = Duration::from_millis(10);
}

impl Probe for SleepZero {
    const NAME: &'static str = "sleep_zero";
    const QUESTION: &'static str = "sleep(0) inside a task, polled at once and, if pending, again after blocking \
        the task's thread 10 ms without yielding (5 trials): ready without yielding, pending until the task \
        yields, or never completes (whether an immediate poll is ready is in the detail: with a timer thread it is a race)";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let (mut at_once, mut later) = (0, 0);
            for _ in 0..Self::TRIALS {
                let mut sleep = pin!(R::sleep(Duration::ZERO));
                let mut poll = || sleep.as_mut().poll(&mut Context::from_waker(noop_waker_ref())).is_ready();
                if poll() {
                    at_once += 1;
                    continue;
                }
                std::thread::sleep(Self::BLOCK);
                if poll() {
                    later += 1;
                    continue;
                }
                if bounded(WAIT, sleep).await.is_none() {
                    return Observed::with("never completes", format!("a sleep(0) still pending after {WAIT:?}"));
                }
            }
            let outcome = match at_once + later {
                n if n == Self::TRIALS => "ready without yielding",
                0 => "pending until the task yields",
                _ => "sometimes ready without yielding",
            };
            let detail = format!(
                "of {} trials, {at_once} ready at an immediate poll, {later} after {:?}",
                Self::TRIALS,
                Self::BLOCK
            );
            Observed::with(outcome, detail)
        })
    }
}

/// `timeout(0, f)` where `f` yields once before finishing.
#[derive(Debug)]
pub struct TimeoutZero;

impl Probe for TimeoutZero {
    const NAME: &'static str = "timeout_zero";
    const QUESTION: &'static str = "the runtime's own timeout of 0 around a future that yields once, then \
        finishes: completes, elapsed, or n/a (no timeout of its own)";

    fn run<R: OwnApi>() -> Observed {
        let rt = start::<R>();
        in_task(&rt, async {
            let mut polls = 0u32;
            let f = futures::future::poll_fn(|cx| {
                polls += 1;
                if polls > 1 {
                    Poll::Ready(7u64)
                } else {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            });
            let Some(timeout) = R::timeout(Duration::ZERO, f) else {
                return Observed::not_applicable("no timeout API");
            };
            let outcome = match timeout.await {
                Some(7) => "completes",
                Some(_) => "wrong value",
                None => "elapsed",
            };
            Observed::with(outcome, R::TIMEOUT)
        })
    }
}
