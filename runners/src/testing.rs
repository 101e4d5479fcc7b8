//! Deliberately broken runtimes, for proving that `arena conformance`
//! survives the runtimes it tests. Only reachable through
//! `conformance` when `ARENA_TEST_RUNTIMES=1`; never benchmarked or listed.
//!
//! Both are tokio-ct except for `block_on`: `test-deadlocks` never returns
//! from it, `test-aborts` aborts the process from it (as a panic that
//! escapes a runtime with `panic = "abort"`, or a crashed worker, would).
use std::future::Future;
use std::time::Duration;

use workloads::{Config, Limits, NoRemote, Runtime, StartError};

use crate::profile::{Cancelled, Native};
use crate::{Adapter, TokioCt};

macro_rules! broken_runtime {
    ($name:ident, $id:literal, $summary:literal, |$future:ident| $block_on:expr) => {
        #[doc = $summary]
        #[derive(Debug)]
        pub struct $name(TokioCt);

        impl Runtime for $name {
            const ID: &'static str = $id;
            const SUMMARY: &'static str = $summary;
            const LIMITS: Limits = Limits { max_tasks: None, no_remote_spawn: Some("test runtime") };

            type JoinHandle<T: Send + 'static> = <TokioCt as Runtime>::JoinHandle<T>;
            type Remote = NoRemote;

            fn new(config: &Config) -> Result<Self, StartError> {
                TokioCt::new(config).map($name)
            }

            fn block_on<F: Future>(&self, $future: F) -> F::Output {
                $block_on
            }

            fn spawn<F>(future: F) -> Self::JoinHandle<F::Output>
            where
                F: Future + Send + 'static,
                F::Output: Send + 'static,
            {
                TokioCt::spawn(future)
            }

            fn detach<T: Send + 'static>(handle: Self::JoinHandle<T>) {
                TokioCt::detach(handle)
            }

            fn spawn_blocking<F, T>(work: F) -> impl Future<Output = T> + Send + 'static
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                TokioCt::spawn_blocking(work)
            }

            fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
                TokioCt::sleep(duration)
            }

            fn yield_now() -> impl Future<Output = ()> + Send + 'static {
                TokioCt::yield_now()
            }

            fn remote() -> Option<NoRemote> {
                None
            }
        }

        impl Adapter for $name {
            async fn native_spawn_join(&self, n: usize) -> u64 {
                self.0.native_spawn_join(n).await
            }

            async fn native_ping_pong(&self, n: usize) -> u64 {
                self.0.native_ping_pong(n).await
            }
        }

        /// tokio-ct's native calls, and tokio-ct's profile as the expectation.
        impl Native for $name {
            const PROFILE: &'static str = TokioCt::PROFILE;
            const TIMEOUT: &'static str = TokioCt::TIMEOUT;
            const CHANNEL: &'static str = TokioCt::CHANNEL;

            type Task<T: Send + 'static> = <TokioCt as Native>::Task<T>;

            fn spawn_task<F>(future: F) -> Self::Task<F::Output>
            where
                F: Future + Send + 'static,
                F::Output: Send + 'static,
            {
                TokioCt::spawn_task(future)
            }

            fn join_task<T: Send + 'static>(task: Self::Task<T>) -> impl Future<Output = Result<T, String>> + Send {
                TokioCt::join_task(task)
            }

            fn cancel_task<T: Send + 'static>(
                task: Self::Task<T>,
            ) -> Option<impl Future<Output = Cancelled<T>> + Send> {
                TokioCt::cancel_task(task)
            }

            fn block_on_nested<F: Future>(future: F) -> F::Output {
                TokioCt::block_on_nested(future)
            }
        }
    };
}

broken_runtime!(Deadlocks, "test-deadlocks", "Test only: `block_on` never returns.", |future| {
    drop(future);
    loop {
        std::thread::park();
    }
});

broken_runtime!(Aborts, "test-aborts", "Test only: `block_on` aborts the process.", |future| {
    drop(future);
    eprintln!("test-aborts: the runtime blew up");
    std::process::abort()
});
