//! Running the contract by name, one runtime × check at a time, for
//! `arena conformance` (which runs each pair in a child process of its own).
//!
//! The test-only runtimes in [`testing`](crate::testing) join the registry
//! here, and only here, when `ARENA_TEST_RUNTIMES=1`: they exist to prove
//! that a runtime that deadlocks or aborts becomes a cell, not a dead suite.
use workloads::contract::Check;
use workloads::{CheckVisitor, Config, Runtime};

use crate::{Adapter, RuntimeVisitor};

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

/// The registered runtimes, plus the test-only ones when enabled.
fn visit(visitor: &mut impl RuntimeVisitor) {
    crate::visit_runtimes(visitor);
    if test_runtimes_enabled() {
        visitor.visit::<crate::testing::Deadlocks>();
        visitor.visit::<crate::testing::Aborts>();
    }
}

/// Runtime ids `arena conformance` accepts.
pub fn runtime_ids() -> Vec<&'static str> {
    struct Ids(Vec<&'static str>);
    impl RuntimeVisitor for Ids {
        fn visit<R: Adapter>(&mut self) {
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
    struct ByName<'a> {
        runtime: &'a str,
        check: &'a str,
        config: &'a Config,
        out: Option<Result<(), String>>,
    }
    impl RuntimeVisitor for ByName<'_> {
        fn visit<R: Adapter>(&mut self) {
            if R::ID == self.runtime {
                let mut on =
                    OnRuntime::<R> { check: self.check, config: self.config, out: None, rt: Default::default() };
                workloads::visit_contract(&mut on);
                self.out = on.out;
            }
        }
    }
    struct OnRuntime<'a, R> {
        check: &'a str,
        config: &'a Config,
        out: Option<Result<(), String>>,
        rt: std::marker::PhantomData<R>,
    }
    impl<R: Runtime> CheckVisitor for OnRuntime<'_, R> {
        fn visit<C: Check>(&mut self) {
            if C::NAME == self.check {
                self.out = Some(match R::new(self.config) {
                    Ok(rt) => rt.block_on(C::run::<R>()),
                    Err(e) => Err(e.to_string()),
                });
            }
        }
    }
    let mut by_name = ByName { runtime, check, config, out: None };
    visit(&mut by_name);
    by_name.out
}
