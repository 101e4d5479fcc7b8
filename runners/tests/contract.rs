//! The contract (`workloads::contract`) on every runtime: one test per
//! runtime × check, stamped from the two registries.
#[macro_use]
mod common;

use workloads::contract::Check;
use workloads::{Config, Runtime};

fn check<R: Runtime, C: Check>() {
    let Some(rt) = common::start::<R>(&Config { workers: 2 }) else { return };
    if let Err(broken) = rt.block_on(C::run::<R>()) {
        panic!("contract broken: {} on {}: {broken} (claim: {})", C::NAME, R::ID, C::CLAIM);
    }
}

runners::with_runtimes!(per_runtime, workloads::with_contract, check);
