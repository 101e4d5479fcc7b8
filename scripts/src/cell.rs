//! One runtime × workload pair, measured in a child process of `arena run`
//! ([`reports::protocol::Request::Cell`]) on its cores: a crash or hang
//! stays inside it, and the confinement to its CPUs (set first, before any
//! runtime starts a thread) is the process's own.
use std::time::Duration;

use anyhow::Context;
use criterion::Criterion;
use reports::protocol::{Reply, Request};
use runners::catalog::{Selection, SizeChoice};
use runners::harness::Harness;

use crate::cli::Measure;

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

/// Serves a [`Request::Cell`]: confines this process, measures, and says
/// [`Reply::Measured`] (the records are in the request's directory), or
/// [`Reply::Refused`] for a name or core count this build cannot take.
pub fn cell(request: Request) -> anyhow::Result<Reply> {
    let Request::Cell { runtime, workload, sizes, cores, criterion_dir, warm_up_ms, measure_ms, samples } = request
    else {
        anyhow::bail!("cell: not a cell request: {request:?}");
    };
    let selection = Selection { runtimes: vec![runtime], workloads: vec![workload], sizes: SizeChoice::Fixed(sizes) };
    if let Err(e) = selection.check(["runtime", "workload"]) {
        return Ok(Reply::Refused { why: e.to_string() });
    }
    let cpus = match runners::cores::confine(cores) {
        Ok(cpus) => cpus,
        Err(e) => return Ok(Reply::Refused { why: format!("cores: {e}") }),
    };
    let harness = Harness {
        config: runners::Config { workers: cores },
        criterion_dir: criterion_dir.clone(),
        selection,
        confined: Some(cpus),
        samples: samples.max(10),
    };
    let measure = Measure { warm_up_ms, measure_ms, samples };
    let mut c = criterion(&measure, &criterion_dir);
    harness.run(&mut c).context("writing cell records")?;
    Ok(Reply::Measured)
}
