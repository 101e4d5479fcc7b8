//! The memory measurement through a real counting allocator (this test
//! binary installs `stats_alloc`, as `arena-memory` does): every memory
//! workload on every runtime gives numbers, a spawned task costs at least
//! one allocation everywhere, a wrong answer is refused, and the resident
//! set is read. The counter is global, so measurements take a lock and run
//! one at a time.
#[macro_use]
mod common;

use std::alloc::System;
use std::sync::Mutex;

use runners::memory::{self, PerItem, Skipped, Totals};
use runners::{Adapter, Config};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use workloads::Workload;

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// One measurement at a time: the counter sees every thread.
static COUNTING: Mutex<()> = Mutex::new(());

fn totals() -> Totals {
    ALLOCATOR.stats().into()
}

fn config() -> Config {
    Config { workers: 2 }
}

fn measure<W: Workload, R: Adapter>() -> Result<PerItem, Skipped> {
    let _one = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let size = W::SIZES.test;
    memory::measure_at::<W, R>(&config(), &totals, [size, size * 4])
}

/// Numbers, or a declared reason; never a failure.
fn check<R: Adapter, W: Workload>() {
    if common::start::<R>(&config()).is_none() {
        return;
    }
    match measure::<W, R>() {
        Ok(p) => {
            assert!(p.allocations.is_finite() && p.bytes.is_finite() && p.retained.is_finite(), "{p:?}");
            assert_eq!(p.sizes, [W::SIZES.test, W::SIZES.test * 4]);
            if W::NAME == "spawn_join" {
                // A task lives somewhere: every runtime allocates for each.
                assert!(p.allocations >= 0.9 && p.bytes >= 16.0, "{} on {}: {p:?}", W::NAME, R::ID);
            }
        }
        Err(Skipped::NotApplicable(why)) => assert!(why.starts_with("capped") || why.starts_with("n/a"), "{why}"),
        Err(other) => panic!("{} on {}: {other}", W::NAME, R::ID),
    }
}

runners::with_runtimes!(per_runtime, runners::with_memory_workloads, check);

#[test]
#[cfg(feature = "tokio")]
fn a_wrong_answer_is_refused_not_measured() {
    use runners::faults::LosesTasks;
    use workloads::channels::FanIn;
    match measure::<FanIn<16>, LosesTasks>() {
        Err(Skipped::Failed(why)) => assert!(why.starts_with("wrong answer: fan_in_c16"), "{why}"),
        other => panic!("a runtime that loses tasks was measured: {other:?}"),
    }
}

#[test]
fn the_counter_sees_what_a_workload_allocates() {
    // Boxes that live past the run: a kept allocation shows as retained.
    let _one = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let before = totals();
    let kept: Vec<Box<[u8; 1000]>> = (0..100).map(|_| Box::new([0u8; 1000])).collect();
    let after = totals();
    assert!(after.allocations - before.allocations >= 100);
    assert!(after.bytes - before.bytes >= 100_000);
    assert!(after.live - before.live >= 100_000);
    drop(kept);
}

#[test]
#[cfg(feature = "tokio")]
fn the_storm_reads_the_resident_set() {
    let Ok(first) = memory::peak_rss() else {
        eprintln!("skipped: no /proc/self/status here");
        return;
    };
    assert!(first > 0);
    let [before, after] = memory::rss::<workloads::spawn::SpawnJoin, runners::TokioCt>(&config(), 10_000)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(first <= before && before <= after, "{first} {before} {after}");
    // An unknown runtime is no answer, not a panic.
    assert!(memory::storm("no-such-runtime", &config()).is_none());
}

#[test]
#[cfg(feature = "smol")]
fn measure_all_measures_the_selection() {
    let _one = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut seen = Vec::new();
    let cells = memory::measure_all(&config(), &totals, &["smol-local".into()], &["ping_pong".into()], &mut |c| {
        seen.push((c.workload, c.runtime))
    });
    assert_eq!(seen, [("ping_pong", "smol-local")]);
    assert_eq!(cells.len(), 1);
    assert!(cells[0].outcome.is_ok(), "{:?}", cells[0].outcome);
}
