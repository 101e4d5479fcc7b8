//! What the `arena` and `arena-memory` binaries share, compiled once: how a
//! command line is parsed and an error becomes one line and an exit code
//! ([`entry`]), and child processes on both sides of Arena's one protocol
//! ([`child`]).
#![warn(missing_docs, missing_debug_implementations)]

pub mod child;
pub mod entry;
