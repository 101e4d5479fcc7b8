//! Sync primitives under contention: an async mutex held across an
//! `.await`, a std mutex held only for a short synchronous section, a
//! read-heavy `RwLock`, a `Semaphore` bounding concurrency (the seeds'
//! "limit concurrency" pattern), a `Barrier` whose last arrival wakes all
//! the others and an event whose notifier wakes many listeners at once
//! (wake-up fan-out).
//!
//! Each async one is generic over a [`Side`]: the runtime-neutral
//! primitives (`async-lock`, `event-listener`) on every runtime, and a
//! `*_native` twin with the runtime's own ([`crate::primitives`]), "n/a"
//! where it has none, so the two can be compared on one runtime.
//!
//! Each checks the property the primitive promises, not just the sum: a
//! critical section that finds another task inside it, a writer that finds
//! readers, more permits out than the semaphore has, a barrier round with
//! other than one leader, or a listener that skips a round changes the
//! checksum.
//!
//! [`locks`] holds the mutexes and the rwlock, [`waits`] the semaphore, the
//! barrier and the notify fan-out.
mod locks;
mod waits;

pub use locks::{
    CONTENDERS, Exclusive, Held, HeldAcrossAwait, Holding, LockedCounter, MutexCounter, RwLockRead, ShortSection,
};
pub use waits::{BarrierFanout, NotifyFanout, PERMITS, SemaphoreLimit};
