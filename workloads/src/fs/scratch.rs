//! Where the file workloads keep their files, and the files they read made
//! ahead of the timed runs.
//!
//! A process keeps its files in one directory, `arena-fs-<pid>-<n>` under
//! the system's temporary directory (`TMPDIR`, else `/tmp`), made when the
//! first [`Dir`] is asked for and removed with everything in it when the last
//! one is dropped (also while a panic unwinds). A process killed outright
//! cannot remove its directory: the next process that makes one first
//! removes every `arena-fs-<pid>-*` whose process is gone ([`sweep`]), so
//! nothing outlives the next run.
//!
//! [`shared`] keeps one value per key (a set of files per workload and
//! size) while anybody holds it: [`Workload::prepare`](crate::Workload::prepare)
//! makes it before the timed runs and its caller holds it through them, and
//! a run that finds none makes its own.
use std::any::Any;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// The start of every directory name this module makes.
pub const PREFIX: &str = "arena-fs-";

/// The process's directory; removed when the last [`Dir`] in it is dropped.
#[derive(Debug)]
struct Root {
    path: PathBuf,
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

static ROOT: Mutex<Weak<Root>> = Mutex::new(Weak::new());
static NEXT: AtomicU64 = AtomicU64::new(0);

/// The process's directory, made (after a [`sweep`]) if there is none alive.
fn root() -> io::Result<Arc<Root>> {
    let mut slot = ROOT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(root) = slot.upgrade() {
        return Ok(root);
    }
    let base = std::env::temp_dir();
    sweep(&base);
    // A fresh name each time: the last root may still be being removed.
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = base.join(format!("{PREFIX}{}-{n}", std::process::id()));
    fs::create_dir(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let root = Arc::new(Root { path });
    *slot = Arc::downgrade(&root);
    Ok(root)
}

/// Removes the directories in `base` left by processes that are gone
/// (killed before they could remove their own); returns how many. Only on
/// Linux, where `/proc/<pid>` tells whether a process is alive; elsewhere
/// nothing is removed.
pub fn sweep(base: &Path) -> usize {
    let Ok(entries) = fs::read_dir(base) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner) else { continue };
        if cfg!(target_os = "linux") && !Path::new(&format!("/proc/{pid}")).exists() {
            removed += usize::from(fs::remove_dir_all(entry.path()).is_ok());
        }
    }
    removed
}

/// The process id in a directory name of this module (`arena-fs-<pid>-<n>`).
fn owner(name: &str) -> Option<u32> {
    let (pid, n) = name.strip_prefix(PREFIX)?.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// A directory of the process's, removed with its contents when dropped.
#[derive(Debug)]
pub struct Dir {
    path: PathBuf,
    _root: Arc<Root>,
}

impl Dir {
    /// A new, empty directory named after `what` (a workload's name).
    pub fn new(what: &str) -> io::Result<Dir> {
        let root = root()?;
        let path = root.path.join(format!("{what}-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        fs::create_dir(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Ok(Dir { path, _root: root })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

type Shared = Arc<dyn Any + Send + Sync>;

/// A kept value: its name, its size, and the value while anybody holds it.
type Entry = (&'static str, usize, Weak<dyn Any + Send + Sync>);

static SHARED: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The value kept under `(name, size)` while anybody holds it, made by
/// `make` if nobody does (under a lock: shards asking at once share one).
pub fn shared<T: Any + Send + Sync>(name: &'static str, size: usize, make: impl FnOnce() -> T) -> Arc<T> {
    let mut all = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    all.retain(|(_, _, weak)| weak.strong_count() > 0);
    let found = all.iter().filter(|(n, s, _)| *n == name && *s == size).find_map(|(_, _, weak)| weak.upgrade());
    if let Some(value) = found.and_then(|any| any.downcast::<T>().ok()) {
        return value;
    }
    let value = Arc::new(make());
    let any: Shared = value.clone();
    all.push((name, size, Arc::downgrade(&any)));
    value
}

/// What [`Workload::prepare`](crate::Workload::prepare) made, kept while this
/// lives (nothing, for most workloads).
#[derive(Default)]
pub struct Prepared(Vec<Shared>);

impl Prepared {
    /// Keeps `value`.
    pub fn holding<T: Any + Send + Sync>(value: Arc<T>) -> Prepared {
        Prepared(vec![value])
    }

    /// Keeps `other`'s values too.
    pub fn and(mut self, other: Prepared) -> Prepared {
        self.0.extend(other.0);
        self
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Prepared({} kept)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_give_their_owner() {
        assert_eq!(owner("arena-fs-1234-0"), Some(1234));
        assert_eq!(owner("arena-fs-1234"), None);
        assert_eq!(owner("arena-fs-x-1"), None);
        assert_eq!(owner("other-1234-0"), None);
    }

    #[test]
    fn the_last_dir_dropped_removes_the_process_directory() {
        let a = Dir::new("a").unwrap();
        let b = Dir::new("b").unwrap();
        let root = a.path().parent().unwrap().to_owned();
        assert_eq!(b.path().parent().unwrap(), root);
        fs::write(a.path().join("f"), b"x").unwrap();
        drop(a);
        assert!(root.exists(), "b still holds the root");
        drop(b);
        assert!(!root.exists(), "{} outlived its dirs", root.display());
    }

    #[test]
    fn a_dead_process_directory_is_swept_and_a_live_one_kept() {
        let base = tempfile_base();
        // A pid no process has (above the kernel's pid_max of 2^22).
        let dead = base.join(format!("{PREFIX}{}-0", 1u32 << 23));
        let alive = base.join(format!("{PREFIX}{}-0", std::process::id()));
        let other = base.join("unrelated");
        for dir in [&dead, &alive, &other] {
            fs::create_dir_all(dir.join("sub")).unwrap();
        }
        assert_eq!(sweep(&base), usize::from(cfg!(target_os = "linux")));
        assert_eq!(dead.exists(), !cfg!(target_os = "linux"));
        assert!(alive.exists() && other.exists());
        fs::remove_dir_all(&base).unwrap();
    }

    /// A directory of this test's own, outside any process directory.
    fn tempfile_base() -> PathBuf {
        let base = std::env::temp_dir().join(format!("arena-sweep-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir(&base).unwrap();
        base
    }

    #[test]
    fn shared_values_live_while_held() {
        let a = shared("t", 1, || 5u32);
        let b = shared("t", 1, || 6u32);
        assert!(Arc::ptr_eq(&a, &b));
        drop((a, b));
        assert_eq!(*shared("t", 1, || 7u32), 7, "dropped by all, made anew");
    }
}
