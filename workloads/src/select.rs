//! Select races: several futures race, one wins, the losers are dropped.
//!
//! Every loser is a `oneshot::Receiver` whose sender the workload keeps; after
//! the race the workload asks the sender whether its receiver is gone
//! (`Sender::is_canceled`), so a race that leaks its losers fails the checksum.
use std::time::{Duration, Instant};

use futures::channel::{mpsc, oneshot};
use futures::future::{self, Either};
use futures::{FutureExt, SinkExt, StreamExt};

use crate::check::{join_sum, mix, mix_sum};
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Futures racing in each `select_all` round.
const RACERS: usize = 16;

/// `size` rounds of `select_all` over `RACERS` receivers; a spawned task
/// answers one of them.
#[derive(Debug)]
pub struct SelectAll;

impl Workload for SelectAll {
    const NAME: &'static str = "select_all";
    const FAMILY: Family = Family::Select;
    const SUMMARY: &'static str =
        "size rounds: select_all over 16 oneshots, one answered by a spawned task, 15 dropped";
    const UNIT: &'static str = "races";
    const SIZES: Sizes = Sizes { test: 100, quick: 2_500, bench: &[500, 50_000] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 2, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        // Each round: the winner's value, plus one for each dropped loser.
        mix_sum(size as u64).wrapping_add(size as u64 * (RACERS as u64 - 1))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let racer = R::spawn(async move {
            let mut sum = 0u64;
            for round in 0..size as u64 {
                let (mut txs, rxs): (Vec<_>, Vec<_>) = (0..RACERS).map(|_| oneshot::channel::<u64>()).unzip();
                let winner = round as usize % RACERS;
                let tx = txs.swap_remove(winner);
                let answer = R::spawn(async move { tx.send(round).expect("racer gone") });
                let (value, index, losers) = future::select_all(rxs).await;
                drop(losers);
                answer.await;
                if index == winner {
                    sum = sum.wrapping_add(mix(value.expect("winner's sender dropped")));
                }
                sum = sum.wrapping_add(txs.iter().filter(|tx| tx.is_canceled()).count() as u64);
            }
            sum
        });
        Run::checksum(racer.await)
    }
}

/// `size` rounds of `futures::select!` over a spawned answer and two
/// receivers that never complete.
#[derive(Debug)]
pub struct SelectMacro;

impl Workload for SelectMacro {
    const NAME: &'static str = "select_macro";
    const FAMILY: Family = Family::Select;
    const SUMMARY: &'static str = "size rounds: select! over 3 futures, one answered by a spawned task, 2 dropped";
    const UNIT: &'static str = "races";
    const SIZES: Sizes = Sizes { test: 100, quick: 5_000, bench: &[1_000, 100_000] };

    fn needs(_: usize) -> Needs {
        Needs { tasks: 2, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64).wrapping_add(size as u64 * 2)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let racer = R::spawn(async move {
            let mut sum = 0u64;
            for round in 0..size as u64 {
                let (tx, win) = oneshot::channel::<u64>();
                let (a_tx, a) = oneshot::channel::<u64>();
                let (b_tx, b) = oneshot::channel::<u64>();
                let answer = R::spawn(async move { tx.send(round).expect("racer gone") });
                let (mut win, mut a, mut b) = (win.fuse(), a.fuse(), b.fuse());
                let value = futures::select! {
                    v = win => v.expect("winner's sender dropped"),
                    _ = a => u64::MAX,
                    _ = b => u64::MAX,
                };
                drop((win, a, b));
                answer.await;
                sum = sum.wrapping_add(mix(value));
                sum = sum.wrapping_add(a_tx.is_canceled() as u64 + b_tx.is_canceled() as u64);
            }
            sum
        });
        Run::checksum(racer.await)
    }
}

/// How long `select_timeout`'s timers run.
const TIMEOUT: Duration = Duration::from_millis(1);

/// `size` tasks each race a receiver that never answers against a 1 ms timer:
/// the timeout pattern where the timer wins.
#[derive(Debug)]
pub struct SelectTimeout;

impl Workload for SelectTimeout {
    const NAME: &'static str = "select_timeout";
    const FAMILY: Family = Family::Select;
    const SUMMARY: &'static str = "size concurrent tasks: a silent receiver vs a 1 ms sleep, the timer wins";
    const UNIT: &'static str = "timeouts";
    const SIZES: Sizes = Sizes { test: 100, quick: 2_500, bench: &[100, 10_000] };
    const WAITS_ON_TIME: bool = true;

    fn needs(size: usize) -> Needs {
        Needs { tasks: size as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(size as u64)
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let tasks: Vec<_> = (0..size as u64)
            .map(|i| {
                R::spawn(async move {
                    let (tx, rx) = oneshot::channel::<()>();
                    let start = Instant::now();
                    let timer = std::pin::pin!(R::sleep(TIMEOUT));
                    match future::select(rx, timer).await {
                        Either::Left(_) => 0,
                        Either::Right((_, rx)) => {
                            // Counted only if the timer waited and the loser is gone.
                            let waited = start.elapsed() >= TIMEOUT;
                            drop(rx);
                            if waited && tx.is_canceled() { mix(i) } else { 0 }
                        }
                    }
                })
            })
            .collect();
        Run::checksum(join_sum(tasks).await)
    }
}

/// Two producers feed two channels; one consumer merges them with `select!`
/// (random choice among ready branches) or `select_biased!` (first ready
/// branch wins), chosen by `BIASED`.
#[derive(Debug)]
pub struct Merge<const BIASED: bool>;

impl<const BIASED: bool> Workload for Merge<BIASED> {
    const NAME: &'static str = if BIASED { "select_biased" } else { "select_fair" };
    const FAMILY: Family = Family::Select;
    const SUMMARY: &'static str = if BIASED {
        "2 producers x size/2 messages merged with select_biased! (first branch first)"
    } else {
        "2 producers x size/2 messages merged with select! (random among ready branches)"
    };
    const UNIT: &'static str = "messages";
    const SIZES: Sizes = Sizes { test: 200, quick: 10_000, bench: &[2_000, 200_000] };

    fn items(size: usize) -> u64 {
        size as u64 / 2 * 2
    }

    fn needs(_: usize) -> Needs {
        Needs { tasks: 3, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        mix_sum(Self::items(size))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let half = size as u64 / 2;
        let (a_tx, mut a) = mpsc::channel::<u64>(16);
        let (b_tx, mut b) = mpsc::channel::<u64>(16);
        for (mut tx, range) in [(a_tx, 0..half), (b_tx, half..2 * half)] {
            R::spawn_detached(async move {
                for v in range {
                    tx.send(v).await.expect("consumer hung up");
                }
            });
        }
        let consumer = R::spawn(async move {
            let mut sum = 0u64;
            loop {
                let v = if BIASED {
                    futures::select_biased! {
                        v = a.next() => v,
                        v = b.next() => v,
                        complete => break,
                    }
                } else {
                    futures::select! {
                        v = a.next() => v,
                        v = b.next() => v,
                        complete => break,
                    }
                };
                if let Some(v) = v {
                    sum = sum.wrapping_add(mix(v));
                }
            }
            sum
        });
        Run::checksum(consumer.await)
    }
}
