//! Runs that cannot mix and lose nothing: one command writes into an output
//! directory at a time (a second is refused, naming the first), and a run or
//! a report killed with SIGKILL leaves the files it was replacing whole.
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use reports::files::read_results;

mod common;
use common::{assert_refused, stderr};

const ARENA: &str = env!("CARGO_BIN_EXE_arena");

fn arena(args: &[&str]) -> Output {
    Command::new(ARENA).args(args).output().expect("arena runs")
}

/// `arena run` of tokio-ct ping_pong on one core into `out`, quickly.
fn quick_run(out: &Path) -> Output {
    let out = out.to_str().unwrap();
    arena(&["run", "--out", out, "--runtime", "tokio-ct", "--workload", "ping_pong", "--cores", "1", "--size", "test"])
}

/// Waits until `out`'s lock file names `child` as its holder.
fn wait_for_lock(out: &Path, child: &Child) {
    let said = format!("pid {} ", child.id());
    let start = Instant::now();
    while !std::fs::read_to_string(out.join(".arena-lock")).is_ok_and(|s| s.starts_with(&said)) {
        assert!(start.elapsed() < Duration::from_secs(30), "the run never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_busy_output_is_refused_and_a_killed_run_leaves_the_last_results_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = quick_run(&out);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let results = std::fs::read(out.join("results.json")).unwrap();
    let index = std::fs::read(out.join("report/index.html")).unwrap();

    // A slow run (3 s of warm-up a cell) holds the directory.
    let o = out.to_str().unwrap();
    let slow = ["run", "--out", o, "--runtime", "tokio-ct", "--workload", "ping_pong,spawn_join", "--cores", "1"];
    let mut holder = Command::new(ARENA)
        .args(slow)
        .args(["--warm-up-ms", "3000", "--size", "test"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lock(&out, &holder);
    let refused = |result: Output, dir: &Path| {
        let want = format!("error: --out: {} is in use by pid {} (arena run --out {o} ", dir.display(), holder.id());
        assert_refused(&result, &want);
    };
    // A second run, and a report into the run's report directory, are refused.
    refused(quick_run(&out), &out);
    let report_dir = out.join("report");
    let results_path = out.join("results.json");
    let report = ["report", "--results", results_path.to_str().unwrap(), "--out", report_dir.to_str().unwrap()];
    refused(arena(&report), &report_dir);

    // Killed in the middle: the last run's files are as they were.
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), results);
    assert_eq!(std::fs::read(out.join("report/index.html")).unwrap(), index);
    read_results(&out.join("results.json")).unwrap();
    // The kernel let the lock go with the process.
    let after = quick_run(&out);
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
}

#[test]
fn a_report_killed_while_it_writes_leaves_every_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = quick_run(&out);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let (results, report_dir) = (out.join("results.json"), out.join("report"));
    let args = ["report", "--quiet", "--results", results.to_str().unwrap(), "--out", report_dir.to_str().unwrap()];
    // Killed after 0, 1, 2, … ms: before, during and after its writes (a
    // report of one cell takes ~25 ms here, most of it before writing).
    for delay in (0..40).map(Duration::from_millis) {
        let mut child = Command::new(ARENA).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(report_dir.join("results.json")).unwrap()).unwrap();
        assert_eq!(report["schema"], "arena-report/2", "after {delay:?}");
        let page = std::fs::read_to_string(report_dir.join("index.html")).unwrap();
        assert!(page.trim_end().ends_with("</html>"), "after {delay:?}: a page cut short");
        let summary = std::fs::read_to_string(report_dir.join("summary.md")).unwrap();
        assert!(summary.contains("ping_pong"), "after {delay:?}");
        let strays: Vec<_> = std::fs::read_dir(&report_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !["index.html", "summary.md", "results.json", ".arena-lock"].contains(&n.as_str()))
            .collect();
        // A temporary file of a killed write may stay until the next report; never under a report's name.
        assert!(strays.iter().all(|n| n.starts_with(reports::files::TEMP_PREFIX)), "after {delay:?}: {strays:?}");
    }
}
