//! Reading and writing Arena's files: atomic JSON writes, schema-checked
//! reads, and criterion's `estimates.json`.
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::schema::{
    CELL_FILE, CELL_SCHEMA, CONFORMANCE_SCHEMA, Cell, CellRecord, Conformance, Environment, Estimate, MEMORY_SCHEMA,
    MemoryResults, OVERHEAD_SCHEMA, OverheadResults, RESULTS_SCHEMA, Results, SCALING_SCHEMA, ScalingResults,
};

/// A file could not be read or written; always names the file.
#[derive(Debug)]
pub struct FileError {
    /// The file concerned.
    pub path: PathBuf,
    /// What went wrong.
    pub problem: Problem,
}

/// What went wrong with a file.
#[derive(Debug)]
pub enum Problem {
    /// The file system refused.
    Io(io::Error),
    /// Not valid JSON, or not the expected shape.
    Json(serde_json::Error),
    /// Valid JSON of another schema.
    Schema {
        /// The schema tag expected.
        expected: &'static str,
        /// The tag found, if any.
        found: Option<String>,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        let text = match &self.problem {
            Problem::Io(e) => format!("{path}: {e}"),
            // serde quotes the offending value as it is: it may hold a newline.
            Problem::Json(e) => format!("{path}: not valid JSON of the expected shape: {e}"),
            Problem::Schema { expected, found: Some(found) } => {
                format!("{path}: schema is {found:?}, expected {expected:?}")
            }
            Problem::Schema { expected, found: None } => format!("{path}: no schema tag, expected {expected:?}"),
        };
        f.write_str(&crate::text::one_line(&text))
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            Problem::Io(e) => Some(e),
            Problem::Json(e) => Some(e),
            Problem::Schema { .. } => None,
        }
    }
}

impl FileError {
    /// The file system refused `path`.
    pub fn io(path: &Path, e: io::Error) -> Self {
        error(path, Problem::Io(e))
    }

    /// Whether the file does not exist (rather than being unreadable or wrong).
    pub fn is_not_found(&self) -> bool {
        matches!(&self.problem, Problem::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

fn error(path: &Path, problem: Problem) -> FileError {
    FileError { path: path.to_owned(), problem }
}

/// Writes `value` as pretty JSON to `path` atomically: into a temporary file
/// beside it, then renamed over it, so a reader never sees half a file.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
    let mut text = serde_json::to_vec_pretty(value).map_err(|e| error(path, Problem::Json(e)))?;
    text.push(b'\n');
    write_atomic(path, &text)
}

/// How the temporary files of [`write_atomic`] begin: one left by a killed
/// writer is never mistaken for a result, and the next writer that holds
/// the directory removes it.
pub const TEMP_PREFIX: &str = ".arena-tmp-";

/// Writes `bytes` to `path` atomically, creating its directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| error(dir, Problem::Io(e)))?;
    let mut tmp =
        tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir).map_err(|e| error(dir, Problem::Io(e)))?;
    // A temporary file is private (0600); results and reports are meant to be shared.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        tmp.as_file().set_permissions(readable).map_err(|e| error(path, Problem::Io(e)))?;
    }
    tmp.write_all(bytes).and_then(|()| tmp.as_file().sync_all()).map_err(|e| error(path, Problem::Io(e)))?;
    tmp.persist(path).map_err(|e| error(path, Problem::Io(e.error)))?;
    Ok(())
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, FileError> {
    let text = std::fs::read(path).map_err(|e| error(path, Problem::Io(e)))?;
    serde_json::from_slice(&text).map_err(|e| error(path, Problem::Json(e)))
}

/// Reads a JSON file whose `schema` field must be `expected` before the rest is parsed.
fn read_tagged<T: DeserializeOwned>(path: &Path, expected: &'static str) -> Result<T, FileError> {
    read_versioned(path, expected, &[]).map(|(value, _)| value)
}

/// Reads a JSON file whose `schema` field is `current` or one of `older`,
/// and returns it with the tag found.
fn read_versioned<T: DeserializeOwned>(
    path: &Path,
    current: &'static str,
    older: &[&'static str],
) -> Result<(T, &'static str), FileError> {
    #[derive(Deserialize)]
    struct Tag {
        schema: Option<String>,
    }
    let value: serde_json::Value = read_json(path)?;
    let tag = Tag::deserialize(&value).map_err(|e| error(path, Problem::Json(e)))?;
    let Some(found) = std::iter::once(&current).chain(older).find(|t| tag.schema.as_deref() == Some(**t)) else {
        return Err(error(path, Problem::Schema { expected: current, found: tag.schema }));
    };
    T::deserialize(value).map(|v| (v, *found)).map_err(|e| error(path, Problem::Json(e)))
}

/// Reads a results file, checking its schema; an `arena-results/1` file
/// reads with no cores on its cells (see [`crate::legacy`]).
pub fn read_results(path: &Path) -> Result<Results, FileError> {
    read_versioned(path, RESULTS_SCHEMA, &[crate::legacy::RESULTS_V1]).map(|(results, _)| results)
}

/// Reads an `arena overhead` file, checking its schema.
pub fn read_overhead(path: &Path) -> Result<OverheadResults, FileError> {
    read_tagged(path, OVERHEAD_SCHEMA)
}

/// Reads an `arena scale` file, checking its schema; an `arena-scaling/1`
/// file is converted (see [`crate::legacy`]).
pub fn read_scaling(path: &Path) -> Result<ScalingResults, FileError> {
    let value: serde_json::Value = read_json(path)?;
    if value.get("schema").and_then(|s| s.as_str()) == Some(crate::legacy::SCALING_V1) {
        return crate::legacy::scaling_v1(value).map_err(|e| error(path, Problem::Json(e)));
    }
    read_tagged(path, SCALING_SCHEMA)
}

/// Reads an `arena-memory` file, checking its schema; an `arena-memory/1`
/// file has today's shape without [`MemoryResults::cores`].
pub fn read_memory(path: &Path) -> Result<MemoryResults, FileError> {
    read_versioned(path, MEMORY_SCHEMA, &[crate::legacy::MEMORY_V1]).map(|(results, _)| results)
}

/// Reads an `arena conformance` file, checking its schema.
pub fn read_conformance(path: &Path) -> Result<Conformance, FileError> {
    read_tagged(path, CONFORMANCE_SCHEMA)
}

/// A kind of file this layer reads by its `schema` tag, declared by the
/// module that owns the kind, so that the file layer knows no feature.
pub trait Document: DeserializeOwned {
    /// The tag a file of this kind carries.
    const SCHEMA: &'static str;
}

/// Reads a file of kind `T`, checking its schema tag first.
pub fn read<T: Document>(path: &Path) -> Result<T, FileError> {
    read_tagged(path, T::SCHEMA)
}

/// Reads `arena-environment.json`, which `cargo bench` writes beside criterion's output.
pub fn read_environment(path: &Path) -> Result<Environment, FileError> {
    read_json(path)
}

/// criterion's directory for one benchmark id: `<criterion>/<workload>/<runtime>/<size>`.
pub fn bench_dir(criterion_dir: &Path, workload: &str, runtime: &str, size: u64) -> PathBuf {
    criterion_dir.join(workload).join(runtime).join(size.to_string())
}

/// Writes `cell` as `arena.json` in its benchmark directory.
pub fn write_cell(criterion_dir: &Path, cell: &Cell) -> Result<(), FileError> {
    let path = bench_dir(criterion_dir, &cell.workload, &cell.runtime, cell.size).join(CELL_FILE);
    write_json_atomic(&path, &CellRecord { schema: CELL_SCHEMA.to_owned(), cell: cell.clone() })
}

/// Reads the `arena.json` of one benchmark.
pub fn read_cell(criterion_dir: &Path, workload: &str, runtime: &str, size: u64) -> Result<Cell, FileError> {
    read_cell_file(&bench_dir(criterion_dir, workload, runtime, size).join(CELL_FILE))
}

/// Reads a cell record (`arena.json`) at `path`, checking its schema; an
/// `arena-cell/1` record reads with no cores (see [`crate::legacy`]).
pub fn read_cell_file(path: &Path) -> Result<Cell, FileError> {
    read_versioned::<CellRecord>(path, CELL_SCHEMA, &[crate::legacy::CELL_V1]).map(|(r, _)| r.cell)
}

/// The parts of criterion 0.8's `estimates.json` Arena uses.
#[derive(Deserialize)]
struct Estimates {
    mean: Statistic,
    median: Statistic,
}

#[derive(Deserialize)]
struct Statistic {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Reads criterion's latest estimate (`new/estimates.json`) for one
/// benchmark, as time per run and per item.
pub fn read_estimate(
    criterion_dir: &Path,
    workload: &str,
    runtime: &str,
    size: u64,
    items: u64,
) -> Result<Estimate, FileError> {
    read_estimate_in(&bench_dir(criterion_dir, workload, runtime, size).join("new"), items)
}

/// Reads `estimates.json` from one of criterion's measurement directories
/// (`new/`, `base/` or a named baseline), as time per run and per item.
pub fn read_estimate_in(measurement_dir: &Path, items: u64) -> Result<Estimate, FileError> {
    let path = measurement_dir.join("estimates.json");
    let e: Estimates = read_json(&path)?;
    let finite =
        [e.mean.point_estimate, e.mean.confidence_interval.lower_bound, e.mean.confidence_interval.upper_bound];
    if finite.iter().any(|v| !v.is_finite() || *v < 0.0) {
        let msg = serde::de::Error::custom("mean estimate is negative or not finite");
        return Err(error(&path, Problem::Json(msg)));
    }
    Ok(Estimate {
        mean_ns: e.mean.point_estimate,
        mean_lower_ns: e.mean.confidence_interval.lower_bound,
        mean_upper_ns: e.mean.confidence_interval.upper_bound,
        median_ns: e.median.point_estimate,
        per_item_ns: e.mean.point_estimate / items.max(1) as f64,
    })
}

/// criterion 0.8's `sample.json`: per sample, the iterations run and their total time.
#[derive(Deserialize)]
struct Samples {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// Reads `sample.json` from one of criterion's measurement directories as
/// the time of one run in each sample, nanoseconds.
pub fn read_samples_in(measurement_dir: &Path) -> Result<Vec<f64>, FileError> {
    let path = measurement_dir.join("sample.json");
    let s: Samples = read_json(&path)?;
    let bad = |why: &str| error(&path, Problem::Json(serde::de::Error::custom(why)));
    if s.iters.len() != s.times.len() || s.iters.is_empty() {
        return Err(bad("iters and times differ in length or are empty"));
    }
    s.iters
        .iter()
        .zip(&s.times)
        .map(
            |(&n, &t)| {
                if n > 0.0 && t.is_finite() && t >= 0.0 { Ok(t / n) } else { Err(bad("a sample is not positive")) }
            },
        )
        .collect()
}
