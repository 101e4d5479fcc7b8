//! The seam's sync half: the async primitives a workload locks, waits and
//! publishes through, so that the same workload can run on runtime-neutral
//! primitives and on a runtime's own.
//!
//! [`Neutral`] primitives are the same on every runtime: `async-lock`'s
//! `Mutex`, `RwLock`, `Semaphore` and `Barrier`, `event-listener`'s `Event`
//! (what `async-lock` itself waits on) and an `async-broadcast` channel of
//! capacity one that overwrites (a "latest value" channel). Each adapter
//! names its runtime's own set in [`Runtime::Primitives`]: a runtime that
//! ships primitives of its own (tokio's `tokio::sync`) maps them there and
//! lists them in [`Primitives::OWN`]; one that ships none, or re-exports
//! `async-lock` (smol's `smol::lock`, async-std's `async_std::sync`), names
//! [`Neutral`]. A workload picks a [`Side`]: `Neutral` on every runtime, or
//! [`OwnPrimitives`], which is "n/a" on a runtime without its own primitive of
//! that kind ([`Workload::NATIVE`](crate::Workload::NATIVE)).
//!
//! Calls are static, like the rest of the seam: no boxing, no dynamic
//! dispatch between a workload and a lock.
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};

use crate::Runtime;

/// One kind of primitive, as [`Primitives::OWN`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// [`AsyncMutex`].
    Mutex,
    /// [`AsyncRwLock`].
    RwLock,
    /// [`AsyncSemaphore`].
    Semaphore,
    /// [`AsyncBarrier`].
    Barrier,
    /// [`Notify`].
    Notify,
    /// [`Watch`].
    Watch,
}

impl fmt::Display for Primitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Primitive::Mutex => "mutex",
            Primitive::RwLock => "rwlock",
            Primitive::Semaphore => "semaphore",
            Primitive::Barrier => "barrier",
            Primitive::Notify => "notify",
            Primitive::Watch => "watch channel",
        })
    }
}

/// A set of async primitives. See the [module docs](self).
pub trait Primitives: 'static {
    /// Where they come from, for summaries ("tokio::sync").
    const SOURCE: &'static str;
    /// Which of them are the runtime's own rather than [`Neutral`]'s.
    const OWN: &'static [Primitive];

    /// A mutex whose guard may be held across an `.await`.
    type Mutex<T: Send + 'static>: AsyncMutex<T>;
    /// A reader-writer lock.
    type RwLock<T: Send + Sync + 'static>: AsyncRwLock<T>;
    /// A counting semaphore.
    type Semaphore: AsyncSemaphore;
    /// A barrier that elects one leader a round.
    type Barrier: AsyncBarrier;
    /// A wake-everyone event.
    type Notify: Notify;
    /// A latest-value channel of `u64`.
    type Watch: Watch;
}

/// An async mutex.
pub trait AsyncMutex<T>: Send + Sync + 'static {
    /// What `lock` holds.
    type Guard<'a>: DerefMut<Target = T> + Send
    where
        Self: 'a;

    /// A mutex holding `value`.
    fn new(value: T) -> Self;
    /// Waits for the lock.
    fn lock(&self) -> impl Future<Output = Self::Guard<'_>> + Send;
}

/// An async reader-writer lock.
pub trait AsyncRwLock<T>: Send + Sync + 'static {
    /// What `read` holds.
    type Read<'a>: Deref<Target = T> + Send
    where
        Self: 'a;
    /// What `write` holds.
    type Write<'a>: DerefMut<Target = T> + Send
    where
        Self: 'a;

    /// A lock holding `value`.
    fn new(value: T) -> Self;
    /// Waits for shared access.
    fn read(&self) -> impl Future<Output = Self::Read<'_>> + Send;
    /// Waits for exclusive access.
    fn write(&self) -> impl Future<Output = Self::Write<'_>> + Send;
}

/// An async counting semaphore.
pub trait AsyncSemaphore: Send + Sync + 'static {
    /// A permit, given back when dropped.
    type Permit<'a>: Send
    where
        Self: 'a;

    /// A semaphore of `permits` permits.
    fn new(permits: usize) -> Self;
    /// Waits for a permit.
    fn acquire(&self) -> impl Future<Output = Self::Permit<'_>> + Send;
}

/// An async barrier.
pub trait AsyncBarrier: Send + Sync + 'static {
    /// A barrier for `n` tasks.
    fn new(n: usize) -> Self;
    /// Waits until `n` tasks wait; `true` for exactly one of them (the leader).
    fn wait(&self) -> impl Future<Output = bool> + Send;
}

/// An event that wakes every task listening to it.
pub trait Notify: Send + Sync + 'static {
    /// A registered listener: completes once `notify_all` is called after
    /// the listener was created, even if it had not been polled yet.
    type Listener<'a>: Future<Output = ()> + Send
    where
        Self: 'a;

    /// An event nobody listens to.
    fn new() -> Self;
    /// Starts listening (registered from this call on, not from the first poll).
    fn listen(&self) -> Self::Listener<'_>;
    /// Wakes every listener registered so far.
    fn notify_all(&self);
}

/// A latest-value channel of `u64`: a receiver sees the newest value sent,
/// not necessarily every value, and never an older one after a newer.
pub trait Watch: 'static {
    /// The sending half.
    type Sender: WatchSender;
    /// A receiving half; clones see the values sent after they were made
    /// (a clone made before the first send sees them all).
    type Receiver: WatchReceiver + Clone;

    /// A channel whose receivers have seen nothing yet.
    fn channel() -> (Self::Sender, Self::Receiver);
}

/// The sending half of a [`Watch`]; dropping it closes the channel.
pub trait WatchSender: Send + Sync + 'static {
    /// Publishes `value`, replacing any value not yet seen. Never waits.
    fn send(&self, value: u64);
}

/// A receiving half of a [`Watch`].
pub trait WatchReceiver: Send + 'static {
    /// Waits for a value this receiver has not seen and returns the newest;
    /// `None` once the sender is gone and every value has been seen.
    fn changed(&mut self) -> impl Future<Output = Option<u64>> + Send;
}

/// Which primitives a workload uses: [`Neutral`] or [`OwnPrimitives`].
pub trait Side: 'static {
    /// Whether these are the runtime's own.
    const NATIVE: bool;
    /// The primitives on runtime `R`.
    type On<R: Runtime>: Primitives;
}

/// What a workload on side `S` declares as [`Workload::NATIVE`](crate::Workload::NATIVE):
/// `Some(kind)` on the [`OwnPrimitives`] side, `None` on the neutral one.
pub const fn native<S: Side>(kind: Primitive) -> Option<Primitive> {
    if S::NATIVE { Some(kind) } else { None }
}

/// The runtime's own primitives ([`Runtime::Primitives`]).
#[derive(Debug)]
pub enum OwnPrimitives {}

impl Side for OwnPrimitives {
    const NATIVE: bool = true;
    type On<R: Runtime> = R::Primitives;
}

/// The runtime-neutral primitives, the same on every runtime:
/// `async-lock`, `event-listener`, `async-broadcast`.
#[derive(Debug)]
pub enum Neutral {}

impl Side for Neutral {
    const NATIVE: bool = false;
    type On<R: Runtime> = Neutral;
}

impl Primitives for Neutral {
    const SOURCE: &'static str = "async-lock";
    const OWN: &'static [Primitive] = &[];

    type Mutex<T: Send + 'static> = async_lock::Mutex<T>;
    type RwLock<T: Send + Sync + 'static> = async_lock::RwLock<T>;
    type Semaphore = async_lock::Semaphore;
    type Barrier = async_lock::Barrier;
    type Notify = event_listener::Event;
    type Watch = Latest;
}

impl<T: Send + 'static> AsyncMutex<T> for async_lock::Mutex<T> {
    type Guard<'a> = async_lock::MutexGuard<'a, T>;

    fn new(value: T) -> Self {
        async_lock::Mutex::new(value)
    }

    fn lock(&self) -> impl Future<Output = Self::Guard<'_>> + Send {
        async_lock::Mutex::lock(self)
    }
}

impl<T: Send + Sync + 'static> AsyncRwLock<T> for async_lock::RwLock<T> {
    type Read<'a> = async_lock::RwLockReadGuard<'a, T>;
    type Write<'a> = async_lock::RwLockWriteGuard<'a, T>;

    fn new(value: T) -> Self {
        async_lock::RwLock::new(value)
    }

    fn read(&self) -> impl Future<Output = Self::Read<'_>> + Send {
        async_lock::RwLock::read(self)
    }

    fn write(&self) -> impl Future<Output = Self::Write<'_>> + Send {
        async_lock::RwLock::write(self)
    }
}

impl AsyncSemaphore for async_lock::Semaphore {
    type Permit<'a> = async_lock::SemaphoreGuard<'a>;

    fn new(permits: usize) -> Self {
        async_lock::Semaphore::new(permits)
    }

    fn acquire(&self) -> impl Future<Output = Self::Permit<'_>> + Send {
        async_lock::Semaphore::acquire(self)
    }
}

impl AsyncBarrier for async_lock::Barrier {
    fn new(n: usize) -> Self {
        async_lock::Barrier::new(n)
    }

    async fn wait(&self) -> bool {
        async_lock::Barrier::wait(self).await.is_leader()
    }
}

impl Notify for event_listener::Event {
    type Listener<'a> = event_listener::EventListener;

    fn new() -> Self {
        event_listener::Event::new()
    }

    fn listen(&self) -> event_listener::EventListener {
        // Inserted into the event's list here (event-listener 5: `listen`
        // allocates the listener and links it before returning).
        event_listener::Event::listen(self)
    }

    fn notify_all(&self) {
        self.notify(usize::MAX);
    }
}

/// The neutral [`Watch`]: an `async-broadcast` channel of capacity one with
/// overflow on, so a send replaces the value no receiver has taken yet
/// (a receiver that missed values hears `Overflowed` and reads the newest).
#[derive(Debug)]
pub enum Latest {}

impl Watch for Latest {
    type Sender = async_broadcast::Sender<u64>;
    type Receiver = async_broadcast::Receiver<u64>;

    fn channel() -> (Self::Sender, Self::Receiver) {
        let (mut tx, rx) = async_broadcast::broadcast(1);
        tx.set_overflow(true);
        (tx, rx)
    }
}

impl WatchSender for async_broadcast::Sender<u64> {
    fn send(&self, value: u64) {
        // With overflow on, a full channel drops its oldest value instead of
        // refusing; the only refusal left is "no receivers", when nobody can
        // see the value anyway.
        let _ = self.try_broadcast(value);
    }
}

impl WatchReceiver for async_broadcast::Receiver<u64> {
    async fn changed(&mut self) -> Option<u64> {
        loop {
            match self.recv().await {
                Ok(value) => return Some(value),
                // Older values were overwritten: read on to the newest.
                Err(async_broadcast::RecvError::Overflowed(_)) => continue,
                Err(async_broadcast::RecvError::Closed) => return None,
            }
        }
    }
}
