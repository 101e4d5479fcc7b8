//! Every reader of outside input, fed mutated copies of real inputs (the
//! seeds in `tests/corpus/<reader>/`, made by the commands that write them):
//! results, cell, conformance, memory, scaling and overhead files (each also
//! built into a report), gate and self-test files (each also rendered),
//! criterion's `estimates.json` and `sample.json`, the protocol's lines (both
//! protocols, both directions), callgrind dumps (also explained) and
//! `Cargo.lock`. Whatever the input, a reader returns or errs; it never
//! panics, and its error is one line.
//!
//! `cargo test -p scripts --test fuzz` tries 1,000 inputs a reader (what CI
//! runs); `ARENA_FUZZ_INPUTS=N cargo test -p scripts --release --test fuzz --
//! --nocapture` tries N a reader and prints how many, how many were
//! refused, and the time. `ARENA_FUZZ_SEED` replays a run (each run prints
//! its seed).
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use reports::files::{self, FileError};
use reports::gate::{GateRun, Profile};
use reports::merge::Inputs;
use reports::protocol::{GateAnswer, GateCommand, Reply, Request, receive};

/// One reader: reads `path`, which holds the input; `Err` is its error as
/// the user would see it.
type Read = fn(&Path) -> Result<(), String>;

fn text(e: FileError) -> String {
    e.to_string()
}

/// A report built from one input file of a kind, as `arena report` would.
fn report(path: &Path, put: fn(&mut Inputs, PathBuf)) -> Result<(), String> {
    let mut inputs = Inputs::default();
    put(&mut inputs, path.to_owned());
    let report = reports::merge::build(&inputs).map_err(|e| e.to_string())?;
    reports::markdown::render_report(&report);
    reports::terminal::render_report(&report);
    Ok(())
}

const READERS: &[(&str, &str, Read)] = &[
    ("results", "results.json", |p| {
        files::read_results(p).map_err(text)?;
        report(p, |i, p| i.results.push(p))
    }),
    ("cell", "arena.json", |p| files::read_cell_file(p).map(drop).map_err(text)),
    ("conformance", "conformance.json", |p| {
        files::read_conformance(p).map_err(text)?;
        report(p, |i, p| i.conformance.push(p))
    }),
    ("memory", "memory.json", |p| {
        files::read_memory(p).map_err(text)?;
        report(p, |i, p| i.memory.push(p))
    }),
    ("scaling", "scaling.json", |p| {
        files::read_scaling(p).map_err(text)?;
        report(p, |i, p| i.scaling.push(p))
    }),
    ("overhead", "overhead.json", |p| {
        files::read_overhead(p).map_err(text)?;
        report(p, |i, p| i.overhead.push(p))
    }),
    ("gate", "gate.json", |p| {
        let run = files::read::<GateRun>(p).map_err(text)?;
        reports::gate::markdown(&run);
        reports::gate::benchmark_points(&run);
        Ok(())
    }),
    ("selftest", "selftest.json", |p| {
        let tally = files::read::<reports::gate::selftest::Selftest>(p).map_err(text)?;
        reports::gate::selftest::markdown(&tally);
        Ok(())
    }),
    ("estimates", "estimates.json", |p| files::read_estimate_in(p.parent().unwrap(), 200).map(drop).map_err(text)),
    ("sample", "sample.json", |p| files::read_samples_in(p.parent().unwrap()).map(drop).map_err(text)),
    ("protocol", "lines.txt", |p| {
        let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
        // A line is refused when it is none of the four kinds of message.
        let mut refused = None;
        for line in text.lines() {
            let errors: Vec<String> = [
                receive::<Request>(line).err().map(|e| e.to_string()),
                receive::<Reply>(line).err().map(|e| e.to_string()),
                GateCommand::from_str(line).err().map(|e| e.to_string()),
                GateAnswer::from_str(line).err().map(|e| e.to_string()),
            ]
            .into_iter()
            .flatten()
            .collect();
            assert!(errors.iter().all(|e| !e.contains('\n')), "a protocol error of more than one line: {errors:?}");
            if errors.len() == 4 {
                refused.get_or_insert(errors[0].clone());
            }
        }
        refused.map_or(Ok(()), Err)
    }),
    ("callgrind", "dump", |p| {
        let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
        let profile = Profile::from_dump(&text, 3).map_err(|e| e.to_string())?;
        reports::gate::callgrind::explain(&profile, &Profile::default(), 10);
        Ok(())
    }),
    ("lockfile", "Cargo.lock", |p| {
        let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
        scripts::cargo_lock::locked_version(&text, "anes")
            .map(drop)
            .ok_or_else(|| "--crate anes: not in Cargo.lock".to_owned())
    }),
];

/// The seeds of one reader.
fn seeds(reader: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(reader);
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Bytes the mutator writes: the ones JSON, numbers and the line formats turn on.
const INTERESTING: &[u8] = b"{}[]\",:-+.0123456789eE\n\\ \0\xff";

/// Values a JSON node is replaced by.
fn odd_value(rng: &mut fastrand::Rng) -> serde_json::Value {
    use serde_json::{Value, json};
    match rng.u8(..12) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(-1),
        3 => json!(u64::MAX),
        4 => json!(i64::MIN),
        5 => json!(1e308),
        6 => json!(0.0),
        7 => json!(""),
        8 => json!("NaN"),
        9 => json!([]),
        10 => json!({}),
        _ => {
            let mut v = json!(0);
            for _ in 0..rng.usize(1..64) {
                v = json!([v]);
            }
            v
        }
    }
}

/// A node of `node` picked at random (by walking down), replaced or removed.
fn mutate_json(node: &mut serde_json::Value, rng: &mut fastrand::Rng) {
    use serde_json::Value;
    let descend = rng.u8(..4) != 0;
    match node {
        Value::Object(map) if !map.is_empty() && descend => {
            let key = map.keys().nth(rng.usize(..map.len())).unwrap().clone();
            if rng.u8(..6) == 0 {
                map.remove(&key);
            } else {
                mutate_json(map.get_mut(&key).unwrap(), rng);
            }
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let i = rng.usize(..items.len());
            if rng.u8(..6) == 0 {
                items.remove(i);
            } else {
                mutate_json(&mut items[i], rng);
            }
        }
        _ if rng.bool() => *node = odd_value(rng),
        _ => same_kind(node, rng),
    }
}

/// `node` replaced by an odd value of its own kind, which gets past the
/// types to the code that uses the values.
fn same_kind(node: &mut serde_json::Value, rng: &mut fastrand::Rng) {
    use serde_json::{Value, json};
    *node = match &*node {
        Value::Number(_) => {
            [json!(0), json!(-1), json!(1), json!(u64::MAX), json!(-1e308), json!(1e308), json!(1e-300), json!(0.5)]
                [rng.usize(..8)]
            .clone()
        }
        Value::String(_) => {
            let odd = ["", "\n", "x\ny", "0", "-", "ping_pong", "tokio-ct", "ok", "wall", "é\u{202e}", "NaN"];
            json!(odd[rng.usize(..odd.len())].repeat(rng.usize(1..4)))
        }
        Value::Bool(b) => json!(!b),
        Value::Array(items) => {
            let mut items = items.clone();
            match rng.u8(..3) {
                0 => items.clear(),
                1 if !items.is_empty() => items.extend(items.clone()),
                _ => rng.shuffle(&mut items),
            }
            Value::Array(items)
        }
        Value::Null | Value::Object(_) => odd_value(rng),
    };
}

/// One mutation of `input`; `others` are the reader's seeds to splice from.
fn mutate(input: &mut Vec<u8>, others: &[Vec<u8>], rng: &mut fastrand::Rng) {
    let len = input.len();
    let at = |rng: &mut fastrand::Rng| rng.usize(..=len);
    match rng.u8(..8) {
        0 if len > 0 => input[rng.usize(..len)] ^= 1 << rng.u8(..8),
        1 if len > 0 => input[rng.usize(..len)] = INTERESTING[rng.usize(..INTERESTING.len())],
        2 => {
            let (a, b) = (at(rng), at(rng));
            input.drain(a.min(b)..a.max(b).min(a.min(b) + 64));
        }
        3 => {
            let (a, b) = (at(rng), at(rng));
            let piece = input[a.min(b)..a.max(b).min(a.min(b) + 64)].to_vec();
            let to = at(rng);
            input.splice(to..to, piece);
        }
        4 => input.truncate(at(rng)),
        5 => {
            let other = &others[rng.usize(..others.len())];
            let from = rng.usize(..=other.len());
            let piece = &other[from..other.len().min(from + rng.usize(1..256))];
            let to = at(rng);
            input.splice(to..to, piece.iter().copied());
        }
        6 => {
            // A whole line dropped or doubled (the line formats: protocol, dumps, lockfiles).
            let text = String::from_utf8_lossy(input).into_owned();
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let i = rng.usize(..lines.len());
                if rng.bool() {
                    lines.remove(i);
                } else {
                    lines.insert(i, lines[i]);
                }
            }
            *input = lines.join("\n").into_bytes();
        }
        _ => input.push(INTERESTING[rng.usize(..INTERESTING.len())]),
    }
}

/// One input from `seed`: half of them valid JSON with odd values where a
/// seed is JSON (what gets past the parser to the code behind it), the rest
/// mutated byte by byte.
fn input(seed: &[u8], others: &[Vec<u8>], rng: &mut fastrand::Rng) -> Vec<u8> {
    let mutations = rng.usize(1..=4);
    if rng.bool()
        && let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(seed)
    {
        for _ in 0..mutations {
            mutate_json(&mut v, rng);
        }
        return serde_json::to_vec(&v).unwrap();
    }
    let mut input = seed.to_vec();
    for _ in 0..mutations {
        mutate(&mut input, others, rng);
    }
    input
}

/// What one reader did with `inputs` mutated inputs.
struct Tally {
    reader: &'static str,
    inputs: usize,
    refused: usize,
    seconds: f64,
}

fn fuzz(reader: &'static str, file: &str, read: Read, inputs: usize, seed: u64, dir: &Path) -> Tally {
    let seeds = seeds(reader);
    let path = dir.join(reader).join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed);
    let start = Instant::now();
    let mut refused = 0;
    for i in 0..inputs {
        let input = input(&seeds[i % seeds.len()], &seeds, &mut rng);
        std::fs::write(&path, &input).unwrap();
        match catch_unwind(AssertUnwindSafe(|| read(&path))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                assert!(!e.contains('\n'), "{reader}: an error of more than one line (seed {seed}, input {i}):\n{e}");
                refused += 1;
            }
            Err(_) => {
                let kept = dir.join(format!("{reader}-panic"));
                std::fs::write(&kept, &input).unwrap();
                panic!("{reader} panicked on input {i} of seed {seed} (kept in {})", kept.display());
            }
        }
    }
    Tally { reader, inputs, refused, seconds: start.elapsed().as_secs_f64() }
}

#[test]
fn every_reader_survives_mutated_inputs() {
    let inputs = std::env::var("ARENA_FUZZ_INPUTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let seed = std::env::var("ARENA_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| fastrand::u64(..));
    let dir = tempfile::tempdir().unwrap();
    // The seeds themselves are read without error.
    for &(reader, file, read) in READERS {
        for (i, seed) in seeds(reader).into_iter().enumerate() {
            let path = dir.path().join(format!("seed-{reader}-{i}")).join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, seed).unwrap();
            read(&path).unwrap_or_else(|e| panic!("{reader}: seed {i} is refused: {e}"));
        }
    }
    println!("seed {seed}, {inputs} inputs a reader");
    let start = Instant::now();
    for (n, &(reader, file, read)) in READERS.iter().enumerate() {
        let t = fuzz(reader, file, read, inputs, seed.wrapping_add(n as u64), dir.path());
        println!("{:12} {} inputs, {} refused, {:.1} s", t.reader, t.inputs, t.refused, t.seconds);
    }
    println!("{} inputs in {:.1} s", inputs * READERS.len(), start.elapsed().as_secs_f64());
}
