//! `arena`: list the runtimes and workloads, and run a quick matrix of them
//! through criterion into a table and a JSON results file.
//!
//! `arena run` runs each runtime × workload pair in a child process of its
//! own (`arena child`, hidden), under a watchdog: a runtime that panics, gives
//! a wrong answer or hangs becomes a failed cell, not a failed run.
//!
//! Exit codes: 0 every selected cell measured or skipped for a declared
//! reason; 1 some cell failed (for `overhead`: some adapter costs more than
//! the tolerance; for `conformance`: some check not ok); 2 bad usage or
//! input; 3 (`overhead`) too noisy to tell.
mod cell;
mod cli;
mod compare;
mod conformance;
mod overhead;
mod progress;
mod report;
mod run;
mod scale;
mod table;

use std::process::ExitCode;

use reports::protocol::{Reply, Request};
use scripts::entry::{self, Exit, Usage};

fn main() -> ExitCode {
    entry::main::<cli::Cli>("arena", try_main)
}

fn try_main(args: cli::Cli) -> anyhow::Result<ExitCode> {
    match args.command {
        cli::Command::List(args) => {
            if args.json {
                table::print_list_json()?;
            } else {
                table::print_list();
            }
            Ok(ExitCode::SUCCESS)
        }
        cli::Command::Run(run) => run::run(run),
        cli::Command::Scale(args) => scale::scale(args),
        cli::Command::Overhead(args) => overhead::overhead(args),
        cli::Command::Conformance(args) => conformance::conformance(args),
        cli::Command::Child => scripts::child::serve(child).map(|()| ExitCode::SUCCESS),
        cli::Command::Report(args) => report::report(args),
        cli::Command::Agreement(args) => report::agreement(args),
        cli::Command::Compare(args) => compare::compare(*args),
        cli::Command::GateWorker(args) => compare::worker(args),
        cli::Command::GateSelftest(args) => compare::selftest(args),
    }
}

/// What this process answers as a child of another `arena`.
fn child(request: Request) -> anyhow::Result<Reply> {
    match request {
        Request::Cell { .. } => cell::cell(request),
        Request::Check { .. } | Request::Probe { .. } => Ok(conformance::cell(request)),
        Request::Storm { .. } => {
            Ok(Reply::Refused { why: "spawn storms are arena-memory's (arena-memory --child)".into() })
        }
    }
}
