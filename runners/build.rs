//! Records what the results must say about the build: the exact versions of
//! the runtime crates (from the workspace's Cargo.lock: every crate a family
//! feature turns on, read from this crate's manifest, and the few in
//! [`ALSO`]), `rustc -V`, and the cargo profile.
use std::path::PathBuf;
use std::process::Command;

/// Crates whose exact versions a result carries besides the runtime
/// families' own: runtimes that need no crate of their own feature
/// (`futures`' executors and timer), the executors and pools inside the
/// family crates (async-std runs async-global-executor; async-executor
/// spawns async-task tasks; smol's and async-std's I/O is async-io, their
/// blocking pool `blocking`; compio is a facade over its runtime, driver and
/// executor), and the measuring engine.
const ALSO: &[&str] = &[
    "smol",
    "async-io",
    "async-task",
    "blocking",
    "futures",
    "futures-executor",
    "futures-lite",
    "futures-timer",
    "compio-runtime",
    "compio-driver",
    "compio-executor",
    "criterion",
];

/// Every crate a runtime family's feature turns on (`dep:…` in this crate's
/// `[features]`): so a new runtime's crate is recorded without an edit here.
fn family_crates(manifest: &toml::Table) -> Vec<String> {
    let features = manifest.get("features").and_then(|f| f.as_table()).expect("runners/Cargo.toml has [features]");
    let mut crates: Vec<String> = features
        .values()
        .filter_map(|v| v.as_array())
        .flatten()
        .filter_map(|v| v.as_str()?.strip_prefix("dep:"))
        .map(str::to_owned)
        .collect();
    crates.sort();
    crates.dedup();
    crates
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let lock = manifest.join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-changed=Cargo.toml");
    let own: toml::Table = std::fs::read_to_string(manifest.join("Cargo.toml"))
        .expect("read runners/Cargo.toml")
        .parse()
        .expect("runners/Cargo.toml is TOML");
    let recorded: Vec<String> = family_crates(&own).into_iter().chain(ALSO.iter().map(|c| c.to_string())).collect();
    let mut versions = Vec::new();
    if let Ok(text) = std::fs::read_to_string(&lock) {
        let parsed: toml::Table = text.parse().expect("Cargo.lock is TOML");
        for package in parsed.get("package").and_then(|p| p.as_array()).into_iter().flatten() {
            let name = package.get("name").and_then(|v| v.as_str()).unwrap_or_default();
            let version = package.get("version").and_then(|v| v.as_str()).unwrap_or_default();
            if recorded.iter().any(|c| c == name) {
                versions.push(format!("({name:?}, {version:?})"));
            }
        }
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown".to_owned(), |s| s.trim().to_owned());
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let opt_level = std::env::var("OPT_LEVEL").unwrap_or_default();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("build_info.rs");
    let code = format!(
        "pub(crate) const CRATES: &[(&str, &str)] = &[{}];\n\
         pub(crate) const RUSTC: &str = {rustc:?};\n\
         pub(crate) const PROFILE: &str = {profile:?};\n\
         pub(crate) const OPT_LEVEL: &str = {opt_level:?};\n",
        versions.join(", ")
    );
    std::fs::write(out, code).unwrap();
}
