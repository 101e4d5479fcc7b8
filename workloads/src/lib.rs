//! Arena's workloads, written once against the `futures` traits and the
//! [`Runtime`] seam.
//!
//! A workload never names a runtime: this crate depends on `futures` and two
//! runtime-neutral crates of primitives, `async-lock` and `async-broadcast`,
//! and nothing runtime-specific (`cargo tree -p workloads` shows it). Each
//! workload is a unit struct implementing [`Workload`]; the runners crate
//! stamps one monomorphised copy per runtime. Every workload returns a
//! checksum that [`verify`] compares with [`Workload::expected`], so a runtime
//! that drops, duplicates or cuts short work fails instead of looking fast.
//!
//! # Examples
//!
//! Running a workload on a toy runtime (each spawn is a thread) and checking it:
//!
//! ```
//! use workloads::{Runtime, Workload, verify, channels::PingPong};
//! # fn check<R: Runtime>() {
//! let rt = R::new(&Default::default()).unwrap();
//! let run = rt.block_on(PingPong::run::<R>(100));
//! verify::<PingPong, R>(100, &run).unwrap();
//! # }
//! ```
#![warn(missing_docs, missing_debug_implementations)]

pub mod blocking;
pub mod channels;
pub mod check;
pub mod contract;
pub mod fanout;
pub mod fs;
pub mod net;
pub mod primitives;
mod runtime;
pub mod select;
pub mod service;
pub mod spawn;
pub mod streams;
pub mod sync;
pub mod ticker;
pub mod timers;
mod workload;
pub mod yield_storm;

pub use runtime::{Config, Limits, NoRemote, RemoteSpawn, Runtime, StartError};
pub use workload::{Family, Mismatch, Needs, Run, Sizes, Workload, even_shares, not_applicable, refusal, verify};

/// The workload registry: calls `$callback! { name: Type, … }` with every
/// workload (`with_workloads!(cb, x)` calls `cb! { x; name: Type, … }`).
/// Adding a workload is one file plus one line here.
#[macro_export]
macro_rules! with_workloads {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            ping_pong: $crate::channels::PingPong,
            fan_in_c1: $crate::channels::FanIn<1>,
            fan_in_c16: $crate::channels::FanIn<16>,
            fan_in_c1024: $crate::channels::FanIn<1024>,
            ring: $crate::channels::Ring,
            oneshot: $crate::channels::Oneshot,
            wake_latency: $crate::channels::WakeLatency,
            spawn_join: $crate::spawn::SpawnJoin,
            spawn_chain: $crate::spawn::SpawnChain,
            spawn_tree: $crate::spawn::SpawnTree,
            spawn_remote: $crate::spawn::SpawnRemote,
            select_all: $crate::select::SelectAll,
            select_macro: $crate::select::SelectMacro,
            select_timeout: $crate::select::SelectTimeout,
            select_fair: $crate::select::Merge<false>,
            select_biased: $crate::select::Merge<true>,
            timer_wheel: $crate::timers::TimerWheel,
            timeout_ok: $crate::timers::TimeoutOk,
            timer_cancel: $crate::timers::TimerCancel,
            yield_storm: $crate::yield_storm::YieldStorm,
            echo_1b: $crate::net::Echo<1>,
            echo_4k: $crate::net::Echo<4096>,
            echo_64k: $crate::net::Echo<65536>,
            accept_storm: $crate::net::AcceptStorm,
            broadcast: $crate::fanout::Broadcast,
            watch: $crate::fanout::WatchFanout<$crate::primitives::Neutral>,
            watch_native: $crate::fanout::WatchFanout<$crate::primitives::OwnPrimitives>,
            graceful_shutdown: $crate::fanout::GracefulShutdown,
            buffer_unordered: $crate::streams::BufferUnordered,
            futures_unordered: $crate::streams::FuturesUnorderedN,
            mutex_await: $crate::sync::MutexCounter<$crate::sync::HeldAcrossAwait<$crate::primitives::Neutral>>,
            mutex_await_native: $crate::sync::MutexCounter<$crate::sync::HeldAcrossAwait<$crate::primitives::OwnPrimitives>>,
            mutex_sync: $crate::sync::MutexCounter<$crate::sync::ShortSection>,
            rwlock_read: $crate::sync::RwLockRead<$crate::primitives::Neutral>,
            rwlock_read_native: $crate::sync::RwLockRead<$crate::primitives::OwnPrimitives>,
            semaphore: $crate::sync::SemaphoreLimit<$crate::primitives::Neutral>,
            semaphore_native: $crate::sync::SemaphoreLimit<$crate::primitives::OwnPrimitives>,
            barrier_fanout: $crate::sync::BarrierFanout<$crate::primitives::Neutral>,
            barrier_fanout_native: $crate::sync::BarrierFanout<$crate::primitives::OwnPrimitives>,
            notify_fanout: $crate::sync::NotifyFanout<$crate::primitives::Neutral>,
            notify_fanout_native: $crate::sync::NotifyFanout<$crate::primitives::OwnPrimitives>,
            blocking_offload: $crate::blocking::Blocking<true>,
            blocking_inline: $crate::blocking::Blocking<false>,
            mixed_service: $crate::service::MixedService,
            fs_read_small: $crate::fs::ReadSmall,
            fs_read_large: $crate::fs::ReadLarge,
            fs_write_sync: $crate::fs::WriteSync,
            fs_beside_ticker: $crate::fs::ReadsBesideTicker,
        }
    };
}

/// The contract registry: calls `$callback! { name: Type, … }` with every
/// contract check. Adding a check is one type in `contract.rs` plus one line here.
#[macro_export]
macro_rules! with_contract {
    ($callback:path $(, $($prefix:tt)+)?) => {
        $callback! {
            $($($prefix)+;)?
            task_runs_unjoined: $crate::contract::TaskRunsUnjoined,
            join_returns_value: $crate::contract::JoinReturnsValue,
            foreign_thread_wakes: $crate::contract::ForeignThreadWakes,
            wake_after_completion: $crate::contract::WakeAfterCompletion,
            never_woken_not_repolled: $crate::contract::NeverWokenNotRepolled,
            select_drops_losers: $crate::contract::SelectDropsLosers,
            timers_never_early: $crate::contract::TimersNeverEarly,
            channels_exactly_once_in_order: $crate::contract::ChannelsExactlyOnceInOrder,
            no_lost_wakeups: $crate::contract::NoLostWakeups,
            blocking_does_not_stall: $crate::contract::BlockingDoesNotStall,
            file_writes_read_back: $crate::contract::FileWritesReadBack,
            missing_file_is_error: $crate::contract::MissingFileIsError,
        }
    };
}

/// Something that wants to be called once per workload type.
pub trait WorkloadVisitor {
    /// Called with each registered workload.
    fn visit<W: Workload>(&mut self);
}

macro_rules! visit_list {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// Calls `visitor.visit::<W>()` for every registered workload, in registry order.
        pub fn visit_workloads(visitor: &mut impl WorkloadVisitor) {
            $(visitor.visit::<$ty>();)*
        }
    };
}
with_workloads!(visit_list);

/// Something that wants to be called once per contract check.
pub trait CheckVisitor {
    /// Called with each registered check.
    fn visit<C: contract::Check>(&mut self);
}

macro_rules! visit_checks {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// Calls `visitor.visit::<C>()` for every contract check, in registry order.
        pub fn visit_contract(visitor: &mut impl CheckVisitor) {
            $(visitor.visit::<$ty>();)*
        }
    };
}
with_contract!(visit_checks);
