//! The gate's statistics: the bootstrap interval of a trimmed mean of log
//! ratios, the error rate shared among cells (Bonferroni within each meter),
//! and the verdict a cell's interval and its A/A interval give.
use std::fmt;

use serde::{Deserialize, Serialize};

/// A relative change as a signed percentage: `+1.20 %`.
pub(crate) fn pct(x: f64) -> String {
    format!("{:+.2} %", x * 100.0)
}

/// An interval around an estimate, as relative changes (`0.012` is +1.2 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The estimated change ([`trimmed_mean`] of the log ratios).
    pub estimate: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

impl Interval {
    /// How far the interval lies from zero: its nearest end when it
    /// excludes zero, else 0.
    pub fn bias(&self) -> f64 {
        if self.lower > 0.0 {
            self.lower
        } else if self.upper < 0.0 {
            -self.upper
        } else {
            0.0
        }
    }
}

/// Share of the samples [`trimmed_mean`] drops from each end.
pub const TRIM: f64 = 0.2;

/// The [`trimmed_mean`] of `log_ratios` and its bootstrap percentile
/// interval with `tail` probability cut from each end, as relative changes.
pub fn bootstrap_trimmed_mean(log_ratios: &[f64], tail: f64, resamples: usize, rng: &mut fastrand::Rng) -> Interval {
    assert!(!log_ratios.is_empty(), "no rounds");
    let n = log_ratios.len();
    let mut sample = vec![0.0; n];
    let mut estimates: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            for x in sample.iter_mut() {
                *x = log_ratios[rng.usize(..n)];
            }
            trimmed_mean(&mut sample)
        })
        .collect();
    estimates.sort_by(f64::total_cmp);
    let at = |q: f64| estimates[((q * estimates.len() as f64) as usize).min(estimates.len() - 1)];
    let mut all = log_ratios.to_vec();
    Interval { estimate: trimmed_mean(&mut all).exp_m1(), lower: at(tail).exp_m1(), upper: at(1.0 - tail).exp_m1() }
}

/// The mean of `xs` without its lowest and highest [`TRIM`] shares (sorted
/// in place). Robust to a stray session like the median, but nearly as
/// efficient as the mean on well-behaved samples (the median needs about
/// 1.5 times the samples for the same interval on normal data).
pub fn trimmed_mean(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let cut = (xs.len() as f64 * TRIM) as usize;
    let kept = &xs[cut..xs.len() - cut];
    kept.iter().sum::<f64>() / kept.len() as f64
}

/// Share of the family-wise `α` that the instruction-count cells get
/// together when wall-time cells take part too.
pub const COUNT_SHARE: f64 = 0.1;

/// Each cell's error rate (two-sided), given which cells are wall time:
/// Bonferroni within each meter, the rates summing to `alpha`. Instruction
/// counts repeat to within a few instructions, so their intervals hardly
/// widen at a smaller rate, while wall-time intervals widen with every cell
/// added; so instruction-count cells share [`COUNT_SHARE`] of `alpha` and
/// wall-time cells the rest (either gets all of it when the other is absent).
pub fn cell_alphas(alpha: f64, wall: &[bool]) -> Vec<f64> {
    let walls = wall.iter().filter(|&&w| w).count();
    let counts = wall.len() - walls;
    let count_share = match (counts, walls) {
        (0, _) => 0.0,
        (_, 0) => 1.0,
        _ => COUNT_SHARE,
    };
    wall.iter()
        .map(|&w| if w { alpha * (1.0 - count_share) / walls as f64 } else { alpha * count_share / counts as f64 })
        .collect()
}

/// The median of `xs` (sorted in place).
pub fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// A cell's verdict, and the gate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The whole interval lies below the threshold.
    Ok,
    /// The whole interval lies below minus the threshold.
    Improved,
    /// Too noisy to tell at the threshold.
    Inconclusive,
    /// The whole interval lies above the threshold and the A/A check passed.
    Regressed,
    /// A build could not run the cell, or gave a wrong answer.
    Failed,
}

impl Verdict {
    /// Lower-case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Improved => "improved",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Regressed => "regressed",
            Verdict::Failed => "failed",
        }
    }

    /// The gate's exit code for this overall verdict: 0 no regression, 1
    /// regression, 3 inconclusive, 4 a failed cell (Arena's exit codes, as
    /// `scripts::entry::Exit` lists them; 2, bad input, and 5, a failed
    /// build, are decided before anything is measured).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Ok | Verdict::Improved => 0,
            Verdict::Regressed => 1,
            Verdict::Inconclusive => 3,
            Verdict::Failed => 4,
        }
    }

    /// The gate's verdict over its cells: the worst of them (failed >
    /// regressed > inconclusive > ok); `Ok` for none.
    pub fn overall(cells: impl IntoIterator<Item = Verdict>) -> Verdict {
        cells.into_iter().map(|v| if v == Verdict::Improved { Verdict::Ok } else { v }).max().unwrap_or(Verdict::Ok)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Judges a cell: `change` is head against base, `aa` base2 against base,
/// `threshold` the relative slowdown that counts (0.01 for 1 %). Returns the
/// verdict and, when it is not plain, why.
///
/// The change's own interval carries the noise: when the noise is too high
/// to decide at the threshold, that interval straddles it (inconclusive).
/// The A/A comparison is the negative control, measured in the same rounds:
/// when its interval excludes zero, two builds of one source differ (code
/// placement) or the intervals understate the noise, by at least its
/// nearest end — the **bias** — which a change must clear on top of the
/// threshold; and when the bias itself exceeds the threshold, the A/A would
/// have been called a change, so nothing is called. Asking the whole A/A
/// interval to lie inside `±threshold` instead would ask the noise to be
/// half what detecting a change needs (both intervals are as wide).
pub fn decide(change: Interval, aa: Interval, threshold: f64) -> (Verdict, Option<String>) {
    let bias = aa.bias();
    let aa_text = format!("[{}, {}]", pct(aa.lower), pct(aa.upper));
    if bias > threshold && (change.lower > threshold || change.upper < -threshold) {
        let why = format!("the A/A comparison {aa_text} reads as a change itself: the measurement cannot be trusted");
        (Verdict::Inconclusive, Some(why))
    } else if change.lower > threshold + bias {
        (Verdict::Regressed, None)
    } else if change.lower > threshold {
        let why = format!("slower, but not past {} (the threshold plus the A/A bias {aa_text})", pct(threshold + bias));
        (Verdict::Inconclusive, Some(why))
    } else if change.upper < -threshold {
        (Verdict::Improved, None)
    } else if change.upper < threshold {
        (Verdict::Ok, None)
    } else {
        let why = format!("the interval reaches past {:+.2} %: more rounds or a quieter machine", threshold * 100.0);
        (Verdict::Inconclusive, Some(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(estimate: f64, lower: f64, upper: f64) -> Interval {
        Interval { estimate, lower, upper }
    }

    #[test]
    fn verdicts_follow_the_intervals() {
        let quiet = iv(0.0, -0.002, 0.002);
        let noisy = iv(0.0, -0.02, 0.03);
        assert_eq!(decide(iv(0.03, 0.02, 0.04), quiet, 0.01).0, Verdict::Regressed);
        // An A/A interval as wide as the change's, about zero, does not block
        // a change past the threshold (wall time: both carry the same noise).
        assert_eq!(decide(iv(0.03, 0.02, 0.04), noisy, 0.01).0, Verdict::Regressed);
        assert_eq!(decide(iv(0.03, 0.018, 0.04), iv(0.0, -0.015, 0.01), 0.015).0, Verdict::Regressed);
        // Two builds of one source 0.8 % apart: a change must clear 1 % + 0.8 %.
        let biased = iv(0.01, 0.008, 0.012);
        assert_eq!(decide(iv(0.02, 0.015, 0.025), biased, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(0.025, 0.02, 0.03), biased, 0.01).0, Verdict::Regressed);
        let (_, why) = decide(iv(0.02, 0.015, 0.025), biased, 0.01);
        assert!(why.unwrap().contains("+1.80 %"));
        // A bias below zero counts the same; a zero-width A/A (instruction
        // counts of separate builds) adds its offset.
        assert_eq!(decide(iv(0.02, 0.015, 0.025), iv(-0.008, -0.012, -0.008), 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(0.01, 0.01, 0.01), iv(-0.0008, -0.0008, -0.0008), 0.005).0, Verdict::Regressed);
        // An A/A that reads as a change itself: nothing past the threshold is called.
        let lying = iv(0.03, 0.02, 0.04);
        assert_eq!(decide(iv(0.2, 0.15, 0.25), lying, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(-0.2, -0.25, -0.15), lying, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(0.0, -0.005, 0.005), lying, 0.01).0, Verdict::Ok);
        assert_eq!(decide(iv(0.0, -0.005, 0.005), quiet, 0.01).0, Verdict::Ok);
        assert_eq!(decide(iv(0.0, -0.005, 0.005), noisy, 0.01).0, Verdict::Ok);
        assert_eq!(decide(iv(0.01, 0.0, 0.02), quiet, 0.01).0, Verdict::Inconclusive);
        assert_eq!(decide(iv(-0.05, -0.06, -0.04), quiet, 0.01).0, Verdict::Improved);
    }

    #[test]
    fn the_error_rate_is_split_by_meter_and_sums_to_alpha() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let mixed = cell_alphas(0.05, &[false, true, false, false, true]);
        assert!(close(mixed.iter().sum(), 0.05), "{mixed:?}");
        assert!(close(mixed[1], 0.0225) && close(mixed[4], 0.0225), "{mixed:?}");
        assert!(close(mixed[0], 0.005 / 3.0), "{mixed:?}");
        assert!(cell_alphas(0.05, &[false; 4]).iter().all(|&a| close(a, 0.0125)));
        assert!(cell_alphas(0.05, &[true; 2]).iter().all(|&a| close(a, 0.025)));
        assert!(cell_alphas(0.05, &[]).is_empty());
    }

    #[test]
    fn the_gate_takes_the_worst_cell() {
        use Verdict::*;
        assert_eq!(Verdict::overall([Ok, Improved]), Ok);
        assert_eq!(Verdict::overall([Ok, Inconclusive, Improved]), Inconclusive);
        assert_eq!(Verdict::overall([Inconclusive, Regressed]), Regressed);
        assert_eq!(Verdict::overall([Regressed, Failed, Ok]), Failed);
        assert_eq!(Verdict::overall([]), Ok);
        assert_eq!([Ok, Improved, Inconclusive, Regressed, Failed].map(Verdict::exit_code), [0, 0, 3, 1, 4]);
    }

    #[test]
    fn the_trimmed_mean_ignores_the_tails() {
        assert_eq!(trimmed_mean(&mut [0.0, 0.0, 100.0, 0.0, 0.0]), 0.0);
        let mut xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(trimmed_mean(&mut xs), 5.5);
        assert_eq!(trimmed_mean(&mut [4.0]), 4.0);
    }

    #[test]
    fn the_bootstrap_brackets_the_estimate_and_widens_with_confidence() {
        let mut rng = fastrand::Rng::with_seed(7);
        // Log ratios around ln(1.03) with ±2 % spread.
        let xs: Vec<f64> = (0..200).map(|i| 1.03f64.ln() + ((i * 37 % 101) as f64 / 100.0 - 0.5) * 0.04).collect();
        let wide = bootstrap_trimmed_mean(&xs, 0.001, 4000, &mut rng);
        let narrow = bootstrap_trimmed_mean(&xs, 0.05, 4000, &mut rng);
        assert!((wide.estimate - 0.03).abs() < 0.005, "{wide:?}");
        assert!(wide.lower <= narrow.lower && narrow.upper <= wide.upper, "{wide:?} {narrow:?}");
        assert!(narrow.lower < wide.estimate && wide.estimate < narrow.upper);
        // Identical counts give a point.
        let same = bootstrap_trimmed_mean(&[0.01f64.ln_1p(); 7], 0.001, 1000, &mut rng);
        assert!((same.lower - 0.01).abs() < 1e-12 && (same.upper - 0.01).abs() < 1e-12, "{same:?}");
    }
}
