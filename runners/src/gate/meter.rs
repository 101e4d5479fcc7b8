//! What a gate worker measures a batch in ([`Meter`]), which cells can be
//! counted in instructions ([`counts_instructions`]), and the hardware
//! instruction counter where this machine has one ([`instruction_counter`]).
use std::fmt;
use std::str::FromStr;

use perf_event::Builder;
use perf_event::events::Hardware;

use crate::catalog::{RuntimeInfo, WorkloadInfo};

/// What a worker reports as a batch's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Meter {
    /// Wall-clock nanoseconds.
    Wall,
    /// User-space instructions retired by the calling thread, from the
    /// hardware counter (`perf_event_open`).
    Instructions,
    /// Instructions counted by callgrind: the worker runs under valgrind and
    /// reports wall time, which the driver replaces with callgrind's dump.
    Callgrind,
}

impl Meter {
    /// Lower-case name, as on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Meter::Wall => "wall",
            Meter::Instructions => "instructions",
            Meter::Callgrind => "callgrind",
        }
    }

    /// The unit of a batch's cost.
    pub fn unit(self) -> &'static str {
        match self {
            Meter::Wall => "ns",
            Meter::Instructions | Meter::Callgrind => "instructions",
        }
    }
}

impl fmt::Display for Meter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Meter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [Meter::Wall, Meter::Instructions, Meter::Callgrind]
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("'{s}' is not wall, instructions or callgrind"))
    }
}

/// Why instructions cannot be counted for a cell, if they can't: the
/// counter sees one thread, so the runtime must run everything on it, and a
/// count must not depend on time passing or on I/O.
pub fn counts_instructions(runtime: &RuntimeInfo, workload: &WorkloadInfo) -> Result<(), &'static str> {
    if !runtime.one_thread {
        Err("runs tasks on worker threads")
    } else if workload.waits_on_time || workload.family == workloads::Family::Timers.name() {
        Err("uses timers")
    } else if workload.family == workloads::Family::Net.name() {
        Err("does network I/O (the kernel's share is not counted, and readiness depends on time)")
    } else if workload.family == workloads::Family::Fs.name() {
        Err("does file I/O (the kernel's share is not counted, and most runtimes do it on pool threads)")
    } else if workload.twin_of.is_some() {
        Err("native twins are not gated")
    } else {
        Ok(())
    }
}

/// A user-space instruction counter for the calling thread, or why there is none.
pub fn instruction_counter() -> Result<perf_event::Counter, String> {
    let mut counter = Builder::new(Hardware::INSTRUCTIONS)
        .exclude_kernel(true)
        .exclude_hv(true)
        .build()
        .map_err(|e| format!("perf_event_open(instructions:u): {e}"))?;
    // Some machines open the counter but never schedule it: count something.
    counter.enable().map_err(|e| format!("enabling the instruction counter: {e}"))?;
    std::hint::black_box((0..1000u64).sum::<u64>());
    counter.disable().map_err(|e| format!("disabling the instruction counter: {e}"))?;
    let read = counter.read_count_and_time().map_err(|e| format!("reading the instruction counter: {e}"))?;
    if read.count == 0 || read.time_running == 0 {
        return Err("the instruction counter opens but never counts (no PMU access here)".into());
    }
    counter.reset().map_err(|e| format!("resetting the instruction counter: {e}"))?;
    Ok(counter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(feature = "tokio", feature = "futures", feature = "smol"))]
    fn instruction_cells_are_one_thread_and_timer_free() {
        let rt = |id| crate::catalog::runtimes().into_iter().find(|r| r.id == id).unwrap();
        let wl = |name| crate::catalog::workloads().into_iter().find(|w| w.name == name).unwrap();
        assert!(counts_instructions(&rt("tokio-ct"), &wl("ping_pong")).is_ok());
        assert!(counts_instructions(&rt("futures-local"), &wl("select_macro")).is_ok());
        assert!(counts_instructions(&rt("tokio-mt"), &wl("ping_pong")).is_err());
        assert!(counts_instructions(&rt("smol-local"), &wl("select_timeout")).is_err());
        assert!(counts_instructions(&rt("smol-local"), &wl("timeout_ok")).is_err());
        assert!(counts_instructions(&rt("tokio-ct"), &wl("fs_read_large")).is_err());
    }

    #[test]
    fn the_instruction_counter_counts_or_says_why_not() {
        match instruction_counter() {
            Ok(mut counter) => {
                counter.enable().unwrap();
                std::hint::black_box((0..10_000u64).sum::<u64>());
                counter.disable().unwrap();
                assert!(counter.read().unwrap() > 0);
            }
            Err(why) => assert!(why.contains("instruction"), "{why}"),
        }
    }
}
