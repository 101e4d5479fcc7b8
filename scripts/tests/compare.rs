//! `arena compare`, the regression gate, as CI runs it: bad input is a
//! one-line error with exit 2 and no files; an unchanged build passes and an
//! injected 1 % slowdown fails when instructions can be counted.
use std::path::Path;
use std::process::{Command, Output};

use reports::gate::GateRun;

mod common;
use common::{assert_refused, stderr};

const ARENA: &str = env!("CARGO_BIN_EXE_arena");

/// `arena <command> --out <out> <extra…>`.
fn arena(command: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![command, "--out", out.to_str().unwrap()];
    args.extend(extra);
    Command::new(ARENA).args(&args).output().expect("arena runs")
}

fn compare(out: &Path, extra: &[&str]) -> Output {
    arena("compare", out, extra)
}

#[test]
fn bad_input_is_a_one_line_error_with_exit_2_and_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gate");
    let work = dir.path().join("work");
    let bins = ["--base-bin", ARENA, "--head-bin", ARENA];
    let with_bins = |extra: &[&'static str]| [&bins[..], extra].concat();
    for (args, message) in [
        (vec![], "error: say what to compare"),
        (with_bins(&["--runtime", "tokio"]), "error: --runtime: unknown name 'tokio'"),
        (with_bins(&["--workload", "pingpong"]), "error: --workload: unknown name 'pingpong'"),
        (with_bins(&["--threshold-wall-pct", "0"]), "error: --threshold-wall-pct: '0' is not between 0 and 100"),
        (with_bins(&["--size", "lots"]), "error: --size: 'lots' is not quick or a positive size"),
        (with_bins(&["--meter", "cycles"]), "error: --meter: 'cycles' is not auto, wall or callgrind"),
        (with_bins(&["--codegen-units", "1"]), "error: --codegen-units: --base-bin/--head-bin are built already"),
        (vec!["--base", "HEAD", "--head", "HEAD", "--codegen-units", "0"], "error: --codegen-units: at least 1"),
        (with_bins(&["--runtime", "smol-local", "--workload", "spawn_remote"]), "error: --runtime/--workload: no cell"),
        (vec!["--base-bin", "/no/such/arena", "--head-bin", ARENA], "error: --base-bin /no/such/arena: no such file"),
        (vec!["--base", "no-such-revision", "--head", "HEAD"], "error: --base no-such-revision: not a commit"),
        (vec!["--base-bin", ARENA], "error: the following required arguments were not provided"),
    ] {
        let with_work = [&args[..], &["--work-dir", work.to_str().unwrap()]].concat();
        assert_refused(&compare(&out, &with_work), message);
        assert!(!out.exists() && !work.exists(), "{args:?} wrote files");
    }
}

#[test]
fn a_build_that_cannot_run_its_cell_fails_it_with_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gate");
    let args = ["--base-bin", "/bin/true", "--head-bin", ARENA, "--runtime", "tokio-ct", "--workload", "ping_pong"];
    let result = compare(&out, &[&args[..], &["--meter", "wall"]].concat());
    assert_eq!(result.status.code(), Some(4), "{}", String::from_utf8_lossy(&result.stdout));
    let run: GateRun = serde_json::from_slice(&std::fs::read(out.join("gate.json")).unwrap()).unwrap();
    assert_eq!(run.cells[0].verdict, reports::gate::Verdict::Failed);
    assert!(run.cells[0].note.as_deref().is_some_and(|n| n.starts_with("base: worker ended")), "{:?}", run.cells[0]);
}

/// A small instruction-count gate on tokio-ct ping_pong; `None` when this
/// machine counts no instructions (no hardware counter, no valgrind).
fn instruction_gate(dir: &Path, extra: &[&str]) -> Option<(Output, GateRun)> {
    let out = dir.join("gate");
    let mut args = vec!["--base-bin", ARENA, "--head-bin", ARENA, "--runtime", "tokio-ct", "--workload", "ping_pong"];
    args.extend(["--size", "300", "--seed", "1"]);
    args.extend(extra);
    let result = compare(&out, &args);
    let run: GateRun = serde_json::from_slice(&std::fs::read(out.join("gate.json")).unwrap()).unwrap();
    if run.cells[0].meter == "wall" {
        // .ci/run installs valgrind and sets this, so CI cannot skip.
        assert!(
            std::env::var_os("ARENA_REQUIRE_INSTRUCTIONS").is_none(),
            "no instruction counts: {}",
            run.instructions
        );
        eprintln!("no instruction counts here ({}): skipping", run.instructions);
        return None;
    }
    assert!(out.join("gate.md").is_file() && out.join("benchmark.json").is_file());
    Some((result, run))
}

#[test]
fn an_unchanged_build_passes_and_an_injected_one_percent_fails() {
    let dir = tempfile::tempdir().unwrap();
    let Some((same, run)) = instruction_gate(dir.path(), &[]) else { return };
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stdout));
    let cell = &run.cells[0];
    assert_eq!(cell.verdict, reports::gate::Verdict::Ok);
    assert!(cell.functions.is_none(), "only a changed cell lists functions");
    let change = cell.change.unwrap();
    assert!(change.lower > -0.001 && change.upper < 0.001, "{cell:?}");

    let Some((slow, run)) = instruction_gate(dir.path(), &["--inject-pct", "1"]) else { return };
    assert_eq!(slow.status.code(), Some(1), "{}", String::from_utf8_lossy(&slow.stdout));
    let cell = &run.cells[0];
    assert_eq!(cell.verdict, reports::gate::Verdict::Regressed);
    let change = cell.change.unwrap();
    assert!(change.lower > 0.005 && change.upper < 0.02, "{change:?}");
    let injected = run.injected.as_ref().expect("an injection");
    assert!(injected.units.is_empty() && injected.per_batch.is_empty(), "{injected:?}");
    let [(name, units)] = &injected.counted[..] else { panic!("{injected:?}") };
    assert!(name == "tokio-ct/ping_pong" && *units > 0, "{injected:?}");
    if cell.meter == "callgrind" {
        // The gate says where the instructions went: into the burn (inclusive: the
        // test binaries are unoptimised, so the burn's loop is in functions it calls).
        let moved = cell.functions.as_ref().expect("a regressed callgrind cell lists its functions");
        let top = &moved.by_inclusive[0];
        assert_eq!(top.function, "runners::slowdown::burn", "{moved:?}");
        assert!(top.head_inclusive > 100.0 * top.base_inclusive, "{top:?}");
        let md = std::fs::read_to_string(dir.path().join("gate/gate.md")).unwrap();
        assert!(
            md.contains("### Where tokio-ct ping_pong (size 300) moved") && md.contains("`runners::slowdown::burn`")
        );
        // The last batch's dump of each build stays for callgrind_annotate.
        for role in ["base", "base2", "head"] {
            let stem = format!("tokio-ct-ping_pong-300-{role}.callgrind.");
            let kept = std::fs::read_dir(dir.path().join("gate/logs"))
                .unwrap()
                .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(&stem))
                .count();
            assert_eq!(kept, 1, "{role}");
        }
    }
    let points: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("gate/benchmark.json")).unwrap()).unwrap();
    assert_eq!(points[0]["name"], "tokio-ct/ping_pong/300");
    assert_eq!(points[0]["unit"], "instructions");
}

/// A wall-time injection burns once a batch and records what that burn was
/// sized from; the burn follows from it (the verdict is the machine's
/// noise: not checked).
#[test]
fn a_wall_injection_records_its_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gate");
    let mut args = vec!["--base-bin", ARENA, "--head-bin", ARENA, "--runtime", "tokio-ct", "--workload", "ping_pong"];
    args.extend(["--size", "300", "--meter", "wall", "--budget-s", "1", "--inject-pct", "3", "--seed", "1"]);
    let result = compare(&out, &args);
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(matches!(result.status.code(), Some(0 | 1 | 3)), "{stdout}{}", stderr(&result));
    let run: GateRun = serde_json::from_slice(&std::fs::read(out.join("gate.json")).unwrap()).unwrap();
    assert_eq!(run.cells[0].meter, "wall");
    assert!(run.cells[0].change.is_some(), "{:?}", run.cells[0]);
    let injected = run.injected.expect("an injection");
    assert!(injected.counted.is_empty() && injected.units.is_empty(), "wall time sizes its burn: {injected:?}");
    let [(cell, burn)] = &injected.per_batch[..] else { panic!("{injected:?}") };
    assert_eq!(cell, "tokio-ct/ping_pong");
    assert_eq!(burn.processes, 5);
    assert!(burn.batch_ns > 0.0 && burn.unit_ns > 0.0, "{burn:?}");
    assert_eq!(burn.units, ((0.03 * burn.batch_ns / burn.unit_ns).round() as u64).max(1), "{burn:?}");
    assert!(
        stdout.contains(&format!("tokio-ct/ping_pong: {} units at the start of each batch (", burn.units)),
        "{stdout}"
    );
}

fn selftest(out: &Path, extra: &[&str]) -> Output {
    arena("gate-selftest", out, extra)
}

#[test]
fn help_lists_the_values_a_flag_takes() {
    let help = |command: &str| {
        let out = Command::new(ARENA).args([command, "--help"]).output().unwrap();
        assert!(out.status.success(), "{command} --help: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let compare = help("compare");
    assert!(
        [
            "auto:",
            "Instruction counts where a cell allows them",
            "wall:",
            "callgrind:",
            "even where a hardware counter"
        ]
        .iter()
        .all(|s| compare.contains(s)),
        "{compare}"
    );
    let selftest = help("gate-selftest");
    for mode in ["instructions-inject", "instructions-aa", "wall-inject", "wall-aa"] {
        assert!(selftest.contains(&format!("{mode}: ")), "{mode} missing from:\n{selftest}");
    }
}

#[test]
fn the_selftest_refuses_bad_input_in_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("selftest");
    for (args, message) in [
        (
            vec!["--mode", "wall-ab"],
            "error: --mode: 'wall-ab' is not instructions-inject, instructions-aa, wall-inject or wall-aa",
        ),
        (vec!["--runs", "0"], "error: --runs: at least 1"),
        (vec!["--wall-inject-pct=-3"], "error: --wall-inject-pct: '-3' is not between 0 and 100"),
        (vec!["--bin", "/no/such/arena"], "error: --bin /no/such/arena: no such file"),
        (vec!["--mode", "instructions-aa", "--instruction-runtime", "tokio"], "error: arena compare refused the run"),
        (vec!["--resume"], "error: --resume: "),
    ] {
        assert_refused(&selftest(&out, &args), message);
        assert!(!out.join("selftest.json").exists(), "{args:?} wrote a tally");
    }
}

#[test]
fn the_selftest_tallies_what_the_gate_decided() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("selftest");
    let cell = ["--instruction-runtime", "tokio-ct", "--instruction-workload", "ping_pong", "--size", "300"];
    let result = selftest(
        &out,
        &[&["--runs", "2", "--mode", "instructions-inject,instructions-aa", "--seed", "7"], &cell[..]].concat(),
    );
    let tally: reports::gate::selftest::Selftest =
        serde_json::from_slice(&std::fs::read(out.join("selftest.json")).unwrap()).unwrap();
    if tally.modes.is_empty() {
        assert!(std::env::var_os("ARENA_REQUIRE_INSTRUCTIONS").is_none(), "skipped: {:?}", tally.skipped);
        eprintln!("no instruction counts here: {:?}", tally.skipped);
        return;
    }
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stdout));
    assert!(tally.passed);
    let [inject, aa] = &tally.modes[..] else { panic!("two modes: {tally:?}") };
    assert_eq!((inject.cells[0].flagged(), inject.cells[0].runs()), (2, 2));
    assert_eq!((aa.cells[0].flagged(), aa.cells[0].runs()), (0, 2));
    assert_eq!(inject.runs.iter().map(|r| r.seed).collect::<Vec<_>>(), [7, 8]);
    assert!(out.join("instructions-aa/run-2/gate.json").is_file());
    assert!(out.join("selftest.md").is_file());

    // Resumed: one more run of one mode, numbered and seeded after the first two;
    // the other mode's two runs are kept, so the self-test of three is unfinished.
    let resume = ["--resume", "--runs", "3", "--mode", "instructions-aa", "--seed", "7"];
    let result = selftest(&out, &[&resume[..], &cell[..]].concat());
    assert_eq!(result.status.code(), Some(1), "{}", String::from_utf8_lossy(&result.stdout));
    let tally = reports::files::read::<reports::gate::selftest::Selftest>(&out.join("selftest.json")).unwrap();
    assert!(tally.unfinished() && !tally.passed);
    let aa = tally.modes.iter().find(|m| m.name == "instructions-aa").unwrap();
    assert_eq!(aa.runs.iter().map(|r| r.seed).collect::<Vec<_>>(), [7, 8, 9]);
    assert_eq!(aa.cells[0].runs(), 3);
    assert!(out.join("instructions-aa/run-3/gate.json").is_file());
    assert_eq!(tally.modes.iter().find(|m| m.name == "instructions-inject").unwrap().runs.len(), 2);

    // Other settings are not added to that tally.
    let other = [&resume[..], &["--instruction-runtime", "tokio-ct", "--instruction-workload", "ping_pong"]].concat();
    let args = [&other[..], &["--size", "400"]].concat();
    assert_refused(&selftest(&out, &args), "error: --resume: ");
    assert_eq!(reports::files::read::<reports::gate::selftest::Selftest>(&out.join("selftest.json")).unwrap(), tally);
}
