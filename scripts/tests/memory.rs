//! `arena-memory` as a user runs it: bad names are one-line errors with exit
//! 2 and no file; a run writes the memory file (cells and storm) that `arena
//! report` then shows.
use std::process::{Command, Output};

use reports::files::read_memory;
use reports::schema::MEMORY_SCHEMA;

mod common;
use common::{assert_refused, stderr};

fn memory(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arena-memory")).args(args).output().expect("arena-memory runs")
}

#[test]
fn unknown_names_are_one_line_errors_with_exit_2_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("memory.json");
    for (args, flag) in [
        (vec!["--runtime", "tokio"], "--runtime: unknown name 'tokio' (valid: tokio-ct, tokio-mt,"),
        (vec!["--workload", "echo_1b"], "--workload: unknown name 'echo_1b' (valid: spawn_join, ping_pong,"),
        (vec!["--cores", "0"], "--cores: 0 is not between 1 and the"),
        (vec!["--cores", "4096"], "--cores: 4096 is not between 1 and the"),
        (vec!["--workers", "2"], "--workers: replaced by --cores"),
    ] {
        let mut all = vec!["--out", out.to_str().unwrap()];
        all.extend(args.iter().copied());
        assert_refused(&memory(&all), &format!("error: {flag}"));
        assert!(!out.exists(), "{args:?} wrote a file");
    }
}

#[test]
fn a_run_writes_cells_and_storms_that_the_report_shows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("memory.json");
    let result = memory(&[
        "--runtime",
        "smol-local,threads",
        "--workload",
        "ping_pong,spawn_join",
        "--cores",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.contains("heap allocations per item") && stdout.contains("spawn storm"), "{stdout}");

    let m = read_memory(&out).unwrap();
    assert_eq!(m.schema, MEMORY_SCHEMA);
    assert_eq!(m.cores, Some(1), "the file says on how many cores");
    let cells: Vec<(&str, &str)> = m.cells.iter().map(|c| (c.workload.as_str(), c.runtime.as_str())).collect();
    assert_eq!(
        cells,
        [
            ("spawn_join", "smol-local"),
            ("ping_pong", "smol-local"),
            ("spawn_join", "threads"),
            ("ping_pong", "threads")
        ]
    );
    for c in &m.cells {
        let allocations = c.allocations_per_item.unwrap_or_else(|| panic!("{c:?}"));
        assert!(c.note.is_none() && c.bytes_per_item.is_some() && c.sizes[1] > c.sizes[0], "{c:?}");
        if c.workload == "spawn_join" {
            assert!(allocations >= 0.9, "{c:?}");
        }
    }
    // The storm: measured on smol-local, refused (capped) on threads.
    let [smol, threads] = &m.storm[..] else { panic!("{:?}", m.storm) };
    assert_eq!(smol.tasks, 1_000_000);
    let (before, peak) = (smol.before_bytes.unwrap(), smol.peak_bytes.unwrap());
    assert!(before > 0 && peak > before, "{smol:?}");
    assert!(threads.note.as_deref().unwrap().starts_with("capped:"), "{threads:?}");

    let report = dir.path().join("report");
    let result = Command::new(env!("CARGO_BIN_EXE_arena"))
        .args(["report", "--quiet", "--memory", out.to_str().unwrap(), "--out", report.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(summary.contains("heap allocations per item (1 core;"), "{summary}");
    assert!(summary.contains("| smol-local | 1000000 |"), "{summary}");
}
