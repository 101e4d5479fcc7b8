//! The reading workloads: many small files at once, one large file in
//! chunks, and small reads beside a ticker. Every byte read is compared with
//! what the file holds; the files are written ahead of the timed runs
//! ([`Workload::prepare`]), so every read is warm (page cache).
use std::path::PathBuf;
use std::sync::Arc;

use super::scratch::{self, Dir, Prepared};
use super::{Files, content};
use crate::check::{bounded, expect, join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload, ticker};

/// The size of a small file (a config file).
pub const SMALL: usize = 4 * 1024;

/// `count` files of [`SMALL`] bytes, file `i` holding `content(i, 0, SMALL)`.
#[derive(Debug)]
struct SmallFiles {
    paths: Vec<PathBuf>,
    contents: Vec<Vec<u8>>,
    _dir: Dir,
}

impl SmallFiles {
    /// The set of `count` files, made now (with `std::fs`) if nobody holds it.
    fn get(count: usize) -> Arc<SmallFiles> {
        scratch::shared("small_files", count, || {
            let dir = expect(Dir::new("small"), "make a directory for the small files");
            let contents: Vec<_> = (0..count as u64).map(|i| content(i, 0, SMALL)).collect();
            let paths: Vec<_> = (0..count).map(|i| dir.path().join(format!("{i}.conf"))).collect();
            for (path, bytes) in paths.iter().zip(&contents) {
                expect(std::fs::write(path, bytes), "write a small file");
            }
            SmallFiles { paths, contents, _dir: dir }
        })
    }

    /// Reads file `i` whole through `R`; `true` if every byte is right.
    async fn read<R: Runtime>(&self, i: usize) -> bool {
        let bytes = expect(R::Files::read(self.paths[i].clone()).await, "read a small file");
        bytes == self.contents[i]
    }
}

/// `size` files of 4 KiB, each read whole (`read`: open, read, close) in a
/// task of its own, all at once: a service loading its configuration.
#[derive(Debug)]
pub struct ReadSmall;

impl Workload for ReadSmall {
    const NAME: &'static str = "fs_read_small";
    const FAMILY: Family = Family::Fs;
    const SUMMARY: &'static str = "size files of 4 KiB read whole at once, a task each (warm: written just \
                                   before the timed runs; every byte checked)";
    const UNIT: &'static str = "files";
    const SIZES: Sizes = Sizes { test: 16, quick: 256, bench: &[64, 1_024] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn prepare(size: usize) -> Prepared {
        Prepared::holding(SmallFiles::get(size))
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let files = SmallFiles::get(size);
        bounded::<R, _>(Self::NAME, async {
            let readers: Vec<_> = (0..size)
                .map(|i| {
                    let files = files.clone();
                    R::spawn(async move { if files.read::<R>(i).await { mix(i as u64) } else { 0 } })
                })
                .collect();
            Run::checksum(join_sum(readers).await)
        })
        .await
    }
}

/// The chunk `fs_read_large` reads at a time.
pub const CHUNK: usize = 256 * 1024;

/// One file of `chunks` × [`CHUNK`] bytes and what it holds.
#[derive(Debug)]
struct LargeFile {
    path: PathBuf,
    bytes: Vec<u8>,
    _dir: Dir,
}

impl LargeFile {
    fn get(chunks: usize) -> Arc<LargeFile> {
        scratch::shared("large_file", chunks, || {
            let dir = expect(Dir::new("large"), "make a directory for the large file");
            let bytes = content(u64::MAX, 0, chunks * CHUNK);
            let path = dir.path().join("large.bin");
            expect(std::fs::write(&path, &bytes), "write the large file");
            LargeFile { path, bytes, _dir: dir }
        })
    }
}

/// One file of `size` × 256 KiB read from start to end in 256 KiB chunks
/// into one reused buffer: sequential read throughput.
#[derive(Debug)]
pub struct ReadLarge;

impl Workload for ReadLarge {
    const NAME: &'static str = "fs_read_large";
    const FAMILY: Family = Family::Fs;
    const SUMMARY: &'static str = "one file of size x 256 KiB (64 MiB at the quick size) read sequentially in \
                                   256 KiB chunks (warm: written just before the timed runs; every byte checked)";
    const UNIT: &'static str = "chunks";
    const SIZES: Sizes = Sizes { test: 8, quick: 256, bench: &[64, 256] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 1, remote_spawn: false }
    }

    fn prepare(size: usize) -> Prepared {
        Prepared::holding(LargeFile::get(size))
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let file = LargeFile::get(size);
        let reader = R::spawn(async move {
            let mut open = expect(R::Files::open(file.path.clone()).await, "open the large file");
            let (mut sum, mut buf) = (0u64, vec![0u8; CHUNK]);
            for chunk in 0..size {
                let (read, back) = R::Files::read_exact(&mut open, buf).await;
                expect(read, "read a chunk of the large file");
                if back[..] == file.bytes[chunk * CHUNK..][..CHUNK] {
                    sum = sum.wrapping_add(mix(chunk as u64));
                }
                buf = back;
            }
            expect(R::Files::close(open).await, "close the large file");
            sum
        });
        Run::checksum(bounded::<R, _>(Self::NAME, reader).await)
    }
}

/// The small files `fs_beside_ticker` reads, round robin.
const TICKER_FILES: usize = 64;

/// Tasks reading at once in `fs_beside_ticker`.
const READERS: usize = 16;

/// `size` whole-file reads of 4 KiB files by 16 tasks, while a ticker task
/// sleeps 1 ms at a time and records how late it wakes: does file I/O stall
/// the executor it is started from?
#[derive(Debug)]
pub struct ReadsBesideTicker;

impl Workload for ReadsBesideTicker {
    const NAME: &'static str = "fs_beside_ticker";
    const FAMILY: Family = Family::Fs;
    const SUMMARY: &'static str = "size whole-file reads of 64 files of 4 KiB, 16 tasks reading at once, while \
                                   a ticker sleeps 1 ms at a time; the ticker's lateness recorded (warm reads, \
                                   every byte checked)";
    const UNIT: &'static str = "reads";
    const SIZES: Sizes = Sizes { test: 64, quick: 20_000, bench: &[5_000, 50_000] };
    const WAITS_ON_TIME: bool = true;
    const LATENCY: Option<&'static str> = Some("ticker lateness: how late a 1 ms sleep beside file reads woke");

    fn latency_samples(_: usize) -> Option<u64> {
        // A tick every millisecond while the reads run: as many as they take.
        None
    }

    fn needs(_: usize) -> Needs {
        Needs { tasks: READERS as u64 + 1, remote_spawn: false }
    }

    fn prepare(_: usize) -> Prepared {
        Prepared::holding(SmallFiles::get(TICKER_FILES))
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let files = SmallFiles::get(TICKER_FILES);
        bounded::<R, _>(Self::NAME, async {
            let (done_tx, ticker) = ticker::start::<R>();
            let readers: Vec<_> = (0..READERS.min(size))
                .map(|r| {
                    let files = files.clone();
                    R::spawn(async move {
                        let mut sum = 0u64;
                        for read in (r..size).step_by(READERS) {
                            if files.read::<R>(read % TICKER_FILES).await {
                                sum = sum.wrapping_add(mix(read as u64));
                            }
                        }
                        sum
                    })
                })
                .collect();
            let sum = join_sum(readers).await;
            let _ = done_tx.send(());
            Run { checksum: sum, latency: ticker.await }
        })
        .await
    }
}
