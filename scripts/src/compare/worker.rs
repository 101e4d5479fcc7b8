//! `arena gate-worker`: one cell of one build, serving `runners::gate`'s protocol.
use std::process::ExitCode;

use reports::protocol::GateAnswer;
use runners::gate::{Spec, serve};

use crate::cli::GateWorkerArgs;

pub fn worker(args: GateWorkerArgs) -> anyhow::Result<ExitCode> {
    let config = crate::cli::config(args.workers);
    let spec = Spec {
        runtime: args.runtime,
        workload: args.workload,
        size: args.size,
        meter: args.meter,
        inject: args.inject,
        config,
    };
    match serve(&spec, &mut std::io::stdin().lock(), &mut std::io::stdout().lock()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            println!("{}", GateAnswer::Error(e.to_string()));
            eprintln!("error: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
