//! `arena conformance`: the contract on every runtime, each runtime × check
//! in a child process of its own under a watchdog, so a runtime that
//! deadlocks or kills its process becomes a cell of the matrix.
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use indicatif::{ProgressBar, ProgressStyle};
use reports::files::write_json_atomic;
use reports::schema::{CONFORMANCE_SCHEMA, Conformance, ConformanceCell, Outcome};
use runners::conformance::{checks, runtime_ids};
use runners::harness::UnknownName;

use crate::Usage;
use crate::child::run_watched;
use crate::cli::{ConformanceArgs, ConformanceCellArgs};

/// What a cell process prints last: `ok`, or `broken: <why>`.
const OK: &str = "ok";
const BROKEN: &str = "broken: ";
/// What a probe's cell process prints: its detail, then its outcome last.
const DETAIL: &str = "detail: ";
const OBSERVED: &str = "observed: ";

fn pick(flag: &str, wanted: &[String], valid: Vec<&'static str>) -> Result<Vec<&'static str>, UnknownName> {
    if let Some(name) = wanted.iter().find(|w| !valid.contains(&w.as_str())) {
        return Err(UnknownName { flag: flag.to_owned(), name: name.clone(), valid });
    }
    Ok(valid.into_iter().filter(|v| wanted.is_empty() || wanted.iter().any(|w| w == v)).collect())
}

pub fn conformance(args: ConformanceArgs) -> anyhow::Result<ExitCode> {
    let runtimes = pick("--runtime", &args.runtimes, runtime_ids())?;
    let all_checks = checks();
    let check_names = pick("--check", &args.checks, all_checks.iter().map(|c| c.name).collect())?;
    crate::cli::config(args.workers)?;
    let exe = std::env::current_exe().context("cannot find the arena executable")?;
    let timeout = Duration::from_secs(args.timeout_s.max(1));
    let bar = ProgressBar::new((runtimes.len() * check_names.len()) as u64);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]").expect("valid template"));
    let mut cells = Vec::new();
    for &runtime in &runtimes {
        for &check in &check_names {
            bar.set_message(format!("{check} on {runtime}"));
            let mut cmd = Command::new(&exe);
            cmd.args(["conformance-cell", "--runtime", runtime, "--check", check]);
            if let Some(w) = args.workers {
                cmd.args(["--workers", &w.to_string()]);
            }
            let ended = run_watched(cmd, timeout)?;
            let (outcome, detail) = match (ended.failure(timeout), ended.stdout.lines().last()) {
                (None, Some(OK)) => (Outcome::Ok, None),
                (None, Some(line)) if line.starts_with(BROKEN) => (Outcome::Broken, Some(line.to_owned())),
                (None, other) => (Outcome::Aborted, Some(format!("aborted: no verdict from the check: {other:?}"))),
                (Some(_), _) if ended.status.is_none() => {
                    (Outcome::Hang, Some(format!("hang after {} s", timeout.as_secs())))
                }
                (Some(why), _) => (Outcome::Aborted, Some(format!("aborted: {why}"))),
            };
            if let Some(detail) = &detail {
                bar.println(format!("{check} on {runtime}: {detail}"));
            }
            cells.push(ConformanceCell { runtime: runtime.to_owned(), check: check.to_owned(), outcome, detail });
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let result =
        Conformance { schema: CONFORMANCE_SCHEMA.to_owned(), environment: runners::info::environment(&command), cells };
    write_json_atomic(&args.out, &result)?;
    print_matrix(&result, &runtimes, &check_names, args.markdown);
    println!("results: {}", args.out.display());
    let all_ok = result.cells.iter().all(|c| c.outcome == Outcome::Ok);
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// One check or probe on one runtime, in this process: prints `ok` or
/// `broken: …` for a check, `observed: <outcome>` (then `detail: …`) for a probe.
pub fn cell(args: ConformanceCellArgs) -> anyhow::Result<ExitCode> {
    let config = crate::cli::config(args.workers)?;
    if let Some(probe) = &args.probe {
        let seen = runners::conformance::observe(&args.runtime, probe)
            .ok_or_else(|| Usage(format!("no probe '{probe}' on runtime '{}'", args.runtime)))?;
        if let Some(detail) = &seen.detail {
            println!("{DETAIL}{}", detail.replace('\n', " "));
        }
        println!("{OBSERVED}{}", seen.outcome.replace('\n', " "));
        return Ok(ExitCode::SUCCESS);
    }
    let check = args.check.as_deref().unwrap_or_default();
    match runners::conformance::run(&args.runtime, check, &config) {
        None => Err(Usage(format!("no check '{check}' on runtime '{}'", args.runtime)).into()),
        Some(Ok(())) => {
            println!("{OK}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Err(why)) => {
            println!("{BROKEN}{}", why.replace('\n', " "));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn short(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Broken => "BROKEN",
        Outcome::Hang => "hang",
        Outcome::Aborted => "aborted",
    }
}

fn print_matrix(result: &Conformance, runtimes: &[&str], checks: &[&str], markdown: bool) {
    let find = |r: &str, c: &str| result.cells.iter().find(|x| x.runtime == r && x.check == c);
    let header: Vec<String> =
        std::iter::once("check".to_owned()).chain(runtimes.iter().map(|r| r.to_string())).collect();
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            let cells = runtimes.iter().map(|r| find(r, c).map_or("-", |x| short(x.outcome)).to_owned());
            std::iter::once(c.to_string()).chain(cells).collect()
        })
        .collect();
    if markdown {
        println!("| {} |", header.join(" | "));
        println!("|{}", "---|".repeat(header.len()));
        for row in rows {
            println!("| {} |", row.join(" | "));
        }
    } else {
        let mut t = comfy_table::Table::new();
        t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
        for row in rows {
            t.add_row(row);
        }
        println!("{t}");
    }
    for c in result.cells.iter().filter(|c| c.outcome != Outcome::Ok) {
        println!("- {} on {}: {}", c.check, c.runtime, c.detail.as_deref().unwrap_or(short(c.outcome)));
    }
}
