//! Where a cell's instructions went: callgrind's dumps read into per-function
//! costs, and base and head set side by side, as `callgrind_annotate` would
//! list them (self and inclusive).
//!
//! A dump is callgrind's text format (valgrind's manual, "Callgrind Format
//! Specification"): `fn=` starts a function's cost lines, `calls=` says the
//! next cost line is a call's inclusive cost (charged to the caller's
//! inclusive cost, not its own), names may be compressed to `(id)` after
//! their first use, and each cost line is the `positions:` (one or two) and
//! then the costs of the `events:` in order (missing ones are zero). Only the
//! `Ir` event is read. A function is known by its name alone, over every
//! object and file. A function's inclusive cost is its own plus its calls to
//! other functions; a direct call to itself adds nothing (callgrind already
//! charged that cost to it), deeper recursion counts twice, as in
//! `callgrind_annotate --inclusive=yes`.
use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a dump could not be read: its line and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpError {
    /// 1-based line of the dump (0: the dump as a whole).
    pub line: usize,
    /// What was wrong.
    pub what: String,
}

impl fmt::Display for DumpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = crate::text::one_line(&self.what);
        match self.line {
            0 => write!(f, "callgrind dump: {what}"),
            n => write!(f, "callgrind dump, line {n}: {what}"),
        }
    }
}

impl std::error::Error for DumpError {}

/// One function's instructions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// In the function's own code.
    pub own: u64,
    /// In it and everything it called.
    pub inclusive: u64,
}

/// Instructions per function over some batches of one build.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// Runs of the workload the batches held.
    pub runs: u64,
    /// Every instruction counted (the dumps' `summary:`).
    pub total: u64,
    /// By function name.
    pub functions: HashMap<String, Cost>,
}

impl Profile {
    /// Reads one dump of a batch of `runs` runs.
    pub fn from_dump(text: &str, runs: u64) -> Result<Profile, DumpError> {
        Reader::default().read(text, runs)
    }

    /// Adds another batch's profile to this one.
    pub fn add(&mut self, other: &Profile) {
        self.runs += other.runs;
        self.total += other.total;
        for (name, cost) in &other.functions {
            let c = self.functions.entry(name.clone()).or_default();
            c.own += cost.own;
            c.inclusive += cost.inclusive;
        }
    }

    fn per_run(&self, name: &str) -> (f64, f64) {
        let c = self.functions.get(name).copied().unwrap_or_default();
        let runs = self.runs.max(1) as f64;
        (c.own as f64 / runs, c.inclusive as f64 / runs)
    }
}

/// One function's instructions per run in base and head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionChange {
    /// As callgrind names it (demangled).
    pub function: String,
    /// Base's own instructions per run.
    pub base_own: f64,
    /// Head's own instructions per run.
    pub head_own: f64,
    /// Base's inclusive instructions per run.
    pub base_inclusive: f64,
    /// Head's inclusive instructions per run.
    pub head_inclusive: f64,
}

/// The functions whose instructions per run moved most from base to head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Base's and head's instructions per run, all told.
    pub base_total: f64,
    /// Head's.
    pub head_total: f64,
    /// Largest moves of a function's own instructions first.
    pub by_own: Vec<FunctionChange>,
    /// Largest moves of inclusive instructions first; functions that hold
    /// the whole batch (to a thousandth) in each build that has them (the
    /// measured region, its callers, `block_on`) are left out: their move is
    /// the cell's.
    pub by_inclusive: Vec<FunctionChange>,
}

/// The `top` functions whose own and whose inclusive instructions per run
/// moved most between `base` and `head` (functions that did not move are
/// never listed).
pub fn explain(base: &Profile, head: &Profile, top: usize) -> Explanation {
    let mut names: Vec<&String> = base.functions.keys().chain(head.functions.keys()).collect();
    names.sort();
    names.dedup();
    let changes: Vec<FunctionChange> = names
        .into_iter()
        .map(|name| {
            let (base_own, base_inclusive) = base.per_run(name);
            let (head_own, head_inclusive) = head.per_run(name);
            FunctionChange { function: name.clone(), base_own, head_own, base_inclusive, head_inclusive }
        })
        .collect();
    // Holds (all but a thousandth of) the whole batch, or is not there (a
    // caller renamed between builds).
    let whole =
        |p: &Profile, name: &str| p.functions.get(name).is_none_or(|c| c.inclusive as f64 >= 0.999 * p.total as f64);
    let pick = |moved: &dyn Fn(&FunctionChange) -> f64, skip: &dyn Fn(&FunctionChange) -> bool| {
        let mut list: Vec<FunctionChange> = changes.iter().filter(|c| moved(c) != 0.0 && !skip(c)).cloned().collect();
        list.sort_by(|a, b| moved(b).abs().total_cmp(&moved(a).abs()).then_with(|| a.function.cmp(&b.function)));
        list.truncate(top);
        list
    };
    let runs = |p: &Profile| p.runs.max(1) as f64;
    Explanation {
        base_total: base.total as f64 / runs(base),
        head_total: head.total as f64 / runs(head),
        by_own: pick(&|c| c.head_own - c.base_own, &|_| false),
        by_inclusive: pick(&|c| c.head_inclusive - c.base_inclusive, &|c| {
            whole(base, &c.function) && whole(head, &c.function)
        }),
    }
}

/// The reader's state through one dump.
#[derive(Default)]
struct Reader {
    /// `(id)` → name, for function names (`fn=`, `cfn=`).
    names: HashMap<String, String>,
    positions: usize,
    ir: Option<usize>,
    current: Option<String>,
    callee: Option<String>,
    /// The next cost line is a call's (after `calls=`).
    call: bool,
}

impl Reader {
    fn read(mut self, text: &str, runs: u64) -> Result<Profile, DumpError> {
        self.positions = 1;
        let mut profile = Profile { runs, ..Profile::default() };
        let mut summary = None;
        for (i, line) in text.lines().enumerate() {
            let err = |what: String| DumpError { line: i + 1, what };
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let first = line.as_bytes()[0];
            if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'*') {
                let ir = self.cost(line).map_err(err)?;
                let Some(current) = &self.current else {
                    return Err(err("a cost line before any fn=".into()));
                };
                let callee = self.callee.take();
                let entry = profile.functions.entry(current.clone()).or_default();
                let add = |a: u64| a.checked_add(ir).ok_or_else(|| err("the costs overflow".into()));
                if std::mem::take(&mut self.call) {
                    if callee.as_deref() != Some(current.as_str()) {
                        entry.inclusive = add(entry.inclusive)?;
                    }
                } else {
                    entry.own = add(entry.own)?;
                    entry.inclusive = add(entry.inclusive)?;
                }
                continue;
            }
            let Some((key, value)) = line.split_once(['=', ':']) else {
                return Err(err(format!("'{}' is neither a cost line nor a key", clip(line))));
            };
            match key {
                "fn" => {
                    self.current = Some(self.name(value).map_err(err)?);
                    self.callee = None;
                    self.call = false;
                }
                "cfn" => self.callee = Some(self.name(value).map_err(err)?),
                "calls" => {
                    if self.current.is_none() {
                        return Err(err("calls= before any fn=".into()));
                    }
                    self.call = true;
                }
                "positions" => {
                    self.positions = value.split_whitespace().count();
                    if !(1..=2).contains(&self.positions) {
                        return Err(err(format!("positions '{}': one or two expected", value.trim())));
                    }
                }
                "events" => self.ir = value.split_whitespace().position(|e| e == "Ir"),
                "summary" => {
                    let v = value.trim();
                    summary = Some(v.parse::<u64>().map_err(|_| err(format!("summary '{}' is not a count", clip(v))))?);
                }
                // Headers, objects and files, and sub-call jumps: nothing to count.
                _ => {}
            }
        }
        let Some(total) = summary else {
            return Err(DumpError { line: 0, what: "no 'summary:' line".into() });
        };
        if self.ir.is_none() {
            return Err(DumpError { line: 0, what: "no Ir event in 'events:'".into() });
        }
        profile.total = total;
        Ok(profile)
    }

    /// The Ir cost on a cost line.
    fn cost(&self, line: &str) -> Result<u64, String> {
        let Some(ir) = self.ir else { return Err("a cost line before 'events:' names Ir".into()) };
        let mut fields = line.split_whitespace();
        for _ in 0..self.positions {
            let p = fields.next().ok_or("a cost line without its positions")?;
            let digits = p.strip_prefix(['+', '-']).unwrap_or(p);
            let ok = p == "*"
                || match digits.strip_prefix("0x") {
                    Some(hex) => !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                    None => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                };
            if !ok {
                return Err(format!("position '{}' is not a number", clip(p)));
            }
        }
        match fields.nth(ir) {
            None => Ok(0),
            Some(v) => v.parse::<u64>().map_err(|_| format!("cost '{}' is not a count", clip(v))),
        }
    }

    /// A name after `fn=` or `cfn=`: `(id) name` defines `id`, `(id)` uses it.
    fn name(&mut self, value: &str) -> Result<String, String> {
        let value = value.trim();
        let Some(rest) = value.strip_prefix('(') else { return Ok(value.to_owned()) };
        let Some((id, name)) = rest.split_once(')') else {
            return Err(format!("'{}' opens a name id it does not close", clip(value)));
        };
        let name = name.trim();
        if name.is_empty() {
            return self
                .names
                .get(id)
                .cloned()
                .ok_or_else(|| format!("name id ({}) used before it is defined", clip(id)));
        }
        self.names.insert(id.to_owned(), name.to_owned());
        Ok(name.to_owned())
    }
}

/// At most 40 characters of `s`, for an error message.
fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dump as callgrind writes one after the measured region: the callers
    /// above it hold the whole batch; `step` runs inside it and calls `poll`
    /// twice, and itself once.
    fn dump(region_own: u64, step_own: u64, poll_own: u64) -> String {
        let region = step_own + poll_own + region_own;
        format!(
            "# callgrind format\nversion: 1\npositions: line\nevents: Ir\nsummary: {region}\n\n\
             ob=(1) /bin/arena\nfl=(1) ???\nfn=(1) main\ncfn=(2) arena_gate_measured_region\ncalls=1 0\n0 {region}\n\n\
             fn=(2)\n0 {region_own}\ncfn=(3) step\ncalls=1 0\n0 {}\n\n\
             fn=(3)\n0 {}\n+2 {}\ncfn=(4) poll\ncalls=2 0\n0 {poll_own}\ncfn=(3)\ncalls=1 0\n*  1\n\n\
             fn=(4)\n0 {poll_own}\n",
            step_own + poll_own,
            step_own - 1,
            1,
        )
    }

    #[test]
    fn a_dump_reads_as_own_and_inclusive_costs() {
        let p = Profile::from_dump(&dump(5, 100, 40), 4).unwrap();
        assert_eq!((p.runs, p.total), (4, 145));
        assert_eq!(p.functions["main"], Cost { own: 0, inclusive: 145 });
        assert_eq!(p.functions["arena_gate_measured_region"], Cost { own: 5, inclusive: 145 });
        // The call to itself adds nothing to its inclusive cost.
        assert_eq!(p.functions["step"], Cost { own: 100, inclusive: 140 });
        assert_eq!(p.functions["poll"], Cost { own: 40, inclusive: 40 });
    }

    #[test]
    fn the_functions_that_moved_most_come_first() {
        let mut base = Profile::from_dump(&dump(5, 100, 40), 1).unwrap();
        base.add(&Profile::from_dump(&dump(5, 100, 40), 1).unwrap());
        // Head: poll does 10 more per run, step 3 fewer, the region the same; over four runs.
        let mut head = Profile::from_dump(&dump(10, 194, 100), 2).unwrap();
        head.add(&Profile::from_dump(&dump(10, 194, 100), 2).unwrap());
        let e = explain(&base, &head, 10);
        assert_eq!((e.base_total, e.head_total), (145.0, 152.0));
        let own: Vec<_> = e.by_own.iter().map(|c| (c.function.as_str(), c.head_own - c.base_own)).collect();
        assert_eq!(own, [("poll", 10.0), ("step", -3.0)]);
        // main and the region hold the whole batch in both: left out.
        let inclusive: Vec<_> =
            e.by_inclusive.iter().map(|c| (c.function.as_str(), c.head_inclusive - c.base_inclusive)).collect();
        assert_eq!(inclusive, [("poll", 10.0), ("step", 7.0)]);
        assert_eq!(explain(&base, &head, 1).by_own.len(), 1);
        assert!(explain(&base, &base, 10).by_own.is_empty(), "nothing moved, nothing listed");
    }

    #[test]
    fn two_positions_and_missing_events_read() {
        let text = "positions: instr line\nevents: Dr Ir\nsummary: 7\nfn=f\n0x10 3 1 7\n+4 -1 2\n";
        let p = Profile::from_dump(text, 1).unwrap();
        assert_eq!(p.functions["f"], Cost { own: 7, inclusive: 7 }, "a missing Ir is zero");
    }

    #[test]
    fn a_bad_dump_is_one_line_naming_where() {
        let cases = [
            ("events: Ir\nsummary: 1\n0 1\n", "callgrind dump, line 3: a cost line before any fn="),
            ("events: Ir\nsummary: 1\nfn=(7)\n", "callgrind dump, line 3: name id (7) used before it is defined"),
            ("events: Ir\nsummary: x\n", "callgrind dump, line 2: summary 'x' is not a count"),
            ("events: Ir\nfn=f\n0 1\n", "callgrind dump: no 'summary:' line"),
            ("summary: 1\nfn=f\n0 1\n", "callgrind dump, line 3: a cost line before 'events:' names Ir"),
            ("events: Ir\nsummary: 1\nfn=f\nx1 2\n", "callgrind dump, line 4: 'x1 2' is neither a cost line nor a key"),
            ("events: Ir\nsummary: 1\nfn=f\n1x 2\n", "callgrind dump, line 4: position '1x' is not a number"),
            ("events: Ir\nsummary: 1\nfn=f\n+ 2\n", "callgrind dump, line 4: position '+' is not a number"),
            ("events: Ir\nsummary: 1\nfn=f\n1 -2\n", "callgrind dump, line 4: cost '-2' is not a count"),
            (
                "events: Ir\nsummary: 1\nfn=f\n0 18446744073709551615\n0 1\n",
                "callgrind dump, line 5: the costs overflow",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Profile::from_dump(text, 1).unwrap_err().to_string(), want, "{text:?}");
        }
    }
}
