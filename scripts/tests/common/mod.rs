//! What the scripts' integration tests share: a binary's stderr as text, and
//! the contract every refusal keeps (exit 2, one line on stderr).
use std::process::Output;

/// The process's stderr, lossily decoded.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Bad input's contract: exit 2 and exactly one line on stderr, which starts
/// with `start`. Returns that line.
#[track_caller]
pub fn assert_refused(out: &Output, start: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "want exit 2 and {start:?}, got: {err}");
    assert_eq!(err.lines().count(), 1, "want one line, got: {err}");
    assert!(err.starts_with(start), "want {start:?}, got: {err}");
    err
}
