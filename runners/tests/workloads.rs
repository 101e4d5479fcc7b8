//! Every workload on every runtime at its test size, checked against its
//! expected checksum; plus each runtime's native twins and its declared
//! limits. One body per check, stamped once per runtime by `with_runtimes!`.
#[macro_use]
mod common;

use runners::host::Host;
use runners::{Adapter, Config};
use workloads::primitives::Primitives;
use workloads::{Runtime, Workload, not_applicable};

fn config() -> Config {
    Config { workers: 2 }
}

/// Runs `W` twice on one runtime (a runtime must survive being reused).
fn check<R: Adapter, W: Workload>() {
    let size = W::SIZES.test;
    if let Some(reason) = not_applicable::<W, R>(size) {
        // Only a declared limit, or a native variant on a runtime without
        // that primitive of its own, may keep a workload off a runtime.
        let remote = W::needs(size).remote_spawn && R::LIMITS.no_remote_spawn.is_some();
        let no_own = W::NATIVE.is_some_and(|kind| !R::Primitives::OWN.contains(&kind));
        assert!(remote || no_own, "{}: {reason}", W::NAME);
        return;
    }
    if common::start::<R>(&config()).is_none() {
        return;
    }
    // As the harness runs it on two cores: single-threaded runtimes as two instances, a shard each.
    let host = Host::<R>::new(&config()).expect("runtime starts");
    for _ in 0..2 {
        let latency = host.run_checked::<W>(size).unwrap_or_else(|e| panic!("{e}"));
        // As many samples as the workload says (one per timer, round trip…).
        if let Some(samples) = W::latency_samples(size) {
            assert_eq!(latency.len() as u64, samples, "{}: latency samples", W::NAME);
        }
    }
}

fn native_twins<R: Adapter>() {
    use workloads::{channels::PingPong, spawn::SpawnJoin};
    let Some(rt) = common::start::<R>(&config()) else { return };
    // Built inside block_on, as the harness does.
    let n = SpawnJoin::SIZES.test;
    assert_eq!(rt.block_on(async { rt.native_spawn_join(n).await }), SpawnJoin::expected(n));
    let n = PingPong::SIZES.test;
    assert_eq!(rt.block_on(async { rt.native_ping_pong(n).await }), PingPong::expected(n));
}

/// `Limits::no_remote_spawn` and `Runtime::remote` must agree.
fn remote_matches_limits<R: Runtime>() {
    let Some(rt) = common::start::<R>(&config()) else { return };
    let has_remote = rt.block_on(async { R::remote().is_some() });
    assert_eq!(has_remote, R::LIMITS.no_remote_spawn.is_none());
}

/// `spawn_blocking` runs its closure off the async threads and returns its value,
/// also when called from inside a spawned task.
fn blocking_work_returns<R: Runtime>() {
    let Some(rt) = common::start::<R>(&config()) else { return };
    let caller = std::thread::current().id();
    let work = move || (6 * 7, std::thread::current().id());
    let (value, ran_on) = rt.block_on(async { R::spawn(async move { R::spawn_blocking(work).await }).await });
    assert_eq!(value, 42);
    assert_ne!(ran_on, caller, "blocking work ran on the block_on thread");
}

/// A ticker its executor never lets run reports the tick that came due, late
/// by as long as it was kept waiting, not no tick at all: the one thread of
/// a single-threaded runtime is blocked for 20 ms after the ticker started.
fn a_starved_ticker_reports_its_due_tick<R: Runtime>() {
    use std::time::Duration;
    if !R::ONE_THREAD {
        return;
    }
    let Some(rt) = common::start::<R>(&config()) else { return };
    let lateness = rt.block_on(async {
        R::spawn(async {
            let (stop, ticker) = workloads::ticker::start::<R>();
            // Lets the ticker start its first sleep (futures' LocalPool adds
            // a spawned task to its pool only between rounds), then blocks
            // the thread.
            for _ in 0..10 {
                R::yield_now().await;
            }
            std::thread::sleep(Duration::from_millis(20));
            let _ = stop.send(());
            ticker.await
        })
        .await
    });
    assert!(lateness.iter().any(|&late| late >= Duration::from_millis(15)), "{}: {lateness:?}", R::ID);
}

/// Detached tasks run to completion with nobody awaiting them, whether
/// spawned detached or detached after the fact (also after the spawning task ended).
fn detached_tasks_finish<R: Runtime>() {
    use futures::channel::oneshot;
    let Some(rt) = common::start::<R>(&config()) else { return };
    let (a_tx, a_rx) = oneshot::channel();
    let (b_tx, b_rx) = oneshot::channel();
    let got = rt.block_on(async move {
        R::spawn(async move {
            R::spawn_detached(async move { a_tx.send(1u64).unwrap() });
            R::detach(R::spawn(async move {
                R::yield_now().await;
                b_tx.send(2u64).unwrap()
            }));
        })
        .await;
        a_rx.await.unwrap() + b_rx.await.unwrap()
    });
    assert_eq!(got, 3);
}

/// A runtime lists a primitive in `Primitives::OWN` exactly when its type
/// is not the neutral one: a native cell never measures async-lock under
/// another name, and no own primitive goes unmeasured.
fn own_primitives_are_own<R: Runtime>() {
    use std::any::type_name;
    use workloads::primitives::{Neutral, Primitive};
    type P<R> = <R as Runtime>::Primitives;
    let differs = [
        (
            Primitive::Mutex,
            type_name::<<P<R> as Primitives>::Mutex<u64>>() != type_name::<<Neutral as Primitives>::Mutex<u64>>(),
        ),
        (
            Primitive::RwLock,
            type_name::<<P<R> as Primitives>::RwLock<u64>>() != type_name::<<Neutral as Primitives>::RwLock<u64>>(),
        ),
        (
            Primitive::Semaphore,
            type_name::<<P<R> as Primitives>::Semaphore>() != type_name::<<Neutral as Primitives>::Semaphore>(),
        ),
        (
            Primitive::Barrier,
            type_name::<<P<R> as Primitives>::Barrier>() != type_name::<<Neutral as Primitives>::Barrier>(),
        ),
        (
            Primitive::Notify,
            type_name::<<P<R> as Primitives>::Notify>() != type_name::<<Neutral as Primitives>::Notify>(),
        ),
        (Primitive::Watch, type_name::<<P<R> as Primitives>::Watch>() != type_name::<<Neutral as Primitives>::Watch>()),
    ];
    for (kind, own_type) in differs {
        assert_eq!(P::<R>::OWN.contains(&kind), own_type, "{}: {kind} in OWN vs its type", R::ID);
    }
}

macro_rules! runtime_modules {
    ($($(#[$family:meta])* $rt:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$family])*
            mod $rt {
                type R = $ty;
                workloads::with_workloads!(stamp_tests, check);

                #[test]
                fn native_twins_agree_with_workloads() {
                    super::native_twins::<R>();
                }

                #[test]
                fn spawn_blocking_returns_its_value_off_thread() {
                    super::blocking_work_returns::<R>();
                }

                #[test]
                fn detached_tasks_finish() {
                    super::detached_tasks_finish::<R>();
                }

                #[test]
                fn own_primitives_are_listed() {
                    super::own_primitives_are_own::<R>();
                }

                #[test]
                fn a_starved_ticker_reports_its_due_tick() {
                    super::a_starved_ticker_reports_its_due_tick::<R>();
                }

                #[test]
                fn remote_spawn_matches_declared_limits() {
                    super::remote_matches_limits::<R>();
                }
            }
        )*
    };
}

runners::with_runtimes!(runtime_modules);
