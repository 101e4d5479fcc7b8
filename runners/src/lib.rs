//! Arena's runtime adapters, their registry, and the criterion harness that
//! runs every workload on every runtime.
//!
//! Each adapter file (`adapters/`) maps the [`Runtime`] seam onto one runtime
//! and adds the runtime's [native twins](Adapter). Adding a runtime is one
//! adapter file plus one line in [`with_runtimes!`] (and the file's `mod` /
//! `pub use` lines in `adapters/mod.rs` and here, and its family's entry in
//! [`families`]); tests, benches and the CLI pick it up from the registry. Each runtime family is
//! a cargo feature: a build without it has none of its code.
//!
//! # Examples
//!
//! ```
//! # #[cfg(feature = "tokio")] {
//! use runners::TokioCt;
//! use workloads::{Runtime, Workload, channels::PingPong};
//!
//! let rt = TokioCt::new(&Default::default()).unwrap();
//! let run = rt.block_on(PingPong::run::<TokioCt>(10));
//! assert_eq!(run.checksum, PingPong::expected(10));
//! # }
//! ```
#![warn(missing_docs, missing_debug_implementations)]
// Helpers shared by some families (support, net) go unused in a build with
// only others; with every family built, unused code still warns.
#![cfg_attr(
    not(all(
        feature = "tokio",
        feature = "async-std",
        feature = "smol",
        feature = "futures",
        feature = "glommio",
        feature = "monoio",
        feature = "compio",
        feature = "threads"
    )),
    allow(dead_code, unused_imports, unused_macros)
)]

pub use workloads::{Config, Runtime};

mod adapters;
mod body;
pub mod catalog;
pub mod conformance;
pub mod cores;
pub mod families;
#[cfg(feature = "tokio")]
pub mod faults;
pub mod gate;
pub mod harness;
pub mod host;
pub mod info;
pub mod memory;
pub mod overhead;
pub mod profile;
mod registry;
pub mod slowdown;

#[cfg(feature = "async-std")]
pub use adapters::AsyncStd;
#[cfg(feature = "compio")]
pub use adapters::Compio;
#[cfg(feature = "glommio")]
pub use adapters::Glommio;
#[cfg(feature = "threads")]
pub use adapters::Threads;
#[cfg(feature = "futures")]
pub use adapters::{FuturesLocal, FuturesPool};
#[cfg(feature = "monoio")]
pub use adapters::{MonoioLegacy, MonoioUring};
#[cfg(feature = "smol")]
pub use adapters::{SmolLocal, SmolMt};
#[cfg(feature = "tokio")]
pub use adapters::{TokioCt, TokioMt};

pub use registry::{Adapter, RuntimeVisitor, visit_runtimes};
