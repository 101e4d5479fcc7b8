//! The faulty runtimes' I/O: tokio-ct's TCP and files with a fault of
//! [`CORRUPTS_BYTES`] (reads come back changed) or [`SKIPS_FILE_WRITES`]
//! (writes are dropped and reported done).
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures::io::{AsyncRead, AsyncWrite};
use workloads::Runtime;
use workloads::fs::Files;
use workloads::net::Tcp;

use super::{CORRUPTS_BYTES, SKIPS_FILE_WRITES};
use crate::TokioCt;

/// tokio-ct's TCP; with [`CORRUPTS_BYTES`], its reads corrupt.
#[derive(Debug)]
pub struct FaultyTcp<const FAULT: u8>;

type TokioTcp = <TokioCt as Runtime>::Tcp;

impl<const FAULT: u8> Tcp for FaultyTcp<FAULT> {
    type Stream = Corrupting<<TokioTcp as Tcp>::Stream>;
    type Listener = <TokioTcp as Tcp>::Listener;

    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send {
        TokioTcp::bind(addr)
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        TokioTcp::local_addr(listener)
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        Ok(Corrupting { inner: TokioTcp::accept(listener).await?, on: FAULT == CORRUPTS_BYTES })
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        Ok(Corrupting { inner: TokioTcp::connect(addr).await?, on: FAULT == CORRUPTS_BYTES })
    }
}

/// Reads counted over every corrupting stream.
static READS: AtomicU64 = AtomicU64::new(0);

/// A stream whose every 50th non-empty read (counted over all of them) has
/// its first byte's lowest bit flipped, when `on`.
#[derive(Debug)]
pub struct Corrupting<S> {
    inner: S,
    on: bool,
}

impl<S: AsyncRead + Unpin> AsyncRead for Corrupting<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let n = std::task::ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        if self.on && n > 0 && READS.fetch_add(1, Ordering::Relaxed) % 50 == 49 {
            buf[0] ^= 1;
        }
        Poll::Ready(Ok(n))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Corrupting<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

type TokioFiles = <TokioCt as Runtime>::Files;

/// tokio-ct's files; with [`CORRUPTS_BYTES`] every read has its first
/// byte's lowest bit flipped, with [`SKIPS_FILE_WRITES`] every second write
/// to a file is dropped (and reported written).
#[derive(Debug)]
pub struct FaultyFiles<const FAULT: u8>;

/// Flips the first byte's lowest bit, with [`CORRUPTS_BYTES`].
fn corrupt<const FAULT: u8>(bytes: &mut [u8]) {
    if let (CORRUPTS_BYTES, Some(first)) = (FAULT, bytes.first_mut()) {
        *first ^= 1;
    }
}

impl<const FAULT: u8> Files for FaultyFiles<FAULT> {
    /// tokio's file, and how many writes it was asked for.
    type File = (<TokioFiles as Files>::File, u64);
    const API: &'static str = "test only: tokio::fs with a fault";
    const OWN: bool = true;

    async fn open(path: PathBuf) -> io::Result<Self::File> {
        Ok((TokioFiles::open(path).await?, 0))
    }

    async fn create(path: PathBuf) -> io::Result<Self::File> {
        Ok((TokioFiles::create(path).await?, 0))
    }

    async fn read_exact(file: &mut Self::File, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        let (read, mut buf) = TokioFiles::read_exact(&mut file.0, buf).await;
        corrupt::<FAULT>(&mut buf);
        (read, buf)
    }

    async fn write_all(file: &mut Self::File, buf: Vec<u8>) -> io::Result<()> {
        file.1 += 1;
        if FAULT == SKIPS_FILE_WRITES && file.1 % 2 == 0 {
            return Ok(());
        }
        TokioFiles::write_all(&mut file.0, buf).await
    }

    fn sync_data(file: &mut Self::File) -> impl Future<Output = io::Result<()>> + Send + '_ {
        TokioFiles::sync_data(&mut file.0)
    }

    fn close(file: Self::File) -> impl Future<Output = io::Result<()>> + Send {
        TokioFiles::close(file.0)
    }

    async fn read(path: PathBuf) -> io::Result<Vec<u8>> {
        let mut bytes = TokioFiles::read(path).await?;
        corrupt::<FAULT>(&mut bytes);
        Ok(bytes)
    }

    fn remove(path: PathBuf) -> impl Future<Output = io::Result<()>> + Send {
        TokioFiles::remove(path)
    }
}
