//! Every workload on every runtime through criterion, ids
//! `<workload>/<runtime>/<size>`, sizes from each workload's bench sweep.
//!
//! Run with: `cargo bench -p runners --bench arena` (all), or one runtime:
//! `cargo bench -p runners --bench arena -- tokio-ct` (criterion's filter).
//! `ARENA_RUNTIME`, `ARENA_WORKLOAD` (comma lists) and `ARENA_SIZE`
//! (`test|quick|bench|N,…`) narrow the run before criterion sees it;
//! `ARENA_CORES` (default: every CPU) is the cores every runtime runs on,
//! the process confined to them. Results land in
//! `target/criterion/cores-<N>` (criterion's HTML and estimates; one
//! directory per core count, since criterion compares a benchmark with its
//! last run and a run on other cores is not that) with Arena's `arena.json`
//! beside each benchmark, and the machine, toolchain, profile and crate
//! versions in `arena-environment.json`.
use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;
use runners::catalog::{Selection, SizeChoice};
use runners::harness::Harness;

mod common;

use common::{fail, list};

/// criterion samples per benchmark.
const SAMPLES: usize = 30;

/// criterion's own rule: `CARGO_TARGET_DIR`, else the target directory this
/// bench binary was built into (`<target>/<profile>/deps/arena-…`).
fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap_or_else(|e| fail(format!("cannot locate the bench binary: {e}")));
        exe.ancestors()
            .nth(3)
            .map(PathBuf::from)
            .unwrap_or_else(|| fail(format!("{}: not under a target directory", exe.display())))
    });
    target.join("criterion")
}

fn main() {
    let sizes = match std::env::var("ARENA_SIZE") {
        Ok(s) => s.parse::<SizeChoice>().unwrap_or_else(|e| fail(format!("ARENA_SIZE: {e}"))),
        Err(_) => SizeChoice::Bench,
    };
    let selection = Selection { runtimes: list("ARENA_RUNTIME"), workloads: list("ARENA_WORKLOAD"), sizes };
    selection.check(["ARENA_RUNTIME", "ARENA_WORKLOAD"]).unwrap_or_else(|e| fail(e.to_string()));
    let (config, cpus) = common::cores();
    let criterion_dir = criterion_dir().join(format!("cores-{}", config.workers));
    let harness = Harness { config, criterion_dir, selection, confined: Some(cpus), samples: SAMPLES };
    // What these numbers were measured on and built with, beside them.
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let env_file = harness.criterion_dir.join("arena-environment.json");
    reports::files::write_json_atomic(&env_file, &runners::info::environment(&command))
        .unwrap_or_else(|e| fail(e.to_string()));
    let mut c = Criterion::default()
        .output_directory(&harness.criterion_dir)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(SAMPLES)
        .configure_from_args();
    if let Err(e) = harness.run(&mut c) {
        fail(e.to_string());
    }
    c.final_summary();
}
