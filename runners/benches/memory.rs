//! Heap allocations, bytes and bytes kept per item (task, message, timer,
//! request) of every memory workload on every runtime, through a counting
//! global allocator — the per-item half of `arena-memory`, as a `cargo
//! bench` target: `cargo bench -p runners --bench memory`.
//!
//! `ARENA_RUNTIME`, `ARENA_WORKLOAD` and `ARENA_CORES` narrow it as they
//! do the `arena` bench. How a cell is measured is `runners::memory`; the
//! spawn storm's resident set, the JSON and the report tables are
//! `cargo run --release --bin arena-memory`'s. A bench target of its own
//! because the counting allocator would slow every timed benchmark.
//!
//! Exits 1 if a cell failed (a wrong answer or a panic), 2 on bad input.
use std::alloc::System;

use runners::memory::{self, Skipped, Totals};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

mod common;

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn totals() -> Totals {
    ALLOCATOR.stats().into()
}

fn main() {
    let (runtimes, workloads) = (common::list("ARENA_RUNTIME"), common::list("ARENA_WORKLOAD"));
    let ids = runners::catalog::runtimes().iter().map(|r| r.id).collect();
    runners::catalog::pick("ARENA_RUNTIME", &runtimes, ids).unwrap_or_else(|e| common::fail(e.to_string()));
    runners::catalog::pick("ARENA_WORKLOAD", &workloads, memory::WORKLOADS.to_vec())
        .unwrap_or_else(|e| common::fail(e.to_string()));
    let (config, _cpus) = common::cores();
    let mut failed = false;
    println!("{:<16} {:<14} {:>12} {:>12} {:>12}  per", "workload", "runtime", "allocations", "bytes", "kept");
    memory::measure_all(&config, &totals, &runtimes, &workloads, &mut |c| {
        let per = c.unit.trim_end_matches('s');
        match &c.outcome {
            Ok(p) => println!(
                "{:<16} {:<14} {:>12.2} {:>12.0} {:>12.0}  {per}",
                c.workload, c.runtime, p.allocations, p.bytes, p.retained
            ),
            Err(why) => {
                failed |= matches!(why, Skipped::Failed(_));
                println!("{:<16} {:<14} {why}", c.workload, c.runtime);
            }
        }
    });
    if failed {
        std::process::exit(1);
    }
}
