//! The behaviour profile on every runtime: one test per runtime × probe,
//! stamped from the two registries, each comparing what the probe sees with
//! the runtime's checked-in `runners/profiles/<id>.toml`. Ordering probes
//! run `Probe::REPEAT` times to show their outcome is stable.
//!
//! Probes run one at a time (a lock), so the timer and blocking-pool probes
//! do not measure each other.
#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use runners::profile::{Native, Probe, compare, profile};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn check<R: Native, P: Probe>() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if common::start::<R>(&runners::profile::config()).is_none() {
        return;
    }
    let profile = profile::<R>().unwrap_or_else(|e| panic!("{e}"));
    let expected = profile.get(P::NAME).unwrap_or_else(|| panic!("{}.toml has no [{}]", R::ID, P::NAME));
    for round in 1..=P::REPEAT {
        let seen = P::run::<R>();
        if let Err(changed) = compare(P::NAME, R::ID, &expected.expected, &seen.outcome) {
            panic!("{changed} (round {round} of {}; detail: {:?})", P::REPEAT, seen.detail);
        }
    }
}

/// Every profile names exactly the registered probes, each with a source.
fn profile_is_complete<R: Native>() {
    let probes: BTreeSet<&str> = runners::conformance::probes().iter().map(|p| p.name).collect();
    let profile = profile::<R>().unwrap_or_else(|e| panic!("{e}"));
    let listed: BTreeSet<&str> = profile.keys().map(String::as_str).collect();
    assert_eq!(listed, probes, "runners/profiles/{}.toml must list exactly the registered probes", R::ID);
    for (probe, expectation) in &profile {
        assert!(!expectation.source.trim().is_empty(), "{}.toml: [{probe}] cites no source", R::ID);
        assert!(!expectation.expected.trim().is_empty(), "{}.toml: [{probe}] expects nothing", R::ID);
    }
}

macro_rules! complete {
    ($($rt:ident: $ty:ty),* $(,)?) => {
        mod complete {
            $(
                #[test]
                fn $rt() {
                    super::profile_is_complete::<$ty>();
                }
            )*
        }
    };
}

runners::with_runtimes!(complete);
runners::with_runtimes!(per_runtime, runners::with_probes, check);
