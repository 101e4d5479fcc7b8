//! The workload contract: a named, sized piece of async work that checks its
//! own answer.
use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::fs::scratch::Prepared;
use crate::primitives::{Primitive, Primitives};
use crate::{Limits, Runtime};

/// The families workloads belong to (grouping for listings and reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Message passing through `futures::channel`.
    Channels,
    /// Task creation and joining.
    Spawn,
    /// Racing futures and dropping the losers.
    Select,
    /// Sleeps, timeouts and cancelled timers.
    Timers,
    /// Cooperative yielding.
    Yield,
    /// Loopback TCP.
    Net,
    /// Stream combinators running many futures in one task.
    Streams,
    /// Locks, semaphores and barriers under contention.
    Sync,
    /// Blocking work beside async tasks.
    Blocking,
    /// A simulated service: a mix of requests through many primitives at once.
    Service,
    /// Files: reads, durable writes, reads beside a ticker.
    Fs,
}

impl Family {
    /// Lower-case name used in listings and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Family::Channels => "channels",
            Family::Spawn => "spawn",
            Family::Select => "select",
            Family::Timers => "timers",
            Family::Yield => "yield",
            Family::Net => "net",
            Family::Streams => "streams",
            Family::Sync => "sync",
            Family::Blocking => "blocking",
            Family::Service => "service",
            Family::Fs => "fs",
        }
    }
}

/// The sizes a workload is run at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Small size used by the tests.
    pub test: usize,
    /// The size `arena run` uses by default (a quick matrix).
    pub quick: usize,
    /// The sizes `cargo bench` sweeps.
    pub bench: &'static [usize],
}

/// What a workload needs from a runtime at a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// The most tasks alive at once.
    pub tasks: u64,
    /// Whether it spawns from threads outside the runtime.
    pub remote_spawn: bool,
}

/// What one run of a workload produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    /// The workload's answer, compared with [`Workload::expected`].
    pub checksum: u64,
    /// The latency samples the workload records, if it records any (what
    /// they time is [`Workload::LATENCY`]: a timer's lateness, a round trip).
    pub latency: Vec<Duration>,
}

impl Run {
    /// A run that produced only a checksum.
    pub fn checksum(checksum: u64) -> Run {
        Run { checksum, latency: Vec::new() }
    }
}

/// A workload produced the wrong answer: the runtime (or adapter) lost,
/// duplicated or reordered work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Workload name.
    pub workload: &'static str,
    /// Runtime id.
    pub runtime: &'static str,
    /// Size the workload ran at.
    pub size: usize,
    /// The right answer.
    pub expected: u64,
    /// The answer the run gave.
    pub got: u64,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wrong answer: {} on {} at size {}: expected checksum {:#x}, got {:#x}",
            self.workload, self.runtime, self.size, self.expected, self.got
        )
    }
}

impl std::error::Error for Mismatch {}

/// A workload: written once against the `futures` traits and [`Runtime`].
///
/// Workloads are unit structs; everything is associated so the harness can
/// stamp one monomorphised benchmark per runtime.
pub trait Workload: 'static {
    /// Name used in benchmark ids (`<workload>/<runtime>/<size>`); no `/`.
    const NAME: &'static str;
    /// The family it belongs to.
    const FAMILY: Family;
    /// What it measures, including the fixed parameters behind `size`.
    const SUMMARY: &'static str;
    /// What `size` counts, e.g. "messages".
    const UNIT: &'static str;
    /// Sizes for tests, quick runs and benches.
    const SIZES: Sizes;
    /// Whether a run waits on real time (timers), so criterion should use
    /// flat sampling.
    const WAITS_ON_TIME: bool = false;
    /// What the latency samples in [`Run::latency`] time, for a workload
    /// that records them ("timer lateness: …"); `None` for one that does not.
    const LATENCY: Option<&'static str> = None;
    /// The runtime's own primitive this workload measures, if it is the
    /// [`OwnPrimitives`](crate::primitives::OwnPrimitives) variant of a workload: a
    /// runtime without its own ([`Primitives::OWN`]) is "n/a" for it.
    const NATIVE: Option<Primitive> = None;

    /// Items of work done at `size` (for cost per item).
    fn items(size: usize) -> u64 {
        size as u64
    }

    /// How many latency samples one run at `size` records, where that is
    /// fixed: one per item by default for a workload with a [`LATENCY`](Workload::LATENCY),
    /// none without; `None` where it depends on time.
    fn latency_samples(size: usize) -> Option<u64> {
        Some(if Self::LATENCY.is_some() { Self::items(size) } else { 0 })
    }

    /// What the workload needs from the runtime at `size`.
    fn needs(size: usize) -> Needs;

    /// How a run at `size` splits into independent runs, one per executor,
    /// on a thread-per-core runtime ([`Runtime::THREAD_PER_CORE`]): the
    /// sizes of the shards, each run and checked on its own executor and
    /// thread with nothing shared between them (the way glommio, monoio and
    /// compio are meant to be used). The default splits `size` evenly over
    /// at most `shards` shards of at least one item: the workload's items
    /// are independent, so `shards` instances at a share of the size do the
    /// same work. A workload whose items are not independent overrides it
    /// and says so.
    fn shard_sizes(size: usize, shards: usize) -> Vec<usize> {
        even_shares(size, shards)
    }

    /// The right answer at `size`, computed without running anything.
    fn expected(size: usize) -> u64;

    /// Makes what runs at `size` use and should not time making (the files
    /// a file workload reads), and keeps it while the value returned lives.
    /// Whoever times runs calls it first and holds it through them; a run
    /// that finds nothing prepared makes it itself, so answers never depend
    /// on it. Nothing, by default.
    fn prepare(_size: usize) -> Prepared {
        Prepared::default()
    }

    /// The work itself. Called inside [`Runtime::block_on`].
    fn run<R: Runtime>(size: usize) -> impl Future<Output = Run> + Send;
}

/// `size` split as evenly as possible into at most `shards` shares of at
/// least one (a single share of 0 for size 0).
pub fn even_shares(size: usize, shards: usize) -> Vec<usize> {
    let n = shards.clamp(1, size.max(1));
    (0..n).map(|i| size / n + usize::from(i < size % n)).collect()
}

/// Checks a run's answer.
pub fn verify<W: Workload, R: Runtime>(size: usize, run: &Run) -> Result<(), Mismatch> {
    let expected = W::expected(size);
    if run.checksum == expected {
        Ok(())
    } else {
        Err(Mismatch { workload: W::NAME, runtime: R::ID, size, expected, got: run.checksum })
    }
}

/// Why a runtime cannot run a workload at a size, if it cannot.
pub fn not_applicable<W: Workload, R: Runtime>(size: usize) -> Option<String> {
    match W::NATIVE {
        Some(kind) if !R::Primitives::OWN.contains(&kind) => Some(format!("n/a: {} has no {kind} of its own", R::ID)),
        _ => refusal(R::ID, &R::LIMITS, W::needs(size)),
    }
}

/// Why runtime `id` with `limits` cannot meet `needs`, if it cannot.
pub fn refusal(id: &str, limits: &Limits, needs: Needs) -> Option<String> {
    if let (true, Some(why)) = (needs.remote_spawn, limits.no_remote_spawn) {
        return Some(format!("n/a: no spawning from outside threads ({why})"));
    }
    match limits.max_tasks {
        Some(cap) if needs.tasks > cap => Some(format!("capped: needs {} live tasks, {id} allows {cap}", needs.tasks)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::even_shares;

    #[test]
    fn shares_are_even_nonempty_and_add_up() {
        assert_eq!(even_shares(10, 2), [5, 5]);
        assert_eq!(even_shares(11, 2), [6, 5]);
        assert_eq!(even_shares(10, 3), [4, 3, 3]);
        // Never more shards than items, never none.
        assert_eq!(even_shares(2, 4), [1, 1]);
        assert_eq!(even_shares(0, 4), [0]);
        assert_eq!(even_shares(7, 0), [7]);
    }
}
