//! TCP backends several adapters share, and the wrapper that lets a
//! thread-per-core runtime's `!Send` sockets meet the seam's `Send` bound.
//!
//! Each adapter names its backend in `type Tcp = …;`. A backend maps
//! [`workloads::net::Tcp`] onto a runtime's sockets and sets `TCP_NODELAY`
//! on every stream it hands out.
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use async_io::Async;
use futures::io::{AsyncRead, AsyncWrite};
use send_wrapper::SendWrapper;
use workloads::net::Tcp;

/// A `!Send` value of a thread-per-core runtime (a stream, a lock guard),
/// made `Send` by `send_wrapper` (which panics if it is used or dropped on
/// another thread; a shard's connections and locks never leave its thread),
/// with the `futures::io` traits and `Deref` passed through.
#[derive(Debug)]
pub struct Local<T>(SendWrapper<T>);

impl<T> Local<T> {
    /// Wraps `stream`, which stays on the calling thread.
    pub fn new(stream: T) -> Self {
        Local(SendWrapper::new(stream))
    }
}

impl<T: Deref> Deref for Local<T> {
    type Target = T::Target;

    fn deref(&self) -> &T::Target {
        &self.0
    }
}

impl<T: DerefMut> DerefMut for Local<T> {
    fn deref_mut(&mut self) -> &mut T::Target {
        &mut self.0
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Local<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.get_mut().0).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Local<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.get_mut().0).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.get_mut().0).poll_close(cx)
    }
}

/// Loopback TCP on a thread-per-core runtime, whose sockets and futures are
/// `!Send`: the same four calls as [`Tcp`] without the `Send` bounds.
/// [`LocalTcp`] turns it into a [`Tcp`].
pub trait LocalNet: 'static {
    /// A connected stream, `TCP_NODELAY` set.
    type Stream: AsyncRead + AsyncWrite + Unpin + 'static;
    /// A listening socket.
    type Listener: 'static;

    /// Binds a listener to `addr`.
    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>>;
    /// The address a listener is bound to.
    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr>;
    /// Accepts the next connection.
    fn accept(listener: &Self::Listener) -> impl Future<Output = io::Result<Self::Stream>> + '_;
    /// Connects to `addr`.
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>>;
}

/// The [`Tcp`] of a [`LocalNet`]: its listener, streams and futures made
/// `Send` by `send_wrapper`, which panics if one is used or dropped on
/// another thread. A shard's sockets never leave its thread.
#[derive(Debug)]
pub struct LocalTcp<B>(PhantomData<B>);

impl<B: LocalNet> Tcp for LocalTcp<B> {
    type Stream = Local<B::Stream>;
    type Listener = SendWrapper<B::Listener>;

    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send {
        SendWrapper::new(async move { B::bind(addr).await.map(SendWrapper::new) })
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        B::local_addr(listener)
    }

    fn accept(listener: &Self::Listener) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_ {
        SendWrapper::new(async move { B::accept(listener).await.map(Local::new) })
    }

    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send {
        SendWrapper::new(async move { B::connect(addr).await.map(Local::new) })
    }
}

/// async-io's reactor: `Async<std::net::TcpStream>`, which implements the
/// `futures::io` traits itself. smol's executors and the `futures`
/// executors use it (the latter have no reactor of their own; async-io
/// drives its reactor from its own "async-io" thread when no `block_on` of
/// its own does).
#[derive(Debug)]
pub struct AsyncIoTcp;

impl Tcp for AsyncIoTcp {
    type Stream = Async<TcpStream>;
    type Listener = Async<TcpListener>;

    async fn bind(addr: SocketAddr) -> io::Result<Async<TcpListener>> {
        Async::<TcpListener>::bind(addr)
    }

    fn local_addr(listener: &Async<TcpListener>) -> io::Result<SocketAddr> {
        listener.get_ref().local_addr()
    }

    async fn accept(listener: &Async<TcpListener>) -> io::Result<Async<TcpStream>> {
        let (stream, _) = listener.accept().await?;
        stream.get_ref().set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Async<TcpStream>> {
        let stream = Async::<TcpStream>::connect(addr).await?;
        stream.get_ref().set_nodelay(true)?;
        Ok(stream)
    }
}
