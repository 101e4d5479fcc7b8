//! The adapter's cost, measured so that a 1 % difference is visible on a
//! noisy machine: each runtime runs a workload through the seam and its
//! native twin alternately, round after round, in one runtime instance and
//! one `block_on`, in ABBA order (adapter first on even rounds, native first
//! on odd ones). Each round gives one ratio `native time / adapter time`; the
//! verdict rests on the median ratio and a distribution-free 95 % confidence
//! interval for it.
//!
//! Separate criterion benchmarks cannot show this: on a 2-core VM two
//! benchmarks of identical code differ by ±10 % or more from one to the next,
//! while alternating rounds share the same drift.
use std::future::Future;
use std::time::{Duration, Instant};

use workloads::channels::PingPong;
use workloads::spawn::SpawnJoin;
use workloads::{Config, Mismatch, Run, Workload};

use crate::body::{Body, Plain, Twin};
use crate::registry::{Adapter, RuntimeVisitor};

/// Rounds discarded before the ones that count.
const WARM_UP_ROUNDS: usize = 3;
/// Fewest counted rounds, whatever the time budget.
const MIN_ROUNDS: usize = 11;
/// Most counted rounds.
const MAX_ROUNDS: usize = 401;

/// One runtime × twin pair's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Overhead {
    /// Runtime id.
    pub runtime: &'static str,
    /// Workload the twin mirrors.
    pub workload: &'static str,
    /// Size both ran at.
    pub size: usize,
    /// Counted rounds.
    pub rounds: usize,
    /// Median of `native / adapter` over the rounds.
    pub median: f64,
    /// Lower end of the 95 % confidence interval of the median.
    pub lower: f64,
    /// Upper end of it.
    pub upper: f64,
}

/// What the interval says about a tolerance (e.g. 0.01 for 1 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The whole interval lies within `1 ± tolerance`.
    Within,
    /// The whole interval lies below `1 - tolerance`: the adapter costs more.
    Over,
    /// The whole interval lies above `1 + tolerance`: the adapter is faster.
    Faster,
    /// The interval is too wide to tell.
    Inconclusive,
}

impl Verdict {
    /// Lower-case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Within => "within",
            Verdict::Over => "over",
            Verdict::Faster => "faster",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

impl Overhead {
    /// Judges the interval against `1 ± tolerance`.
    pub fn verdict(&self, tolerance: f64) -> Verdict {
        let (lo, hi) = (1.0 - tolerance, 1.0 + tolerance);
        if self.lower >= lo && self.upper <= hi {
            Verdict::Within
        } else if self.upper < lo {
            Verdict::Over
        } else if self.lower > hi {
            Verdict::Faster
        } else {
            Verdict::Inconclusive
        }
    }
}

/// The median of `ratios` and its 95 % confidence interval from order
/// statistics (the ranks `n/2 ± 1.96·√n/2`, the normal approximation of
/// the binomial), which assumes nothing about the ratios' distribution.
pub fn median_interval(ratios: &mut [f64]) -> (f64, f64, f64) {
    assert!(!ratios.is_empty(), "no rounds");
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let median = if n % 2 == 1 { ratios[n / 2] } else { (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0 };
    let half_width = 1.96 * (n as f64).sqrt() / 2.0;
    let lower = ((n as f64 / 2.0 - half_width).floor().max(0.0)) as usize;
    let upper = ((n as f64 / 2.0 + half_width).ceil() as usize).min(n - 1);
    (median, ratios[lower], ratios[upper])
}

async fn timed(
    run: impl Future<Output = Run>,
    expected: u64,
    check: impl Fn(u64) -> Mismatch,
) -> Result<Duration, Mismatch> {
    let start = Instant::now();
    let run = run.await;
    let elapsed = start.elapsed();
    if run.checksum == expected { Ok(elapsed) } else { Err(check(run.checksum)) }
}

/// Alternates `W` through the seam and its native twin on `rt` until
/// `budget` is spent (within the round limits).
async fn pair<R: Adapter, W: Workload>(rt: &R, size: usize, budget: Duration) -> Result<Overhead, Mismatch>
where
    Twin<W>: Body<W = W>,
{
    let expected = W::expected(size);
    let mismatch = |got| Mismatch { workload: W::NAME, runtime: R::ID, size, expected, got };
    let mut ratios = Vec::new();
    let start = Instant::now();
    for round in 0.. {
        let adapter = || timed(Plain::<W>::run(rt, size), expected, mismatch);
        let twin = || timed(Twin::<W>::run(rt, size), expected, mismatch);
        let (a, n) = if round % 2 == 0 {
            let a = adapter().await?;
            (a, twin().await?)
        } else {
            let n = twin().await?;
            (adapter().await?, n)
        };
        if round >= WARM_UP_ROUNDS {
            ratios.push(n.as_secs_f64() / a.as_secs_f64().max(1e-12));
        }
        let counted = ratios.len();
        if counted >= MAX_ROUNDS || (counted >= MIN_ROUNDS && start.elapsed() >= budget && counted % 2 == 1) {
            break;
        }
    }
    let (median, lower, upper) = median_interval(&mut ratios);
    Ok(Overhead { runtime: R::ID, workload: W::NAME, size, rounds: ratios.len(), median, lower, upper })
}

/// Measures both twins of runtime `R` at the workloads' quick sizes,
/// spending about `budget` on each.
pub fn measure<R: Adapter>(config: &Config, budget: Duration) -> Result<Vec<Overhead>, String> {
    let rt = R::new(config).map_err(|e| e.to_string())?;
    rt.block_on(async {
        let spawn = pair::<R, SpawnJoin>(&rt, SpawnJoin::SIZES.quick, budget).await.map_err(|e| e.to_string())?;
        let ping = pair::<R, PingPong>(&rt, PingPong::SIZES.quick, budget).await.map_err(|e| e.to_string())?;
        Ok(vec![spawn, ping])
    })
}

/// Runs [`measure`] for every registered runtime in `runtimes` (all when
/// empty). Not generic on purpose: the workloads and the native twins are
/// then both compiled in this crate, so code placement treats them alike.
pub fn measure_all(config: &Config, budget: Duration, runtimes: &[String]) -> Vec<Result<Vec<Overhead>, String>> {
    struct Each<'a> {
        config: &'a Config,
        budget: Duration,
        runtimes: &'a [String],
        out: Vec<Result<Vec<Overhead>, String>>,
    }
    impl RuntimeVisitor for Each<'_> {
        fn visit<R: Adapter>(&mut self) {
            if self.runtimes.is_empty() || self.runtimes.iter().any(|r| r == R::ID) {
                self.out.push(measure::<R>(self.config, self.budget).map_err(|e| format!("{}: {e}", R::ID)));
            }
        }
    }
    let mut each = Each { config, budget, runtimes, out: Vec::new() };
    crate::registry::visit_runtimes(&mut each);
    each.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_interval_brackets_the_median() {
        let mut ratios: Vec<f64> = (1..=101).map(|i| i as f64).collect();
        let (median, lower, upper) = median_interval(&mut ratios);
        assert_eq!(median, 51.0);
        // n = 101: ranks 50 ± 9.85 -> 40 and 61 (0-based).
        assert_eq!((lower, upper), (41.0, 62.0));
    }

    #[test]
    fn verdicts_follow_the_interval() {
        let o = |lower, upper| Overhead { runtime: "r", workload: "w", size: 1, rounds: 11, median: 1.0, lower, upper };
        assert_eq!(o(0.995, 1.004).verdict(0.01), Verdict::Within);
        assert_eq!(o(0.95, 0.98).verdict(0.01), Verdict::Over);
        assert_eq!(o(1.02, 1.05).verdict(0.01), Verdict::Faster);
        assert_eq!(o(0.98, 1.0).verdict(0.01), Verdict::Inconclusive);
    }
}
