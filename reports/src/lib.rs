//! Arena's results: the JSON schema every tool shares, and safe reading and
//! writing of it and of criterion's output.
//!
//! This crate grows into the comparison report; for now it owns the data
//! model ([`schema`]) and the files ([`files`]).
//!
//! # Examples
//!
//! ```
//! use reports::files::{read_results, write_json_atomic};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("results.json");
//! std::fs::write(&path, r#"{"schema": "something-else/9"}"#).unwrap();
//! let err = read_results(&path).unwrap_err();
//! assert!(err.to_string().contains("results.json"));
//! ```
#![warn(missing_docs, missing_debug_implementations)]

pub mod files;
pub mod schema;
