//! What a result records about where it was measured: CPU, cores, kernel,
//! rustc, profile, crate versions, date and command.
use reports::schema::{Environment, Profile};

mod build {
    include!(concat!(env!("OUT_DIR"), "/build_info.rs"));
}

/// The machine and build this process runs on; `command` is recorded as given.
pub fn environment(command: &str) -> Environment {
    Environment {
        host: read_trimmed("/proc/sys/kernel/hostname").filter(|h| !h.is_empty()),
        cpu: cpu_model().unwrap_or_else(|| "unknown".to_owned()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        kernel: read_trimmed("/proc/sys/kernel/osrelease").unwrap_or_else(|| std::env::consts::OS.to_owned()),
        rustc: build::RUSTC.to_owned(),
        profile: Profile {
            name: build::PROFILE.to_owned(),
            opt_level: build::OPT_LEVEL.to_owned(),
            debug_assertions: cfg!(debug_assertions),
        },
        crates: build::CRATES.iter().map(|&(n, v)| (n.to_owned(), v.to_owned())).collect(),
        date: now(),
        command: command.to_owned(),
        git: git_describe(),
    }
}

/// The time now, RFC 3339 to the second, UTC.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Exact version of a crate the build used, from Cargo.lock.
pub fn crate_version(name: &str) -> Option<&'static str> {
    build::CRATES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_owned())
}

fn git_describe() -> Option<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("git")
        .args(["-C", dir, "describe", "--always", "--dirty"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
