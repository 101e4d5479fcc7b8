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

use runners::profile::{OwnApi, Probe, compare, profile};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn check<R: OwnApi, P: Probe>() {
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
fn profile_is_complete<R: OwnApi>() {
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
    ($($(#[$family:meta])* $rt:ident: $ty:ty),* $(,)?) => {
        mod complete {
            $(
                $(#[$family])*
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

/// The two causes that let a sibling in, told apart: a runtime that runs a
/// spawned body inside `spawn` is an eager start, not a budget (tokio's
/// budget does not cover `futures::channel`, so this one never yields).
#[test]
#[cfg(feature = "tokio")]
fn an_eager_start_is_not_read_as_a_budget() {
    use runners::faults::EagerStart;
    use runners::profile::CoopBudget;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    assert_eq!(CoopBudget::<false>::run::<EagerStart>().outcome, "eager start, then never yields");
    assert_eq!(CoopBudget::<false>::run::<runners::TokioCt>().outcome, "never yields", "the same, spawned lazily");
    // tokio's own channel spends tokio's budget: the sibling gets in after it.
    assert_eq!(CoopBudget::<true>::run::<EagerStart>().outcome, "eager start, then sibling runs after 129");
}

/// A runtime that re-runs a task which woke itself shows it where portable
/// code yields; the seam's yield (tokio's, deferred to after the poll) is
/// in the detail.
#[test]
#[cfg(feature = "tokio")]
fn a_self_wake_rerun_shows_in_yield_order() {
    use runners::faults::RerunsSelfWake;
    use runners::profile::YieldOrder;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let seen = YieldOrder::run::<RerunsSelfWake>();
    let plain = YieldOrder::run::<runners::TokioCt>();
    assert_eq!(seen.outcome, "AAABBB", "{seen:?}");
    assert_ne!(plain.outcome, "AAABBB", "tokio-ct queues a self-woken task behind the others: {plain:?}");
    assert_eq!(seen.detail, plain.detail, "the seam's yield is tokio's own on both");
}
