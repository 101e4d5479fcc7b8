//! The writing workload: appends made durable one by one, the way a log or
//! a write-ahead journal writes.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::scratch::{self, Dir, Prepared};
use super::{Files, content};
use crate::check::{bounded, expect, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// The block appended at a time.
pub const BLOCK: usize = 4 * 1024;

/// The directory the logs are written in.
fn logs() -> Arc<Dir> {
    scratch::shared("logs", 0, || expect(Dir::new("logs"), "make a directory for the logs"))
}

/// Names every log a process writes apart.
static LOG: AtomicU64 = AtomicU64::new(0);

/// `size` appends of 4 KiB to a new file, each followed by `sync_data`
/// (`fdatasync`); then the file is closed, read back whole, checked block by
/// block, and removed.
#[derive(Debug)]
pub struct WriteSync;

impl Workload for WriteSync {
    const NAME: &'static str = "fs_write_sync";
    const FAMILY: Family = Family::Fs;
    const SUMMARY: &'static str = "size appends of 4 KiB to a new file, each made durable with sync_data \
                                   (fdatasync) before the next (a log); then closed, read back whole and checked, \
                                   removed";
    const UNIT: &'static str = "appends";
    const SIZES: Sizes = Sizes { test: 4, quick: 64, bench: &[16, 256] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 1, remote_spawn: false }
    }

    fn prepare(_: usize) -> Prepared {
        Prepared::holding(logs())
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add((size * BLOCK) as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let dir = logs();
        let path = dir.path().join(format!("{}.log", LOG.fetch_add(1, Ordering::Relaxed)));
        let writer = R::spawn(async move {
            let mut log = expect(R::Files::create(path.clone()).await, "create the log");
            for block in 0..size {
                expect(R::Files::write_all(&mut log, content(0, block * BLOCK, BLOCK)).await, "append to the log");
                expect(R::Files::sync_data(&mut log).await, "sync the log");
            }
            expect(R::Files::close(log).await, "close the log");
            let back = expect(R::Files::read(path.clone()).await, "read the log back");
            expect(R::Files::remove(path).await, "remove the log");
            drop(dir);
            let intact = back.chunks(BLOCK).enumerate().filter(|(i, b)| *b == content(0, i * BLOCK, BLOCK));
            intact.fold(back.len() as u64, |sum, (i, _)| sum.wrapping_add(mix(i as u64)))
        });
        Run::checksum(bounded::<R, _>(Self::NAME, writer).await)
    }
}
