//! A small world of input files for the report tests, with known numbers.
//!
//! Machine `host-a`: an `arena run` results file (ping_pong at 1000 on three
//! runtimes, timer_wheel at 100 with lateness and a failure), a criterion
//! directory from `cargo bench` (a spawn_join sweep whose time per item
//! quadruples at the largest size on rt-one, a cell criterion never measured,
//! a damaged estimate, a foreign benchmark), an overhead file, a
//! conformance file with one changed probe and a memory file (one cell
//! capped, one keeping memory, one runtime's storm capped). Machine `host-b`: ping_pong again,
//! slower. Machine `host-c`: ping_pong on one core and on two. Machine
//! `host-old`: an `arena-results/1` file. And a truncated file and one of a
//! foreign schema. Cells are on two cores unless said otherwise.
#![allow(dead_code)]
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use reports::files::write_json_atomic;
use reports::merge::Inputs;
use reports::model::WorkloadNote;
use reports::schema::*;

pub fn environment(host: &str, date: &str) -> Environment {
    Environment {
        host: Some(host.to_owned()),
        cpu: "Test CPU 3000".into(),
        cores: 2,
        kernel: "6.1.0-test".into(),
        rustc: "rustc 1.95.0".into(),
        profile: Profile { name: "release".into(), opt_level: "3".into(), debug_assertions: false },
        crates: BTreeMap::from([("tokio".to_owned(), "1.54.1".to_owned())]),
        date: date.into(),
        command: "arena run".into(),
        git: None,
    }
}

/// A cell on two cores; `per_item` in ns gives a measured estimate with a
/// ±5 % interval, and a CPU time of 1.5 times it (±5 %).
pub fn cell(workload: &str, runtime: &str, size: u64, per_item: Option<f64>, status: Status) -> Cell {
    on_cores(2, workload, runtime, size, per_item, status)
}

/// A cell on `cores` cores, as [`cell`].
pub fn on_cores(cores: u64, workload: &str, runtime: &str, size: u64, per_item: Option<f64>, status: Status) -> Cell {
    let cpu = per_item.map(|p| CpuTime { per_item_ns: 1.5 * p, lower_ns: 1.425 * p, upper_ns: 1.575 * p, samples: 10 });
    let estimate = per_item.map(|p| {
        let mean = p * size as f64;
        Estimate {
            mean_ns: mean,
            mean_lower_ns: mean * 0.95,
            mean_upper_ns: mean * 1.05,
            median_ns: mean * 0.99,
            per_item_ns: p,
        }
    });
    let family = if workload.starts_with("timer") { "timers" } else { "channels" };
    Cell {
        workload: workload.into(),
        family: family.into(),
        runtime: runtime.into(),
        size,
        items: size,
        unit: "items".into(),
        status,
        cores: Some(cores),
        cpus: Some((0..cores).collect()),
        shards: 1,
        estimate,
        cpu,
        latency: None,
        files: None,
    }
}

fn results(host: &str, date: &str, cells: Vec<Cell>) -> Results {
    Results {
        schema: RESULTS_SCHEMA.into(),
        environment: environment(host, date),
        settings: Settings {
            cores: vec![1, 2],
            legacy_workers: None,
            warm_up_ms: 100,
            measurement_ms: 300,
            sample_size: 10,
        },
        cells,
    }
}

fn json(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// criterion's `estimates.json` and `sample.json` for a mean of `per_item × items` ns.
fn criterion_measurement(dir: &Path, per_item: f64, items: u64) {
    let mean = per_item * items as f64;
    let stat = |v: f64| {
        format!(
            r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}},"point_estimate":{v},"standard_error":1.0}}"#,
            v * 0.95,
            v * 1.05
        )
    };
    let estimates = format!(
        r#"{{"mean":{},"median":{},"median_abs_dev":{},"slope":null,"std_dev":{}}}"#,
        stat(mean),
        stat(mean),
        stat(1.0),
        stat(1.0)
    );
    json(&dir.join("estimates.json"), &estimates);
    // Three samples of 1, 2 and 3 iterations: one run took 0.9, 1.0 and 1.1 × the mean.
    let sample = format!(
        r#"{{"sampling_mode":"Linear","iters":[1.0,2.0,3.0],"times":[{},{},{}]}}"#,
        mean * 0.9,
        mean * 2.0,
        mean * 3.3
    );
    json(&dir.join("sample.json"), &sample);
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub results_a: PathBuf,
    pub results_b: PathBuf,
    pub results_c: PathBuf,
    pub results_old: PathBuf,
    pub criterion: PathBuf,
    pub overhead: PathBuf,
    pub conformance: PathBuf,
    pub memory: PathBuf,
    pub scaling: PathBuf,
    pub truncated: PathBuf,
    pub foreign: PathBuf,
    pub out: PathBuf,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let f = Fixture {
        results_a: p("a/results.json"),
        results_b: p("b/results.json"),
        results_c: p("c/results.json"),
        results_old: p("old/results.json"),
        criterion: p("a/criterion"),
        overhead: p("a/overhead.json"),
        conformance: p("a/conformance.json"),
        memory: p("a/memory.json"),
        scaling: p("a/scaling.json"),
        truncated: p("truncated.json"),
        foreign: p("foreign.json"),
        out: p("report"),
        dir,
    };

    let mut timer = cell("timer_wheel", "rt-one", 100, Some(10_000.0), Status::Measured);
    timer.family = "timers".into();
    timer.latency = Some(Latency {
        what: "timer lateness: how long after its deadline a timer fired".into(),
        samples: 300,
        p50_ns: 1_000,
        p90_ns: 2_000,
        p99_ns: 5_000,
        p999_ns: 9_000,
        max_ns: 12_000,
    });
    let a = results(
        "host-a",
        "2026-11-20T10:00:00Z",
        vec![
            cell("ping_pong", "rt-one", 1000, Some(200.0), Status::Measured),
            cell("ping_pong", "rt-two", 1000, Some(500.0), Status::Measured),
            cell("ping_pong", "rt-three", 1000, None, Status::Skipped("n/a: no outside spawns".into())),
            timer,
            cell("timer_wheel", "rt-two", 100, None, Status::Failed("hang after 120 s".into())),
        ],
    );
    write_json_atomic(&f.results_a, &a).unwrap();
    // File cells: rt-one through a file API of its own, rt-two through a stand-in.
    let file_cell = |runtime: &str, api: &str, own: bool| {
        let mut c = cell("fs_read_small", runtime, 16, Some(5_000.0), Status::Measured);
        c.family = "fs".into();
        c.files = Some(FileApi { api: api.into(), own });
        c
    };
    let b = results(
        "host-b",
        "2026-11-21T10:00:00Z",
        vec![
            cell("ping_pong", "rt-one", 1000, Some(300.0), Status::Measured),
            cell("ping_pong", "rt-two", 1000, Some(330.0), Status::Measured),
            file_cell("rt-one", "rt-one::fs on io_uring", true),
            file_cell("rt-two", "no file API of its own: std::fs, a new thread per call", false),
        ],
    );
    write_json_atomic(&f.results_b, &b).unwrap();

    // cargo bench on host-a: the environment file, then the benchmarks.
    let crit = &f.criterion;
    let mut env = environment("host-a", "2026-11-20T11:00:00Z");
    env.command = "cargo bench".into();
    write_json_atomic(&crit.join("arena-environment.json"), &env).unwrap();
    let bench = |runtime: &str, size: u64, per_item: Option<f64>| {
        let d = crit.join("spawn_join").join(runtime).join(size.to_string());
        let record =
            CellRecord { schema: CELL_SCHEMA.into(), cell: cell("spawn_join", runtime, size, None, Status::Measured) };
        write_json_atomic(&d.join(CELL_FILE), &record).unwrap();
        if let Some(p) = per_item {
            criterion_measurement(&d.join("new"), p, size);
        }
        d
    };
    let first = bench("rt-one", 100, Some(100.0));
    json(&first.join("report/index.html"), "<html>criterion</html>");
    json(&crit.join("spawn_join/report/index.html"), "<html>criterion group</html>");
    bench("rt-one", 1000, Some(100.0));
    bench("rt-one", 10000, Some(400.0));
    bench("rt-two", 100, Some(150.0));
    bench("rt-two", 1000, Some(150.0));
    // Registered, never measured (a criterion filter): no estimates.
    bench("rt-two", 10000, None);
    // A damaged estimate.
    let damaged = bench("rt-three", 100, None);
    json(&damaged.join("new/estimates.json"), r#"{"mean": {"point_est"#);
    // Not one of Arena's benchmarks.
    json(&crit.join("other/f/1/new/estimates.json"), "{}");

    let overhead = OverheadResults {
        schema: OVERHEAD_SCHEMA.into(),
        environment: environment("host-a", "2026-11-20T12:00:00Z"),
        tolerance_pct: 1.0,
        budget_s: 3.0,
        pairs: vec![
            OverheadPair {
                runtime: "rt-one".into(),
                workload: "spawn_join".into(),
                size: 10000,
                rounds: 101,
                median_ratio: 0.998,
                interval: [0.995, 1.001],
                verdict: "within".into(),
            },
            OverheadPair {
                runtime: "rt-two".into(),
                workload: "ping_pong".into(),
                size: 10000,
                rounds: 101,
                median_ratio: 0.8,
                interval: [0.78, 0.82],
                verdict: "over".into(),
            },
        ],
    };
    write_json_atomic(&f.overhead, &overhead).unwrap();

    let conf =
        |runtime: &str, layer, check: &str, outcome, observed: Option<&str>, expected: Option<&str>| ConformanceCell {
            runtime: runtime.into(),
            layer,
            check: check.into(),
            outcome,
            observed: observed.map(Into::into),
            expected: expected.map(Into::into),
            detail: None,
        };
    let conformance = Conformance {
        schema: CONFORMANCE_SCHEMA.into(),
        environment: environment("host-a", "2026-11-20T13:00:00Z"),
        cells: vec![
            conf("rt-one", Layer::Contract, "join_returns_value", Outcome::Ok, None, None),
            conf("rt-two", Layer::Contract, "join_returns_value", Outcome::Ok, None, None),
            conf("rt-one", Layer::Profile, "yield_order", Outcome::Ok, Some("ABABAB"), Some("ABABAB")),
            conf("rt-two", Layer::Profile, "yield_order", Outcome::Changed, Some("AAABBB"), Some("ABABAB")),
        ],
    };
    write_json_atomic(&f.conformance, &conformance).unwrap();

    let mem =
        |runtime: &str, workload: &str, unit: &str, per: Option<(f64, f64, f64)>, note: Option<&str>| MemoryCell {
            workload: workload.into(),
            runtime: runtime.into(),
            unit: unit.into(),
            sizes: if per.is_some() { [1000, 10000] } else { [0, 0] },
            allocations_per_item: per.map(|p| p.0),
            bytes_per_item: per.map(|p| p.1),
            retained_per_item: per.map(|p| p.2),
            note: note.map(String::from),
        };
    let memory = MemoryResults {
        schema: MEMORY_SCHEMA.into(),
        environment: environment("host-a", "2026-11-20T13:00:00Z"),
        cores: Some(2),
        cells: vec![
            mem("rt-one", "spawn_join", "tasks", Some((1.0, 136.0, 0.0)), None),
            mem("rt-two", "spawn_join", "tasks", Some((2.5, 2048.0, 64.0)), None),
            mem("rt-three", "spawn_join", "tasks", None, Some("capped: needs 10000 live tasks, rt-three allows 100")),
            mem("rt-one", "ping_pong", "round trips", Some((2.0, 48.0, 0.0)), None),
            mem("rt-two", "ping_pong", "round trips", Some((2.0, 48.0, 0.0)), None),
        ],
        storm: vec![
            StormCell {
                runtime: "rt-one".into(),
                tasks: 1_000_000,
                before_bytes: Some(8 << 20),
                peak_bytes: Some((8 << 20) + 339_000_000),
                note: None,
            },
            StormCell {
                runtime: "rt-three".into(),
                tasks: 1_000_000,
                before_bytes: None,
                peak_bytes: None,
                note: Some("capped: needs 1000000 live tasks, rt-three allows 100".into()),
            },
        ],
    };
    write_json_atomic(&f.memory, &memory).unwrap();

    // ping_pong on rt-two: 2 cores twice as slow per item (flagged); on
    // rt-one: faster with two; spawn_join on rt-two: failed on 2 cores.
    let point = |cores: u64, workload: &str, runtime: &str, mean_ns: Option<f64>, status: Status| {
        on_cores(cores, workload, runtime, 1000, mean_ns.map(|m| m / 1000.0), status)
    };
    let scaling = ScalingResults {
        schema: SCALING_SCHEMA.into(),
        environment: environment("host-a", "2026-11-20T14:00:00Z"),
        settings: Settings {
            cores: vec![1, 2],
            legacy_workers: None,
            warm_up_ms: 10,
            measurement_ms: 50,
            sample_size: 10,
        },
        cells: vec![
            point(1, "ping_pong", "rt-one", Some(400_000.0), Status::Measured),
            point(1, "ping_pong", "rt-two", Some(300_000.0), Status::Measured),
            point(1, "spawn_join", "rt-two", Some(100_000.0), Status::Measured),
            point(2, "ping_pong", "rt-one", Some(200_000.0), Status::Measured),
            point(2, "ping_pong", "rt-two", Some(600_000.0), Status::Measured),
            point(2, "spawn_join", "rt-two", None, Status::Failed("hang after 120 s".into())),
        ],
    };
    write_json_atomic(&f.scaling, &scaling).unwrap();

    // host-c: ping_pong on one core (rt-two within 4 % of rt-one: tied) and
    // on two (rt-two five times faster than rt-one there, and faster than
    // anything on one core: never compared with it).
    let c = results(
        "host-c",
        "2026-11-21T12:00:00Z",
        vec![
            on_cores(1, "ping_pong", "rt-one", 1000, Some(100.0), Status::Measured),
            on_cores(1, "ping_pong", "rt-two", 1000, Some(104.0), Status::Measured),
            on_cores(2, "ping_pong", "rt-one", 1000, Some(300.0), Status::Measured),
            on_cores(2, "ping_pong", "rt-two", 1000, Some(60.0), Status::Measured),
        ],
    );
    write_json_atomic(&f.results_c, &c).unwrap();

    // host-old: an arena-results/1 file, from before cores were held equal.
    let mut old = serde_json::to_value(results(
        "host-old",
        "2026-10-01T10:00:00Z",
        vec![
            cell("ping_pong", "rt-one", 1000, Some(200.0), Status::Measured),
            cell("ping_pong", "rt-two", 1000, Some(100.0), Status::Measured),
        ],
    ))
    .unwrap();
    old["schema"] = "arena-results/1".into();
    old["settings"] = serde_json::json!({"workers": 2, "warm_up_ms": 100, "measurement_ms": 300, "sample_size": 10});
    for c in old["cells"].as_array_mut().unwrap() {
        for key in ["cores", "cpus", "shards", "cpu"] {
            c.as_object_mut().unwrap().remove(key);
        }
    }
    json(&f.results_old, &old.to_string());

    json(&f.truncated, r#"{"schema": "arena-results/1", "environment": {"cpu": "#);
    json(&f.foreign, r#"{"schema": "someone-elses/3", "cells": []}"#);
    f
}

impl Fixture {
    /// Inputs naming every fixture file, the broken ones included.
    pub fn inputs(&self) -> Inputs {
        Inputs {
            results: vec![
                self.results_a.clone(),
                self.results_b.clone(),
                self.results_c.clone(),
                self.results_old.clone(),
                self.truncated.clone(),
                self.foreign.clone(),
            ],
            criterion: vec![self.criterion.clone()],
            baseline: "new".into(),
            overhead: vec![self.overhead.clone()],
            conformance: vec![self.conformance.clone()],
            memory: vec![self.memory.clone()],
            scaling: vec![self.scaling.clone()],
            workloads: ["ping_pong", "spawn_join", "timer_wheel"]
                .map(|n| WorkloadNote { name: n.into(), family: "f".into(), summary: format!("what {n} does") })
                .into(),
            runtimes: ["rt-one", "rt-two", "rt-three"].map(String::from).into(),
            out_dir: self.out.clone(),
            command: "arena report (test)".into(),
            tie_within: None,
            generated: "2026-11-22T00:00:00Z".into(),
        }
    }
}
