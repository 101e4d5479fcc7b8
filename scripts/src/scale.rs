//! `arena scale`: the core sweep. The cells `arena run` would measure, on
//! every core count from 1 to `--max-cores`, every runtime given the same
//! cores at each (as in `run`'s matrices: multi-threaded runtimes that many
//! workers, single-threaded and thread-per-core ones that many instances
//! with a shard each), one child process per cell; into `scaling.json`. The
//! report shows time per item by cores and flags the cells that got slower
//! as cores were added.
use std::process::ExitCode;

use reports::files::write_json_atomic;
use reports::merge::Inputs;
use reports::schema::{SCALING_SCHEMA, ScalingResults, Status};

use crate::Usage;
use crate::cli::ScaleArgs;
use crate::run::{measure, pairs, selection, settings};
use scripts::entry::{Exit, check_cores};

pub fn scale(args: ScaleArgs) -> anyhow::Result<ExitCode> {
    let run = &args.run;
    if run.workers.is_some() || !run.cores.is_empty() {
        let flag = if run.workers.is_some() { "--workers" } else { "--cores" };
        return Err(Usage(format!("{flag}: arena scale sets the cores itself; use --max-cores")).into());
    }
    let available = runners::cores::count();
    let max = args.max_cores.unwrap_or(available);
    check_cores("--max-cores", max, available)?;
    let selection = selection(run)?;
    let _lock = scripts::lock::lock_dir("--out", &run.out)?;
    let pairs = pairs(&selection);
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let environment = runners::info::environment(&command);
    let counts: Vec<usize> = (1..=max).collect();
    let mut cells = Vec::new();
    for &n in &counts {
        println!("{}:", reports::text::cores_text(n as u64));
        let dir = run.out.join("scaling").join("criterion").join(format!("cores-{n}"));
        cells.extend(measure(run, n, &pairs, &dir)?);
    }
    let failed = cells.iter().any(|c| matches!(c.status, Status::Failed(_)));
    let settings = settings(run, &counts);
    let results = ScalingResults { schema: SCALING_SCHEMA.to_owned(), environment, settings, cells };
    let path = run.out.join("scaling.json");
    write_json_atomic(&path, &results)?;
    let report = reports::merge::build(&Inputs { scaling: vec![path.clone()], ..Default::default() })?;
    for m in &report.machines {
        if let Some(t) = reports::text::scaling(m) {
            print!("{}", reports::terminal::table(&t));
        }
        for line in reports::text::scaling_growth(m) {
            println!("slower with more cores: {line}");
        }
    }
    println!("results: {}", path.display());
    Ok(if failed { Exit::FailedCell } else { Exit::Ok }.into())
}
