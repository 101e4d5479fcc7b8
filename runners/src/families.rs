//! The runtime families, each a cargo feature of this crate (and of
//! `scripts`, which forwards them): which were built into this binary, and
//! which runtime ids each holds, so that a name of a runtime left out of the
//! build is told apart from a name that means nothing.
//!
//! A family is the unit a user builds and a change touches: one upstream
//! runtime crate (or, for `threads`, none) and the adapters over it.

/// One runtime family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// The cargo feature that builds it (`tokio`, `async-std`, …).
    pub feature: &'static str,
    /// The ids of its runtimes, in registry order.
    pub runtimes: &'static [&'static str],
    /// Its adapter file, from the repository's root: the code only it runs.
    pub adapter: &'static str,
    /// Whether this binary was built with it.
    pub built: bool,
}

/// Every family, in registry order.
pub const FAMILIES: &[Family] = &[
    Family {
        feature: "tokio",
        runtimes: &["tokio-ct", "tokio-mt"],
        adapter: "runners/src/adapters/tokio_rt.rs",
        built: cfg!(feature = "tokio"),
    },
    Family {
        feature: "async-std",
        runtimes: &["async-std"],
        adapter: "runners/src/adapters/async_std_rt.rs",
        built: cfg!(feature = "async-std"),
    },
    Family {
        feature: "smol",
        runtimes: &["smol-local", "smol-mt"],
        adapter: "runners/src/adapters/smol_rt.rs",
        built: cfg!(feature = "smol"),
    },
    Family {
        feature: "futures",
        runtimes: &["futures-local", "futures-pool"],
        adapter: "runners/src/adapters/futures_rt.rs",
        built: cfg!(feature = "futures"),
    },
    Family {
        feature: "glommio",
        runtimes: &["glommio"],
        adapter: "runners/src/adapters/glommio_rt.rs",
        built: cfg!(feature = "glommio"),
    },
    Family {
        feature: "monoio",
        runtimes: &["monoio", "monoio-legacy"],
        adapter: "runners/src/adapters/monoio_rt.rs",
        built: cfg!(feature = "monoio"),
    },
    Family {
        feature: "compio",
        runtimes: &["compio"],
        adapter: "runners/src/adapters/compio_rt.rs",
        built: cfg!(feature = "compio"),
    },
    Family {
        feature: "threads",
        runtimes: &["threads"],
        adapter: "runners/src/adapters/threads.rs",
        built: cfg!(feature = "threads"),
    },
];

/// The family of runtime `id`, built or not.
pub fn of(id: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.runtimes.contains(&id))
}

/// The families this binary was built without.
pub fn not_built() -> impl Iterator<Item = &'static Family> {
    FAMILIES.iter().filter(|f| !f.built)
}

/// One line for a listing: `not built: glommio (glommio); compio (compio)
/// (…)`, or `None` when every family was built.
pub fn not_built_line() -> Option<String> {
    let missing: Vec<String> = not_built().map(|f| format!("{} ({})", f.feature, f.runtimes.join(", "))).collect();
    (!missing.is_empty())
        .then(|| format!("not built: {} (each family is a cargo feature; the default builds all)", missing.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_adapter_file_exists() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        for f in FAMILIES {
            assert!(std::path::Path::new(root).join(f.adapter).is_file(), "{}: {}", f.feature, f.adapter);
        }
    }

    #[test]
    fn every_built_runtime_is_in_its_family_and_every_family_lists_what_it_builds() {
        let built: Vec<&str> = crate::catalog::runtimes().iter().map(|r| r.id).collect();
        let listed: Vec<&str> = FAMILIES.iter().filter(|f| f.built).flat_map(|f| f.runtimes.iter().copied()).collect();
        assert_eq!(built, listed, "the registry and FAMILIES disagree");
        assert_eq!(not_built().count() == 0, not_built_line().is_none());
    }

    /// Built without glommio (the subset CI builds), its name is told apart
    /// from a name that means nothing.
    #[test]
    #[cfg(not(feature = "glommio"))]
    fn a_runtime_left_out_of_the_build_is_not_an_unknown_name() {
        let ids = crate::catalog::runtimes().iter().map(|r| r.id).collect();
        let e = crate::catalog::pick("--runtime", &["glommio".to_owned()], ids).unwrap_err();
        assert_eq!(e.not_built, Some("glommio"));
        let message = e.to_string();
        assert!(message.starts_with("--runtime: 'glommio' was not built into this binary"), "{message}");
        assert!(message.contains("the cargo feature 'glommio', which this build left out"), "{message}");
        let line = not_built_line().unwrap();
        assert!(line.contains("glommio (glommio)"), "{line}");
        let ids = crate::catalog::runtimes().iter().map(|r| r.id).collect();
        let e = crate::catalog::pick("--runtime", &["tokyo".to_owned()], ids).unwrap_err();
        assert_eq!((e.not_built, e.to_string().contains("unknown name 'tokyo'")), (None, true));
    }
}
