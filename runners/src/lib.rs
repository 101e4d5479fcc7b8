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

use std::future::Future;

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

/// An adapter: a [`Runtime`] plus two native twins, the `spawn_join` and
/// `ping_pong` workloads written against the runtime's own API. Comparing a
/// twin with its workload measures what the adapter costs.
pub trait Adapter: Runtime {
    /// `spawn_join` of `n` tasks using the runtime's own spawn and join.
    fn native_spawn_join(&self, n: usize) -> impl Future<Output = u64> + '_;
    /// `ping_pong` of `n` round trips using the runtime's own spawn and join.
    fn native_ping_pong(&self, n: usize) -> impl Future<Output = u64> + '_;
}

/// The runtime registry: calls `$callback! { name: Type, … }` with every
/// runtime, in the order listings and reports use (`with_runtimes!(cb, x)`
/// calls `cb! { x; name: Type, … }`). Each entry carries the
/// `#[cfg(feature = "…")]` of its family ([`families`]), which a callback
/// puts on what it makes of the entry; the feature is evaluated where the
/// macro expands, so it is for this package's own code and tests.
#[macro_export]
macro_rules! with_runtimes {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            #[cfg(feature = "tokio")] tokio_ct: $crate::TokioCt,
            #[cfg(feature = "tokio")] tokio_mt: $crate::TokioMt,
            #[cfg(feature = "async-std")] async_std: $crate::AsyncStd,
            #[cfg(feature = "smol")] smol_local: $crate::SmolLocal,
            #[cfg(feature = "smol")] smol_mt: $crate::SmolMt,
            #[cfg(feature = "futures")] futures_local: $crate::FuturesLocal,
            #[cfg(feature = "futures")] futures_pool: $crate::FuturesPool,
            #[cfg(feature = "glommio")] glommio: $crate::Glommio,
            #[cfg(feature = "monoio")] monoio: $crate::MonoioUring,
            #[cfg(feature = "monoio")] monoio_legacy: $crate::MonoioLegacy,
            #[cfg(feature = "compio")] compio: $crate::Compio,
            #[cfg(feature = "threads")] threads: $crate::Threads,
        }
    };
}

/// Something that wants to be called once per runtime type.
pub trait RuntimeVisitor {
    /// Called with each registered runtime.
    fn visit<R: profile::OwnApi>(&mut self);
}

macro_rules! visit_list {
    ($($(#[$family:meta])* $name:ident: $ty:ty),* $(,)?) => {
        /// Calls `visitor.visit::<R>()` for every registered runtime built
        /// here, in registry order.
        pub fn visit_runtimes(visitor: &mut impl RuntimeVisitor) {
            $($(#[$family])* visitor.visit::<$ty>();)*
            let _ = visitor;
        }
    };
}
with_runtimes!(visit_list);
