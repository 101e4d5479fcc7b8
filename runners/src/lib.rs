//! Arena's runtime adapters, their registry, and the criterion harness that
//! runs every workload on every runtime.
//!
//! Each adapter file maps the [`Runtime`] seam onto one runtime and adds the
//! runtime's [native twins](Adapter). Adding a runtime is one adapter file
//! plus one line in [`with_runtimes!`] (and the file's `mod` / `pub use`
//! lines below); tests, benches and the CLI pick it up from the registry.
//!
//! # Examples
//!
//! ```
//! use runners::TokioCt;
//! use workloads::{Runtime, Workload, channels::PingPong};
//!
//! let rt = TokioCt::new(&Default::default()).unwrap();
//! let run = rt.block_on(PingPong::run::<TokioCt>(10));
//! assert_eq!(run.checksum, PingPong::expected(10));
//! ```
#![warn(missing_docs, missing_debug_implementations)]

use std::future::Future;

pub use workloads::{Config, Runtime};

mod async_std_rt;
mod compio_rt;
pub mod conformance;
pub mod cores;
mod futures_rt;
pub mod gate;
mod glommio_rt;
pub mod harness;
pub mod host;
pub mod info;
pub mod memory;
mod monoio_rt;
mod native;
pub mod net;
pub mod overhead;
pub mod profile;
mod smol_rt;
mod support;
pub mod testing;
mod threads;
mod tokio_rt;

pub use async_std_rt::AsyncStd;
pub use compio_rt::Compio;
pub use futures_rt::{FuturesLocal, FuturesPool};
pub use glommio_rt::Glommio;
pub use monoio_rt::{MonoioLegacy, MonoioUring};
pub use smol_rt::{SmolLocal, SmolMt};
pub use threads::Threads;
pub use tokio_rt::{TokioCt, TokioMt};

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
/// calls `cb! { x; name: Type, … }`).
#[macro_export]
macro_rules! with_runtimes {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            tokio_ct: $crate::TokioCt,
            tokio_mt: $crate::TokioMt,
            async_std: $crate::AsyncStd,
            smol_local: $crate::SmolLocal,
            smol_mt: $crate::SmolMt,
            futures_local: $crate::FuturesLocal,
            futures_pool: $crate::FuturesPool,
            glommio: $crate::Glommio,
            monoio: $crate::MonoioUring,
            monoio_legacy: $crate::MonoioLegacy,
            compio: $crate::Compio,
            threads: $crate::Threads,
        }
    };
}

/// Something that wants to be called once per runtime type.
pub trait RuntimeVisitor {
    /// Called with each registered runtime.
    fn visit<R: profile::Native>(&mut self);
}

macro_rules! visit_list {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// Calls `visitor.visit::<R>()` for every registered runtime, in registry order.
        pub fn visit_runtimes(visitor: &mut impl RuntimeVisitor) {
            $(visitor.visit::<$ty>();)*
        }
    };
}
with_runtimes!(visit_list);
