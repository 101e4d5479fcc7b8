//! Spawn storms: creating, running and joining many tasks.
//!
//! The recursive workloads (`spawn_chain`, `spawn_tree`) are hand-written
//! `Future` types rather than `async fn`s: a recursive `async fn` would need a
//! `Box` per level, which would be measured too.
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::StreamExt;
use futures::channel::{mpsc, oneshot};

use crate::check::{join_sum, mix, mix_sum};
use crate::{Family, Needs, RemoteSpawn, Run, Runtime, Sizes, Workload};

/// Spawn `size` tasks at once, then join them all.
#[derive(Debug)]
pub struct SpawnJoin;

impl Workload for SpawnJoin {
    const NAME: &'static str = "spawn_join";
    const FAMILY: Family = Family::Spawn;
    const SUMMARY: &'static str = "spawn size tasks, then await every join handle";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 200, quick: 5_000, bench: &[1_000, 100_000, 1_000_000] };

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let handles: Vec<_> = (0..size as u64).map(|i| R::spawn(async move { mix(i) })).collect();
        Run::checksum(join_sum(handles).await)
    }
}

/// Each task spawns the next, `size` deep; the last one reports back.
#[derive(Debug)]
pub struct SpawnChain;

impl Workload for SpawnChain {
    const NAME: &'static str = "spawn_chain";
    const FAMILY: Family = Family::Spawn;
    const SUMMARY: &'static str = "a chain of size tasks, each spawning the next and detaching it";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 200, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(_: usize) -> Needs {
        // A link ends right after spawning the next one.
        Needs { tasks: 2, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (tx, rx) = oneshot::channel();
        R::spawn_detached(Link::<R> { k: 0, depth: size as u64, acc: 0, done: Some(tx), rt: PhantomData });
        Run::checksum(rx.await.expect("the chain broke"))
    }
}

/// One link of `spawn_chain`.
struct Link<R> {
    k: u64,
    depth: u64,
    acc: u64,
    done: Option<oneshot::Sender<u64>>,
    rt: PhantomData<fn() -> R>,
}

impl<R: Runtime> Future for Link<R> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        let acc = self.acc.wrapping_add(mix(self.k));
        let done = self.done.take().expect("link polled after completion");
        if self.k + 1 >= self.depth {
            let _ = done.send(acc);
        } else {
            let next = Link::<R> { k: self.k + 1, depth: self.depth, acc, done: Some(done), rt: PhantomData };
            R::spawn_detached(next);
        }
        Poll::Ready(())
    }
}

/// Children per node in `spawn_tree`.
const FANOUT: u64 = 4;

/// A tree `size` levels deep below the root; every node spawns `FANOUT`
/// children and joins them.
#[derive(Debug)]
pub struct SpawnTree;

impl SpawnTree {
    fn nodes(depth: usize) -> u64 {
        (FANOUT.pow(depth as u32 + 1) - 1) / (FANOUT - 1)
    }
}

impl Workload for SpawnTree {
    const NAME: &'static str = "spawn_tree";
    const FAMILY: Family = Family::Spawn;
    const SUMMARY: &'static str = "recursive fan-out: 4 children per node, size levels, parents join children";
    const UNIT: &'static str = "levels";
    const SIZES: Sizes = Sizes { test: 3, quick: 6, bench: &[4, 7, 9] };

    fn items(size: usize) -> u64 {
        Self::nodes(size)
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: Self::nodes(size), remote_spawn: false }
    }

    /// One shard: the tree is one root joining its descendants, so it
    /// cannot be cut into independent trees of the same size; a
    /// thread-per-core runtime runs it on one executor.
    fn shard_sizes(size: usize, _shards: usize) -> Vec<usize> {
        vec![size]
    }

    fn expected(size: usize) -> u64 {
        // Nodes are numbered heap-style: the children of `i` are `4i+1 ..= 4i+4`.
        mix_sum(Self::nodes(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let root = R::spawn(Node::<R> { id: 0, levels: size as u32, children: None, acc: 0 });
        Run::checksum(root.await)
    }
}

/// One node of `spawn_tree`: spawns its children on first poll, then joins them.
struct Node<R: Runtime> {
    id: u64,
    levels: u32,
    children: Option<Vec<R::JoinHandle<u64>>>,
    acc: u64,
}

impl<R: Runtime> Future for Node<R> {
    type Output = u64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        let this = &mut *self;
        let children = this.children.get_or_insert_with(|| {
            if this.levels == 0 {
                return Vec::new();
            }
            (1..=FANOUT)
                .map(|c| {
                    let child = Node::<R> { id: this.id * FANOUT + c, levels: this.levels - 1, children: None, acc: 0 };
                    R::spawn(child)
                })
                .collect()
        });
        let mut i = 0;
        while i < children.len() {
            match Pin::new(&mut children[i]).poll(cx) {
                Poll::Ready(v) => {
                    this.acc = this.acc.wrapping_add(v);
                    drop(children.swap_remove(i));
                }
                Poll::Pending => i += 1,
            }
        }
        if children.is_empty() { Poll::Ready(this.acc.wrapping_add(mix(this.id))) } else { Poll::Pending }
    }
}

/// OS threads outside the runtime that spawn in `spawn_remote`.
const REMOTE_THREADS: u64 = 2;

/// `REMOTE_THREADS` plain OS threads spawn `size` tasks in all onto the
/// runtime; each task reports to the root through one channel.
#[derive(Debug)]
pub struct SpawnRemote;

impl Workload for SpawnRemote {
    const NAME: &'static str = "spawn_remote";
    const FAMILY: Family = Family::Spawn;
    const SUMMARY: &'static str = "2 outside OS threads spawn size tasks in all; each task reports on an mpsc";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 200, quick: 5_000, bench: &[1_000, 100_000] };

    fn items(size: usize) -> u64 {
        size as u64 / REMOTE_THREADS * REMOTE_THREADS
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: true }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(Self::items(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let per = size as u64 / REMOTE_THREADS;
        let remote = R::remote().expect("spawn_remote needs a runtime that takes outside spawns");
        let (tx, mut rx) = mpsc::unbounded::<u64>();
        let threads: Vec<_> = (0..REMOTE_THREADS)
            .map(|t| {
                let (remote, tx) = (remote.clone(), tx.clone());
                std::thread::spawn(move || {
                    for i in t * per..(t + 1) * per {
                        let tx = tx.clone();
                        R::detach(remote.spawn(async move { tx.unbounded_send(mix(i)).expect("root hung up") }));
                    }
                })
            })
            .collect();
        drop(tx);
        let mut sum = 0u64;
        while let Some(v) = rx.next().await {
            sum = sum.wrapping_add(v);
        }
        // Every task has reported, so the threads are past their loops.
        for t in threads {
            t.join().expect("a spawning thread panicked");
        }
        Run::checksum(sum)
    }
}
