//! The one protocol between Arena's processes (`arena-protocol/1`). A parent
//! starts a child (`arena child`, `arena-memory --child`), writes one
//! [`Request`] on its stdin as a line of JSON, and reads the child's
//! [`Reply`]s from its stdout, one JSON line each. Both sides use these types,
//! so neither parses the other's prose: what a child prints besides (criterion's
//! report, a runtime's warnings) goes to its stderr, which a parent only keeps
//! for a person to read — quoting its last line when a child died without a
//! word (an abort sends nothing).
//!
//! A child reports its own panics ([`Reply::Panicked`], from a panic hook it
//! installs before it serves), so a parent learns why a child failed from a
//! message, not from the text of a panic.
//!
//! The gate worker (`arena gate-worker`) speaks words instead, `arena-gate/1`
//! ([`GateCommand`], [`GateAnswer`]): `arena compare --base REV` drives the
//! workers of binaries built from older revisions, which speak only that. Its
//! words are defined here too, once, written and read by the same types on
//! both sides.
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The protocol's name, for messages about it.
pub const PROTOCOL: &str = "arena-protocol/1";

/// What a parent asks of a child: the first and only line of its stdin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// `arena run`: measure one runtime × workload pair at these sizes, in a
    /// process confined to `cores` CPUs (criterion's and Arena's records go to
    /// `criterion_dir`). Answered by [`Reply::Measured`].
    Cell {
        /// Runtime id.
        runtime: String,
        /// Workload name.
        workload: String,
        /// The sizes to measure.
        sizes: Vec<usize>,
        /// The CPUs to confine the process to, and the runtime's workers.
        cores: usize,
        /// Where criterion writes.
        criterion_dir: PathBuf,
        /// criterion's warm-up, milliseconds.
        warm_up_ms: u64,
        /// criterion's measurement time, milliseconds.
        measure_ms: u64,
        /// criterion's samples.
        samples: usize,
    },
    /// `arena conformance`: one contract check on one runtime. Answered by
    /// [`Reply::Held`], [`Reply::Broken`] or [`Reply::Unavailable`].
    Check {
        /// Runtime id.
        runtime: String,
        /// Check name.
        check: String,
        /// Workers for multi-threaded runtimes (default: the available cores).
        workers: Option<usize>,
    },
    /// `arena conformance`: one behaviour probe on one runtime. Answered by
    /// [`Reply::Observed`] or [`Reply::Unavailable`].
    Probe {
        /// Runtime id.
        runtime: String,
        /// Probe name.
        probe: String,
    },
    /// `arena-memory`: one runtime's spawn storm in a fresh process on `cores`
    /// CPUs. Answered by [`Reply::Storm`] or [`Reply::NoStorm`].
    Storm {
        /// Runtime id.
        runtime: String,
        /// The CPUs to confine the process to, and the runtime's workers.
        cores: usize,
    },
}

/// What a child tells its parent: one JSON line each on its stdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "kebab-case")]
pub enum Reply {
    /// The child panicked (said by its panic hook, before it unwinds): what,
    /// and where. A child can panic and still answer (a runtime that contains
    /// a task's panic); a parent uses this only when no answer came.
    Panicked {
        /// The panic's message.
        message: String,
        /// `file:line:column`, when known.
        location: Option<String>,
    },
    /// The request named something this build does not have, or cannot do.
    Refused {
        /// Why, in one line, naming what was asked.
        why: String,
    },
    /// The runtime cannot start on this machine (no io_uring, …).
    Unavailable {
        /// Its error.
        why: String,
    },
    /// A cell's sizes were measured; the records are in its `criterion_dir`.
    Measured,
    /// A contract check held.
    Held,
    /// A contract check saw the contract broken.
    Broken {
        /// What it saw.
        why: String,
    },
    /// What a probe saw.
    Observed {
        /// The named outcome.
        outcome: String,
        /// Anything else it saw, for the matrix's hover text.
        detail: Option<String>,
    },
    /// A spawn storm's peak resident set before and after, bytes.
    Storm {
        /// Before the storm.
        before: u64,
        /// At its peak.
        peak: u64,
    },
    /// A spawn storm that did not run on this runtime, and why (capped,
    /// unavailable).
    NoStorm {
        /// Why.
        why: String,
    },
}

impl Reply {
    /// Whether this reply answers a request (every reply but a panic report).
    pub fn is_answer(&self) -> bool {
        !matches!(self, Reply::Panicked { .. })
    }
}

/// A line that is not a message of this protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// The line, cut to 200 characters.
    pub line: String,
    /// serde's reason.
    pub why: String,
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = format!("not a message of {PROTOCOL} ({}): {}", self.why, self.line);
        f.write_str(&crate::text::one_line(&text))
    }
}

impl std::error::Error for ProtocolError {}

/// Writes `message` as one line of JSON and flushes.
pub fn send<T: Serialize>(out: &mut dyn Write, message: &T) -> io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// Reads one message from one line.
pub fn receive<T: DeserializeOwned>(line: &str) -> Result<T, ProtocolError> {
    serde_json::from_str(line.trim_end())
        .map_err(|e| ProtocolError { line: line.chars().take(200).collect(), why: e.to_string() })
}

/// The gate worker's protocol: after the worker's [`GateAnswer::Ready`], one
/// [`GateCommand`] a line on its stdin, one [`GateAnswer`] a line on its stdout.
pub const GATE_PROTOCOL: &str = "arena-gate/1";

/// A gate driver's command to its worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateCommand {
    /// Run one batch of `iters` runs (at least one); answered with its cost
    /// in the worker's meter.
    Run {
        /// Runs in the batch.
        iters: u64,
    },
    /// Burn `units` of work at the start of every batch from now on (the
    /// self-test's injection; only a worker started with it takes this).
    BurnBatch {
        /// Units to burn.
        units: u64,
    },
    /// How many nanoseconds burning `units` takes (median of five).
    BurnCost {
        /// Units to time.
        units: u64,
    },
    /// Stop.
    Quit,
}

impl fmt::Display for GateCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateCommand::Run { iters } => write!(f, "run {iters}"),
            GateCommand::BurnBatch { units } => write!(f, "burn-batch {units}"),
            GateCommand::BurnCost { units } => write!(f, "burn-cost {units}"),
            GateCommand::Quit => f.write_str("quit"),
        }
    }
}

impl FromStr for GateCommand {
    type Err = ProtocolError;

    fn from_str(line: &str) -> Result<Self, ProtocolError> {
        let bad = |why: &str| ProtocolError { line: line.chars().take(200).collect(), why: why.to_owned() };
        let mut words = line.split_whitespace();
        let (verb, number) = (words.next(), words.next().map(str::parse::<u64>));
        if words.next().is_some() {
            return Err(bad("one word and at most one number"));
        }
        match (verb, number) {
            (Some("run"), Some(Ok(iters))) if iters > 0 => Ok(GateCommand::Run { iters }),
            (Some("burn-batch"), Some(Ok(units))) => Ok(GateCommand::BurnBatch { units }),
            (Some("burn-cost"), Some(Ok(units))) => Ok(GateCommand::BurnCost { units }),
            (Some("quit"), None) => Ok(GateCommand::Quit),
            _ => Err(bad("not run N (N > 0), burn-batch N, burn-cost N or quit")),
        }
    }
}

/// A gate worker's answer to its driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateAnswer {
    /// The cell is built and warmed; the worker measures in `meter`.
    Ready {
        /// `instructions`, `callgrind` or `wall`.
        meter: String,
    },
    /// A command's number: a batch's cost, a burn's nanoseconds, or 0.
    Value(u64),
    /// The worker cannot go on, and why (one line).
    Error(String),
}

impl fmt::Display for GateAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateAnswer::Ready { meter } => write!(f, "ready {GATE_PROTOCOL} {meter}"),
            GateAnswer::Value(value) => write!(f, "ok {value}"),
            GateAnswer::Error(why) => write!(f, "error {}", why.replace('\n', " ")),
        }
    }
}

impl FromStr for GateAnswer {
    type Err = ProtocolError;

    fn from_str(line: &str) -> Result<Self, ProtocolError> {
        let bad = |why: String| ProtocolError { line: line.chars().take(200).collect(), why };
        let (verb, rest) = line.trim_end().split_once(' ').unwrap_or((line.trim_end(), ""));
        match verb {
            "ready" => match rest.split_once(' ') {
                Some((GATE_PROTOCOL, meter)) if !meter.is_empty() => Ok(GateAnswer::Ready { meter: meter.to_owned() }),
                _ => Err(bad(format!("a worker that does not speak {GATE_PROTOCOL}"))),
            },
            "ok" => rest.parse().map(GateAnswer::Value).map_err(|_| bad("ok without a number".into())),
            "error" => Ok(GateAnswer::Error(rest.to_owned())),
            _ => Err(bad("not ready, ok or error".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_survives_a_line_of_json() {
        let requests = [
            Request::Cell {
                runtime: "tokio-ct".into(),
                workload: "ping_pong".into(),
                sizes: vec![10, 100],
                cores: 2,
                criterion_dir: "target/x y".into(),
                warm_up_ms: 50,
                measure_ms: 100,
                samples: 10,
            },
            Request::Check { runtime: "smol-mt".into(), check: "no_lost_wakeups".into(), workers: Some(3) },
            Request::Probe { runtime: "glommio".into(), probe: "spawn_order".into() },
            Request::Storm { runtime: "threads".into(), cores: 1 },
        ];
        for request in requests {
            let mut line = Vec::new();
            send(&mut line, &request).unwrap();
            let text = String::from_utf8(line).unwrap();
            assert_eq!(text.matches('\n').count(), 1, "one line: {text}");
            assert_eq!(receive::<Request>(&text).unwrap(), request);
        }
        let replies = [
            Reply::Panicked { message: "two\nlines".into(), location: Some("a.rs:1:2".into()) },
            Reply::Refused { why: "no check 'x'".into() },
            Reply::Unavailable { why: "io_uring".into() },
            Reply::Measured,
            Reply::Held,
            Reply::Broken { why: "lost 3 of 10".into() },
            Reply::Observed { outcome: "1234 (FIFO)".into(), detail: None },
            Reply::Storm { before: 1, peak: 2 },
            Reply::NoStorm { why: "capped".into() },
        ];
        for reply in replies {
            let mut line = Vec::new();
            send(&mut line, &reply).unwrap();
            let text = String::from_utf8(line).unwrap();
            assert_eq!(text.matches('\n').count(), 1, "one line: {text}");
            assert_eq!(receive::<Reply>(&text).unwrap(), reply);
        }
    }

    #[test]
    fn a_line_of_prose_is_an_error_that_quotes_it() {
        let err = receive::<Reply>("thread 'main' panicked at src/x.rs:1:1:").unwrap_err();
        assert!(err.to_string().starts_with("not a message of arena-protocol/1 ("), "{err}");
        assert!(err.to_string().ends_with("thread 'main' panicked at src/x.rs:1:1:"), "{err}");
        assert!(receive::<Reply>(r#"{"reply": "teleported"}"#).is_err());
        assert!(!Reply::Panicked { message: String::new(), location: None }.is_answer());
        assert!(Reply::Held.is_answer());
    }

    #[test]
    fn the_gate_words_read_back_as_written() {
        for command in [
            GateCommand::Run { iters: 7 },
            GateCommand::BurnBatch { units: 0 },
            GateCommand::BurnCost { units: 123 },
            GateCommand::Quit,
        ] {
            assert_eq!(command.to_string().parse::<GateCommand>().unwrap(), command);
        }
        for bad in ["run 0", "run", "run 3 4", "quit now", "burn-batch x", "", "walk 3"] {
            assert!(bad.parse::<GateCommand>().is_err(), "{bad:?}");
        }
        // What binaries of earlier revisions write and read, byte for byte.
        assert_eq!(GateCommand::BurnBatch { units: 5 }.to_string(), "burn-batch 5");
        assert_eq!(GateAnswer::Ready { meter: "wall".into() }.to_string(), "ready arena-gate/1 wall");
        for answer in [
            GateAnswer::Ready { meter: "callgrind".into() },
            GateAnswer::Value(0),
            GateAnswer::Value(u64::MAX),
            GateAnswer::Error("not applicable: no spawning from outside threads".into()),
        ] {
            assert_eq!(answer.to_string().parse::<GateAnswer>().unwrap(), answer);
        }
        assert_eq!(GateAnswer::Error("two\nlines".into()).to_string(), "error two lines");
        let older = "ready arena-gate/0 wall".parse::<GateAnswer>().unwrap_err();
        assert!(older.to_string().contains("does not speak arena-gate/1"), "{older}");
        assert!("ok twelve".parse::<GateAnswer>().is_err());
    }
}
