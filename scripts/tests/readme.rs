//! The counts README quotes ("12 runtimes in 8 families", "50 workloads in 11
//! families", "12 checks", "22 probes"), and any that ARCHITECTURE.md, docs/ or
//! results/ quote, against what `arena list --json` says the registry holds, so the
//! pages cannot drift from the code. Built only with
//! every runtime family (Cargo.toml's `required-features`): a one-family
//! binary lists fewer runtimes, and README counts the default build.

use std::collections::BTreeSet;
use std::process::Command;

/// `arena list --json`, parsed.
fn listing() -> serde_json::Value {
    let out =
        Command::new(env!("CARGO_BIN_EXE_arena")).args(["list", "--json"]).output().expect("run arena list --json");
    assert!(out.status.success(), "arena list --json failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("arena list --json prints one JSON document")
}

fn items<'a>(listing: &'a serde_json::Value, key: &str) -> &'a Vec<serde_json::Value> {
    listing[key].as_array().unwrap_or_else(|| panic!("arena list --json has no array '{key}'"))
}

/// How many distinct values `field` takes across `listing[key]`.
fn distinct(listing: &serde_json::Value, key: &str, field: &str) -> usize {
    let values: BTreeSet<&str> = items(listing, key)
        .iter()
        .map(|item| item[field].as_str().unwrap_or_else(|| panic!("an entry of '{key}' has no string '{field}'")))
        .collect();
    values.len()
}

/// Every `N <noun>` in `text` (N in digits), and every `N <noun> in M families`,
/// as (noun, N, Some(M)).
fn quoted_counts(text: &str) -> Vec<(String, usize, Option<usize>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, pair) in words.windows(2).enumerate() {
        let Ok(n) = pair[0].trim_start_matches('(').parse::<usize>() else { continue };
        let noun = pair[1].trim_end_matches([',', '.', ';', ':', ')']);
        if !["runtimes", "workloads", "checks", "probes"].contains(&noun) {
            continue;
        }
        let families = match words.get(i + 2..i + 5) {
            Some([of, m, fam]) if *of == "in" && fam.trim_end_matches([',', '.', ';', ':']) == "families" => {
                m.parse().ok()
            }
            _ => None,
        };
        found.push((noun.to_owned(), n, families));
    }
    found
}

#[test]
fn readme_quotes_the_registry_counts() {
    let listing = listing();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("read README.md");
    let expected = |noun: &str| -> (usize, usize) {
        match noun {
            "runtimes" => (items(&listing, "runtimes").len(), distinct(&listing, "runtimes", "family")),
            "workloads" => (items(&listing, "workloads").len(), distinct(&listing, "workloads", "family")),
            "checks" => (items(&listing, "checks").len(), 0),
            "probes" => (items(&listing, "probes").len(), 0),
            other => unreachable!("{other}"),
        }
    };
    let found = quoted_counts(&readme);
    for noun in ["runtimes", "workloads", "checks", "probes"] {
        assert!(found.iter().any(|(n, ..)| n == noun), "README quotes no count of {noun}; this test expects one");
    }
    // README and every other page that quotes a count must agree with the registry.
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let page = page.display();
        for (noun, n, families) in quoted_counts(&text) {
            let (count, family_count) = expected(&noun);
            assert_eq!(n, count, "{page} says {n} {noun}; arena list --json has {count}");
            if let Some(m) = families {
                assert_eq!(
                    m, family_count,
                    "{page} says {n} {noun} in {m} families; arena list --json has {family_count}"
                );
            }
        }
    }
}

#[test]
fn quoted_counts_reads_what_readme_writes() {
    let found =
        quoted_counts("12 runtimes in 8 families, each; and 46 workloads. Also (21 probes) and 10 checks: x 3 cores");
    assert_eq!(
        found,
        vec![
            ("runtimes".to_owned(), 12, Some(8)),
            ("workloads".to_owned(), 46, None),
            ("probes".to_owned(), 21, None),
            ("checks".to_owned(), 10, None),
        ]
    );
}

/// The pages a newcomer reads: README, ARCHITECTURE, docs/ and the snapshots.
fn pages() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut pages = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    for dir in ["docs", "results"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    pages.push(path);
                }
            }
        }
    }
    pages
}

/// A heading's anchor as GitHub makes it: lower case, punctuation dropped
/// (hyphens and underscores kept), spaces to hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every `](target)` in `text` that is not a web address.
fn links(text: &str) -> Vec<&str> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split([')', ' ']).next())
        .filter(|t| !t.starts_with("http://") && !t.starts_with("https://"))
        .collect()
}

#[test]
fn every_link_between_the_pages_reaches_a_file_and_heading() {
    let pages = pages();
    assert!(pages.len() > 6, "README, ARCHITECTURE, docs/ and results/ pages: {pages:?}");
    let anchors = |path: &std::path::Path| -> Vec<String> {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .filter_map(|l| l.trim_start_matches('#').strip_prefix(' ').filter(|_| l.starts_with('#')))
            .map(anchor)
            .collect()
    };
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for link in links(&text) {
            let (file, heading) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            assert!(target.exists(), "{}: link to {link}, which does not exist", page.display());
            if !heading.is_empty() && target.extension().is_some_and(|e| e == "md") {
                assert!(
                    anchors(&target).iter().any(|a| a == heading),
                    "{}: link to {link}, no such heading",
                    page.display()
                );
            }
        }
    }
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(anchor("The regression gate (`arena compare`)"), "the-regression-gate-arena-compare");
    assert_eq!(anchor("How far to trust a quick matrix"), "how-far-to-trust-a-quick-matrix");
    assert_eq!(links("see [a](docs/a.md#x), [b](https://x.org) and ![c](c.png \"t\")"), ["docs/a.md#x", "c.png"]);
}
