//! `arena` as a user runs it: bad input gets a one-line error naming the
//! flag, exit 2 and no files; a run writes results.json with the cells it
//! measured, skipped or lost.
use std::path::Path;
use std::process::{Command, Output};

use reports::files::read_results;
use reports::protocol::{Reply, Request};
use reports::schema::{RESULTS_SCHEMA, Status};

mod common;
use common::{assert_refused, stderr};

fn arena(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arena")).args(args).output().expect("arena runs")
}

/// Fast measurement settings for tests (the numbers are not the point).
const FAST: [&str; 6] = ["--warm-up-ms", "10", "--measure-ms", "50", "--size", "test"];

fn run(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", "--out", out.to_str().unwrap()];
    args.extend(FAST);
    args.extend(extra);
    arena(&args)
}

#[test]
fn unknown_names_and_bad_sizes_are_one_line_errors_with_exit_2_and_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (args, flag) in [
        (vec!["--runtime", "tokio"], "--runtime: unknown name 'tokio' (valid: tokio-ct, tokio-mt,"),
        (vec!["--workload", "pingpong"], "--workload: unknown name 'pingpong' (valid: ping_pong,"),
        (vec!["--size", "lots"], "--size: 'lots' is not test, quick, bench"),
        (vec!["--samples", "3"], "--samples: criterion needs at least 10"),
        (vec!["--cores", "0"], "--cores: 0 is not between 1 and the "),
        (vec!["--cores", "1,100000"], "--cores: 100000 is not between 1 and the "),
        (vec!["--workers", "2"], "--workers: replaced by --cores"),
    ] {
        assert_refused(&run(&out, &args), &format!("error: {flag}"));
        assert!(!out.exists(), "{args:?} wrote files");
    }
}

/// The core counts `arena run` measures by default here: one, then all.
fn default_cores() -> Vec<u64> {
    let all = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    if all == 1 { vec![1] } else { vec![1, all] }
}

#[test]
fn a_run_writes_measured_and_skipped_cells_on_one_core_and_on_all() {
    let dir = tempfile::tempdir().unwrap();
    let runtimes = "--runtime=tokio-ct,smol-local";
    let result = run(dir.path(), &[runtimes, "--workload", "spawn_join,spawn_remote,spawn_join_native"]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let stdout = String::from_utf8_lossy(&result.stdout);
    let index = dir.path().join("report/index.html");
    assert!(stdout.trim_end().ends_with(&format!("report: {}", index.display())), "ends with the report:\n{stdout}");
    assert!(stdout.contains("spawn_join") && stdout.contains("not measured:"), "{stdout}");
    // stderr is not a terminal here: a line per finished runtime × workload, as in a CI log.
    let log = stderr(&result);
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(lines.len(), 6 * default_cores().len(), "{log}");
    assert!(lines[0].starts_with("[1/6 ") && lines[0].contains("] spawn_join on tokio-ct, 1 core: "), "{log}");
    assert!(lines.iter().any(|l| l.contains("spawn_remote on smol-local, 1 core: ") && l.contains(": n/a: ")), "{log}");
    assert!(lines.iter().any(|l| l.contains(" per item")), "{log}");
    let summary = std::fs::read_to_string(dir.path().join("report/summary.md")).unwrap();
    assert!(summary.contains("`arena overhead` measures it"), "{summary}");
    assert!(index.is_file());

    let results = read_results(&dir.path().join("results.json")).unwrap();
    assert_eq!(results.schema, RESULTS_SCHEMA);
    assert!(results.environment.crates.contains_key("tokio"), "{:?}", results.environment.crates);
    let counts = default_cores();
    assert_eq!(results.settings.cores, counts);
    assert_eq!(results.cells.len(), 6 * counts.len());
    let modes: Vec<Option<u64>> = results.cells.iter().map(|c| c.cores).collect();
    let expected: Vec<Option<u64>> = counts.iter().flat_map(|&n| [Some(n); 6]).collect();
    assert_eq!(modes, expected, "one core first, then all");
    for heading in counts.iter().map(|&n| if n == 1 { "On 1 core:".to_owned() } else { format!("On {n} cores:") }) {
        assert!(stdout.contains(&heading) && summary.contains(&heading), "{heading}\n{stdout}");
    }
    for c in &results.cells {
        let cores = c.cores.unwrap();
        // Confined to as many CPUs; both runtimes are single-threaded: an instance per core.
        assert_eq!(c.cpus.as_ref().map(Vec::len), Some(cores as usize), "{c:?}");
        if c.status == Status::Measured {
            assert_eq!(c.shards, cores, "{c:?}");
            assert!(c.cpu.is_some_and(|t| t.lower_ns <= t.per_item_ns && t.per_item_ns <= t.upper_ns), "{c:?}");
        }
        if (c.workload.as_str(), c.runtime.as_str()) == ("spawn_remote", "smol-local") {
            let Status::Skipped(why) = &c.status else { panic!("{c:?}") };
            assert!(why.starts_with("n/a: no spawning from outside threads"), "{why}");
            assert!(c.estimate.is_none());
        } else {
            assert_eq!(c.status, Status::Measured, "{c:?}");
            let e = c.estimate.expect("measured cells carry an estimate");
            assert!(e.mean_ns > 0.0 && (e.per_item_ns * c.items as f64 - e.mean_ns).abs() < 1e-3 * e.mean_ns);
        }
    }
}

#[test]
fn report_without_any_input_is_a_one_line_error_naming_what_it_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_arena")).arg("report").current_dir(dir.path()).output().unwrap();
    let err = assert_refused(&out, "error: ");
    for default in
        ["target/arena/results.json", "target/criterion", "target/arena/conformance.json", "target/arena/memory.json"]
    {
        assert!(err.contains(default), "{err}");
    }
    assert!(!dir.path().join("target").exists(), "nothing written");
}

#[test]
fn report_of_a_damaged_file_alone_names_it_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("results.json");
    std::fs::write(&bad, r#"{"schema": "arena-results/1", "cells": ["#).unwrap();
    let report = dir.path().join("report");
    let out = arena(&["report", "--results", bad.to_str().unwrap(), "--out", report.to_str().unwrap()]);
    assert_refused(&out, &format!("error: nothing to report: {}: ", bad.display()));
    assert!(!report.exists(), "nothing written");
}

#[test]
fn report_rejects_a_baseline_that_is_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let out = arena(&["report", "--baseline", "../x", "--out", report.to_str().unwrap()]);
    assert_refused(&out, "error: --baseline: '../x' is not a criterion baseline name");
    assert!(!report.exists());
}

#[test]
fn report_merges_results_files_by_machine() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (out, runtime) in [(&a, "tokio-ct"), (&b, "smol-local")] {
        let result = run(out, &["--runtime", runtime, "--workload", "ping_pong", "--cores", "1"]);
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    }
    // b as if measured elsewhere.
    let b_file = b.join("results.json");
    let mut results = read_results(&b_file).unwrap();
    results.environment.host = Some("elsewhere".into());
    reports::files::write_json_atomic(&b_file, &results).unwrap();
    let report = dir.path().join("report");
    let a_file = a.join("results.json");
    let args = ["report", "--quiet", "--out", report.to_str().unwrap(), "--results", a_file.to_str().unwrap()];
    let out = arena(&[&args[..], &["--results", b_file.to_str().unwrap()]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let merged: reports::model::Report =
        serde_json::from_slice(&std::fs::read(report.join("results.json")).unwrap()).unwrap();
    let machines: Vec<(&str, &[String])> =
        merged.machines.iter().map(|m| (m.label.as_str(), m.runtimes.as_slice())).collect();
    assert_eq!(machines.len(), 2, "{machines:?}");
    assert_eq!(machines[0].1, ["tokio-ct"]);
    assert_eq!(machines[1], ("elsewhere", &["smol-local".to_owned()][..]));
}

#[test]
fn a_cell_that_hangs_becomes_a_failed_cell_and_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    // criterion's warm-up loops for its whole 3 s however loaded the machine is
    // (its measurement can end early: it sizes samples from the warm-up); the
    // watchdog stops the cell after 1 s.
    let slow = ["--warm-up-ms", "3000", "--measure-ms", "5000", "--timeout-s", "1", "--cores", "1"];
    let result = run(dir.path(), &[&["--runtime", "tokio-ct", "--workload", "ping_pong"][..], &slow[..]].concat());
    assert_eq!(result.status.code(), Some(4), "{}", stderr(&result));
    let results = read_results(&dir.path().join("results.json")).unwrap();
    assert_eq!(results.cells.len(), 1);
    assert_eq!(results.cells[0].status, Status::Failed("hang: still running after 1 s, stopped".into()));
}

#[test]
fn an_output_that_cannot_be_written_is_one_line_and_exit_5() {
    let result = arena(&["run", "--runtime", "tokio-ct", "--workload", "ping_pong", "--out", "/dev/null/arena"]);
    assert_eq!(result.status.code(), Some(5), "{}", stderr(&result));
    let err = stderr(&result);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: --out: /dev/null/arena: cannot lock: "), "{err}");
}

/// `arena child` with `request` on its stdin: its exit code, its replies, its stderr.
fn child(request: &Request) -> (Option<i32>, Vec<Reply>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arena"))
        .arg("child")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    reports::protocol::send(&mut child.stdin.take().unwrap(), request).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let replies = stdout.lines().map(|l| reports::protocol::receive(l).unwrap_or_else(|e| panic!("{e}"))).collect();
    (out.status.code(), replies, stderr(&out))
}

#[test]
fn a_child_answers_in_messages_and_reports_its_own_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cell = |workload: &str, size: usize| Request::Cell {
        runtime: "tokio-ct".into(),
        workload: workload.into(),
        sizes: vec![size],
        cores: 1,
        criterion_dir: dir.path().to_owned(),
        warm_up_ms: 10,
        measure_ms: 10,
        samples: 10,
    };
    // Every line on stdout is a message, though criterion printed its report: that went to stderr.
    let (code, replies, stderr) = child(&cell("ping_pong", 10));
    assert_eq!((code, replies), (Some(0), vec![Reply::Measured]), "{stderr}");
    assert!(stderr.contains("ping_pong/tokio-ct/10"), "criterion's own report: {stderr}");
    // `ring` at size 0 (which `arena run` never asks for: sizes are positive) indexes an empty ring.
    let (code, replies, _) = child(&cell("ring", 0));
    assert_eq!(code, Some(5), "a panic that reaches arena's main exits 5");
    let [Reply::Panicked { message, location }] = &replies[..] else { panic!("{replies:?}") };
    assert!(
        message.contains("index out of bounds") && location.as_deref().is_some_and(|l| l.contains(".rs:")),
        "{replies:?}"
    );
    // A name this build does not have is refused in a message.
    let (code, replies, _) = child(&Request::Probe { runtime: "tokio-ct".into(), probe: "no_such_probe".into() });
    assert_eq!(code, Some(0));
    assert!(matches!(&replies[..], [Reply::Refused { why }] if why.contains("no_such_probe")), "{replies:?}");
}

#[test]
fn a_file_cell_names_its_file_api_and_a_runtime_without_one_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let result = run(dir.path(), &["--runtime=tokio-ct,futures-local", "--workload", "fs_read_small", "--cores", "1"]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let results = read_results(&dir.path().join("results.json")).unwrap();
    let files = |runtime: &str| {
        let cell = results.cells.iter().find(|c| c.runtime == runtime).expect("a cell of each runtime");
        assert_eq!(cell.status, Status::Measured, "{cell:?}");
        cell.files.clone().expect("a file cell names its file API")
    };
    let (tokio, futures) = (files("tokio-ct"), files("futures-local"));
    assert!(tokio.own && tokio.api.starts_with("tokio::fs"), "{tokio:?}");
    assert!(!futures.own && futures.api.starts_with("no file API of its own"), "{futures:?}");
    let summary = std::fs::read_to_string(dir.path().join("report/summary.md")).unwrap();
    assert!(summary.contains(&format!("- futures-local: {}", futures.api)), "{summary}");
    assert!(!summary.contains("- tokio-ct: tokio::fs"), "{summary}");
}

#[test]
fn list_names_every_runtime() {
    let out = arena(&["list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for id in ["tokio-ct", "tokio-mt", "async-std", "smol-local", "smol-mt", "futures-local", "futures-pool", "threads"]
    {
        assert!(text.contains(id), "{id} missing from arena list");
    }
}

#[test]
fn a_reader_that_stops_reading_ends_the_listing_quietly() {
    for args in [&["list"][..], &["list", "--json"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arena"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before arena prints anything, as `arena list | head -0` would be.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()), "{args:?}");
    }
}

#[test]
fn an_unknown_flag_is_a_one_line_error() {
    let out = arena(&["run", "--runtimes", "tokio-ct"]);
    assert!(assert_refused(&out, "error: ").contains("--runtimes"));
}

#[test]
fn overhead_measures_both_twins_and_rejects_unknown_runtimes() {
    assert_refused(&arena(&["overhead", "--runtime", "tokyo"]), "error: --runtime: unknown name 'tokyo'");
    let err = assert_refused(&arena(&["overhead", "--workers", "0"]), "error: ");
    assert_eq!(err, "error: --workers: must be at least 1\n");

    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("overhead.json");
    let out = arena(&["overhead", "--runtime", "smol-local", "--budget-s", "0", "--out", json.to_str().unwrap()]);
    // 0: within the tolerance, 1: adapter over it, 3: too noisy to tell.
    assert!(matches!(out.status.code(), Some(0 | 1 | 3)), "{out:?}");
    let table = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<_> = table.lines().filter(|l| l.contains("smol-local")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(rows[0].contains("spawn_join") && rows[1].contains("ping_pong"), "{table}");
    // At least the minimum of 11 counted rounds.
    assert!(rows.iter().all(|r| r.split('┆').nth(3).and_then(|c| c.trim().parse::<u32>().ok()) >= Some(11)), "{table}");
    // The same numbers as JSON.
    let saved: reports::schema::OverheadResults = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(saved.schema, reports::schema::OVERHEAD_SCHEMA);
    let names: Vec<_> = saved.pairs.iter().map(|p| (p.runtime.as_str(), p.workload.as_str())).collect();
    assert_eq!(names, [("smol-local", "spawn_join"), ("smol-local", "ping_pong")]);
    for p in &saved.pairs {
        assert!(p.rounds >= 11 && p.interval[0] <= p.median_ratio && p.median_ratio <= p.interval[1], "{p:?}");
    }
}

fn conformance(json: &Path, test_runtimes: bool, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_arena"));
    cmd.args(["conformance", "--out", json.to_str().unwrap()]).args(extra);
    if test_runtimes {
        cmd.env("ARENA_TEST_RUNTIMES", "1");
    } else {
        cmd.env_remove("ARENA_TEST_RUNTIMES");
    }
    cmd.output().expect("arena runs")
}

#[test]
fn conformance_survives_a_runtime_that_deadlocks_and_one_that_aborts() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("conformance.json");
    let runtimes = "--runtime=tokio-ct,test-deadlocks,test-aborts";
    let (check, probe) = (["--check", "join_returns_value", "--timeout-s", "2"], ["--probe", "spawn_order"]);
    let out = conformance(&json, true, &[&[runtimes][..], &check, &probe, &["--probe-timeout-s", "2"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let saved: reports::schema::Conformance = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(saved.schema, reports::schema::CONFORMANCE_SCHEMA);
    use reports::schema::{Layer, Outcome};
    let cell = |r: &str, layer: Layer| {
        let found = saved.cells.iter().find(|c| c.runtime == r && c.layer == layer);
        found.unwrap_or_else(|| panic!("no {r} {layer:?} cell"))
    };
    let ok = cell("tokio-ct", Layer::Contract);
    assert_eq!((ok.outcome, ok.detail.as_deref()), (Outcome::Ok, None));
    let ok = cell("tokio-ct", Layer::Profile);
    assert_eq!(
        (ok.outcome, ok.observed.as_deref(), ok.expected.as_deref()),
        (Outcome::Ok, Some("1234 (FIFO)"), Some("1234 (FIFO)"))
    );
    for layer in [Layer::Contract, Layer::Profile] {
        let hung = cell("test-deadlocks", layer);
        assert_eq!(hung.outcome, Outcome::Hang, "{hung:?}");
        let aborted = cell("test-aborts", layer);
        assert_eq!(aborted.outcome, Outcome::Aborted, "{aborted:?}");
        let detail = aborted.detail.as_deref().unwrap_or_default();
        assert!(detail.contains("aborted: test-aborts: the runtime blew up") && detail.contains("SIGABRT"), "{detail}");
    }
    assert_eq!(cell("test-deadlocks", Layer::Contract).detail.as_deref(), Some("hang after 2 s"));
    let changed = cell("test-deadlocks", Layer::Profile).detail.as_deref().unwrap_or_default();
    assert_eq!(changed, "behaviour changed: spawn_order on test-deadlocks: expected 1234 (FIFO), saw hang after 2 s");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("join_returns_value") && stdout.contains("hang after 2 s"), "{stdout}");
    assert!(stdout.contains("CHANGED: saw hang after 2 s, expected 1234 (FIFO)"), "{stdout}");
    let log = stderr(&out);
    assert_eq!(log.lines().filter(|l| l.starts_with('[')).count(), 6, "a line per runtime × check or probe:\n{log}");
    assert!(log.contains("] join_returns_value on test-deadlocks: hang after 2 s"), "{log}");
}

#[test]
fn conformance_reports_a_runtime_that_cannot_start_as_unavailable_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("conformance.json");
    let args =
        ["--runtime=test-unavailable", "--check", "join_returns_value,no_lost_wakeups", "--probe", "spawn_order"];
    let out = conformance(&json, true, &args);
    // Nothing is held against a runtime that cannot start here.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let saved: reports::schema::Conformance = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(saved.cells.len(), 3, "{saved:?}");
    let why = format!("unavailable: {}", runners::faults::UNAVAILABLE_REASON);
    for c in &saved.cells {
        assert_eq!(
            (c.outcome, c.detail.as_deref()),
            (reports::schema::Outcome::Unavailable, Some(why.as_str())),
            "{c:?}"
        );
        assert_eq!(c.observed, None, "{c:?}");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Both matrices show the reason in the runtime's cells.
    assert_eq!(stdout.matches(&why).count(), 3, "{stdout}");
}

#[test]
fn conformance_names_are_checked_and_test_runtimes_stay_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("conformance.json");
    for (args, start) in [
        (vec!["--runtime", "test-deadlocks"], "error: --runtime: unknown name 'test-deadlocks' (valid: tokio-ct,"),
        (vec!["--check", "no_such_check"], "error: --check: unknown name 'no_such_check' (valid: task_runs_unjoined,"),
        (
            vec!["--probe", "no_such_probe"],
            "error: --probe: unknown name 'no_such_probe' (valid: drop_unpolled_handle,",
        ),
    ] {
        assert_refused(&conformance(&json, false, &args), start);
        assert!(!json.exists(), "{args:?} wrote {}", json.display());
    }
}

#[test]
fn conformance_prints_a_markdown_matrix_of_every_check_and_probe() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("conformance.json");
    let out = conformance(&json, false, &["--runtime", "smol-local", "--markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (contract, profile) = stdout.split_once("\n\n").expect("two tables");
    assert!(contract.starts_with("| check | smol-local |\n|---|---|\n"), "{stdout}");
    let checks = runners::conformance::checks();
    assert_eq!(contract.lines().filter(|l| l.ends_with(" | ok |")).count(), checks.len(), "{stdout}");
    assert!(profile.starts_with("| probe | smol-local |\n|---|---|\n"), "{stdout}");
    let probes = runners::conformance::probes();
    assert_eq!(profile.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| probe")).count(), probes.len());
    assert!(profile.contains("| drop_unpolled_handle | cancel |\n"), "{stdout}");
    assert!(!profile.contains("CHANGED"), "{stdout}");
}

#[test]
fn scale_sweeps_cores_on_every_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scale = |extra: &[&str]| {
        let mut args = vec!["scale", "--out", out.to_str().unwrap()];
        args.extend(FAST);
        args.extend(extra);
        arena(&args)
    };
    for (args, flag) in [
        (vec!["--cores", "1"], "--cores: arena scale sets the cores itself"),
        (vec!["--workers", "2"], "--workers: arena scale sets the cores itself"),
        (vec!["--max-cores", "0"], "--max-cores: 0 is not between 1 and the "),
        (vec!["--runtime", "tokio"], "--runtime: unknown name 'tokio'"),
    ] {
        assert_refused(&scale(&args), &format!("error: {flag}"));
        assert!(!out.exists(), "{args:?} wrote files");
    }

    let max = *default_cores().last().unwrap();
    let result = scale(&["--runtime", "smol-mt,tokio-ct", "--workload", "ping_pong", "--max-cores", &max.to_string()]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.contains("core scaling: time per item"), "{stdout}");
    let sc = reports::files::read_scaling(&out.join("scaling.json")).unwrap();
    let counts: Vec<u64> = (1..=max).collect();
    assert_eq!(sc.settings.cores, counts);
    // Single-threaded tokio-ct scales too: an instance per core.
    let cells: Vec<(Option<u64>, &str, u64)> =
        sc.cells.iter().map(|c| (c.cores, c.runtime.as_str(), c.shards)).collect();
    let expected: Vec<(Option<u64>, &str, u64)> =
        counts.iter().flat_map(|&n| [(Some(n), "tokio-ct", n), (Some(n), "smol-mt", 1)]).collect();
    assert_eq!(cells, expected);
    assert!(sc.cells.iter().all(|c| c.status == Status::Measured && c.estimate.is_some() && c.cpu.is_some()));
}

#[test]
fn agreement_compares_two_runs_and_names_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let result =
            run(out, &["--runtime", "tokio-ct,smol-local", "--workload", "ping_pong,spawn_join", "--cores", "1"]);
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    }
    let (a, b) = (a.join("results.json"), b.join("results.json"));
    let out = arena(&["agreement", a.to_str().unwrap(), b.to_str().unwrap(), "--moves", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    // Two workloads × one pair of runtimes, each measured in both runs.
    assert!(text.starts_with("4 cells measured in both runs, 2 runtime pairs ranked in both\n"), "{text}");
    assert!(text.contains("of the ") && text.contains("median movement of a cell: "), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("moved ×")).count(), 1, "{text}");

    let same = arena(&["agreement", a.to_str().unwrap(), a.to_str().unwrap()]);
    let same = String::from_utf8_lossy(&same.stdout).into_owned();
    assert!(
        same.contains("\n0 of 2 rankings flipped\n") && same.contains("median movement of a cell: 0.0 %"),
        "{same}"
    );

    let missing = dir.path().join("none.json");
    let out = arena(&["agreement", a.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_refused(&out, &format!("error: {}: ", missing.display()));
    let bad = arena(&["agreement", a.to_str().unwrap(), b.to_str().unwrap(), "--tie-within=-5"]);
    assert_refused(&bad, "error: --tie-within: -5 is not a percentage of 0 or more");
}
