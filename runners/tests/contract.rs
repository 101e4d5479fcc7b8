//! The contract (`workloads::contract`) on every runtime: one test per
//! runtime × check, stamped from the two registries.
use workloads::contract::Check;
use workloads::{Config, Runtime};

fn check<R: Runtime, C: Check>() {
    let rt = R::new(&Config { workers: 2 }).expect("runtime starts");
    if let Err(broken) = rt.block_on(C::run::<R>()) {
        panic!("contract broken: {} on {}: {broken} (claim: {})", C::NAME, R::ID, C::CLAIM);
    }
}

macro_rules! contract_tests {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                super::check::<R, $ty>();
            }
        )*
    };
}

macro_rules! runtime_modules {
    ($($rt:ident: $ty:ty),* $(,)?) => {
        $(
            mod $rt {
                type R = $ty;
                workloads::with_contract!(contract_tests);
            }
        )*
    };
}

runners::with_runtimes!(runtime_modules);
