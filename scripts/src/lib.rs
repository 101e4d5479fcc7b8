//! What the `arena` and `arena-memory` binaries share, compiled once: how a
//! command line is parsed and an error becomes one line and an exit code
//! ([`entry`]), child processes on both sides of Arena's one protocol
//! ([`child`]), one writer per output directory ([`lock`]), and what Arena
//! reads of a lockfile ([`cargo_lock`]).
#![warn(missing_docs, missing_debug_implementations)]

pub mod cargo_lock;
pub mod child;
pub mod entry;
pub mod lock;
