//! `arena conformance`: the contract and the behaviour profile on every
//! runtime, each runtime × check (or probe) in a child process of its own
//! under a watchdog, so a runtime that deadlocks or kills its process becomes
//! a cell of the matrix.
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use reports::files::write_json_atomic;
use reports::schema::{CONFORMANCE_SCHEMA, Conformance, ConformanceCell, Layer, Outcome};
use runners::conformance::{checks, expectation, probes, runtime_ids};
use runners::harness::pick;
use runners::profile::compare;

use reports::protocol::{Reply, Request};
use scripts::child::{Ended, run_watched};

use crate::cli::{ConformanceArgs, Workers};

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
    let exe = std::env::current_exe().context("cannot find the arena executable")?;
    let jobs: Vec<(Layer, &str)> = (check_names.iter().map(|&c| (Layer::Contract, c)))
        .chain(probe_names.iter().map(|&p| (Layer::Profile, p)))
        .collect();
    let bar = ProgressBar::new((runtimes.len() * jobs.len()) as u64);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]").expect("valid template"));
    let mut cells = Vec::new();
    for &runtime in &runtimes {
        // Once a runtime proves unable to start, its other cells say so unrun.
        let mut unavailable: Option<String> = None;
        for &(layer, name) in &jobs {
            if let Some(why) = &unavailable {
                cells.push(unavailable_cell(runtime, layer, name, why));
                bar.inc(1);
                continue;
            }
            bar.set_message(format!("{name} on {runtime}"));
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
            let cell = match (layer, could_not_start(&ended, timeout)) {
                (_, Some(why)) => {
                    bar.println(format!("{runtime}: {why}; its cells are unavailable"));
                    unavailable = Some(why.clone());
                    unavailable_cell(runtime, layer, name, &why)
                }
                (Layer::Contract, None) => contract_cell(runtime, name, &ended, timeout),
                (Layer::Profile, None) => profile_cell(runtime, name, &ended, timeout),
            };
            if cell.outcome.is_failure() {
                bar.println(format!("{name} on {runtime}: {}", cell.detail.as_deref().unwrap_or("?")));
            }
            cells.push(cell);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
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
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Why a cell process gave no verdict: `Hang` or `Aborted`, in words.
fn died(ended: &Ended, timeout: Duration) -> Option<(Outcome, String)> {
    let why = ended.failure(timeout)?;
    Some(if ended.status.is_none() {
        (Outcome::Hang, format!("hang after {} s", timeout.as_secs()))
    } else {
        (Outcome::Aborted, format!("aborted: {why}"))
    })
}

/// `unavailable: <why>` if the cell process found its runtime unable to start.
fn could_not_start(ended: &Ended, timeout: Duration) -> Option<String> {
    match ended.answer() {
        Some(Reply::Unavailable { why }) if ended.failure(timeout).is_none() => Some(format!("unavailable: {why}")),
        _ => None,
    }
}

/// A cell not run because its runtime cannot start here; `why` reads
/// `unavailable: …`.
fn unavailable_cell(runtime: &str, layer: Layer, check: &str, why: &str) -> ConformanceCell {
    let expected = match layer {
        Layer::Profile => expectation(runtime, check).ok().map(|e| e.expected),
        Layer::Contract => None,
    };
    ConformanceCell {
        runtime: runtime.into(),
        layer,
        check: check.into(),
        outcome: Outcome::Unavailable,
        observed: None,
        expected,
        detail: Some(why.to_owned()),
    }
}

fn contract_cell(runtime: &str, check: &str, ended: &Ended, timeout: Duration) -> ConformanceCell {
    let (outcome, detail) = match (died(ended, timeout), ended.answer()) {
        (Some((outcome, why)), _) => (outcome, Some(why)),
        (None, Some(Reply::Held)) => (Outcome::Ok, None),
        (None, Some(Reply::Broken { why })) => (Outcome::Broken, Some(format!("broken: {why}"))),
        (None, other) => (Outcome::Aborted, Some(format!("aborted: no verdict from the check: {other:?}"))),
    };
    let layer = Layer::Contract;
    ConformanceCell {
        runtime: runtime.into(),
        layer,
        check: check.into(),
        outcome,
        observed: None,
        expected: None,
        detail,
    }
}

fn profile_cell(runtime: &str, probe: &str, ended: &Ended, timeout: Duration) -> ConformanceCell {
    let (mut outcome, observed, mut detail) = match (died(ended, timeout), ended.answer()) {
        (Some((outcome, why)), _) => (outcome, why, None),
        (None, Some(Reply::Observed { outcome, detail })) => (Outcome::Ok, outcome.clone(), detail.clone()),
        (None, other) => (Outcome::Aborted, format!("aborted: no outcome from the probe: {other:?}"), None),
    };
    let expected = match expectation(runtime, probe) {
        Ok(e) => Some(e.expected),
        Err(why) => {
            outcome = Outcome::Changed;
            detail = Some(why);
            None
        }
    };
    if let Some(Err(changed)) = expected.as_deref().map(|e| compare(probe, runtime, e, &observed)) {
        if outcome == Outcome::Ok {
            outcome = Outcome::Changed;
        }
        detail = Some(match detail {
            Some(d) => format!("{changed} ({d})"),
            None => changed,
        });
    }
    let layer = Layer::Profile;
    ConformanceCell {
        runtime: runtime.into(),
        layer,
        check: probe.into(),
        outcome,
        observed: Some(observed),
        expected,
        detail,
    }
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
