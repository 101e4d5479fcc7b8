//! The report built from fixture files with known numbers: what
//! `results.json` and `summary.md` say, how machines stay apart, and what
//! becomes of bad input.
mod common;

use reports::merge::{Inputs, NothingToReport, build};
use reports::model::{Machine, MatrixEntry, REPORT_SCHEMA, Report};

fn machine<'a>(r: &'a Report, label: &str) -> &'a Machine {
    r.machines.iter().find(|m| m.label == label).unwrap_or_else(|| panic!("no machine {label}"))
}

/// The entry of the matrix on two cores (the fixture's usual count).
fn entry<'a>(m: &'a Machine, workload: &str, runtime: &str) -> &'a MatrixEntry {
    entry_on(m, Some(2), workload, runtime)
}

fn entry_on<'a>(m: &'a Machine, cores: Option<u64>, workload: &str, runtime: &str) -> &'a MatrixEntry {
    let matrix = m.matrices.iter().find(|x| x.cores == cores).unwrap_or_else(|| panic!("no matrix on {cores:?}"));
    let row = matrix.rows.iter().find(|r| r.workload == workload).unwrap_or_else(|| panic!("no row {workload}"));
    row.entries.iter().find(|e| e.runtime == runtime).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// The report as written, read back from `results.json`.
fn written() -> (common::Fixture, Report, String) {
    let f = common::fixture();
    let report = build(&f.inputs()).unwrap();
    let written = reports::write(&report, &f.out).unwrap();
    let back: Report = serde_json::from_slice(&std::fs::read(&written.results).unwrap()).unwrap();
    assert_eq!(back, report, "results.json holds the report exactly");
    let summary = std::fs::read_to_string(&written.summary).unwrap();
    #[cfg(unix)]
    for file in [&written.index, &written.summary, &written.results] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{} is readable by others", file.display());
    }
    (f, back, summary)
}

#[test]
fn matrix_numbers_match_the_fixture() {
    let (_f, r, _) = written();
    assert_eq!(r.schema, REPORT_SCHEMA);
    let a = machine(&r, "host-a");
    assert_eq!(a.runtimes, ["rt-one", "rt-two", "rt-three"]);
    assert_eq!(a.matrices.len(), 1, "one core count on host-a");
    let order: Vec<&str> = a.matrices[0].rows.iter().map(|r| r.workload.as_str()).collect();
    assert_eq!(order, ["ping_pong", "spawn_join", "timer_wheel"], "registry order");

    let one = entry(a, "ping_pong", "rt-one");
    assert_eq!(one.state, "measured");
    let [mean, lo, hi] = one.per_item_ns.unwrap();
    assert!(close(mean, 200.0) && close(lo, 190.0) && close(hi, 210.0), "{mean} {lo} {hi}");
    assert_eq!((one.ranks.relative, one.ranks.tied), (Some(1.0), true));
    let [cpu, lo, hi] = one.cpu_per_item_ns.unwrap();
    assert!(close(cpu, 300.0) && close(lo, 285.0) && close(hi, 315.0), "{cpu} {lo} {hi}");
    let two = entry(a, "ping_pong", "rt-two");
    assert!(close(two.per_item_ns.unwrap()[0], 500.0));
    assert!(close(two.ranks.relative.unwrap(), 2.5));
    assert!(!two.ranks.tied && !two.ranks.cpu_tied && close(two.ranks.cpu_relative.unwrap(), 2.5));
    let three = entry(a, "ping_pong", "rt-three");
    assert_eq!((three.state.as_str(), three.note.as_deref()), ("skipped", Some("n/a: no outside spawns")));

    let failed = entry(a, "timer_wheel", "rt-two");
    assert_eq!((failed.state.as_str(), failed.note.as_deref()), ("failed", Some("hang after 120 s")));
    let absent = entry(a, "timer_wheel", "rt-three");
    assert_eq!(absent.state, "not measured", "a runtime with no result is a marked gap");
    assert_eq!(absent.per_item_ns, None);
}

#[test]
fn each_core_count_is_its_own_matrix_and_nothing_is_ranked_across() {
    let (_f, r, _) = written();
    let c = machine(&r, "host-c");
    let counts: Vec<Option<u64>> = c.matrices.iter().map(|x| x.cores).collect();
    assert_eq!(counts, [Some(1), Some(2)], "one core first");
    assert!(c.matrices[0].mode().starts_with("On 1 core:") && c.matrices[1].mode().starts_with("On 2 cores:"));
    // On one core rt-one is fastest and rt-two, 4 % slower, is tied with it.
    let one = entry_on(c, Some(1), "ping_pong", "rt-two").ranks;
    assert!(close(one.relative.unwrap(), 1.04) && one.tied, "{one:?}");
    // On two cores rt-two is fastest: its 60 ns is divided by nothing on one core.
    assert_eq!(entry_on(c, Some(2), "ping_pong", "rt-two").ranks.relative, Some(1.0));
    let slow = entry_on(c, Some(2), "ping_pong", "rt-one").ranks;
    assert!(close(slow.relative.unwrap(), 5.0) && !slow.tied, "{slow:?}");
    for cell in &c.cells {
        let peers = c.cells.iter().filter(|p| p.cell.workload == cell.cell.workload && p.cell.cores == cell.cell.cores);
        let best = peers.filter_map(|p| p.cell.estimate).map(|e| e.per_item_ns).fold(f64::INFINITY, f64::min);
        assert!(close(cell.ranks.relative.unwrap(), cell.cell.estimate.unwrap().per_item_ns / best));
    }
}

#[test]
fn results_from_before_cores_were_held_equal_are_shown_never_ranked() {
    let (_f, r, _) = written();
    let old = machine(&r, "host-old");
    assert_eq!(old.matrices.len(), 1);
    assert_eq!(old.matrices[0].cores, None);
    for runtime in ["rt-one", "rt-two"] {
        let e = entry_on(old, None, "ping_pong", runtime);
        assert_eq!(e.state, "measured");
        assert_eq!((e.ranks.relative, e.ranks.tied), (None, false), "{runtime}");
    }
    let run = &old.runs[0];
    assert_eq!(run.settings.as_ref().unwrap().legacy_workers, Some(2), "the old `workers` is kept");
}

#[test]
fn memory_tables_say_their_cores_and_an_old_file_says_they_were_not_held_equal() {
    let f = common::fixture();
    let title = |path: &std::path::Path| {
        let r = build(&Inputs { memory: vec![path.to_owned()], ..Default::default() }).unwrap();
        reports::text::memory(&r.machines[0])[0].title.clone()
    };
    assert!(title(&f.memory).starts_with("heap allocations per item (2 cores;"), "{}", title(&f.memory));
    let mut old: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f.memory).unwrap()).unwrap();
    old["schema"] = "arena-memory/1".into();
    old.as_object_mut().unwrap().remove("cores");
    let path = f.dir.path().join("memory-v1.json");
    std::fs::write(&path, old.to_string()).unwrap();
    assert!(title(&path).starts_with("heap allocations per item (cores not held equal;"), "{}", title(&path));
}

#[test]
fn criterion_sweep_is_read_with_gaps_marked() {
    let (_f, r, _) = written();
    let a = machine(&r, "host-a");
    let row = a.matrices[0].rows.iter().find(|r| r.workload == "spawn_join").unwrap();
    assert_eq!(row.size, 1000, "the largest size the most runtimes were measured at");
    assert!(row.criterion_page.as_deref().is_some_and(|p| p.ends_with("criterion/spawn_join/report/index.html")));
    assert!(close(entry(a, "spawn_join", "rt-one").per_item_ns.unwrap()[0], 100.0));
    assert!(close(entry(a, "spawn_join", "rt-two").ranks.relative.unwrap(), 1.5));
    assert_eq!(entry(a, "spawn_join", "rt-three").state, "not measured");

    let at = |runtime: &str, size: u64| {
        a.cells.iter().find(|c| c.cell.workload == "spawn_join" && c.cell.runtime == runtime && c.cell.size == size)
    };
    let big = at("rt-one", 10000).unwrap();
    assert!(close(big.cell.estimate.unwrap().per_item_ns, 400.0));
    assert_eq!(big.ranks.relative, Some(1.0), "alone at that size");
    assert!(at("rt-two", 10000).unwrap().cell.estimate.is_none(), "never measured: no estimate, not a zero");
    let small = at("rt-one", 100).unwrap();
    let spread = small.samples.unwrap();
    assert_eq!(spread.count, 3);
    assert!(close(spread.min_ns, 9_000.0) && close(spread.max_ns, 11_000.0), "{spread:?}");
    let page = small.criterion_page.as_deref().unwrap();
    assert_eq!(page, "../a/criterion/spawn_join/rt-one/100/report/index.html", "relative to the report");
    assert!(a.runs.iter().any(|run| run.kind == "criterion" && run.command == "cargo bench"));

    let g = a.growth.iter().find(|g| g.workload == "spawn_join" && g.runtime == "rt-one").unwrap();
    assert!(g.super_linear && close(g.ratio, 4.0) && (g.slope - 0.301).abs() < 0.001, "{g:?}");
    let flat = a.growth.iter().find(|g| g.workload == "spawn_join" && g.runtime == "rt-two").unwrap();
    assert!(!flat.super_linear && close(flat.ratio, 1.0));
}

#[test]
fn machines_are_never_merged_or_compared() {
    let (_f, r, _) = written();
    let labels: Vec<&str> = r.machines.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["host-a", "host-b", "host-c", "host-old"]);
    let b = machine(&r, "host-b");
    assert_eq!(b.runtimes, ["rt-one", "rt-two"]);
    assert_eq!(entry(b, "ping_pong", "rt-one").ranks.relative, Some(1.0));
    let two = entry(b, "ping_pong", "rt-two").ranks;
    assert!(close(two.relative.unwrap(), 1.1));
    assert!(two.tied, "its interval (313.5 .. 346.5) reaches the fastest's (285 .. 315)");
    assert!(b.overhead.is_none() && b.conformance.is_none() && b.memory.is_none() && b.scaling.is_none());
    let a = machine(&r, "host-a");
    assert_eq!(a.overhead.as_ref().unwrap().pairs[0].median_ratio, 0.998);
    assert_eq!(a.conformance.as_ref().unwrap().cells.len(), 4);
    let memory = a.memory.as_ref().unwrap();
    assert_eq!((memory.cells.len(), memory.storm.len()), (5, 2));
}

#[test]
fn a_cell_shows_the_price_of_the_seam_where_the_overhead_run_measured_one() {
    let (_f, r, md) = written();
    let a = machine(&r, "host-a");
    // rt-two's adapter is over its tolerance on ping_pong (native / adapter
    // 0.8: the seam takes 25 % longer); rt-one's is within it on spawn_join.
    assert!(close(entry(a, "ping_pong", "rt-two").adapter_cost_pct.unwrap(), 25.0));
    assert_eq!(entry(a, "ping_pong", "rt-one").adapter_cost_pct, None);
    assert_eq!(entry(a, "spawn_join", "rt-one").adapter_cost_pct, None);
    // Another machine's overhead run prices nothing here.
    assert_eq!(entry(machine(&r, "host-b"), "ping_pong", "rt-two").adapter_cost_pct, None);
    assert!(md.contains("adapter +25 %"), "{md}");
    assert!(md.contains("adapter +N %: through Arena's seam"), "{md}");
}

#[test]
fn summary_md_shows_the_fixture_values() {
    let (_f, _r, md) = written();
    assert!(!md.contains("- rt-one: rt-one::fs"), "a runtime's own file API is no stand-in:\n{md}");
    for expected in [
        "## Machine host-a",
        "## Machine host-b",
        "**On 2 cores: every runtime's process confined to the same 2 CPUs",
        "tied with the fastest (intervals overlap, or within 30 %).**",
        "| ping_pong | 1000 | **200 ns ×1.00<br>cpu 300 ns** | 500 ns ×2.50<br>cpu 750 ns<br>adapter +25 % | n/a |",
        "| spawn_join | 10000 | **400 ns ×1.00** | not measured | not measured |",
        "| timer_wheel | 100 | **10.0 µs ×1.00<br>cpu 15.0 µs** | FAILED | not measured |",
        "| ping_pong | 1000 | **300 ns ×1.00<br>cpu 450 ns** | **330 ns ×1.10<br>cpu 495 ns** |",
        "| timer_wheel | 100 | rt-one | 300 | 1.00 µs | 2.00 µs | 5.00 µs | 9.00 µs | 12.0 µs |",
        "| rt-one | spawn_join | 10000 | 101 | 0.9980 | 0.9950 .. 1.0010 | within 1% |",
        "| yield_order | ABABAB | CHANGED: saw AAABBB, expected ABABAB |",
        "- yield_order on rt-two: CHANGED: saw AAABBB, expected ABABAB",
        "- spawn_join on rt-one on 2 cores: time per item grows ×4.00",
        "- FAILED timer_wheel/rt-two/100 on 2 cores: hang after 120 s",
        "- `spawn_join` (f): what spawn_join does",
        "| workload | per | rt-one | rt-two | rt-three |",
        "| spawn_join | task | **1.00** | 2.50 | capped |",
        "| ping_pong | round trip | **2.00** | **2.00** | - |",
        "| spawn_join | task | **136 B** | 2.00 KiB (kept: 64 B) | capped |",
        "| rt-one | 1000000 | 8.00 MiB | 331.30 MiB | 339 B |",
        "| rt-three | 1000000 | capped: needs 1000000 live tasks, rt-three allows 100 |  |  |",
        "| workload | size | runtime | 1 core | 2 cores | most / fewest |",
        "| ping_pong | 1000 | rt-one | 400 ns<br>cpu 600 ns | 200 ns<br>cpu 300 ns | ×0.50 |",
        "| ping_pong | 1000 | rt-two | 300 ns<br>cpu 450 ns | 600 ns<br>cpu 900 ns | **×2.00** |",
        "| spawn_join | 1000 | rt-two | 100 ns<br>cpu 150 ns | FAILED |  |",
        "- ping_pong on rt-two at 1000: time per item ×2.00 from 1 core to 2 cores",
        "**On 1 core: every runtime's process confined to one CPU",
        "| ping_pong | 1000 | **100 ns ×1.00<br>cpu 150 ns** | **104 ns ×1.04<br>cpu 156 ns** |",
        "| ping_pong | 1000 | 300 ns ×5.00<br>cpu 450 ns | **60.0 ns ×1.00<br>cpu 90.0 ns** |",
        "**Cores not held equal (results from before arena-results/2)",
        "| ping_pong | 1000 | 200 ns | 100 ns |",
        "**Files without a file API of the runtime's own**\n\n- rt-two: no file API of its own: std::fs, a new thread per call\n",
    ] {
        assert!(md.contains(expected), "summary.md lacks {expected:?}:\n{md}");
    }
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_reported() {
    let (f, r, md) = written();
    let named = |path: &std::path::Path, what: &str| {
        let p = path.display().to_string();
        assert!(r.problems.iter().any(|m| m.starts_with(&p) && m.contains(what)), "{p}: {what}: {:?}", r.problems);
        assert!(md.contains(&p), "summary.md names {p}");
    };
    named(&f.truncated, "not valid JSON");
    named(&f.foreign, "schema is \"someone-elses/3\"");
    named(&f.criterion.join("spawn_join/rt-three/100/new/estimates.json"), "not valid JSON");
    named(&f.criterion.join("other/f/1"), "not a benchmark of Arena's harness");
    let statuses: Vec<(&str, &str)> = r.inputs.iter().map(|i| (i.kind.as_str(), i.status.as_str())).collect();
    assert_eq!(statuses.iter().filter(|(_, s)| *s == "used").count(), 9, "{statuses:?}");
}

#[test]
fn a_missing_criterion_directory_is_named_and_the_rest_is_reported() {
    let f = common::fixture();
    let missing = f.dir.path().join("no-such/criterion");
    let inputs = Inputs { criterion: vec![missing.clone()], ..f.inputs() };
    let r = build(&inputs).unwrap();
    let p = missing.display().to_string();
    assert!(r.problems.iter().any(|m| m.starts_with(&p) && m.contains("cargo bench")), "{:?}", r.problems);
    assert_eq!(entry(machine(&r, "host-a"), "ping_pong", "rt-one").ranks.relative, Some(1.0));
}

#[test]
fn nothing_valid_is_an_error_naming_every_input() {
    let f = common::fixture();
    let missing = f.dir.path().join("absent");
    let inputs = Inputs {
        results: vec![f.truncated.clone()],
        criterion: vec![missing.clone()],
        ..Inputs { baseline: "new".into(), ..Inputs::default() }
    };
    let err: NothingToReport = build(&inputs).unwrap_err();
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(msg.contains(&f.truncated.display().to_string()) && msg.contains(&missing.display().to_string()), "{msg}");

    let empty = f.dir.path().join("empty.json");
    let mut results: reports::schema::Results = serde_json::from_slice(&std::fs::read(&f.results_b).unwrap()).unwrap();
    results.cells.clear();
    reports::files::write_json_atomic(&empty, &results).unwrap();
    let err = build(&Inputs { results: vec![empty.clone()], ..Inputs::default() }).unwrap_err();
    assert_eq!(err.to_string(), format!("nothing to report: {}: an empty run (no cells)", empty.display()));
}

#[test]
fn a_newer_run_wins_a_cell_both_have() {
    let f = common::fixture();
    let newer = f.dir.path().join("a/newer.json");
    let mut results: reports::schema::Results = serde_json::from_slice(&std::fs::read(&f.results_a).unwrap()).unwrap();
    results.environment.date = "2026-11-22T09:00:00Z".into();
    results.cells = vec![common::cell("ping_pong", "rt-two", 1000, Some(100.0), reports::schema::Status::Measured)];
    reports::files::write_json_atomic(&newer, &results).unwrap();
    // The newer file first, so input order cannot be what decides.
    let inputs = Inputs { results: vec![newer, f.results_a.clone()], ..f.inputs() };
    let r = build(&inputs).unwrap();
    let a = machine(&r, "host-a");
    assert_eq!(a.runs.len(), 3, "two results files and one criterion directory on host-a");
    assert!(close(entry(a, "ping_pong", "rt-two").per_item_ns.unwrap()[0], 100.0));
    assert!(close(entry(a, "ping_pong", "rt-one").ranks.relative.unwrap(), 2.0), "rt-two is now the fastest");
}

#[test]
fn a_failed_write_leaves_no_file() {
    let (f, r, _) = written();
    let blocked = f.dir.path().join("blocked");
    std::fs::write(&blocked, "a file where the report directory should be").unwrap();
    let err = reports::write(&r, &blocked).unwrap_err();
    assert!(err.to_string().contains("blocked"), "{err}");
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "a file where the report directory should be");
}
