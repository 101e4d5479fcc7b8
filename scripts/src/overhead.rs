//! `arena overhead`: the adapter-cost check (see `runners::overhead`).
use std::process::ExitCode;
use std::time::Duration;

use reports::files::write_json_atomic;
use reports::schema::{OVERHEAD_SCHEMA, OverheadPair, OverheadResults};
use runners::catalog::{Selection, SizeChoice};
use runners::overhead::{Verdict, measure_all};

use crate::Exit;
use crate::Usage;
use crate::cli::OverheadArgs;
use scripts::lock::lock_parent;

pub fn overhead(args: OverheadArgs) -> anyhow::Result<ExitCode> {
    let selection = Selection { runtimes: args.runtimes.clone(), workloads: Vec::new(), sizes: SizeChoice::Quick };
    selection.check(["--runtime", "--workload"])?;
    if !(args.budget_s.is_finite() && args.budget_s >= 0.0) {
        return Err(Usage(format!("--budget-s: '{}' is not a number of seconds", args.budget_s)).into());
    }
    if !(args.tolerance_pct > 0.0 && args.tolerance_pct < 100.0) {
        return Err(Usage(format!("--tolerance-pct: '{}' is not between 0 and 100", args.tolerance_pct)).into());
    }
    let _lock = lock_parent("--out", &args.out)?;
    let config = crate::cli::config(args.workers);
    let tolerance = args.tolerance_pct / 100.0;
    let (mut over, mut unsure, mut failed, mut saved) = (false, false, Vec::new(), Vec::new());
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let environment = runners::info::environment(&command);
    for result in measure_all(&config, Duration::from_secs_f64(args.budget_s), &args.runtimes) {
        let pairs = match result {
            Ok(pairs) => pairs,
            Err(e) => {
                failed.push(e);
                continue;
            }
        };
        for o in pairs {
            let v = o.verdict(tolerance);
            saved.push(OverheadPair {
                runtime: o.runtime.to_owned(),
                workload: o.workload.to_owned(),
                size: o.size as u64,
                rounds: o.rounds as u64,
                median_ratio: o.median,
                interval: [o.lower, o.upper],
                verdict: v.name().to_owned(),
            });
            over |= v == Verdict::Over;
            unsure |= v == Verdict::Inconclusive;
        }
    }
    print!("{}", reports::terminal::table(&reports::text::overhead_table(args.tolerance_pct, &saved)));
    for e in &failed {
        println!("FAILED {e}");
    }
    let results = OverheadResults {
        schema: OVERHEAD_SCHEMA.to_owned(),
        environment,
        tolerance_pct: args.tolerance_pct,
        budget_s: args.budget_s,
        pairs: saved,
    };
    write_json_atomic(&args.out, &results)?;
    println!("results: {}", args.out.display());
    let exit = if !failed.is_empty() {
        Exit::FailedCell
    } else if over {
        Exit::Finding
    } else if unsure {
        Exit::Inconclusive
    } else {
        Exit::Ok
    };
    Ok(exit.into())
}
