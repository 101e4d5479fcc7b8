//! A gate worker seen from the driver: a child process speaking
//! `arena-gate/1` (see `runners::gate`), possibly under callgrind, with a
//! timeout on every answer so a hung build fails its cell instead of the gate.
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use reports::gate::Profile;
use reports::protocol::{GateAnswer, GateCommand};
use runners::gate::{LEGACY_REGION, Meter, REGION};

/// How long a worker may take to start or to answer one command.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// What to start.
#[derive(Debug, Clone)]
pub struct Launch<'a> {
    /// The `arena` binary.
    pub binary: &'a Path,
    /// Runtime id.
    pub runtime: &'a str,
    /// Workload name.
    pub workload: &'a str,
    /// Size of every run.
    pub size: usize,
    /// How batches are measured.
    pub meter: Meter,
    /// Takes burn commands (the self-test's injected slowdown).
    pub inject: bool,
    /// `--workers`, if given.
    pub workers: Option<usize>,
    /// Where the worker's stderr (and callgrind's dumps) go.
    pub log_dir: &'a Path,
    /// `base`, `base2` or `head`: names the log.
    pub role: &'a str,
}

/// A running worker.
#[derive(Debug)]
pub struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    /// callgrind's output file, whose dumps are `<file>.1`, `<file>.2`, …
    /// (the last one is kept, for `callgrind_annotate`).
    callgrind_out: Option<PathBuf>,
    dumps: usize,
    /// The last batch's instructions by function (callgrind only).
    last_profile: Option<Profile>,
    log: PathBuf,
}

impl Worker {
    /// Starts a worker and waits for its `ready` line.
    pub fn start(l: &Launch) -> Result<Worker, String> {
        let stem = format!("{}-{}-{}-{}", l.runtime, l.workload, l.size, l.role);
        let log = l.log_dir.join(format!("{stem}.log"));
        let callgrind_out = (l.meter == Meter::Callgrind).then(|| l.log_dir.join(format!("{stem}.callgrind")));
        let mut cmd = match &callgrind_out {
            Some(out) => {
                clear_dumps(out);
                let mut cmd = Command::new("valgrind");
                cmd.args(["--tool=callgrind", "--collect-atstart=no"]);
                // Both names: a build has one of them (older builds the second).
                for region in [REGION, LEGACY_REGION] {
                    cmd.arg(format!("--toggle-collect={region}")).arg(format!("--dump-after={region}"));
                }
                cmd.arg(format!("--callgrind-out-file={}", out.display())).arg(l.binary);
                cmd
            }
            None => Command::new(l.binary),
        };
        cmd.arg("gate-worker").args(["--runtime", l.runtime, "--workload", l.workload]).args([
            "--size",
            &l.size.to_string(),
            "--meter",
            l.meter.name(),
        ]);
        if l.inject {
            cmd.arg("--inject");
        }
        if let Some(w) = l.workers {
            cmd.args(["--workers", &w.to_string()]);
        }
        let stderr = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(stderr);
        let mut child = cmd.spawn().map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut worker = Worker { child, stdin, lines, callgrind_out, dumps: 0, last_profile: None, log };
        match worker.answer() {
            Ok(GateAnswer::Ready { meter }) if meter == l.meter.name() => Ok(worker),
            Ok(other) => Err(format!("expected the worker ready to measure in {}, got '{other}'", l.meter)),
            Err(e) => Err(e),
        }
    }

    /// The worker's next answer (an error answer as `Err`), or why there is none.
    fn answer(&mut self) -> Result<GateAnswer, String> {
        let line = match self.lines.recv_timeout(ANSWER_TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!("no answer in {} s (hung? see {})", ANSWER_TIMEOUT.as_secs(), self.log.display()));
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                return Err(format!("worker ended ({status}); see {}", self.log.display()));
            }
        };
        match line.parse::<GateAnswer>() {
            Ok(GateAnswer::Error(why)) => Err(why),
            Ok(answer) => Ok(answer),
            Err(e) => Err(format!("{e} (an arena too old or too new for this driver?)")),
        }
    }

    fn ask(&mut self, command: GateCommand) -> Result<u64, String> {
        writeln!(self.stdin, "{command}").map_err(|e| format!("worker gone: {e}; see {}", self.log.display()))?;
        match self.answer()? {
            GateAnswer::Value(value) => Ok(value),
            other => Err(format!("expected a number for '{command}', got '{other}'")),
        }
    }

    /// Runs one batch of `iters` runs; its cost in the worker's meter.
    pub fn run(&mut self, iters: u64) -> Result<f64, String> {
        let value = self.ask(GateCommand::Run { iters })?;
        let Some(out) = &self.callgrind_out else { return Ok(value as f64) };
        self.dumps += 1;
        let dump = PathBuf::from(format!("{}.{}", out.display(), self.dumps));
        let text = std::fs::read_to_string(&dump)
            .map_err(|e| format!("{}: {e} (callgrind did not dump after {REGION})", dump.display()))?;
        let profile = Profile::from_dump(&text, iters).map_err(|e| format!("{}: {e}", dump.display()))?;
        let total = profile.total as f64;
        self.last_profile = Some(profile);
        // The last batch's dump stays for `callgrind_annotate`; the ones before it go.
        let _ = std::fs::remove_file(format!("{}.{}", out.display(), self.dumps - 1));
        Ok(total)
    }

    /// The last batch's instructions by function, if callgrind counted it.
    pub fn take_profile(&mut self) -> Option<Profile> {
        self.last_profile.take()
    }

    /// Sets the work an injected worker burns at the start of every batch.
    pub fn burn_batch(&mut self, units: u64) -> Result<(), String> {
        self.ask(GateCommand::BurnBatch { units }).map(drop)
    }

    /// Nanoseconds an injected worker takes to burn `units` units.
    pub fn burn_cost(&mut self, units: u64) -> Result<u64, String> {
        self.ask(GateCommand::BurnCost { units })
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{}", GateCommand::Quit);
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes callgrind files left by an earlier worker of the same cell.
fn clear_dumps(out: &Path) {
    let (Some(dir), Some(name)) = (out.parent(), out.file_name().and_then(|n| n.to_str())) else { return };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(|n| n.starts_with(name)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether valgrind can be started.
pub fn valgrind_available() -> Result<(), String> {
    match Command::new("valgrind").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("valgrind --version: {s}")),
        Err(e) => Err(format!("valgrind: {e}")),
    }
}
