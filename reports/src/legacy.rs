//! Files of earlier schema versions, read into today's types.
//!
//! Before cores were held equal (`arena-results/1`, `arena-cell/1`,
//! `arena-scaling/1`, `arena-memory/1`), a matrix ran multi-threaded
//! runtimes on the run's workers and single-threaded ones on one thread, in
//! a process free to use every core. Those cells read with [`Cell::cores`]
//! `None` and the run's worker count in [`Settings::legacy_workers`]; the
//! report shows them, in a matrix of their own, and never ranks them. A
//! results, cell or memory file of version 1 has today's shape otherwise,
//! so only its tag is accepted (`crate::files`); a version-1 scaling file is
//! converted here.
//!
//! [`Cell::cores`]: crate::schema::Cell::cores
//! [`Settings::legacy_workers`]: crate::schema::Settings::legacy_workers
use serde::Deserialize;

use crate::schema::{Cell, Environment, SCALING_SCHEMA, ScalingResults, Settings};

/// The results schema before cells carried their cores.
pub const RESULTS_V1: &str = "arena-results/1";
/// The cell schema before cells carried their cores.
pub const CELL_V1: &str = "arena-cell/1";
/// The memory schema before a run recorded its cores (read as today's with
/// `cores` `None`).
pub const MEMORY_V1: &str = "arena-memory/1";
/// The worker sweep's schema before cells carried their cores.
pub const SCALING_V1: &str = "arena-scaling/1";

/// `arena-scaling/1`: points of a cell and the worker count it ran with.
#[derive(Deserialize)]
struct ScalingV1 {
    environment: Environment,
    settings: Settings,
    workers: Vec<u64>,
    points: Vec<PointV1>,
}

#[derive(Deserialize)]
struct PointV1 {
    workers: u64,
    #[serde(flatten)]
    cell: Cell,
}

/// An `arena-scaling/1` file as today's [`ScalingResults`]: each point's
/// worker count becomes its cell's cores (the sweep ran only runtimes that
/// use their workers: multi-threaded ones, and thread-per-core ones with a
/// shard per worker), with no confinement recorded.
pub fn scaling_v1(value: serde_json::Value) -> Result<ScalingResults, serde_json::Error> {
    let v1 = ScalingV1::deserialize(value)?;
    let cells = v1.points.into_iter().map(|p| Cell { cores: Some(p.workers), ..p.cell }).collect();
    let settings = Settings { cores: v1.workers, legacy_workers: None, ..v1.settings };
    Ok(ScalingResults { schema: SCALING_SCHEMA.to_owned(), environment: v1.environment, settings, cells })
}
