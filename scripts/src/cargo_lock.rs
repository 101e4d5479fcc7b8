//! What Arena reads of a `Cargo.lock`: the version it pins of one crate
//! (`arena compare --crate`, after `cargo update --precise`).

/// The version of `krate` a lockfile pins (the first, if several), read from
/// its `[[package]]` entries: a `name = "krate"` line and the `version` line
/// after it. `None` when the lockfile has no such entry or is not one.
pub fn locked_version(lock: &str, krate: &str) -> Option<String> {
    let name = format!("name = \"{krate}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == name {
            let v = lines.next()?.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(v.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_version_is_read_and_a_missing_crate_is_none() {
        let lock = "version = 4\n\n[[package]]\nname = \"tokio\"\nversion = \"1.54.1\"\n";
        assert_eq!(locked_version(lock, "tokio").as_deref(), Some("1.54.1"));
        assert_eq!(locked_version(lock, "smol"), None);
        assert_eq!(locked_version("name = \"tokio\"\n", "tokio"), None, "a name without a version");
    }
}
