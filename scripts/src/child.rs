//! Child processes, both sides of [`reports::protocol`]. A parent
//! ([`run_watched`]) starts a child with its request on stdin, under the one
//! watchdog, and collects the child's replies; a child ([`serve`]) reads the
//! request, keeps its stdout for the replies (whatever else it prints goes to
//! stderr) and reports its own panics. `arena run` and `arena conformance`
//! keep a crashing or hanging runtime from taking the whole command down this
//! way, and `arena-memory` gets a fresh process per spawn storm.
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use reports::protocol::{self, Reply, Request};

/// How a watched child ended.
#[derive(Debug)]
pub struct Ended {
    /// `None` if the watchdog had to kill it.
    pub status: Option<ExitStatus>,
    /// Its replies, in order.
    pub replies: Vec<Reply>,
    /// Lines on its stdout that were not messages (a bug: said in [`failure`](Self::failure)).
    pub garbled: Vec<String>,
    /// Everything it printed on stderr, for a person to read.
    pub stderr: String,
}

impl Ended {
    /// The child's answer: its last reply that answers the request.
    pub fn answer(&self) -> Option<&Reply> {
        self.replies.iter().rev().find(|r| r.is_answer())
    }

    /// Why a child failed, in one line, or `None` if it exited cleanly with
    /// an answer: `hang: …`, `panic: <message>` (from its own report), or its
    /// exit status with the last line it wrote on stderr (an abort sends no
    /// message).
    pub fn failure(&self, timeout: Duration) -> Option<String> {
        let status = match self.status {
            None => return Some(format!("hang: still running after {} s, stopped", timeout.as_secs())),
            Some(s) if s.success() && self.answer().is_some() => return None,
            Some(s) => s,
        };
        let panic = self.replies.iter().find_map(|r| match r {
            Reply::Panicked { message, .. } => Some(format!("panic: {}", message.lines().next().unwrap_or_default())),
            _ => None,
        });
        if let Some(panic) = panic {
            return Some(panic);
        }
        if let Some(line) = self.garbled.first() {
            return Some(format!("child process {status} after a line outside {}: {line}", protocol::PROTOCOL));
        }
        Some(match self.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
            Some(line) if status.success() => format!("no answer from the child process: {}", line.trim()),
            Some(line) => format!("{} ({status})", line.trim()),
            None => format!("child process {status}"),
        })
    }
}

/// Runs `cmd` with `request` on its stdin, to its end or until `timeout`,
/// collecting its replies and its stderr.
pub fn run_watched(mut cmd: Command, request: &Request, timeout: Duration) -> anyhow::Result<Ended> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // A child that dies before reading its request closes the pipe: its end says why.
    let _ = protocol::send(&mut stdin, request);
    drop(stdin);
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let replies = std::thread::spawn(move || {
        let (mut replies, mut garbled) = (Vec::new(), Vec::new());
        for line in stdout.lines() {
            let Ok(line) = line else { break };
            match protocol::receive::<Reply>(&line) {
                Ok(reply) => replies.push(reply),
                Err(_) => garbled.push(line.chars().take(200).collect()),
            }
        }
        (replies, garbled)
    });
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let status = wait_with_watchdog(&mut child, timeout)?;
    let (replies, garbled) = replies.join().unwrap_or_default();
    Ok(Ended { status, replies, garbled, stderr: stderr.join().unwrap_or_default() })
}

/// Waits for `child`, killing it after `timeout`; `None` if it had to be killed.
pub fn wait_with_watchdog(child: &mut Child, timeout: Duration) -> anyhow::Result<Option<ExitStatus>> {
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

/// The channel to the parent: the stdout it reads, set aside in [`serve`].
static CHANNEL: OnceLock<Mutex<File>> = OnceLock::new();

/// Sends one reply to the parent.
pub fn reply(message: &Reply) -> anyhow::Result<()> {
    let channel = CHANNEL.get().context("reply: no parent channel (not in a child process)")?;
    let mut out = channel.lock().unwrap_or_else(|e| e.into_inner());
    protocol::send(&mut *out, message).context("writing to the parent")
}

/// In a child: reads the request from stdin, sets stdout aside as the channel
/// to the parent (what libraries print from here on goes to stderr), installs
/// the hook that reports a panic before the default hook prints it, and
/// answers with what `work` returns.
pub fn serve(work: impl FnOnce(Request) -> anyhow::Result<Reply>) -> anyhow::Result<()> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the request on stdin")?;
    let request: Request = protocol::receive(&line).context("the request on stdin")?;
    let channel = rustix::io::dup(std::io::stdout()).context("keeping stdout for the parent")?;
    std::io::stdout().flush().context("flushing stdout")?;
    rustix::stdio::dup2_stdout(std::io::stderr()).context("sending stdout to stderr")?;
    CHANNEL.set(Mutex::new(File::from(channel))).map_err(|_| anyhow::anyhow!("serve called twice"))?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let location = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        let message = runners::profile::message(info.payload());
        let _ = reply(&Reply::Panicked { message, location });
        previous(info);
    }));
    let answer = work(request)?;
    reply(&answer)
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;

    fn ended(code: Option<i32>, replies: Vec<Reply>, stderr: &str) -> Ended {
        let status = code.map(|c| ExitStatus::from_raw(c << 8));
        Ended { status, replies, garbled: Vec::new(), stderr: stderr.to_owned() }
    }

    #[test]
    fn a_failure_is_told_from_the_replies_first_and_the_stderr_last() {
        let timeout = Duration::from_secs(2);
        let panicked = Reply::Panicked { message: "wrong answer\nat size 10".into(), location: None };
        assert_eq!(ended(Some(0), vec![Reply::Held], "").failure(timeout), None);
        // A panic the runtime contained, then an answer: no failure.
        assert_eq!(ended(Some(0), vec![panicked.clone(), Reply::Measured], "").failure(timeout), None);
        assert_eq!(ended(None, vec![], "").failure(timeout).as_deref(), Some("hang: still running after 2 s, stopped"));
        // The panic's first line, said by the child, whatever its stderr holds.
        let died = ended(Some(101), vec![panicked], "thread 'main' panicked at x.rs:1:1:\nsomething else");
        assert_eq!(died.failure(timeout).as_deref(), Some("panic: wrong answer"));
        // No message (an abort, an error): the last line it wrote, and its status.
        let failure = ended(Some(1), vec![], "error: writing cell records\n\n").failure(timeout).unwrap();
        assert!(failure.starts_with("error: writing cell records (exit status: 1"), "{failure}");
        let silent = ended(Some(0), vec![], "").failure(timeout).unwrap();
        assert_eq!(silent, "child process exit status: 0");
    }
}
