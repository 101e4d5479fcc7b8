//! The adapters: one file per runtime family, each mapping the seam onto its
//! runtime (and the runtime's own API onto the profile's and the twins'
//! traits), with the runtime's normalisation choices, cited upstream, in its
//! module doc; and what more than one of them uses: `support` (the executor
//! lookup, yields, join-handle normalisation, helper macros), `net` (TCP
//! backends shared by several families), `files` (file backends shared by several families) and `twins` (the macros that write
//! each runtime's native twins). Each family is a cargo feature.
#[cfg(feature = "async-std")]
mod async_std_rt;
#[cfg(feature = "compio")]
mod compio_rt;
pub(crate) mod files;
#[cfg(feature = "futures")]
mod futures_rt;
#[cfg(feature = "glommio")]
mod glommio_rt;
#[cfg(feature = "monoio")]
mod monoio_rt;
pub(crate) mod net;
#[cfg(feature = "smol")]
mod smol_rt;
pub(crate) mod support;
#[cfg(feature = "threads")]
mod threads;
#[cfg(feature = "tokio")]
mod tokio_rt;
mod twins;

#[cfg(feature = "async-std")]
pub use async_std_rt::AsyncStd;
#[cfg(feature = "compio")]
pub use compio_rt::Compio;
#[cfg(feature = "futures")]
pub use futures_rt::{FuturesLocal, FuturesPool};
#[cfg(feature = "glommio")]
pub use glommio_rt::Glommio;
#[cfg(feature = "monoio")]
pub use monoio_rt::{MonoioLegacy, MonoioUring};
#[cfg(feature = "smol")]
pub use smol_rt::{SmolLocal, SmolMt};
#[cfg(feature = "threads")]
pub use threads::Threads;
#[cfg(feature = "tokio")]
pub use tokio_rt::{TokioCt, TokioMt};
