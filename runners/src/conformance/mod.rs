//! Running the contract and the behaviour profile by name, one runtime ×
//! check or probe at a time, for `arena conformance` (which runs each pair in
//! a child process of its own), and the verdict on what each child said
//! ([`verdict`]).
//!
//! The test-only runtimes in [`faults`](crate::faults) join the registry
//! here, and only here, when `ARENA_TEST_RUNTIMES=1`: they exist to prove
//! that a runtime that deadlocks or aborts becomes a cell, not a dead suite,
//! and that one that cannot start gives `unavailable` cells.
mod verdict;

pub use verdict::{Heard, unavailable, verdict};
use workloads::contract::Check;
use workloads::{CheckVisitor, Config, Runtime};

use crate::profile::{Expectation, Observed, OwnApi, Probe, ProbeVisitor, ProfileError};
use crate::registry::RuntimeVisitor;

/// The environment variable that adds the test-only runtimes.
pub const TEST_RUNTIMES_VAR: &str = "ARENA_TEST_RUNTIMES";

/// A contract check, for listings.
#[derive(Debug, Clone, Copy)]
pub struct CheckInfo {
    /// Name.
    pub name: &'static str,
    /// What it asserts.
    pub claim: &'static str,
}

/// Every contract check, in registry order.
pub fn checks() -> Vec<CheckInfo> {
    struct List(Vec<CheckInfo>);
    impl CheckVisitor for List {
        fn visit<C: Check>(&mut self) {
            self.0.push(CheckInfo { name: C::NAME, claim: C::CLAIM });
        }
    }
    let mut list = List(Vec::new());
    workloads::visit_contract(&mut list);
    list.0
}

fn test_runtimes_enabled() -> bool {
    std::env::var(TEST_RUNTIMES_VAR).is_ok_and(|v| v == "1")
}

/// The registered runtimes, plus the test-only ones when enabled (they are
/// tokio-ct with a fault: built with the `tokio` family only).
fn visit(visitor: &mut impl RuntimeVisitor) {
    crate::registry::visit_runtimes(visitor);
    #[cfg(feature = "tokio")]
    if test_runtimes_enabled() {
        visitor.visit::<crate::faults::Deadlocks>();
        visitor.visit::<crate::faults::Aborts>();
        visitor.visit::<crate::faults::Unavailable>();
    }
}

/// Runtime ids `arena conformance` accepts.
pub fn runtime_ids() -> Vec<&'static str> {
    struct Ids(Vec<&'static str>);
    impl RuntimeVisitor for Ids {
        fn visit<R: OwnApi>(&mut self) {
            self.0.push(R::ID);
        }
    }
    let mut ids = Ids(Vec::new());
    visit(&mut ids);
    ids.0
}

/// Runs check `check` on runtime `runtime` in this process. `None` if either
/// name is unknown; `Some(Err(why))` if the contract is broken.
pub fn run(runtime: &str, check: &str, config: &Config) -> Option<Result<(), String>> {
    struct Run<'a>(&'a str, &'a Config);
    impl OnRuntime<Option<Result<(), String>>> for Run<'_> {
        fn call<R: OwnApi>(self) -> Option<Result<(), String>> {
            struct Find<'a, R> {
                check: &'a str,
                config: &'a Config,
                out: Option<Result<(), String>>,
                rt: std::marker::PhantomData<R>,
            }
            impl<R: Runtime> CheckVisitor for Find<'_, R> {
                fn visit<C: Check>(&mut self) {
                    if C::NAME == self.check {
                        self.out = Some(match R::new(self.config) {
                            Ok(rt) => rt.block_on(C::run::<R>()),
                            Err(e) => Err(e.to_string()),
                        });
                    }
                }
            }
            let mut find = Find::<R> { check: self.0, config: self.1, out: None, rt: Default::default() };
            workloads::visit_contract(&mut find);
            find.out
        }
    }
    on_runtime(runtime, Run(check, config)).flatten()
}

/// Whether runtime `runtime` starts on this machine with `config`:
/// `Err(why)` if it cannot (no io_uring, too low a memlock limit); `None`
/// if the name is unknown.
pub fn starts(runtime: &str, config: &Config) -> Option<Result<(), String>> {
    struct Start<'a>(&'a Config);
    impl OnRuntime<Result<(), String>> for Start<'_> {
        fn call<R: OwnApi>(self) -> Result<(), String> {
            R::new(self.0).map(drop).map_err(|e| e.reason)
        }
    }
    on_runtime(runtime, Start(config))
}

/// A behaviour probe, for listings.
#[derive(Debug, Clone, Copy)]
pub struct ProbeInfo {
    /// Name.
    pub name: &'static str,
    /// The question it answers and its outcomes.
    pub question: &'static str,
}

/// Every behaviour probe, in registry order.
pub fn probes() -> Vec<ProbeInfo> {
    struct List(Vec<ProbeInfo>);
    impl ProbeVisitor for List {
        fn visit<P: Probe>(&mut self) {
            self.0.push(ProbeInfo { name: P::NAME, question: P::QUESTION });
        }
    }
    let mut list = List(Vec::new());
    crate::profile::visit_probes(&mut list);
    list.0
}

/// Calls `f::<R>()` for the runtime named `runtime`; `None` if unknown.
fn on_runtime<T>(runtime: &str, f: impl OnRuntime<T>) -> Option<T> {
    struct ByName<'a, F, T> {
        runtime: &'a str,
        f: Option<F>,
        out: Option<T>,
    }
    impl<F: OnRuntime<T>, T> RuntimeVisitor for ByName<'_, F, T> {
        fn visit<R: OwnApi>(&mut self) {
            if R::ID == self.runtime {
                self.out = self.f.take().map(|f| f.call::<R>());
            }
        }
    }
    let mut by_name = ByName { runtime, f: Some(f), out: None };
    visit(&mut by_name);
    by_name.out
}

/// A generic function of the runtime, for [`on_runtime`].
trait OnRuntime<T> {
    fn call<R: OwnApi>(self) -> T;
}

/// Runs probe `probe` on runtime `runtime` in this process; `None` if
/// either name is unknown.
pub fn observe(runtime: &str, probe: &str) -> Option<Observed> {
    struct Run<'a>(&'a str);
    impl OnRuntime<Option<Observed>> for Run<'_> {
        fn call<R: OwnApi>(self) -> Option<Observed> {
            struct Find<'a, R> {
                probe: &'a str,
                out: Option<Observed>,
                rt: std::marker::PhantomData<R>,
            }
            impl<R: OwnApi> ProbeVisitor for Find<'_, R> {
                fn visit<P: Probe>(&mut self) {
                    if P::NAME == self.probe {
                        self.out = Some(P::run::<R>());
                    }
                }
            }
            let mut find = Find::<R> { probe: self.0, out: None, rt: Default::default() };
            crate::profile::visit_probes(&mut find);
            find.out
        }
    }
    on_runtime(runtime, Run(probe)).flatten()
}

/// The expected profile of runtime `runtime` (probe name → expectation);
/// `None` if the runtime is unknown.
pub fn expected(runtime: &str) -> Option<Result<crate::profile::Profile, ProfileError>> {
    struct Load;
    impl OnRuntime<Result<crate::profile::Profile, ProfileError>> for Load {
        fn call<R: OwnApi>(self) -> Result<crate::profile::Profile, ProfileError> {
            crate::profile::profile::<R>()
        }
    }
    on_runtime(runtime, Load)
}

/// The expectation for one probe on one runtime, or why there is none.
pub fn expectation(runtime: &str, probe: &str) -> Result<Expectation, String> {
    let profile = expected(runtime).ok_or_else(|| format!("unknown runtime {runtime}"))?.map_err(|e| e.to_string())?;
    profile
        .get(probe)
        .cloned()
        .ok_or_else(|| format!("runners/profiles/{runtime}.toml has no expectation for probe {probe}"))
}
