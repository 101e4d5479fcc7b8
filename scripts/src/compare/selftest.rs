//! `arena gate-selftest`: the gate's proof on this machine. It runs
//! `arena compare` on one binary against itself, `--runs` times per mode, in
//! child processes exactly as CI would, and tallies the verdicts from each
//! run's `gate.json` (`reports::gate::selftest`):
//!
//! * `instructions-inject`: head slowed by 1 % (instruction counts) must be
//!   flagged in every run, on every cell;
//! * `wall-inject`: head slowed by 3 % (wall time) must be flagged in at
//!   least 9 runs of 10, on every cell;
//! * `instructions-aa`, `wall-aa`: the unchanged binary must never be flagged.
//!
//! The injected slowdown is work burned at the start of head's every batch
//! (`runners::slowdown`), calibrated per cell by `compare` itself
//! (`--inject-pct`).
//!
//! The tally is rewritten after every run. `--resume` goes on with it,
//! adding runs to each mode until it has `--runs`, so a wall-time self-test
//! longer than one sitting (ten runs of ten minutes per mode) can be spread
//! over several; a mode is only resumed with the settings it was run with.
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use reports::files::{read, write_atomic, write_json_atomic};
use reports::gate::GateRun;
use reports::gate::selftest::{self, Expect, ModeTally, Selftest};

use super::pct;
use crate::Exit;
use crate::Usage;
use crate::cli::{GateSelftestArgs, SelftestMode};

/// A mode of the self-test.
struct Mode {
    name: &'static str,
    wall: bool,
    inject: Option<f64>,
    expect: Expect,
}

fn modes(args: &GateSelftestArgs) -> Result<Vec<Mode>, Usage> {
    let instructions = pct("--instructions-inject-pct", args.instructions_inject_pct)?;
    let wall = pct("--wall-inject-pct", args.wall_inject_pct)?;
    if !(args.wall_share > 0.0 && args.wall_share <= 1.0) {
        return Err(Usage(format!("--wall-share: '{}' is not in (0, 1]", args.wall_share)));
    }
    if args.runs == 0 {
        return Err(Usage("--runs: at least 1".into()));
    }
    let all = [
        (SelftestMode::InstructionsInject, false, Some(instructions), Expect::Always),
        (SelftestMode::InstructionsAa, false, None, Expect::Never),
        (SelftestMode::WallInject, true, Some(wall), Expect::AtLeast(args.wall_share)),
        (SelftestMode::WallAa, true, None, Expect::Never),
    ];
    let picked = |mode: &SelftestMode| args.modes.is_empty() || args.modes.contains(mode);
    Ok(all
        .into_iter()
        .filter(|(mode, ..)| picked(mode))
        .map(|(mode, wall, inject, expect)| Mode { name: mode.name(), wall, inject, expect })
        .collect())
}

pub fn selftest(args: GateSelftestArgs) -> anyhow::Result<ExitCode> {
    let modes = modes(&args)?;
    let bin = match &args.bin {
        Some(bin) if !bin.is_file() => bail!(Usage(format!("--bin {}: no such file", bin.display()))),
        Some(bin) => std::path::absolute(bin).with_context(|| format!("--bin {}", bin.display()))?,
        None => std::env::current_exe().context("finding this arena binary")?,
    };
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..u64::MAX / 2));
    let (counter, source) = super::instruction_source(crate::cli::MeterChoice::Auto);
    let tally_path = args.out.join("selftest.json");
    // Modes tallied before (--resume), this run's own modes replacing theirs as they go.
    let mut tallies = if args.resume { earlier(&tally_path)? } else { Vec::new() };
    let _lock = scripts::lock::lock_dir("--out", &args.out)?;
    let mut skipped = Vec::new();
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut result = Selftest {
        schema: selftest::SCHEMA.to_owned(),
        binary: bin.display().to_string(),
        runs: args.runs,
        modes: Vec::new(),
        skipped: Vec::new(),
        passed: false,
        environment: runners::info::environment(&command),
    };
    for mode in &modes {
        if !mode.wall && counter.is_none() {
            skipped.push(format!("{}: no instruction counts here ({source})", mode.name));
            continue;
        }
        let settings = settings(&args, mode);
        let mut tally = match tallies.iter().position(|t: &ModeTally| t.name == mode.name) {
            Some(i) if tallies[i].settings == settings => tallies.remove(i),
            Some(i) => bail!(Usage(format!(
                "--resume: {} ran {} with {}, not {settings}",
                tally_path.display(),
                mode.name,
                tallies[i].settings
            ))),
            None => {
                let mut t = ModeTally::new(mode.name, mode.inject, mode.expect);
                t.settings = settings;
                t
            }
        };
        for i in tally.runs.len()..args.runs {
            let dir = args.out.join(mode.name).join(format!("run-{}", i + 1));
            let start = Instant::now();
            let code = compare(&bin, &args, mode, seed + i as u64, &dir)?;
            let gate_json = dir.join("gate.json");
            let run = read::<GateRun>(&gate_json)?;
            let seconds = start.elapsed().as_secs_f64();
            println!(
                "{} run {}/{}: {} (exit {code}, {seconds:.0} s): {}",
                mode.name,
                i + 1,
                args.runs,
                run.verdict,
                run.cells
                    .iter()
                    .map(|c| format!("{}/{} {}", c.runtime, c.workload, c.verdict))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            tally.add(&run, seconds, &gate_json.display().to_string());
            // Written after every run: a stopped self-test keeps what it measured.
            result.modes = tallies.iter().chain([&tally]).cloned().collect();
            write(&args.out, &result)?;
        }
        tallies.push(tally);
    }
    result.modes = tallies;
    result.skipped = skipped;
    result.passed = !result.modes.is_empty() && !result.unfinished() && result.modes.iter().all(ModeTally::passed);
    print!("{}", reports::terminal::table(&selftest::table(&result)));
    for s in &result.skipped {
        println!("skipped {s}");
    }
    write(&args.out, &result)?;
    println!("results: {}", tally_path.display());
    Ok(if result.passed { Exit::Ok } else { Exit::Finding }.into())
}

/// The modes of the tally being resumed.
fn earlier(path: &Path) -> anyhow::Result<Vec<ModeTally>> {
    match read::<Selftest>(path) {
        Ok(s) => Ok(s.modes),
        Err(e) if e.is_not_found() => bail!(Usage(format!("--resume: {} does not exist", path.display()))),
        Err(e) => bail!(Usage(format!("--resume: {e}"))),
    }
}

/// What a mode's runs are given, as one line: runs are added to a tally
/// only under the same settings.
fn settings(args: &GateSelftestArgs, mode: &Mode) -> String {
    let (runtimes, workloads) = if mode.wall {
        (&args.wall_runtimes, &args.wall_workloads)
    } else {
        (&args.instruction_runtimes, &args.instruction_workloads)
    };
    let inject = mode.inject.map_or("none".to_owned(), |p| format!("{:.2} %", p * 100.0));
    let budget = if mode.wall { format!(", budget {} s", args.budget_s) } else { String::new() };
    format!("inject {inject}, {} x {}, size {}{budget}", runtimes.join(","), workloads.join(","), args.size)
}

/// Writes the tally and its Markdown into `out`.
fn write(out: &Path, result: &Selftest) -> anyhow::Result<()> {
    write_json_atomic(&out.join("selftest.json"), result)?;
    write_atomic(&out.join("selftest.md"), selftest::markdown(result).as_bytes())?;
    Ok(())
}

/// One `arena compare` run of `mode`, output in `dir`; its exit code, which
/// must be a verdict's (0, 1, 3 or 4).
fn compare(bin: &Path, args: &GateSelftestArgs, mode: &Mode, seed: u64, dir: &Path) -> anyhow::Result<i32> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let log_path = dir.join("compare.log");
    let log = std::fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    let (runtimes, workloads) = if mode.wall {
        (&args.wall_runtimes, &args.wall_workloads)
    } else {
        (&args.instruction_runtimes, &args.instruction_workloads)
    };
    let mut cmd = Command::new(bin);
    cmd.arg("compare")
        .arg("--base-bin")
        .arg(bin)
        .arg("--head-bin")
        .arg(bin)
        .arg(format!("--runtime={}", runtimes.join(",")))
        .arg(format!("--workload={}", workloads.join(",")))
        .arg(format!("--seed={seed}"))
        .arg(format!("--budget-s={}", args.budget_s))
        .arg(format!("--size={}", args.size))
        .arg("--out")
        .arg(dir)
        .arg("--work-dir")
        .arg(PathBuf::from(dir).join("work"));
    if mode.wall {
        cmd.arg("--meter=wall");
    }
    if let Some(inject) = mode.inject {
        cmd.arg(format!("--inject-pct={}", inject * 100.0));
    }
    let status = cmd
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()
        .with_context(|| format!("starting {}", bin.display()))?;
    match status.code() {
        Some(code @ (0 | 1 | 3 | 4)) => Ok(code),
        Some(2) => bail!(Usage(format!("arena compare refused the run: see {}", log_path.display()))),
        _ => bail!("arena compare ended with {status}: see {}", log_path.display()),
    }
}
