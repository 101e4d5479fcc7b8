//! Helpers shared by the harness tests.
use std::path::Path;
use std::time::Duration;

use criterion::Criterion;
use runners::harness::{Harness, Selection, SizeChoice};
use workloads::Config;

/// criterion with settings that finish in a fraction of a second.
pub fn quick_criterion(dir: &Path) -> Criterion {
    Criterion::default()
        .output_directory(dir)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(50))
        .sample_size(10)
        .nresamples(1_000)
        .without_plots()
}

/// A harness writing into `dir`, 2 workers, the given sizes.
pub fn harness(dir: &Path, sizes: SizeChoice) -> Harness {
    let selection = Selection { runtimes: vec![], workloads: vec![], sizes };
    Harness { config: Config { workers: 2 }, criterion_dir: dir.to_owned(), selection }
}
