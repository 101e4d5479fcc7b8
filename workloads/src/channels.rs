//! Channel workloads: message passing between tasks through the
//! runtime-neutral `futures::channel` types.
//!
//! Note on capacity: `futures::channel::mpsc::channel(buffer)` holds
//! `buffer + number of senders` messages (see the `mpsc::channel` docs), so
//! the `fan_in_c*` names give the `buffer` argument.
use futures::channel::{mpsc, oneshot};
use futures::{SinkExt, StreamExt};

use crate::check::{join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Two tasks bounce a counter back and forth `size` times over two bounded channels.
#[derive(Debug)]
pub struct PingPong;

impl Workload for PingPong {
    const NAME: &'static str = "ping_pong";
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = "two tasks, size round trips over mpsc::channel(1) pairs";
    const UNIT: &'static str = "round trips";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 2, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (ping_tx, ping_rx) = mpsc::channel::<u64>(1);
        let (pong_tx, pong_rx) = mpsc::channel::<u64>(1);
        let ponger = R::spawn(pong(ping_rx, pong_tx));
        let pinger = R::spawn(ping(size as u64, ping_tx, pong_rx));
        Run::checksum(pinger.await.wrapping_add(ponger.await))
    }
}

/// The pinging side of ping-pong: sends `0..n`, sums what comes back.
pub async fn ping(n: u64, mut tx: mpsc::Sender<u64>, mut rx: mpsc::Receiver<u64>) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        tx.send(i).await.expect("ponger hung up");
        let back = rx.next().await.expect("ponger hung up");
        sum = sum.wrapping_add(mix(back));
    }
    sum
}

/// The answering side of ping-pong: echoes until the pinger hangs up, returns the count.
pub async fn pong(mut rx: mpsc::Receiver<u64>, mut tx: mpsc::Sender<u64>) -> u64 {
    let mut count = 0;
    while let Some(v) = rx.next().await {
        tx.send(v).await.expect("pinger hung up");
        count += 1;
    }
    count
}

/// Producers feeding one consumer in `fan_in_c*`.
const PRODUCERS: usize = 4;

/// `PRODUCERS` producers send `size` messages in all to one consumer through
/// `mpsc::channel(CAP)`.
#[derive(Debug)]
pub struct FanIn<const CAP: usize>;

impl<const CAP: usize> Workload for FanIn<CAP> {
    const NAME: &'static str = match CAP {
        1 => "fan_in_c1",
        16 => "fan_in_c16",
        1024 => "fan_in_c1024",
        _ => panic!("add a name for this capacity"),
    };
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = "4 producers -> 1 consumer, size messages in all";
    const UNIT: &'static str = "messages";
    const SIZES: Sizes = Sizes { test: 400, quick: 20_000, bench: &[4_000, 400_000] };

    fn items(size: usize) -> u64 {
        (size / PRODUCERS * PRODUCERS) as u64
    }

    fn needs(_: usize) -> Needs {
        Needs { tasks: PRODUCERS as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(Self::items(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let per = (size / PRODUCERS) as u64;
        let (tx, mut rx) = mpsc::channel::<u64>(CAP);
        let consumer = R::spawn(async move {
            let mut sum = 0u64;
            while let Some(v) = rx.next().await {
                sum = sum.wrapping_add(mix(v));
            }
            sum
        });
        for p in 0..PRODUCERS as u64 {
            let mut tx = tx.clone();
            R::spawn_detached(async move {
                for v in p * per..(p + 1) * per {
                    tx.send(v).await.expect("consumer hung up");
                }
            });
        }
        drop(tx);
        Run::checksum(consumer.await)
    }
}

/// Laps the token makes around the ring.
const LAPS: u64 = 10;

/// `size` tasks in a ring pass a token `LAPS` times around.
#[derive(Debug)]
pub struct Ring;

impl Workload for Ring {
    const NAME: &'static str = "ring";
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = "ring of size tasks, token passed 10 laps over mpsc::channel(1)";
    const UNIT: &'static str = "tasks";
    const SIZES: Sizes = Sizes { test: 50, quick: 500, bench: &[100, 10_000] };

    fn items(size: usize) -> u64 {
        size as u64 * LAPS
    }

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(Self::items(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let hops = Self::items(size);
        let (txs, rxs): (Vec<_>, Vec<_>) = (0..size).map(|_| mpsc::channel::<u64>(1)).unzip();
        let nodes: Vec<_> =
            rxs.into_iter().enumerate().map(|(i, rx)| R::spawn(node(rx, txs[(i + 1) % size].clone(), hops))).collect();
        let mut first = txs[0].clone();
        drop(txs);
        first.send(0).await.expect("ring broken");
        drop(first);
        Run::checksum(join_sum(nodes).await)
    }
}

/// One ring node: takes `LAPS` tokens, forwards each incremented unless it is the last hop.
async fn node(mut rx: mpsc::Receiver<u64>, mut tx: mpsc::Sender<u64>, hops: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..LAPS {
        let t = rx.next().await.expect("ring broken");
        sum = sum.wrapping_add(mix(t));
        if t + 1 < hops {
            tx.send(t + 1).await.expect("ring broken");
        }
    }
    sum
}

/// Clients making requests in `oneshot`.
const CLIENTS: usize = 8;

/// `CLIENTS` clients make `size` request/response calls in all to one server,
/// each response coming back on its own `oneshot`.
#[derive(Debug)]
pub struct Oneshot;

impl Workload for Oneshot {
    const NAME: &'static str = "oneshot";
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = "8 clients -> 1 server, size requests answered on a oneshot each";
    const UNIT: &'static str = "requests";
    const SIZES: Sizes = Sizes { test: 160, quick: 8_000, bench: &[1_600, 160_000] };

    fn items(size: usize) -> u64 {
        (size / CLIENTS * CLIENTS) as u64
    }

    fn needs(_: usize) -> Needs {
        Needs { tasks: CLIENTS as u64 + 1, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // The server answers request `v` with `v + 1`.
        (1..=Self::items(size)).fold(0u64, |a, v| a.wrapping_add(mix(v)))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let per = (size / CLIENTS) as u64;
        let (tx, mut rx) = mpsc::channel::<(u64, oneshot::Sender<u64>)>(CLIENTS);
        let server = R::spawn(async move {
            while let Some((v, reply)) = rx.next().await {
                // A client that went away is a bug the checksum will show.
                let _ = reply.send(v + 1);
            }
        });
        let clients: Vec<_> = (0..CLIENTS as u64)
            .map(|c| {
                let mut tx = tx.clone();
                R::spawn(async move {
                    let mut sum = 0u64;
                    for v in c * per..(c + 1) * per {
                        let (reply_tx, reply_rx) = oneshot::channel();
                        tx.send((v, reply_tx)).await.expect("server hung up");
                        sum = sum.wrapping_add(mix(reply_rx.await.expect("server dropped a reply")));
                    }
                    sum
                })
            })
            .collect();
        drop(tx);
        let sum = join_sum(clients).await;
        server.await;
        Run::checksum(sum)
    }
}

/// `size` messages, each sent (with the time it was sent) to a task parked
/// on its channel, which records how long it took to run again; the sender
/// waits for an acknowledgement before the next, so the receiver is always
/// parked when a message comes.
#[derive(Debug)]
pub struct WakeLatency;

impl Workload for WakeLatency {
    const NAME: &'static str = "wake_latency";
    const FAMILY: Family = Family::Channels;
    const SUMMARY: &'static str = "size messages to a parked task over mpsc::channel(1), one at a time; the \
                                   time from send to the receiver running again is recorded";
    const UNIT: &'static str = "wake-ups";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };
    const LATENCY: Option<&'static str> = Some("wake-up latency: a message sent to a parked task until it runs");

    fn needs(_: usize) -> Needs {
        Needs { tasks: 2, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (mut tx, mut rx) = mpsc::channel::<(u64, std::time::Instant)>(1);
        let (mut ack_tx, mut ack_rx) = mpsc::channel::<()>(1);
        let receiver = R::spawn(async move {
            let mut run = Run { checksum: 0, latency: Vec::with_capacity(size) };
            while let Some((i, sent)) = rx.next().await {
                run.latency.push(sent.elapsed());
                run.checksum = run.checksum.wrapping_add(mix(i));
                ack_tx.send(()).await.expect("sender waits for the acknowledgement");
            }
            run
        });
        let sender = R::spawn(async move {
            for i in 0..size as u64 {
                tx.send((i, std::time::Instant::now())).await.expect("receiver alive");
                ack_rx.next().await.expect("receiver alive");
            }
        });
        sender.await;
        receiver.await
    }
}
