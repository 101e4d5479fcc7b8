//! What both bench targets read from the environment: `ARENA_RUNTIME`,
//! `ARENA_WORKLOAD` (comma lists) and `ARENA_WORKERS`, each refused with a
//! one-line error naming the variable.
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

/// The runtime configuration: one worker per core unless `ARENA_WORKERS` says.
pub fn config() -> Config {
    let mut config = Config::default();
    if let Ok(w) = std::env::var("ARENA_WORKERS") {
        config.workers = w
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| fail(format!("ARENA_WORKERS: '{w}' is not a positive number")));
    }
    config
}
