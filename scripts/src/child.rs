//! Child processes under a watchdog: how `arena run` and `arena conformance`
//! keep a crashing or hanging runtime from taking the whole command down.
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

/// How a watched child ended.
#[derive(Debug)]
pub struct Ended {
    /// `None` if the watchdog had to kill it.
    pub status: Option<ExitStatus>,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

impl Ended {
    /// Why a child that did not exit cleanly failed, in one line:
    /// `hang: …` or the first panic message (or last error line) and status.
    pub fn failure(&self, timeout: Duration) -> Option<String> {
        match self.status {
            None => Some(format!("hang: still running after {} s, stopped", timeout.as_secs())),
            Some(s) if s.success() => None,
            Some(s) => Some(match panic_message(&self.stderr) {
                Some(message) => message,
                None => match self.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
                    Some(line) => format!("{} ({s})", line.trim()),
                    None => format!("child process {s}"),
                },
            }),
        }
    }
}

/// Runs `cmd` to its end or until `timeout`, collecting its output.
pub fn run_watched(mut cmd: Command, timeout: Duration) -> anyhow::Result<Ended> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = read_all(Box::new(child.stderr.take().expect("stderr is piped")));
    let status = wait_with_watchdog(&mut child, timeout)?;
    Ok(Ended { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() })
}

/// Waits for `child`, killing it after `timeout`; `None` if it had to be killed.
fn wait_with_watchdog(child: &mut Child, timeout: Duration) -> anyhow::Result<Option<ExitStatus>> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().context("waiting for a child process")? {
            return Ok(Some(status));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `panic: <message>` for the first panic in a child's stderr.
fn panic_message(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if line.contains("panicked at") {
            return Some(format!("panic: {}", lines.next().unwrap_or("").trim()));
        }
    }
    None
}
