//! One writer per output directory. Two commands writing into one directory
//! at once would lose a run: `arena run` clears its criterion scratch space
//! and writes `results.json` from what it finds there, so a second run on the
//! same `--out` silently replaced the first one's cells. A command takes the
//! directory's lock before it writes anything there, and a second command is
//! refused with a line naming the holder.
//!
//! The lock is an advisory lock on `<dir>/.arena-lock` (`flock`, through
//! `std::fs::File::try_lock`): the kernel drops it when its process ends,
//! however it ends, so a `kill -9` leaves no stale lock behind. The file
//! stays and says who held it last. Results are written atomically (a
//! temporary file renamed over the old one), so a killed writer leaves the
//! old file whole, and at most a temporary file, which the next holder
//! removes.
use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside a locked directory.
pub const LOCK_FILE: &str = ".arena-lock";

/// A held lock on a directory; released when dropped or when the process ends.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    dir: PathBuf,
}

impl DirLock {
    /// The directory locked.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Why a directory could not be locked, naming the flag it came from.
#[derive(Debug)]
pub struct LockError {
    flag: String,
    dir: PathBuf,
    why: Why,
}

#[derive(Debug)]
enum Why {
    /// Another process holds it; what its lock file says of it.
    Held(String),
    /// The directory or its lock file could not be made.
    Io(std::io::Error),
}

impl LockError {
    /// Whether another process holds the lock (the user's to sort out, not a
    /// failure of this one).
    pub fn is_held(&self) -> bool {
        matches!(self.why, Why::Held(_))
    }
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (flag, dir) = (&self.flag, self.dir.display());
        match &self.why {
            Why::Held(holder) => {
                write!(f, "{flag}: {dir} is in use by {holder}; wait for it to finish or write elsewhere")
            }
            Why::Io(e) => write!(f, "{flag}: {dir}: cannot lock: {e}"),
        }
    }
}

impl std::error::Error for LockError {}

/// Locks `dir` (created if missing) for this process, or says who holds it.
/// `flag` names the option the directory came from.
pub fn lock_dir(flag: &str, dir: &Path) -> Result<DirLock, LockError> {
    let fail = |why| LockError { flag: flag.to_owned(), dir: dir.to_owned(), why };
    let io = |e| fail(Why::Io(e));
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => "another arena process".to_owned(),
                said => said.to_owned(),
            };
            return Err(fail(Why::Held(holder)));
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    let args: Vec<String> = std::env::args().collect();
    let program = args.first().and_then(|a| Path::new(a).file_name()).map(|n| n.to_string_lossy().into_owned());
    let command = [program.unwrap_or_default()].into_iter().chain(args.into_iter().skip(1)).collect::<Vec<_>>();
    let said = format!("pid {} ({})", std::process::id(), command.join(" "));
    file.set_len(0).and_then(|()| file.rewind()).and_then(|()| writeln!(file, "{said}")).map_err(io)?;
    // No one else writes here now: what a killed writer left half-written goes.
    for entry in std::fs::read_dir(dir).map_err(io)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with(reports::files::TEMP_PREFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(DirLock { _file: file, dir: dir.to_owned() })
}

/// Locks the directory a file output goes into (`flag`'s value is the file).
pub fn lock_parent(flag: &str, file: &Path) -> Result<DirLock, LockError> {
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    lock_dir(flag, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_directory_refuses_a_second_holder_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let held = lock_dir("--out", &out).unwrap();
        assert_eq!(held.dir(), out);
        let err = lock_dir("--out", &out).unwrap_err().to_string();
        let pid = std::process::id();
        assert!(err.starts_with(&format!("--out: {} is in use by pid {pid} (", out.display())), "{err}");
        assert!(err.ends_with("; wait for it to finish or write elsewhere"), "{err}");
        drop(held);
        let again = lock_parent("--out", &out.join("results.json")).unwrap();
        assert_eq!(again.dir(), out);
    }

    #[test]
    fn a_directory_that_cannot_be_made_is_named() {
        let err = lock_dir("--out", Path::new("/dev/null/arena")).unwrap_err().to_string();
        assert!(err.starts_with("--out: /dev/null/arena: cannot lock: "), "{err}");
    }
}
