//! Helpers shared by the tests (each test file uses some of them).
#![allow(dead_code, unused_macros, unused_imports)]
use std::path::Path;
use std::time::Duration;

use criterion::Criterion;
use runners::catalog::{Selection, SizeChoice};
use runners::harness::Harness;
use workloads::{Config, Runtime};

/// criterion with settings that finish in a fraction of a second.
pub fn quick_criterion(dir: &Path) -> Criterion {
    Criterion::default()
        .output_directory(dir)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(50))
        .sample_size(10)
        .nresamples(1_000)
        .without_plots()
}

/// A harness writing into `dir`, on 2 cores (not confined), the given sizes.
pub fn harness(dir: &Path, sizes: SizeChoice) -> Harness {
    let selection = Selection { runtimes: vec![], workloads: vec![], sizes };
    Harness { config: Config { workers: 2 }, criterion_dir: dir.to_owned(), selection, confined: None, samples: 10 }
}

/// `R` built with `config`, or `None`, printed, when a thread-per-core
/// runtime (io_uring: glommio, monoio, compio) cannot start on this machine
/// — no io_uring, too low a memlock limit — unless `ARENA_REQUIRE_IO_URING=1`
/// (set by `.ci/run`) makes that a failure. Any other runtime that cannot
/// start fails the test.
pub fn start<R: Runtime>(config: &Config) -> Option<R> {
    match R::new(config) {
        Ok(rt) => Some(rt),
        Err(e) if R::THREAD_PER_CORE && std::env::var("ARENA_REQUIRE_IO_URING").as_deref() != Ok("1") => {
            eprintln!("skipped: {e} (ARENA_REQUIRE_IO_URING=1 makes this a failure)");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// `#[test] fn <name>() { super::<check>::<R, Type>() }` for every
/// `name: Type` of a registry: `with_workloads!(stamp_tests, check)`.
macro_rules! stamp_tests {
    ($check:ident; $($name:ident: $ty:ty),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                super::$check::<R, $ty>();
            }
        )*
    };
}

/// One module per runtime (`type R = …;`), each stamped with the tests of a
/// registry: `with_runtimes!(per_runtime, workloads::with_contract, check)`.
macro_rules! per_runtime {
    ($krate:ident::$registry:ident, $check:ident; $($(#[$family:meta])* $rt:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$family])*
            mod $rt {
                type R = $ty;
                $krate::$registry!(stamp_tests, $check);
            }
        )*
    };
}
