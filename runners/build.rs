//! Records what the results must say about the build: the exact versions of
//! the runtime crates (from the workspace's Cargo.lock), `rustc -V`, and the
//! cargo profile.
use std::path::PathBuf;
use std::process::Command;

/// Crates whose exact versions a result must carry.
const CRATES: &[&str] = &[
    "tokio",
    "async-std",
    "async-global-executor",
    "smol",
    "async-executor",
    "async-io",
    "async-task",
    "blocking",
    "futures",
    "futures-executor",
    "futures-lite",
    "futures-timer",
    "glommio",
    "monoio",
    "compio-runtime",
    "compio-driver",
    "compio-executor",
    "criterion",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let lock = manifest.join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let mut versions = Vec::new();
    if let Ok(text) = std::fs::read_to_string(&lock) {
        let parsed: toml::Table = text.parse().expect("Cargo.lock is TOML");
        for package in parsed.get("package").and_then(|p| p.as_array()).into_iter().flatten() {
            let name = package.get("name").and_then(|v| v.as_str()).unwrap_or_default();
            let version = package.get("version").and_then(|v| v.as_str()).unwrap_or_default();
            if CRATES.contains(&name) {
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
