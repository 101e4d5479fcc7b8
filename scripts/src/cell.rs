//! `arena cell`: one runtime × workload pair, measured in this process on
//! `--cores` cores. `arena run` starts one of these per pair and core count
//! so that a crash or hang stays inside it, and so that the confinement to
//! its CPUs (set first, before any runtime starts a thread) is the process's own.
use std::time::Duration;

use anyhow::Context;
use criterion::Criterion;
use runners::harness::{Harness, Selection};

use crate::cli::{CellArgs, Measure};

/// criterion configured for a quick matrix: short times, no plots, fewer
/// bootstrap resamples (enough for a 95 % interval on 10 samples).
pub fn criterion(measure: &Measure, criterion_dir: &std::path::Path) -> Criterion {
    Criterion::default()
        .output_directory(criterion_dir)
        .warm_up_time(Duration::from_millis(measure.warm_up_ms.max(1)))
        .measurement_time(Duration::from_millis(measure.measure_ms.max(1)))
        .sample_size(measure.samples.max(10))
        .nresamples(10_000)
        .without_plots()
        .with_output_color(false)
}

pub fn cell(args: CellArgs) -> anyhow::Result<()> {
    let selection = Selection { runtimes: vec![args.runtime], workloads: vec![args.workload], sizes: args.size };
    selection.check(["--runtime", "--workload"])?;
    let cpus = runners::cores::confine(args.cores).map_err(|e| crate::Usage(format!("--cores: {e}")))?;
    let harness = Harness {
        config: runners::Config { workers: args.cores },
        criterion_dir: args.criterion_dir.clone(),
        selection,
        confined: Some(cpus),
        samples: args.measure.samples.max(10),
    };
    let mut c = criterion(&args.measure, &args.criterion_dir);
    harness.run(&mut c).context("writing cell records")?;
    Ok(())
}
