//! The cores a measurement runs on: confining this process to `n` CPUs,
//! checking that every thread stayed on them, and the process's CPU time.
//!
//! A matrix compares runtimes on the same number of cores. The process that
//! measures a cell (a child of `arena run`, a bench binary) calls [`confine`] before it
//! starts any runtime. Linux threads inherit the CPU affinity of the thread
//! that creates them ("A child created via fork(2) inherits its parent's CPU
//! affinity mask", sched_setaffinity(2); `pthread_create(3)`: the new thread
//! inherits the creating thread's CPU affinity mask), so every thread a
//! runtime starts afterwards — workers, timer, reactor, blocking pool — is
//! confined too. A runtime may still set a thread's affinity itself (glommio
//! can pin its executors); [`escaped`] finds any thread of the process
//! allowed on a CPU outside the confinement, and the harness fails such a
//! cell rather than time it.
//!
//! [`cpu_time`] is the CPU time of every thread of the process, live or
//! exited (`CLOCK_PROCESS_CPUTIME_ID`, clock_gettime(2)): a runtime whose idle
//! workers spin, or whose blocking pool burns a core, shows it there.
use std::fmt;
use std::io;
use std::time::Duration;

use reports::schema::CpuTime;
use rustix::process::Pid;
use rustix::thread::{CpuSet, sched_getaffinity, sched_setaffinity};

/// The CPUs a process was confined to, in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpus(Vec<usize>);

impl Cpus {
    /// The CPU ids.
    pub fn ids(&self) -> &[usize] {
        &self.0
    }

    fn set(&self) -> CpuSet {
        let mut set = CpuSet::new();
        for &cpu in &self.0 {
            set.set(cpu);
        }
        set
    }
}

impl fmt::Display for Cpus {
    /// `0`, `0-3`, `0,2,4`: the kernel's list format (`Cpus_allowed_list`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut i = 0;
        while i < self.0.len() {
            let mut j = i;
            while j + 1 < self.0.len() && self.0[j + 1] == self.0[j] + 1 {
                j += 1;
            }
            let sep = if first { "" } else { "," };
            if j > i {
                write!(f, "{sep}{}-{}", self.0[i], self.0[j])?;
            } else {
                write!(f, "{sep}{}", self.0[i])?;
            }
            first = false;
            i = j + 1;
        }
        Ok(())
    }
}

/// Why the process could not be confined.
#[derive(Debug)]
pub enum CoresError {
    /// Zero cores asked for.
    Zero,
    /// More cores asked for than the process may use.
    TooMany {
        /// Cores asked for.
        asked: usize,
        /// CPUs the process may run on.
        available: usize,
    },
    /// The kernel refused.
    Os(io::Error),
}

impl fmt::Display for CoresError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoresError::Zero => f.write_str("must be at least 1"),
            CoresError::TooMany { asked, available } => {
                write!(f, "{asked} cores asked for, but this process may run on {available} CPUs")
            }
            CoresError::Os(e) => write!(f, "cannot set the CPU affinity: {e}"),
        }
    }
}

impl std::error::Error for CoresError {}

fn set_ids(set: &CpuSet) -> Vec<usize> {
    (0..CpuSet::MAX_CPU).filter(|&cpu| set.is_set(cpu)).collect()
}

/// The CPUs this thread may run on.
pub fn available() -> Result<Cpus, CoresError> {
    sched_getaffinity(None).map(|set| Cpus(set_ids(&set))).map_err(|e| CoresError::Os(e.into()))
}

/// How many CPUs this process may run on: the default core count of the
/// all-cores matrix.
pub fn count() -> usize {
    available().map_or(1, |cpus| cpus.0.len().max(1))
}

/// The ids of this process's threads (`/proc/self/task`).
fn threads() -> io::Result<Vec<i32>> {
    let mut tids = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task")? {
        if let Some(tid) = entry?.file_name().to_str().and_then(|s| s.parse().ok()) {
            tids.push(tid);
        }
    }
    Ok(tids)
}

/// Confines every thread of this process, and so every thread started from
/// now on, to the last `n` of the CPUs it may run on. The last rather than
/// the first: CPU 0 commonly takes the machine's device interrupts, and on
/// the 2-vCPU VM of docs/method.md one-core cells on CPU 0 moved more from run to run (median
/// 17–26 % over three pairs of runs) than on CPU 1 (12–15 %).
pub fn confine(n: usize) -> Result<Cpus, CoresError> {
    let available = available()?;
    if n == 0 {
        return Err(CoresError::Zero);
    }
    if n > available.0.len() {
        return Err(CoresError::TooMany { asked: n, available: available.0.len() });
    }
    let cpus = Cpus(available.0[available.0.len() - n..].to_vec());
    let set = cpus.set();
    sched_setaffinity(None, &set).map_err(|e| CoresError::Os(e.into()))?;
    // Threads started before this call (none in Arena's measuring processes,
    // but a test harness has its own) are moved too; a thread that has
    // exited meanwhile is no concern.
    for tid in threads().map_err(CoresError::Os)? {
        if let Some(pid) = Pid::from_raw(tid) {
            let _ = sched_setaffinity(Some(pid), &set);
        }
    }
    Ok(cpus)
}

/// Every thread of this process allowed on a CPU outside `cpus`, as
/// `<name> (thread <tid>) may run on <cpus>`; empty when all stayed inside.
pub fn escaped(cpus: &Cpus) -> Vec<String> {
    let mut out = Vec::new();
    for tid in threads().unwrap_or_default() {
        let Some(pid) = Pid::from_raw(tid) else { continue };
        // A thread that exited between the listing and this call has no affinity left to check.
        let Ok(set) = sched_getaffinity(Some(pid)) else { continue };
        let allowed = Cpus(set_ids(&set));
        if allowed.0.iter().any(|cpu| !cpus.0.contains(cpu)) {
            let name = std::fs::read_to_string(format!("/proc/self/task/{tid}/comm")).unwrap_or_default();
            out.push(format!("{} (thread {tid}) may run on {allowed}", name.trim()));
        }
    }
    out
}

/// CPU time (user + system) of every thread of this process so far.
pub fn cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Bootstrap resamples behind a [`CpuTime`] interval.
const RESAMPLES: usize = 10_000;

/// CPU time per item from the measured samples: each `(runs, cpu time)`
/// gives `cpu / runs / items`; their mean, with the 95 % percentile
/// bootstrap interval of the mean (criterion's own method for wall time,
/// with a fixed seed so a cell's record is reproducible from its samples).
/// `None` without samples.
pub fn cpu_per_item(samples: &[(u64, Duration)], items: u64) -> Option<CpuTime> {
    let per_item: Vec<f64> = samples
        .iter()
        .filter(|(runs, _)| *runs > 0)
        .map(|(runs, cpu)| cpu.as_nanos() as f64 / *runs as f64 / items.max(1) as f64)
        .collect();
    if per_item.is_empty() {
        return None;
    }
    let n = per_item.len();
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let mut resample = vec![0.0; n];
    let mut means: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            for x in resample.iter_mut() {
                *x = per_item[rng.usize(..n)];
            }
            mean(&resample)
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * RESAMPLES as f64) as usize).min(RESAMPLES - 1)];
    Some(CpuTime { per_item_ns: mean(&per_item), lower_ns: at(0.025), upper_ns: at(0.975), samples: n as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_print_as_the_kernel_writes_them() {
        assert_eq!(Cpus(vec![0]).to_string(), "0");
        assert_eq!(Cpus(vec![0, 1, 2, 3]).to_string(), "0-3");
        assert_eq!(Cpus(vec![0, 2, 4]).to_string(), "0,2,4");
        assert_eq!(Cpus(vec![0, 1, 4, 6, 7]).to_string(), "0-1,4,6-7");
    }

    #[test]
    fn cpu_per_item_is_the_mean_over_samples_with_an_interval_around_it() {
        let ms = Duration::from_millis;
        // 2 runs of 10 items in 2 ms, 4 runs in 4 ms: 100 µs an item each.
        let same = cpu_per_item(&[(2, ms(2)), (4, ms(4))], 10).unwrap();
        assert_eq!((same.per_item_ns, same.lower_ns, same.upper_ns, same.samples), (1e5, 1e5, 1e5, 2));
        let spread = cpu_per_item(&[(1, ms(1)), (1, ms(2)), (1, ms(3)), (1, ms(4))], 1).unwrap();
        assert_eq!(spread.per_item_ns, 2.5e6);
        assert!(spread.lower_ns < 2.5e6 && spread.upper_ns > 2.5e6, "{spread:?}");
        assert!(spread.lower_ns >= 1e6 && spread.upper_ns <= 4e6, "{spread:?}");
        assert_eq!(cpu_per_item(&[], 10), None);
    }

    #[test]
    fn cpu_time_counts_work_on_other_threads() {
        let before = cpu_time();
        let spin = std::thread::spawn(|| {
            // Spins until this thread itself has used 50 ms of CPU, however
            // often the machine preempts it.
            let thread_time = || {
                let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
                Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
            };
            let mut x = 0u64;
            while thread_time() < Duration::from_millis(50) {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
            x
        });
        spin.join().unwrap();
        // Counted after the thread exited.
        assert!(cpu_time() - before >= Duration::from_millis(50), "{:?}", cpu_time() - before);
    }
}
