//! The contract's file checks: what is written and synced reads back, and a
//! missing file is an error value.
use std::io;

use futures::FutureExt;
use std::panic::AssertUnwindSafe;

use super::{Check, Verdict, within};
use crate::Runtime;
use crate::fs::scratch::Dir;
use crate::fs::{Files, content};

/// What [`FileWritesReadBack`] writes: pieces of uneven sizes, one larger
/// than a blocking-pool runtime's buffer for one operation (tokio's is
/// 2 MiB), so a write cut short or a buffer lost shows.
const PIECES: [usize; 4] = [1, 4_095, 64 * 1024, 3 * 1024 * 1024];

/// Bytes written and synced to a file read back the same.
#[derive(Debug)]
pub struct FileWritesReadBack;

impl Check for FileWritesReadBack {
    const NAME: &'static str = "file_writes_read_back";
    const CLAIM: &'static str = "bytes written to a file and synced (sync_data), then closed, read back the same \
        through the runtime's files and through std::fs, and the file is gone once removed";

    async fn run<R: Runtime>() -> Verdict {
        let dir = Dir::new(Self::NAME).map_err(|e| format!("scratch directory: {e}"))?;
        let path = dir.path().join("written");
        let expected = content(1, 0, PIECES.iter().sum());
        let io = async {
            let mut file = R::Files::create(path.clone()).await?;
            let mut at = 0;
            for len in PIECES {
                R::Files::write_all(&mut file, expected[at..at + len].to_vec()).await?;
                at += len;
            }
            R::Files::sync_data(&mut file).await?;
            R::Files::close(file).await?;
            let whole = R::Files::read(path.clone()).await?;
            let mut file = R::Files::open(path.clone()).await?;
            let (read, part) = R::Files::read_exact(&mut file, vec![0; PIECES[2]]).await;
            read?;
            R::Files::close(file).await?;
            Ok::<_, io::Error>((whole, part))
        };
        let (whole, part) = within::<R, _>("writing and reading back", io).await?.map_err(|e| e.to_string())?;
        if let Some(how) = differs(&whole, &expected) {
            return Err(format!("read back {how}"));
        }
        if part[..] != expected[..PIECES[2]] {
            return Err("read_exact from the start did not give the first bytes written".into());
        }
        if std::fs::read(&path).map_err(|e| format!("std::fs::read: {e}"))? != expected {
            return Err("std::fs reads other bytes than the runtime wrote".into());
        }
        within::<R, _>("removing", R::Files::remove(path.clone())).await?.map_err(|e| format!("remove: {e}"))?;
        if path.exists() {
            return Err("the file is still there after remove".into());
        }
        Ok(())
    }
}

/// How `got` differs from `want`, if it does.
fn differs(got: &[u8], want: &[u8]) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!("{} bytes, not the {} written", got.len(), want.len()));
    }
    let at = got.iter().zip(want).position(|(g, w)| g != w)?;
    Some(format!("other bytes than were written, from byte {at}"))
}

/// Reading or opening a file that is not there gives an error value.
#[derive(Debug)]
pub struct MissingFileIsError;

impl Check for MissingFileIsError {
    const NAME: &'static str = "missing_file_is_error";
    const CLAIM: &'static str = "reading or opening a file that does not exist returns a NotFound error, without a \
        panic";

    async fn run<R: Runtime>() -> Verdict {
        let dir = Dir::new(Self::NAME).map_err(|e| format!("scratch directory: {e}"))?;
        let path = dir.path().join("missing");
        let read = AssertUnwindSafe(R::Files::read(path.clone())).catch_unwind();
        let open = AssertUnwindSafe(R::Files::open(path)).catch_unwind();
        let kinds = [
            ("read", within::<R, _>("reading a missing file", read).await?.map(|r| r.map(drop))),
            ("open", within::<R, _>("opening a missing file", open).await?.map(|r| r.map(drop))),
        ];
        for (what, outcome) in kinds {
            match outcome {
                Err(_) => return Err(format!("{what} of a missing file panicked")),
                Ok(Ok(())) => return Err(format!("{what} of a missing file succeeded")),
                Ok(Err(e)) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(format!("{what} of a missing file: {:?}, not NotFound ({e})", e.kind()));
                }
                Ok(Err(_)) => {}
            }
        }
        Ok(())
    }
}
