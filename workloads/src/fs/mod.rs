//! Files: the seam's file half, [`Files`], and the workloads written on it
//! (family `fs`).
//!
//! Runtimes differ most underneath here: tokio and async-std send every file
//! operation to a blocking thread pool, smol's `async-fs` to the `blocking`
//! pool, glommio, monoio and compio submit it to io_uring (monoio's legacy
//! driver makes the system call on the executor thread). Each adapter picks
//! its runtime's own file API and says which in [`Files::API`]; a runtime
//! without one ([`Files::OWN`] false: the `futures` executors, the `threads`
//! baseline) does plain `std::fs` calls the way its users would, and every
//! cell of it says so.
//!
//! The seam is what the workloads need and no more: whole-file `read`, and
//! an open file read or written from where its last operation ended (no
//! seeks: the blocking-pool runtimes' files have a cursor, and the io_uring
//! ones' adapters keep the offset of their positional calls), `sync_data`,
//! `close`, `remove`. Buffers are owned `Vec<u8>`s (io_uring runtimes need
//! them owned while the kernel holds them).
//!
//! # Durability
//!
//! The workloads sync with `fdatasync` (`sync_data`), not `fsync`: glommio's
//! files offer only `fdatasync` (glommio-0.9.0 src/io/buffered_file.rs:192),
//! and for an append it also writes the file's new size (fdatasync(2): the
//! size is "metadata needed to allow a subsequent data retrieval"), so every
//! runtime makes the same, durable call.
//!
//! # Page cache
//!
//! Every read here is *warm*: the files were written just before (ahead of
//! the timed runs, [`Workload::prepare`](crate::Workload::prepare)) and are
//! read through the page cache on every runtime. glommio's `DmaFile` would
//! bypass the cache (`O_DIRECT`), so its cells would be cold reads beside
//! everyone else's warm ones; its adapter uses `BufferedFile`, which goes
//! through the cache like the others. No workload here reads cold.
//!
//! Files live in one directory per process under the system's temporary
//! directory ([`scratch`]), removed when the runs are done.
use std::future::Future;
use std::io;
use std::path::PathBuf;

mod reads;
pub mod scratch;
mod writes;

pub use reads::{ReadLarge, ReadSmall, ReadsBesideTicker};
pub use writes::WriteSync;

use crate::check::mix;

/// Files on one runtime. Called from inside the runtime (in `block_on` or a
/// task), like the rest of the seam.
pub trait Files: 'static {
    /// An open file and where its next read or write starts.
    type File: Send + 'static;
    /// The file API behind this, in a few words (`tokio::fs, on tokio's
    /// blocking pool`), recorded in every file cell of the runtime.
    const API: &'static str;
    /// Whether [`Files::API`] is the runtime's own (or the one its
    /// documentation sends users to); `false` for a runtime with no file API,
    /// where `API` says what stands in for one.
    const OWN: bool;

    /// Opens an existing file for reading, at its start.
    fn open(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send;
    /// Creates (or truncates) a file for writing, at its start.
    fn create(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send;
    /// Reads exactly `buf.len()` bytes from where the file is; gives the buffer back.
    fn read_exact(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = (io::Result<()>, Vec<u8>)> + Send + '_;
    /// Writes all of `buf` where the file is.
    fn write_all(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send + '_;
    /// Makes everything written so far durable (`fdatasync`; see the [module docs](self)).
    fn sync_data(file: &mut Self::File) -> impl Future<Output = io::Result<()>> + Send + '_;
    /// Closes the file, after anything still buffered is written.
    fn close(file: Self::File) -> impl Future<Output = io::Result<()>> + Send;
    /// Reads a whole file (open, read to its end, close).
    fn read(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send;
    /// Removes a file.
    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send;
}

/// The bytes of file `seed` from byte `start`, `len` of them: 8-byte words
/// `mix(seed) + k` (word `k` of the file), different for every file and
/// position and cheap to make.
pub fn content(seed: u64, start: usize, len: usize) -> Vec<u8> {
    let base = mix(seed);
    let mut out = Vec::with_capacity(len);
    let mut at = start;
    while out.len() < len {
        let word = base.wrapping_add((at / 8) as u64).to_le_bytes();
        let from = at % 8;
        let take = (8 - from).min(len - out.len());
        out.extend_from_slice(&word[from..from + take]);
        at += take;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::content;

    #[test]
    fn content_is_the_same_cut_anywhere_and_differs_between_files() {
        let whole = content(7, 0, 100);
        assert_eq!(content(7, 13, 40), whole[13..53]);
        assert_ne!(content(8, 0, 100), whole);
        assert_ne!(whole[..8], whole[8..16]);
    }
}
