//! `arena report`: the comparison report from whatever results exist, and
//! the report `arena run` writes at its end; `arena agreement`: how far two
//! runs of the same matrices agree.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use reports::merge::{Inputs, build};
use reports::model::WorkloadNote;

use crate::Usage;
use crate::cli::{AgreementArgs, ReportArgs};
use scripts::lock::lock_dir;

/// Inputs `arena report` reads when none is named.
const DEFAULTS: [&str; 6] = [
    "target/arena/results.json",
    "target/criterion",
    "target/arena/overhead.json",
    "target/arena/conformance.json",
    "target/arena/memory.json",
    "target/arena/scaling.json",
];

/// `--tie-within PCT` as a share, checked: a percentage from 0 up.
pub fn tie_within(pct: Option<f64>) -> anyhow::Result<Option<f64>> {
    match pct {
        Some(p) if !(p.is_finite() && p >= 0.0) => {
            Err(Usage(format!("--tie-within: {p} is not a percentage of 0 or more")).into())
        }
        Some(p) => Ok(Some(p / 100.0)),
        None => Ok(None),
    }
}

pub fn report(mut args: ReportArgs) -> anyhow::Result<ExitCode> {
    let tie = tie_within(args.tie_within)?;
    let b = &args.baseline;
    if b.is_empty() || b.contains(['/', '\\']) || b == "." || b == ".." {
        return Err(Usage(format!("--baseline: '{b}' is not a criterion baseline name (e.g. new, base, main)")).into());
    }
    let named = !(args.results.is_empty()
        && args.criterion.is_empty()
        && args.overhead.is_empty()
        && args.conformance.is_empty()
        && args.memory.is_empty()
        && args.scaling.is_empty());
    if !named {
        // The defaults that exist; when none does, name them all in the error.
        let [results, criterion, overhead, conformance, memory, scaling] = DEFAULTS.map(PathBuf::from);
        let any = [&results, &criterion, &overhead, &conformance, &memory, &scaling].iter().any(|p| p.exists());
        let keep = |p: PathBuf| if p.exists() || !any { vec![p] } else { Vec::new() };
        args.results = keep(results);
        args.criterion = keep(criterion);
        args.overhead = keep(overhead);
        args.conformance = keep(conformance);
        args.memory = keep(memory);
        args.scaling = keep(scaling);
    }
    let inputs = Inputs {
        results: args.results,
        criterion: args.criterion,
        baseline: args.baseline,
        overhead: args.overhead,
        conformance: args.conformance,
        memory: args.memory,
        scaling: args.scaling,
        tie_within: tie,
        ..inputs(&args.out)
    };
    let report = build(&inputs)?;
    let _lock = lock_dir("--out", &args.out)?;
    publish(&report, &args.out, !args.quiet)?;
    Ok(ExitCode::SUCCESS)
}

/// `arena agreement A B`: how far two runs of the same matrices agree.
pub fn agreement(args: AgreementArgs) -> anyhow::Result<ExitCode> {
    let within = tie_within(args.tie_within)?.unwrap_or(reports::ranks::TIE_WITHIN);
    // A file that cannot be read is the user's input: exit 2, naming it.
    let read = |path: &Path| reports::files::read_results(path).map_err(|e| Usage(e.to_string()));
    let (first, second) = (read(&args.first)?, read(&args.second)?);
    for line in reports::agreement::compare(&first, &second, within, args.moves).lines() {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Inputs with the registry's workloads and runtimes, to be filled in.
pub fn inputs(out: &Path) -> Inputs {
    let workloads = runners::catalog::workloads()
        .into_iter()
        .map(|w| WorkloadNote {
            name: w.name.to_owned(),
            family: w.family.to_owned(),
            summary: match w.twin_of {
                Some(of) => format!(
                    "native twin of {of}: the same work against the runtime's own API, no adapter. Measured apart \
                     from {of}, too far apart to compare at 1 %: `arena overhead` measures it in paired rounds"
                ),
                None => w.summary.to_owned(),
            },
        })
        .collect();
    Inputs {
        baseline: "new".to_owned(),
        workloads,
        runtimes: runners::catalog::runtimes().iter().map(|r| r.id.to_owned()).collect(),
        out_dir: out.to_owned(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        generated: runners::info::now(),
        ..Inputs::default()
    }
}

/// Builds and writes the report, printing its problems (and, if asked, its
/// tables) and where it went.
pub fn write(inputs: &Inputs, out: &Path, tables: bool) -> anyhow::Result<()> {
    publish(&build(inputs)?, out, tables)
}

/// Prints a built report's tables (or only its problems) and writes it into `out`.
fn publish(report: &reports::model::Report, out: &Path, tables: bool) -> anyhow::Result<()> {
    if tables {
        print!("{}", reports::terminal::render_report(report));
    } else {
        for p in &report.problems {
            eprintln!("warning: {p}");
        }
    }
    let written = reports::write(report, out)?;
    println!("report: {}", written.index.display());
    Ok(())
}
