//! What both bench targets read from the environment: `ARENA_RUNTIME`,
//! `ARENA_WORKLOAD` (comma lists) and `ARENA_CORES`, each refused with a
//! one-line error naming the variable.
use runners::cores::Cpus;
use workloads::Config;

/// The comma list in `var` (empty if unset).
pub fn list(var: &str) -> Vec<String> {
    std::env::var(var)
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// Prints `message` as one line and exits 2 (bad input).
pub fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}

/// The cores to run on, `ARENA_CORES` (default: every CPU this process may
/// use): the process is confined to that many CPUs before any runtime
/// starts, and runtimes get that many workers or instances. One count per
/// process: threads a runtime started keep their CPUs.
pub fn cores() -> (Config, Cpus) {
    if std::env::var_os("ARENA_WORKERS").is_some() {
        fail("ARENA_WORKERS: replaced by ARENA_CORES (every runtime gets the same cores)".into());
    }
    let n = match std::env::var("ARENA_CORES") {
        Ok(v) => v.parse().unwrap_or_else(|_| fail(format!("ARENA_CORES: '{v}' is not a number of cores"))),
        Err(_) => runners::cores::count(),
    };
    let cpus = runners::cores::confine(n).unwrap_or_else(|e| fail(format!("ARENA_CORES: {e}")));
    (Config { workers: n }, cpus)
}
