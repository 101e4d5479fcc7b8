//! `arena conformance`: the contract and the behaviour profile on every
//! runtime, each runtime × check (or probe) in a child process of its own
//! under a watchdog, so a runtime that deadlocks or kills its process becomes
//! a cell of the matrix.
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;
use reports::files::write_json_atomic;
use reports::schema::{CONFORMANCE_SCHEMA, Conformance, Layer, Outcome};
use runners::catalog::pick;
use runners::conformance::{Heard, checks, probes, runtime_ids, verdict};

use reports::protocol::{Reply, Request};
use scripts::child::run_watched;
use scripts::lock::lock_parent;

use crate::Exit;
use crate::cli::{ConformanceArgs, Workers};
use crate::progress::Progress;

pub fn conformance(args: ConformanceArgs) -> anyhow::Result<ExitCode> {
    let runtimes = pick("--runtime", &args.runtimes, runtime_ids())?;
    let mut check_names = pick("--check", &args.checks, checks().iter().map(|c| c.name).collect())?;
    let mut probe_names = pick("--probe", &args.probes, probes().iter().map(|p| p.name).collect())?;
    // Naming only one layer's items runs only that layer.
    if args.checks.is_empty() && !args.probes.is_empty() {
        check_names.clear();
    }
    if args.probes.is_empty() && !args.checks.is_empty() {
        probe_names.clear();
    }
    let _lock = lock_parent("--out", &args.out)?;
    let exe = std::env::current_exe().context("cannot find the arena executable")?;
    let jobs: Vec<(Layer, &str)> = (check_names.iter().map(|&c| (Layer::Contract, c)))
        .chain(probe_names.iter().map(|&p| (Layer::Profile, p)))
        .collect();
    let mut progress = Progress::new(runtimes.len() * jobs.len());
    let mut cells = Vec::new();
    for &runtime in &runtimes {
        // Once a runtime proves unable to start, its other cells say so unrun.
        let mut unavailable: Option<String> = None;
        for &(layer, name) in &jobs {
            if let Some(why) = &unavailable {
                cells.push(runners::conformance::unavailable(runtime, layer, name, why));
                progress.finished(format!("{name} on {runtime}: unavailable"));
                continue;
            }
            progress.working_on(format!("{name} on {runtime}"));
            let (runtime_id, name_owned) = (runtime.to_owned(), name.to_owned());
            let (request, timeout) = match layer {
                Layer::Contract => (
                    Request::Check { runtime: runtime_id, check: name_owned, workers: args.workers.map(|w| w.0) },
                    args.timeout_s,
                ),
                Layer::Profile => (Request::Probe { runtime: runtime_id, probe: name_owned }, args.probe_timeout_s),
            };
            let timeout = Duration::from_secs(timeout.max(1));
            let mut cmd = Command::new(&exe);
            cmd.arg("child");
            let ended = run_watched(cmd, &request, timeout)?;
            let failure = ended.failure(timeout);
            let heard = match (ended.status, &failure, ended.answer()) {
                (None, ..) => Heard::Hang(timeout.as_secs()),
                (Some(_), None, Some(answer)) => Heard::Answer(answer),
                (Some(_), why, _) => Heard::Aborted(why.as_deref().unwrap_or("no answer")),
            };
            let cell = verdict(runtime, layer, name, heard);
            if cell.outcome == Outcome::Unavailable {
                let why = cell.detail.clone().unwrap_or_default();
                progress.warn(format!("{runtime}: {why}; its cells are unavailable"));
                unavailable = Some(why);
            }
            if cell.outcome.is_failure() {
                progress.warn(format!("{name} on {runtime}: {}", cell.detail.as_deref().unwrap_or("?")));
            }
            progress.finished(format!("{name} on {runtime}: {}", reports::text::conformance_text(&cell)));
            cells.push(cell);
        }
    }
    drop(progress);
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let result =
        Conformance { schema: CONFORMANCE_SCHEMA.to_owned(), environment: runners::info::environment(&command), cells };
    write_json_atomic(&args.out, &result)?;
    print_matrix(&result, Layer::Contract, &runtimes, args.markdown);
    print_matrix(&result, Layer::Profile, &runtimes, args.markdown);
    for c in result.cells.iter().filter(|c| c.outcome.is_failure()) {
        println!("- {} on {}: {}", c.check, c.runtime, reports::text::conformance_text(c));
    }
    println!("results: {}", args.out.display());
    // A runtime that cannot start here is reported, not held against the run.
    let all_ok = result.cells.iter().all(|c| !c.outcome.is_failure());
    Ok(if all_ok { Exit::Ok } else { Exit::Finding }.into())
}

/// In a child (`arena child`): one check or probe on one runtime, answered
/// [`Reply::Held`] or [`Reply::Broken`] for a check, [`Reply::Observed`] for a
/// probe, [`Reply::Unavailable`] for either if the runtime cannot start here,
/// [`Reply::Refused`] for a name this build does not have.
pub fn cell(request: Request) -> Reply {
    let (runtime, config) = match &request {
        Request::Check { runtime, workers, .. } => (runtime, crate::cli::config(workers.map(Workers))),
        // Started with the configuration the probe will use: async-std's
        // global executor keeps the thread count it was first started with.
        Request::Probe { runtime, .. } => (runtime, runners::profile::config()),
        other => return Reply::Refused { why: format!("not a conformance request: {other:?}") },
    };
    match runners::conformance::starts(runtime, &config) {
        None => return Reply::Refused { why: format!("no runtime '{runtime}'") },
        Some(Err(why)) => return Reply::Unavailable { why },
        Some(Ok(())) => {}
    }
    match &request {
        Request::Probe { probe, .. } => match runners::conformance::observe(runtime, probe) {
            None => Reply::Refused { why: format!("no probe '{probe}' on runtime '{runtime}'") },
            Some(seen) => Reply::Observed { outcome: seen.outcome, detail: seen.detail },
        },
        Request::Check { check, .. } => match runners::conformance::run(runtime, check, &config) {
            None => Reply::Refused { why: format!("no check '{check}' on runtime '{runtime}'") },
            Some(Ok(())) => Reply::Held,
            Some(Err(why)) => Reply::Broken { why },
        },
        _ => unreachable!("matched above"),
    }
}

/// Prints one layer's matrix: as GitHub Markdown (`--markdown`, the form
/// the README shows) or as a terminal table.
fn print_matrix(result: &Conformance, layer: Layer, runtimes: &[&str], markdown: bool) {
    let runtimes: Vec<String> = runtimes.iter().map(|r| r.to_string()).collect();
    if let Some(t) = reports::text::conformance_table(&runtimes, &result.cells, layer) {
        let text = if markdown { reports::markdown::table(&t) } else { reports::terminal::table(&t) };
        print!("{text}");
    }
}
