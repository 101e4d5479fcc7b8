//! File backends more than one adapter uses (`workloads::fs::Files`).
//!
//! * [`StdFiles`]: `std::fs` calls, for runtimes with no file API of their
//!   own, each run where that runtime runs blocking work ([`Offload`]): the
//!   `futures` executors on a new thread per call (their `spawn_blocking`),
//!   the `threads` baseline on the task's own thread (every task is a
//!   thread). Their cells say so ([`Files::OWN`] is false).
//! * [`futures_io_files!`]: the files of async-std and `async-fs` (smol),
//!   which both mirror `std::fs` with `futures::io` traits on a blocking
//!   pool.
//! * [`At`]: an open file of a thread-per-core runtime and the offset its
//!   next positional read or write starts at (their files have no cursor:
//!   every call names its offset).
use std::fs::File;
use std::future::Future;
use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;

use send_wrapper::SendWrapper;
use workloads::fs::Files;

/// Where [`StdFiles`] runs its blocking calls.
pub trait Offload: 'static {
    /// What [`Files::API`] says.
    const API: &'static str;
    /// Runs `work` there.
    fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> impl Future<Output = T> + Send;
}

/// A new OS thread per call: the `futures` executors' `spawn_blocking`.
#[derive(Debug)]
pub enum NewThread {}

impl Offload for NewThread {
    const API: &'static str = "no file API of its own: std::fs, a new thread per call (its spawn_blocking)";

    fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> impl Future<Output = T> + Send {
        super::support::on_new_thread(work)
    }
}

/// The calling task's own thread: the `threads` baseline, where every task
/// is an OS thread and blocking is what it does.
#[derive(Debug)]
pub enum InTask {}

impl Offload for InTask {
    const API: &'static str = "no file API of its own: std::fs, blocking the task's own thread";

    fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> impl Future<Output = T> + Send {
        futures::future::lazy(|_| work())
    }
}

/// `std::fs` through [`Offload`] `O`. The file is shared with the thread
/// that reads it (`&File` reads and writes), and has the usual cursor.
#[derive(Debug)]
pub struct StdFiles<O>(PhantomData<O>);

impl<O: Offload> Files for StdFiles<O> {
    type File = Arc<File>;
    const API: &'static str = O::API;
    const OWN: bool = false;

    fn open(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        O::run(move || File::open(path).map(Arc::new))
    }

    fn create(path: PathBuf) -> impl Future<Output = io::Result<Self::File>> + Send {
        O::run(move || File::create(path).map(Arc::new))
    }

    fn read_exact(file: &mut Self::File, mut buf: Vec<u8>) -> impl Future<Output = (io::Result<()>, Vec<u8>)> + Send {
        let file = file.clone();
        O::run(move || ((&*file).read_exact(&mut buf), buf))
    }

    fn write_all(file: &mut Self::File, buf: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send {
        let file = file.clone();
        O::run(move || (&*file).write_all(&buf))
    }

    fn sync_data(file: &mut Self::File) -> impl Future<Output = io::Result<()>> + Send {
        let file = file.clone();
        O::run(move || file.sync_data())
    }

    fn close(file: Self::File) -> impl Future<Output = io::Result<()>> + Send {
        // std's File writes straight through: closing is dropping.
        O::run(move || {
            drop(file);
            Ok(())
        })
    }

    fn read(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        O::run(move || std::fs::read(path))
    }

    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send {
        O::run(move || std::fs::remove_file(path))
    }
}

/// An open file of a thread-per-core runtime (`!Send`, kept on its shard's
/// thread by `SendWrapper`) and the offset the next read or write starts at.
#[derive(Debug)]
pub struct At<F> {
    /// The runtime's file.
    pub file: SendWrapper<F>,
    /// Where the next read or write starts.
    pub at: u64,
}

impl<F> At<F> {
    /// `file`, at its start.
    pub fn new(file: F) -> Self {
        At { file: SendWrapper::new(file), at: 0 }
    }

    /// The file, to close it.
    pub fn into_inner(self) -> F {
        self.file.take()
    }
}

/// `io::ErrorKind::UnexpectedEof` for a read that ended early.
pub fn short_read() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the file ended before the buffer was full")
}

/// Writes `impl Files for $name` over a crate that mirrors `std::fs` with
/// `futures::io` traits (`File::open`, `File::create`, `sync_data`, `read`,
/// `remove_file`), whose `close` is a flush (buffered writes may still be
/// pending) and a drop.
macro_rules! futures_io_files {
    ($name:ident, $fs:path, $file:ty, $api:literal) => {
        #[doc = concat!("Files through `", stringify!($fs), "`.")]
        #[derive(Debug)]
        pub enum $name {}

        impl workloads::fs::Files for $name {
            type File = $file;
            const API: &'static str = $api;
            const OWN: bool = true;

            fn open(path: std::path::PathBuf) -> impl std::future::Future<Output = std::io::Result<Self::File>> + Send {
                use $fs as fs;
                fs::File::open(path)
            }

            fn create(
                path: std::path::PathBuf,
            ) -> impl std::future::Future<Output = std::io::Result<Self::File>> + Send {
                use $fs as fs;
                fs::File::create(path)
            }

            async fn read_exact(file: &mut Self::File, mut buf: Vec<u8>) -> (std::io::Result<()>, Vec<u8>) {
                (futures::AsyncReadExt::read_exact(file, &mut buf).await, buf)
            }

            async fn write_all(file: &mut Self::File, buf: Vec<u8>) -> std::io::Result<()> {
                futures::AsyncWriteExt::write_all(file, &buf).await
            }

            fn sync_data(file: &mut Self::File) -> impl std::future::Future<Output = std::io::Result<()>> + Send + '_ {
                file.sync_data()
            }

            async fn close(mut file: Self::File) -> std::io::Result<()> {
                futures::AsyncWriteExt::flush(&mut file).await
            }

            fn read(path: std::path::PathBuf) -> impl std::future::Future<Output = std::io::Result<Vec<u8>>> + Send {
                use $fs as fs;
                fs::read(path)
            }

            fn remove(path: std::path::PathBuf) -> impl std::future::Future<Output = std::io::Result<()>> + Send {
                use $fs as fs;
                fs::remove_file(path)
            }
        }
    };
}
pub(crate) use futures_io_files;
