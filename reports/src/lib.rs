//! Arena's results and the comparison report built from them.
//!
//! [`schema`] is the data every tool shares (`arena run`'s results, cell
//! records, overhead and conformance files) and [`files`] reads and writes
//! it safely, with criterion's output ([`criterion`]). [`merge`] builds a
//! [`model::Report`] from any number of those inputs, grouped by machine, and
//! [`write`] renders it three ways into one directory: `index.html` (one
//! self-contained page: [`html`], [`chart`]), `summary.md` ([`markdown`]) and
//! `results.json` (the report's own schema, [`model`]). [`terminal`] prints
//! the same tables.
//!
//! # Examples
//!
//! ```
//! use reports::files::{read_results, write_json_atomic};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("results.json");
//! std::fs::write(&path, r#"{"schema": "something-else/9"}"#).unwrap();
//! let err = read_results(&path).unwrap_err();
//! assert!(err.to_string().contains("results.json"));
//! ```
#![warn(missing_docs, missing_debug_implementations)]

pub mod agreement;
pub mod chart;
pub mod criterion;
pub mod files;
pub mod gate;
pub mod html;
pub mod legacy;
pub mod markdown;
pub mod merge;
pub mod model;
pub mod protocol;
pub mod ranks;
pub mod schema;
pub mod terminal;
pub mod text;

use std::path::{Path, PathBuf};

/// The files a report was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// `index.html`.
    pub index: PathBuf,
    /// `summary.md`.
    pub summary: PathBuf,
    /// `results.json`.
    pub results: PathBuf,
}

/// The report could not be rendered or written.
#[derive(Debug)]
pub enum WriteError {
    /// Rendering the page failed.
    Render(html::RenderError),
    /// A file could not be written.
    File(files::FileError),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Render(e) => e.fmt(f),
            WriteError::File(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for WriteError {}

/// Renders `report` and writes `index.html`, `summary.md` and `results.json`
/// into `dir`. Everything is rendered before anything is written, and each
/// file is written atomically, so a failure leaves no half-written file.
pub fn write(report: &model::Report, dir: &Path) -> Result<Written, WriteError> {
    let page = html::render_report(report).map_err(WriteError::Render)?;
    let summary = markdown::render_report(report);
    let written =
        Written { index: dir.join("index.html"), summary: dir.join("summary.md"), results: dir.join("results.json") };
    files::write_json_atomic(&written.results, report).map_err(WriteError::File)?;
    files::write_atomic(&written.summary, summary.as_bytes()).map_err(WriteError::File)?;
    files::write_atomic(&written.index, page.as_bytes()).map_err(WriteError::File)?;
    Ok(written)
}
