//! `arena scale`: the worker-thread sweep. The cells `arena run` would
//! measure, restricted to runtimes that use more than one thread (the
//! thread-per-core ones run a shard per worker), measured
//! once per worker count from 1 to `--max-workers` (one child process per
//! cell, as `run` does), into `scaling.json`; the report shows time per item
//! by workers and flags the cells that got slower as workers were added.
use std::process::ExitCode;

use reports::files::write_json_atomic;
use reports::merge::Inputs;
use reports::schema::{SCALING_SCHEMA, ScalingPoint, ScalingResults, Settings, Status};

use crate::Usage;
use crate::cli::ScaleArgs;
use crate::run::{measure, pairs, selection};

pub fn scale(args: ScaleArgs) -> anyhow::Result<ExitCode> {
    let run = &args.run;
    if run.measure.workers.is_some() {
        return Err(Usage("--workers: arena scale sets the workers itself; use --max-workers".into()).into());
    }
    let max = match args.max_workers {
        Some(0) => return Err(Usage("--max-workers: must be at least 1".into()).into()),
        Some(n) => n,
        None => runners::Config::default().workers,
    };
    let selection = selection(run)?;
    // Only runtimes that use more than one thread have workers to scale: the
    // multi-threaded ones, and the thread-per-core ones (one shard a worker).
    let infos = runners::harness::runtimes();
    let pairs: Vec<_> = pairs(&selection)
        .into_iter()
        .filter(|(_, r, _)| infos.iter().any(|i| i.id == *r && (!i.one_thread || i.thread_per_core)))
        .collect();
    if pairs.is_empty() {
        return Err(
            Usage("--runtime: none of these runtimes uses more than one thread; nothing to scale".into()).into()
        );
    }
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let environment = runners::info::environment(&command);
    let workers: Vec<usize> = (1..=max).collect();
    let mut points = Vec::new();
    for &w in &workers {
        println!("{w} worker{}:", if w == 1 { "" } else { "s" });
        let dir = run.out.join("scaling").join(format!("criterion-w{w}"));
        for cell in measure(run, Some(w), &pairs, &dir)? {
            points.push(ScalingPoint { workers: w as u64, cell });
        }
    }
    let failed = points.iter().any(|p| matches!(p.cell.status, Status::Failed(_)));
    let settings = Settings {
        workers: max,
        warm_up_ms: run.measure.warm_up_ms,
        measurement_ms: run.measure.measure_ms,
        sample_size: run.measure.samples,
    };
    let results = ScalingResults {
        schema: SCALING_SCHEMA.to_owned(),
        environment,
        settings,
        workers: workers.iter().map(|&w| w as u64).collect(),
        points,
    };
    let path = run.out.join("scaling.json");
    write_json_atomic(&path, &results)?;
    let report = reports::merge::build(&Inputs { scaling: vec![path.clone()], ..Default::default() })?;
    for m in &report.machines {
        if let Some(t) = reports::text::scaling(m) {
            print!("{}", reports::terminal::table(&t));
        }
        for line in reports::text::scaling_growth(m) {
            println!("slower with more workers: {line}");
        }
    }
    println!("results: {}", path.display());
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
