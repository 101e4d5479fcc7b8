//! Loopback TCP: the seam's [`Tcp`] half and the I/O workloads written on it.
//!
//! Streams are `futures::io::{AsyncRead, AsyncWrite}`; each runtime's adapter
//! picks a [`Tcp`] backend that maps bind / accept / connect onto the
//! runtime's own sockets (or its compat layer) and sets `TCP_NODELAY` on
//! every stream, so Nagle's algorithm and delayed ACKs (40 ms stalls on a
//! split write) are not what gets measured.
//!
//! Every workload here binds `127.0.0.1:0` (a fresh port per run, so earlier
//! runs' `TIME_WAIT` sockets never collide with it), opens a bounded number
//! of connections, checks every byte that comes back, and gives up with a
//! panic naming what it waited for after [`LIMIT`]: it always stops by
//! itself. Connections end by dropping the stream, never by
//! `AsyncWriteExt::close`: what `close` does differs (tokio's compat and
//! glommio shut the write side down; async-io's and async-std's `poll_close`
//! only flush, async-io-2.6.0 src/lib.rs:1373), while dropping always closes.
//! A stream is flushed before it is dropped (compio's compat stream buffers
//! writes). On a thread-per-core runtime each shard binds its own listener and
//! talks only to it (the way those runtimes serve: one listener per core).
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::check::{bounded, expect, join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Loopback TCP on one runtime: listeners and connected streams.
///
/// Called from inside the runtime (in `block_on` or a task), like the rest of
/// the seam. Streams have `TCP_NODELAY` set.
pub trait Tcp: 'static {
    /// A connected stream.
    type Stream: AsyncRead + AsyncWrite + Send + Unpin + 'static;
    /// A listening socket.
    type Listener: Send + Sync + 'static;

    /// Binds a listener to `addr`.
    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send;
    /// The address a listener is bound to (its port, when bound to port 0).
    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr>;
    /// Accepts the next connection.
    fn accept(listener: &Self::Listener) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_;
    /// Connects to `addr`.
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;
}

pub use crate::check::LIMIT;

/// A listener on `127.0.0.1`, on a port the kernel picks, and its address.
async fn listen<R: Runtime>() -> (<R::Tcp as Tcp>::Listener, SocketAddr) {
    let listener = expect(R::Tcp::bind((Ipv4Addr::LOCALHOST, 0).into()).await, "bind 127.0.0.1:0");
    let addr = expect(R::Tcp::local_addr(&listener), "local_addr of the listener");
    (listener, addr)
}

/// Accepts `n` connections, running `serve` on each in a task of its own,
/// and sums what the tasks return.
async fn serve_n<R, F, Fut>(listener: <R::Tcp as Tcp>::Listener, n: usize, serve: F) -> u64
where
    R: Runtime,
    F: Fn(<R::Tcp as Tcp>::Stream) -> Fut,
    Fut: Future<Output = u64> + Send + 'static,
{
    let mut handlers = Vec::with_capacity(n);
    for _ in 0..n {
        let stream = expect(R::Tcp::accept(&listener).await, "accept");
        handlers.push(R::spawn(serve(stream)));
    }
    join_sum(handlers).await
}

/// Writes all of `out` and reads exactly `back.len()` bytes into `back`, both
/// directions driven by one future so neither waits for the other (a 64 KiB
/// message never deadlocks on full socket buffers), then flushes.
#[derive(Debug)]
struct RoundTrip<'a, S> {
    stream: &'a mut S,
    out: &'a [u8],
    written: usize,
    flushed: bool,
    back: &'a mut [u8],
    read: usize,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Future for RoundTrip<'_, S> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        while this.written < this.out.len() {
            match Pin::new(&mut *this.stream).poll_write(cx, &this.out[this.written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => this.written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => break,
            }
        }
        if this.written == this.out.len() && !this.flushed {
            match Pin::new(&mut *this.stream).poll_flush(cx) {
                Poll::Ready(Ok(())) => this.flushed = true,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {}
            }
        }
        while this.read < this.back.len() {
            match Pin::new(&mut *this.stream).poll_read(cx, &mut this.back[this.read..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into())),
                Poll::Ready(Ok(n)) => this.read += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        if this.flushed { Poll::Ready(Ok(())) } else { Poll::Pending }
    }
}

/// Sends `out` and reads as many bytes back into `back`, concurrently.
fn round_trip<'a, S>(stream: &'a mut S, out: &'a [u8], back: &'a mut [u8]) -> RoundTrip<'a, S> {
    RoundTrip { stream, out, written: 0, flushed: false, back, read: 0 }
}

/// Reads once more and expects end of stream: the peer closed its side.
async fn expect_eof<S: AsyncRead + Unpin>(stream: &mut S, what: &str) {
    let mut byte = [0u8; 1];
    match stream.read(&mut byte).await {
        Ok(0) => {}
        Ok(_) => panic!("{what}: bytes after the last expected one"),
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Round trips each `echo_*` connection makes.
pub const ROUNDS: usize = 64;

/// The largest buffer the echo server reads into.
const SERVER_BUF: usize = 64 * 1024;

/// `size` connections to an echo server on loopback, each making
/// [`ROUNDS`] round trips of `BYTES` bytes; every round trip's latency is
/// recorded and every byte that comes back is compared with what was sent.
#[derive(Debug)]
pub struct Echo<const BYTES: usize>;

impl<const BYTES: usize> Echo<BYTES> {
    /// Fills `out` with the message a connection sends in a round: the
    /// 8-byte words `mix(message) + k`, different for every connection, round
    /// and position, and cheap to make (one `mix` a message, so the client's
    /// own CPU stays small beside the I/O being measured).
    fn fill(out: &mut [u8], message: u64) {
        let seed = mix(message);
        for (k, word) in out.chunks_mut(8).enumerate() {
            let bytes = seed.wrapping_add(k as u64).to_le_bytes();
            word.copy_from_slice(&bytes[..word.len()]);
        }
    }

    /// One client: connects, makes its round trips, checks each answer and
    /// closes. Returns the mixed ids of the
    /// round trips that came back intact, and their latencies.
    async fn client<R: Runtime>(addr: SocketAddr, conn: usize) -> (u64, Vec<Duration>) {
        let mut stream = expect(R::Tcp::connect(addr).await, "connect to the echo server");
        let (mut out, mut back) = (vec![0u8; BYTES], vec![0u8; BYTES]);
        let (mut sum, mut latency) = (0u64, Vec::with_capacity(ROUNDS));
        for round in 0..ROUNDS {
            let message = (conn * ROUNDS + round) as u64;
            Self::fill(&mut out, message);
            let start = Instant::now();
            expect(round_trip(&mut stream, &out, &mut back).await, "echo round trip");
            latency.push(start.elapsed());
            if back == out {
                sum = sum.wrapping_add(mix(message));
            }
        }
        // Dropping the stream closes it; the server sees end of stream.
        drop(stream);
        (sum, latency)
    }

    /// The server side of one connection: echoes until end of stream,
    /// returns the bytes it echoed.
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> u64 {
        let mut buf = vec![0u8; SERVER_BUF.min(BYTES.max(1) * 2)];
        let mut echoed = 0u64;
        loop {
            let n = expect(stream.read(&mut buf).await, "echo server read");
            if n == 0 {
                break;
            }
            expect(stream.write_all(&buf[..n]).await, "echo server write");
            expect(stream.flush().await, "echo server flush");
            echoed += n as u64;
        }
        echoed
    }
}

impl<const BYTES: usize> Workload for Echo<BYTES> {
    const NAME: &'static str = match BYTES {
        1 => "echo_1b",
        4096 => "echo_4k",
        65536 => "echo_64k",
        _ => panic!("add a name for this message size"),
    };
    const FAMILY: Family = Family::Net;
    const SUMMARY: &'static str = match BYTES {
        1 => "size loopback TCP connections x 64 round trips of 1 byte to an echo server (all bytes checked)",
        4096 => "size loopback TCP connections x 64 round trips of 4 KiB to an echo server (all bytes checked)",
        _ => "size loopback TCP connections x 64 round trips of 64 KiB to an echo server (all bytes checked)",
    };
    const UNIT: &'static str = "connections";
    const SIZES: Sizes = if BYTES > 4096 {
        Sizes { test: 2, quick: 4, bench: &[1, 16] }
    } else {
        Sizes { test: 4, quick: 16, bench: &[1, 16, 128] }
    };
    const LATENCY: Option<&'static str> = Some("echo round trip: first byte written to last byte read back");

    fn items(size: usize) -> u64 {
        (size * ROUNDS) as u64
    }

    fn needs(size: usize) -> Needs {
        // Each connection's client and server task, and the acceptor.
        Needs { tasks: 2 * size as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        let messages = (size * ROUNDS) as u64;
        mix_sum(messages).wrapping_add(messages * BYTES as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        bounded::<R, _>(Self::NAME, async {
            let (listener, addr) = listen::<R>().await;
            let server = R::spawn(serve_n::<R, _, _>(listener, size, Self::serve));
            let clients: Vec<_> = (0..size).map(|conn| R::spawn(Self::client::<R>(addr, conn))).collect();
            let mut run = Run { checksum: 0, latency: Vec::with_capacity(size * ROUNDS) };
            for client in clients {
                let (sum, latency) = client.await;
                run.checksum = run.checksum.wrapping_add(sum);
                run.latency.extend(latency);
            }
            run.checksum = run.checksum.wrapping_add(server.await);
            run
        })
        .await
    }
}

/// Tasks opening connections at once in `accept_storm`.
const CONNECTORS: usize = 16;

/// `size` connections, opened by [`CONNECTORS`] tasks one after another:
/// each sends its id, the server (a task per accepted connection) sends it
/// back and closes, the client checks the id and waits for end of stream.
#[derive(Debug)]
pub struct AcceptStorm;

impl AcceptStorm {
    /// One connector: opens connections `ids` one after another; returns the
    /// number that came back with the right id and closed cleanly.
    async fn connector<R: Runtime>(addr: SocketAddr, ids: std::ops::Range<usize>) -> u64 {
        let mut ok = 0;
        for id in ids {
            let mut stream = expect(R::Tcp::connect(addr).await, "connect to the accepting server");
            let sent = (id as u64).to_le_bytes();
            let mut back = [0u8; 8];
            expect(round_trip(&mut stream, &sent, &mut back).await, "send the id and read it back");
            expect_eof(&mut stream, "accept_storm client waiting for the server to close").await;
            ok += u64::from(back == sent);
        }
        ok
    }

    /// The server side of one connection: reads the id, sends it back,
    /// closes; returns the id mixed.
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> u64 {
        let mut id = [0u8; 8];
        expect(stream.read_exact(&mut id).await, "accept_storm server read");
        expect(stream.write_all(&id).await, "accept_storm server write");
        expect(stream.flush().await, "accept_storm server flush");
        // Dropping the stream closes it: the client sees end of stream.
        mix(u64::from_le_bytes(id))
    }
}

impl Workload for AcceptStorm {
    const NAME: &'static str = "accept_storm";
    const FAMILY: Family = Family::Net;
    const SUMMARY: &'static str = "size loopback TCP connections (16 connecting at a time): connect, accept into a \
                                   task, 8-byte id there and back, close";
    const UNIT: &'static str = "connections";
    const SIZES: Sizes = Sizes { test: 32, quick: 500, bench: &[100, 2_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: (size + CONNECTORS.min(size) + 1) as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        bounded::<R, _>(Self::NAME, async {
            let (listener, addr) = listen::<R>().await;
            let server = R::spawn(serve_n::<R, _, _>(listener, size, Self::serve));
            let connectors = crate::even_shares(size, CONNECTORS);
            let mut start = 0;
            let clients: Vec<_> = connectors
                .into_iter()
                .filter(|&n| n > 0)
                .map(|n| {
                    start += n;
                    R::spawn(Self::connector::<R>(addr, start - n..start))
                })
                .collect();
            let ok = join_sum(clients).await;
            Run::checksum(server.await.wrapping_add(ok))
        })
        .await
    }
}
