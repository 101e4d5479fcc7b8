//! How much a burn sized to P % of a batch slows a multi-threaded runtime's
//! batch, spread over its polls (a few units a poll) or burned once at the
//! start of the batch: why the regression gate's wall-time self-test burns
//! once a batch (`runners::slowdown::set_batch_burn`).
//!
//! ```text
//! cargo run --release -p runners --example burn_probe [-- RUNTIMES [PCT]]
//! ```
//!
//! For each of RUNTIMES (default 60) fresh tokio-mt runtimes (two workers),
//! ping_pong at 10 000 round trips, eight runs a batch, in the gate's own
//! measured region under `Slowed`: three unburned batches give the batch
//! time and its polls, then four mirrored rounds (unburned, burned; burned,
//! unburned) for each way of burning the same work; the mean log ratio is
//! that runtime's slowdown. Prints the median and the 20 % trimmed mean
//! over runtimes for each way.
use std::time::Instant;

use runners::slowdown::{BURN_FRACTION, Slowed, burn, count_polls, set_batch_burn, set_burn};
use runners::{Config, Runtime, TokioMt};
use workloads::channels::PingPong;

type Rt = Slowed<TokioMt>;

fn batch(rt: &Rt) -> f64 {
    let start = Instant::now();
    runners::gate::measured_batch::<Rt, PingPong>(rt, 10_000, 8).expect("ping_pong gives the right answer");
    start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Sets the burn of one way: per poll (`true`) or once a batch, `units` a batch over `polls`.
fn set(per_poll: bool, units: f64, polls: f64) {
    set_burn(if per_poll { (units / polls * BURN_FRACTION as f64).round() as u64 } else { 0 });
    set_batch_burn(if per_poll { 0 } else { units.round() as u64 });
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runtimes: usize = args.next().map_or(60, |a| a.parse().expect("RUNTIMES: a positive number"));
    let pct: f64 = args.next().map_or(3.0, |a| a.parse().expect("PCT: a number"));
    assert!(runtimes > 0, "RUNTIMES: a positive number");
    const UNITS: u64 = 50_000_000;
    let unit = median(
        (0..3)
            .map(|_| {
                let start = Instant::now();
                burn(UNITS);
                start.elapsed().as_secs_f64() / UNITS as f64
            })
            .collect(),
    );
    let ways = [("spread over polls", true), ("once a batch", false)];
    let mut slowdowns = vec![Vec::new(); ways.len()];
    let mut work = Vec::new();
    for _ in 0..runtimes {
        let rt = Rt::new(&Config { workers: 2 }).expect("tokio-mt starts");
        set(false, 0.0, 1.0);
        batch(&rt);
        let (times, polls) = count_polls(|| (0..3).map(|_| batch(&rt)).collect::<Vec<_>>());
        let units = pct / 100.0 * median(times) / unit;
        work.push(units);
        for (k, &(_, per_poll)) in ways.iter().enumerate() {
            let mut log_ratio = 0.0;
            for round in 0..4 {
                let mut t = [0.0; 2];
                for burned in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
                    set(per_poll, if burned == 1 { units } else { 0.0 }, polls as f64 / 3.0);
                    t[burned] = batch(&rt);
                }
                log_ratio += (t[1] / t[0]).ln() / 4.0;
            }
            slowdowns[k].push(log_ratio);
        }
        set(false, 0.0, 1.0);
    }
    println!(
        "tokio-mt ping_pong, {runtimes} runtimes, work worth {pct} % of a batch ({:.0} units, {:.3} ns a unit):",
        median(work),
        unit * 1e9
    );
    for ((name, _), s) in ways.iter().zip(slowdowns) {
        let mut sorted = s.clone();
        sorted.sort_by(f64::total_cmp);
        let cut = sorted.len() / 5;
        let kept = &sorted[cut..sorted.len() - cut];
        let trimmed = kept.iter().sum::<f64>() / kept.len() as f64;
        let pct = |x: f64| format!("{:+.2} %", x.exp_m1() * 100.0);
        println!(
            "  {name}: median {}, trimmed mean {} (runtimes from {} to {})",
            pct(median(s)),
            pct(trimmed),
            pct(sorted[0]),
            pct(sorted[sorted.len() - 1])
        );
    }
}
