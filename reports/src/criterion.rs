//! Reading a criterion output directory (`target/criterion`, criterion
//! 0.8.2, pinned: its layout is internal) as Arena cells.
//!
//! Arena's benchmark ids are `<workload>/<runtime>/<size>`, so criterion keeps
//! each benchmark in `<dir>/<workload>/<runtime>/<size>/`, with its
//! measurements in `new/` (or a named baseline's folder) and, when plots are
//! on, its page in `report/index.html`. Arena's harness writes the cell
//! record `arena.json` beside them, and `arena-environment.json` at the top.
//! Anything that cannot be read becomes a problem naming its file; the rest
//! is still read.
use std::path::{Path, PathBuf};

use crate::files::{FileError, read_cell_file, read_environment, read_estimate_in, read_samples_in};
use crate::model::SampleSpread;
use crate::schema::{CELL_FILE, Cell, Environment, Status};

/// What a criterion directory holds.
#[derive(Debug)]
pub struct Scanned {
    /// The machine and build, from `arena-environment.json`.
    pub environment: Option<Environment>,
    /// Every Arena benchmark found, measured or not.
    pub cells: Vec<Found>,
    /// What could not be read, naming the file.
    pub problems: Vec<String>,
}

/// One benchmark found in a criterion directory.
#[derive(Debug)]
pub struct Found {
    /// The cell, with criterion's estimate when measured.
    pub cell: Cell,
    /// The spread of criterion's samples.
    pub samples: Option<SampleSpread>,
    /// criterion's page for this benchmark, when it exists.
    pub page: Option<PathBuf>,
    /// criterion's page comparing the runtimes on this workload, when it exists.
    pub group_page: Option<PathBuf>,
}

/// File name of the environment record `cargo bench` writes at the top of criterion's directory.
pub const ENVIRONMENT_FILE: &str = "arena-environment.json";

/// Reads every Arena benchmark under `dir`, taking measurements from the
/// `baseline` folder (`new`, the latest run, when empty). Fails only when `dir` itself
/// cannot be listed.
pub fn scan(dir: &Path, baseline: &str) -> Result<Scanned, FileError> {
    let baseline = if baseline.is_empty() { "new" } else { baseline };
    let mut scanned = Scanned { environment: None, cells: Vec::new(), problems: Vec::new() };
    let env_file = dir.join(ENVIRONMENT_FILE);
    match read_environment(&env_file) {
        Ok(env) => scanned.environment = Some(env),
        Err(e) => scanned.problems.push(format!("{e} (the machine is unknown)")),
    }
    for group in subdirs(dir)? {
        let group_page = existing(group.join("report").join("index.html"));
        for function in subdirs(&group)? {
            for bench in subdirs(&function)? {
                if let Some(found) = read_bench(&bench, baseline, &group_page, &mut scanned.problems) {
                    scanned.cells.push(found);
                }
            }
        }
    }
    scanned.cells.sort_by(|a, b| {
        (&a.cell.workload, &a.cell.runtime, a.cell.size).cmp(&(&b.cell.workload, &b.cell.runtime, b.cell.size))
    });
    Ok(scanned)
}

/// The criterion directories under `dir`: its `cores-<N>` subdirectories
/// (`cargo bench` writes one per core count), else `dir` itself.
pub fn per_core_count(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let n = name.to_str()?.strip_prefix("cores-")?.parse().ok()?;
            e.path().is_dir().then(|| (n, e.path()))
        })
        .collect();
    found.sort();
    if found.is_empty() { vec![dir.to_owned()] } else { found.into_iter().map(|(_, p)| p).collect() }
}

/// Subdirectories of `dir`, sorted, without criterion's `report` folders.
fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, FileError> {
    let entries = std::fs::read_dir(dir).map_err(|e| FileError::io(dir, e))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.file_name() != "report")
        .map(|e| e.path())
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn existing(path: PathBuf) -> Option<PathBuf> {
    path.is_file().then_some(path)
}

fn read_bench(bench: &Path, baseline: &str, group_page: &Option<PathBuf>, problems: &mut Vec<String>) -> Option<Found> {
    let record = bench.join(CELL_FILE);
    let measured_dir = bench.join(baseline);
    if !record.exists() {
        if measured_dir.is_dir() {
            problems.push(format!("{}: no {CELL_FILE}: not a benchmark of Arena's harness; left out", bench.display()));
        }
        return None;
    }
    let mut cell = match read_cell_file(&record) {
        Ok(cell) => cell,
        Err(e) => {
            problems.push(e.to_string());
            return None;
        }
    };
    let names = [&cell.workload, &cell.runtime, &cell.size.to_string()].map(|s| s.to_string());
    let dirs: Vec<String> = bench.iter().rev().take(3).map(|s| s.to_string_lossy().into_owned()).collect();
    if dirs.iter().rev().ne(names.iter()) {
        problems.push(format!(
            "{}: names {} but lies in another benchmark's folder; left out",
            record.display(),
            cell.id()
        ));
        return None;
    }
    let mut samples = None;
    if cell.status == Status::Measured {
        // No estimate at all: registered but never measured (criterion's
        // filter or `--test` mode); the report shows the gap. A damaged one
        // is a problem too.
        match read_estimate_in(&measured_dir, cell.items) {
            Ok(estimate) => cell.estimate = Some(estimate),
            Err(e) if e.is_not_found() => return Some(Found { cell, samples, page: None, group_page: None }),
            Err(e) => {
                problems.push(format!("{e} ({} shown as not measured)", cell.id()));
                return Some(Found { cell, samples, page: None, group_page: None });
            }
        }
        match read_samples_in(&measured_dir) {
            Ok(times) => {
                let min = times.iter().copied().fold(f64::INFINITY, f64::min);
                let max = times.iter().copied().fold(0.0, f64::max);
                samples = Some(SampleSpread { count: times.len(), min_ns: min, max_ns: max });
            }
            Err(e) => problems.push(format!("{e} (sample spread of {} left out)", cell.id())),
        }
    }
    let page = existing(bench.join("report").join("index.html"));
    Some(Found { cell, samples, page, group_page: group_page.clone() })
}
