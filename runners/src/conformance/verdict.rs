//! A conformance cell's verdict from what its child process said (or how it
//! died): the contract's `ok` / `broken`, a probe's outcome held against the
//! runtime's expected profile (`behaviour changed: …`), `hang`, `aborted`,
//! `unavailable`. `arena conformance` runs the child; the verdict is here,
//! beside the checks and probes it judges.
use reports::protocol::Reply;
use reports::schema::{ConformanceCell, Layer, Outcome};

use super::expectation;
use crate::profile::compare;

/// What became of a check's or probe's child process.
#[derive(Debug, Clone, Copy)]
pub enum Heard<'a> {
    /// It answered.
    Answer(&'a Reply),
    /// The watchdog stopped it after this many seconds.
    Hang(u64),
    /// It died without an answer; why, in one line.
    Aborted(&'a str),
}

/// The cell of `name` (a check or a probe, by `layer`) on `runtime`.
pub fn verdict(runtime: &str, layer: Layer, name: &str, heard: Heard) -> ConformanceCell {
    if let Heard::Answer(Reply::Unavailable { why }) = heard {
        return unavailable(runtime, layer, name, &format!("unavailable: {why}"));
    }
    let (died, answer) = match heard {
        Heard::Hang(after) => (Some((Outcome::Hang, format!("hang after {after} s"))), None),
        Heard::Aborted(why) => (Some((Outcome::Aborted, format!("aborted: {why}"))), None),
        Heard::Answer(reply) => (None, Some(reply)),
    };
    match layer {
        Layer::Contract => {
            let (outcome, detail) = match (died, answer) {
                (Some((outcome, why)), _) => (outcome, Some(why)),
                (None, Some(Reply::Held)) => (Outcome::Ok, None),
                (None, Some(Reply::Broken { why })) => (Outcome::Broken, Some(format!("broken: {why}"))),
                (None, other) => (Outcome::Aborted, Some(format!("aborted: no verdict from the check: {other:?}"))),
            };
            cell(runtime, layer, name, outcome, None, None, detail)
        }
        Layer::Profile => {
            let (mut outcome, observed, mut detail) = match (died, answer) {
                (Some((outcome, why)), _) => (outcome, why, None),
                (None, Some(Reply::Observed { outcome, detail })) => (Outcome::Ok, outcome.clone(), detail.clone()),
                (None, other) => (Outcome::Aborted, format!("aborted: no outcome from the probe: {other:?}"), None),
            };
            let expected = match expectation(runtime, name) {
                Ok(e) => Some(e.expected),
                Err(why) => {
                    outcome = Outcome::Changed;
                    detail = Some(why);
                    None
                }
            };
            if let Some(Err(changed)) = expected.as_deref().map(|e| compare(name, runtime, e, &observed)) {
                if outcome == Outcome::Ok {
                    outcome = Outcome::Changed;
                }
                detail = Some(match detail {
                    Some(d) => format!("{changed} ({d})"),
                    None => changed,
                });
            }
            cell(runtime, layer, name, outcome, Some(observed), expected, detail)
        }
    }
}

/// A cell not run because its runtime cannot start here; `why` reads
/// `unavailable: …`.
pub fn unavailable(runtime: &str, layer: Layer, name: &str, why: &str) -> ConformanceCell {
    let expected = match layer {
        Layer::Profile => expectation(runtime, name).ok().map(|e| e.expected),
        Layer::Contract => None,
    };
    cell(runtime, layer, name, Outcome::Unavailable, None, expected, Some(why.to_owned()))
}

fn cell(
    runtime: &str,
    layer: Layer,
    name: &str,
    outcome: Outcome,
    observed: Option<String>,
    expected: Option<String>,
    detail: Option<String>,
) -> ConformanceCell {
    ConformanceCell { runtime: runtime.into(), layer, check: name.into(), outcome, observed, expected, detail }
}

#[cfg(all(test, feature = "tokio"))]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_follows_what_the_child_said_and_the_expected_profile() {
        let held = verdict("tokio-ct", Layer::Contract, "no_lost_wakeups", Heard::Answer(&Reply::Held));
        assert_eq!((held.outcome, held.detail), (Outcome::Ok, None));
        let broken = Reply::Broken { why: "lost 3".into() };
        let broken = verdict("tokio-ct", Layer::Contract, "no_lost_wakeups", Heard::Answer(&broken));
        assert_eq!((broken.outcome, broken.detail.as_deref()), (Outcome::Broken, Some("broken: lost 3")));
        let hung = verdict("tokio-ct", Layer::Contract, "no_lost_wakeups", Heard::Hang(300));
        assert_eq!((hung.outcome, hung.detail.as_deref()), (Outcome::Hang, Some("hang after 300 s")));
        let fifo = Reply::Observed { outcome: "1234 (FIFO)".into(), detail: None };
        let seen = verdict("tokio-ct", Layer::Profile, "spawn_order", Heard::Answer(&fifo));
        assert_eq!((seen.outcome, seen.expected.as_deref()), (Outcome::Ok, Some("1234 (FIFO)")));
        let lifo = Reply::Observed { outcome: "4123 (LIFO slot)".into(), detail: None };
        let changed = verdict("tokio-ct", Layer::Profile, "spawn_order", Heard::Answer(&lifo));
        assert_eq!(changed.outcome, Outcome::Changed);
        assert!(changed.detail.unwrap().starts_with("behaviour changed: spawn_order on tokio-ct"));
        let gone = Reply::Unavailable { why: "no io_uring".into() };
        let gone = verdict("tokio-ct", Layer::Profile, "spawn_order", Heard::Answer(&gone));
        assert_eq!((gone.outcome, gone.detail.as_deref()), (Outcome::Unavailable, Some("unavailable: no io_uring")));
        let aborted = verdict("tokio-ct", Layer::Contract, "no_lost_wakeups", Heard::Aborted("panic: x"));
        assert_eq!((aborted.outcome, aborted.detail.as_deref()), (Outcome::Aborted, Some("aborted: panic: x")));
    }
}
