//! `arena`: list the runtimes and workloads, and run a quick matrix of them
//! through criterion into a table and a JSON results file.
//!
//! `arena run` runs each runtime × workload pair in a child process of its
//! own (`arena cell`, hidden), under a watchdog: a runtime that panics, gives
//! a wrong answer or hangs becomes a failed cell, not a failed run.
//!
//! Exit codes: 0 every selected cell measured or skipped for a declared
//! reason; 1 some cell failed (for `overhead`: some adapter costs more than
//! the tolerance; for `conformance`: some check not ok); 2 bad usage or
//! input; 3 (`overhead`) too noisy to tell.
mod cell;
mod child;
mod cli;
mod compare;
mod conformance;
mod overhead;
mod report;
mod run;
mod table;

use std::process::ExitCode;

use clap::Parser;

/// An error that is the user's input, not the run: exit code 2.
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) if e.use_stderr() => {
            // clap's own message, first line only, with the hint on the same line.
            let msg = e.to_string();
            eprintln!("{} (try: arena --help)", msg.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match try_main(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            let usage =
                e.is::<Usage>() || e.is::<runners::harness::UnknownName>() || e.is::<reports::merge::NothingToReport>();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn try_main(args: cli::Cli) -> anyhow::Result<ExitCode> {
    match args.command {
        cli::Command::List => {
            table::print_list();
            Ok(ExitCode::SUCCESS)
        }
        cli::Command::Run(run) => run::run(run),
        cli::Command::Overhead(args) => overhead::overhead(args),
        cli::Command::Cell(cell) => cell::cell(cell).map(|()| ExitCode::SUCCESS),
        cli::Command::Conformance(args) => conformance::conformance(args),
        cli::Command::ConformanceCell(args) => conformance::cell(args),
        cli::Command::Report(args) => report::report(args),
        cli::Command::Compare(args) => compare::compare(*args),
        cli::Command::GateWorker(args) => compare::worker(args),
        cli::Command::GateSelftest(args) => compare::selftest(args),
    }
}
