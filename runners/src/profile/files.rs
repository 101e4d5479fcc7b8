//! Probe of where a runtime does its file work.
//!
//! A task reads a warm file through the runtime's files, and the probe looks
//! at which thread's read system calls carried the bytes: Linux counts, per
//! thread, the bytes its `read`/`pread` calls returned (`rchar` in
//! `/proc/self/task/<tid>/io`, and for the whole process, exited threads
//! included, in `/proc/self/io`). io_uring's reads are not system calls of
//! the reading thread and raise no thread's count (the kernel accounts
//! `rchar` in `vfs_read`, which io_uring's read path does not go through),
//! so the three places file work can run are told apart by counts, not by
//! timing: another thread (a blocking pool, or a thread made for the call),
//! the task's own thread (blocking calls on the executor), or no read call
//! at all (io_uring).
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use workloads::Runtime;
use workloads::fs::scratch::Dir;
use workloads::fs::{Files, content};

use super::{Observed, OwnApi, Probe, WAIT, bounded, start};

/// Reads the task makes, and their size.
const READS: usize = 16;
const CHUNK: usize = 256 * 1024;

/// Bytes read so far: by the whole process, and by each live thread (with its name).
#[derive(Debug, Default)]
struct Counts {
    process: u64,
    threads: BTreeMap<u32, (u64, String)>,
}

/// The `rchar` line of a `/proc/…/io` file.
fn rchar(path: &str) -> Option<u64> {
    let text = fs::read_to_string(path).ok()?;
    text.lines().find_map(|l| l.strip_prefix("rchar:")).and_then(|v| v.trim().parse().ok())
}

impl Counts {
    /// The counts now, or `None` where the kernel keeps none per thread.
    fn now() -> Option<Counts> {
        let mut counts = Counts { process: rchar("/proc/self/io")?, threads: BTreeMap::new() };
        for entry in fs::read_dir("/proc/self/task").ok()?.flatten() {
            let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse().ok()) else { continue };
            // A thread may end between the listing and the read: skipped.
            if let Some(bytes) = rchar(&format!("/proc/self/task/{tid}/io")) {
                let name = fs::read_to_string(format!("/proc/self/task/{tid}/comm")).unwrap_or_default();
                counts.threads.insert(tid, (bytes, name.trim().to_owned()));
            }
        }
        Some(counts)
    }

    /// What each thread read since `before` (threads that read nothing left out).
    fn since(&self, before: &Counts) -> Vec<(u32, u64, &str)> {
        let then = |tid| before.threads.get(tid).map_or(0, |(b, _)| *b);
        let read = self.threads.iter().map(|(tid, (now, name))| (*tid, now.saturating_sub(then(tid)), name.as_str()));
        read.filter(|(_, n, _)| *n > 0).collect()
    }
}

/// What the task saw: its thread, and the counts around its reads.
type Seen = (u32, Counts, Counts);

/// Opens `path` on `R`, reads it in [`CHUNK`]s, checks the bytes.
async fn read_through<R: Runtime>(path: PathBuf, expected: &[u8]) -> Result<(), String> {
    let mut file = R::Files::open(path).await.map_err(|e| format!("open: {e}"))?;
    let mut buf = vec![0u8; CHUNK];
    for chunk in expected.chunks(CHUNK) {
        let (read, back) = R::Files::read_exact(&mut file, buf).await;
        read.map_err(|e| format!("read: {e}"))?;
        if back[..] != *chunk {
            return Err("read other bytes than the file holds".into());
        }
        buf = back;
    }
    R::Files::close(file).await.map_err(|e| format!("close: {e}"))
}

/// Where file reads run.
#[derive(Debug)]
pub struct FileWorkThread;

impl Probe for FileWorkThread {
    const NAME: &'static str = "file_work_thread";
    const QUESTION: &'static str = "16 reads of 256 KiB of a warm file from a task: whose read system calls \
        carried the bytes (per-thread rchar): another thread (blocking pool, or a thread per call), the task's own \
        thread (blocking calls), or none (no read call: io_uring)";

    fn run<R: OwnApi>() -> Observed {
        let dir = match Dir::new(Self::NAME) {
            Ok(dir) => dir,
            Err(e) => return Observed::new(format!("scratch directory: {e}")),
        };
        let path = dir.path().join("read.bin");
        let expected = content(3, 0, READS * CHUNK);
        if let Err(e) = fs::write(&path, &expected) {
            return Observed::new(format!("writing the file: {e}"));
        }
        if Counts::now().is_none() {
            return Observed::not_applicable("the kernel keeps no per-thread read counts here (/proc/self/task/*/io)");
        }
        let rt = start::<R>();
        let task = async move {
            let me = || rustix::thread::gettid().as_raw_nonzero().get() as u32;
            let (tid, before) = (me(), Counts::now().unwrap_or_default());
            read_through::<R>(path, &expected).await?;
            let after = Counts::now().unwrap_or_default();
            // A task that moved threads has no one executor thread to name.
            if me() != tid {
                return Err("the task moved to another thread while it read".into());
            }
            Ok::<Seen, String>((tid, before, after))
        };
        match rt.block_on(async move { bounded(WAIT, R::spawn(task)).await }) {
            None => Observed::new(format!("the reads did not finish in {} s", WAIT.as_secs())),
            Some(Err(e)) => Observed::new(format!("failed: {e}")),
            Some(Ok((tid, before, after))) => classify(tid, &before, &after),
        }
    }
}

/// Names where the bytes were read, from the counts around the reads by
/// the task on thread `tid`.
fn classify(tid: u32, before: &Counts, after: &Counts) -> Observed {
    let total = (READS * CHUNK) as u64;
    let process = after.process.saturating_sub(before.process);
    let threads = after.since(before);
    let own = threads.iter().find(|(t, _, _)| *t == tid).map_or(0, |(_, n, _)| *n);
    let listed: Vec<_> = threads.iter().map(|(t, n, name)| format!("{name} ({t}) {n} B")).collect();
    let detail = format!("{total} B read; the process's read calls returned {process} B; by thread: {}", {
        if listed.is_empty() { "none".to_owned() } else { listed.join(", ") }
    });
    let outcome = if process < total / 2 {
        "no read call (io_uring)"
    } else if own >= total / 2 {
        "the task's own thread (blocking calls)"
    } else {
        // Read by live threads of a pool, or by threads since gone (a
        // thread per call): either way not the task's.
        "another thread"
    };
    Observed::with(outcome, format!("{detail}; the task ran on thread {tid}"))
}
