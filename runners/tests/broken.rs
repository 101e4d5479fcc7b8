//! A runtime that cheats must fail, not look fast. `Broken` is tokio-ct with
//! one fault switched on: timers that fire at once, or every third spawned
//! task silently dropped. The workloads' checksums and the harness must
//! both catch it.
#[macro_use]
mod common;

use std::cell::Cell as StdCell;
use std::future::{Future, pending};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use common::{harness, quick_criterion};
use futures::future::{Either, ready};
use runners::harness::SizeChoice;
use runners::{Adapter, TokioCt};
use workloads::channels::FanIn;
use workloads::select::SelectTimeout;
use workloads::timers::{TimerCancel, TimerWheel};
use workloads::{Config, Limits, NoRemote, Runtime, StartError, Workload, verify};

const EARLY_TIMERS: u8 = 0;
const LOSES_TASKS: u8 = 1;

#[derive(Debug)]
struct Broken<const FAULT: u8>(TokioCt);

thread_local! {
    /// Spawns since `block_on` started (tokio-ct spawns on one thread).
    static SPAWNS: StdCell<u64> = const { StdCell::new(0) };
}

/// A handle to a task that may have been thrown away: then it never completes.
struct MaybeLost<H>(Option<H>);

impl<H: Future + Unpin> Future for MaybeLost<H> {
    type Output = H::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<H::Output> {
        match self.0.as_mut() {
            Some(h) => Pin::new(h).poll(cx),
            None => Poll::Pending,
        }
    }
}

impl<const FAULT: u8> Runtime for Broken<FAULT> {
    const ID: &'static str = if FAULT == EARLY_TIMERS { "broken-early-timers" } else { "broken-loses-tasks" };
    const SUMMARY: &'static str = "tokio-ct with a fault, for tests";
    const LIMITS: Limits = Limits { max_tasks: None, no_remote_spawn: Some("test runtime") };
    type JoinHandle<T: Send + 'static> = MaybeLost<<TokioCt as Runtime>::JoinHandle<T>>;
    type Remote = NoRemote;

    fn new(config: &Config) -> Result<Self, StartError> {
        TokioCt::new(config).map(Broken)
    }
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        SPAWNS.with(|n| n.set(0));
        self.0.block_on(future)
    }
    fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let n = SPAWNS.with(|n| n.replace(n.get() + 1));
        if FAULT == LOSES_TASKS && n % 3 == 2 {
            drop(future);
            return MaybeLost(None);
        }
        MaybeLost(Some(TokioCt::spawn(future)))
    }
    fn detach<T: Send + 'static>(handle: Self::JoinHandle<T>) {
        if let Some(h) = handle.0 {
            TokioCt::detach(h)
        }
    }
    fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        TokioCt::spawn_blocking(work)
    }
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        if FAULT == EARLY_TIMERS { Either::Left(ready(())) } else { Either::Right(TokioCt::sleep(duration)) }
    }
    fn yield_now() -> impl Future<Output = ()> + Send + 'static {
        TokioCt::yield_now()
    }
    fn remote() -> Option<NoRemote> {
        None
    }
}

impl<const FAULT: u8> Adapter for Broken<FAULT> {
    fn native_spawn_join(&self, _: usize) -> impl Future<Output = u64> + '_ {
        pending::<u64>()
    }
    fn native_ping_pong(&self, _: usize) -> impl Future<Output = u64> + '_ {
        pending::<u64>()
    }
}

fn answer_is_wrong<R: Runtime, W: Workload>() {
    let rt = R::new(&Config::default()).unwrap();
    let size = W::SIZES.test;
    let run = rt.block_on(W::run::<R>(size));
    let err = verify::<W, R>(size, &run).expect_err("a broken runtime passed");
    assert!(err.to_string().starts_with(&format!("wrong answer: {} on {}", W::NAME, R::ID)), "{err}");
}

#[test]
fn timers_that_fire_early_fail_every_timer_workload() {
    answer_is_wrong::<Broken<EARLY_TIMERS>, TimerWheel>();
    answer_is_wrong::<Broken<EARLY_TIMERS>, TimerCancel>();
    answer_is_wrong::<Broken<EARLY_TIMERS>, SelectTimeout>();
}

#[test]
fn a_lost_producer_fails_fan_in() {
    answer_is_wrong::<Broken<LOSES_TASKS>, FanIn<16>>();
}

#[test]
fn the_harness_refuses_to_time_a_wrong_answer() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path(), SizeChoice::Test);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = h.run_one::<Broken<LOSES_TASKS>, FanIn<16>>(&mut quick_criterion(dir.path()));
    }))
    .expect_err("the harness timed a wrong answer");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.starts_with("wrong answer: fan_in_c16 on broken-loses-tasks at size 400"), "{message}");
    // No estimate may exist for a cell that never gave a right answer.
    let estimate = reports::files::read_estimate(dir.path(), "fan_in_c16", "broken-loses-tasks", 400, 400);
    assert!(estimate.is_err());
}

fn contract_broken<R: Runtime, C: workloads::contract::Check>() -> String {
    let rt = R::new(&Config::default()).unwrap();
    rt.block_on(C::run::<R>()).expect_err("a broken runtime kept the contract")
}

#[test]
fn early_timers_break_the_timer_contract() {
    let why = contract_broken::<Broken<EARLY_TIMERS>, workloads::contract::TimersNeverEarly>();
    assert!(why.starts_with("a 1 ms sleep ended after"), "{why}");
}

#[test]
fn a_lost_sender_breaks_the_channel_contract() {
    // Spawns 0..3 are the senders; spawn 2 is thrown away, with its sender.
    let why = contract_broken::<Broken<LOSES_TASKS>, workloads::contract::ChannelsExactlyOnceInOrder>();
    assert_eq!(why, "sender 2: 0 of 25000 messages arrived");
}
