//! The report's tables as plain rows of text, built once and rendered twice:
//! as terminal tables ([`crate::terminal`]) and as GitHub Markdown
//! ([`crate::markdown`]).
use crate::model::{Machine, ReportCell};
use crate::schema::{ConformanceCell, Layer, Outcome, OverheadPair, Status};

/// `12.3 ns`, `4.56 µs`, `7.89 ms`, `1.23 s`.
pub fn duration(ns: f64) -> String {
    let (value, unit) = match ns {
        n if n < 1e3 => (n, "ns"),
        n if n < 1e6 => (n / 1e3, "µs"),
        n if n < 1e9 => (n / 1e6, "ms"),
        n => (n / 1e9, "s"),
    };
    format!("{value:.3} {unit}").replacen(".000 ", " ", 1)
}

/// A table: a title, a header and rows of text; `emphasis[i][j]` marks the
/// fastest cell of a row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Table {
    /// What the table shows, one line.
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Rows, as long as the header.
    pub rows: Vec<Vec<String>>,
    /// Which cells to emphasise, row by row.
    pub emphasis: Vec<Vec<bool>>,
    /// Columns to right-align.
    pub right: Vec<usize>,
}

impl Table {
    fn new(title: &str, header: Vec<String>) -> Self {
        Table { title: title.to_owned(), header, rows: Vec::new(), emphasis: Vec::new(), right: Vec::new() }
    }

    fn push(&mut self, row: Vec<String>) {
        self.emphasis.push(vec![false; row.len()]);
        self.rows.push(row);
    }
}

/// A time per item and its ratio to the fastest: `269 ns ×1.34`.
pub fn per_item_text(ns: f64, relative: Option<f64>) -> String {
    match relative {
        Some(r) => format!("{} ×{r:.2}", duration(ns)),
        None => duration(ns),
    }
}

/// A skipped cell in short: the reason's first word (`n/a`, `capped`).
pub fn skipped_text(why: &str) -> &str {
    why.split(':').next().unwrap_or("skipped")
}

/// How one cell reads in a table: `269 ns ×1.00`, `n/a`, `capped`, `FAILED`.
pub fn cell_text(c: &ReportCell) -> String {
    match (&c.cell.status, &c.cell.estimate) {
        (Status::Measured, Some(e)) => per_item_text(e.per_item_ns, c.relative),
        (Status::Measured, None) => "not measured".to_owned(),
        (Status::Skipped(why), _) => skipped_text(why).to_owned(),
        (Status::Failed(_), _) => "FAILED".to_owned(),
    }
}

/// Every workload × size (rows) on every runtime (columns): time per item
/// and its ratio to the fastest in the row.
pub fn cells(m: &Machine) -> Table {
    let mut header = vec!["workload".to_owned(), "size".to_owned()];
    header.extend(m.runtimes.iter().cloned());
    let title = "time per item (criterion mean) and ×ratio to the fastest runtime in the row";
    let mut t = Table::new(title, header);
    t.right = (1..2 + m.runtimes.len()).collect();
    let mut rows: Vec<(&str, u64)> = Vec::new();
    for c in &m.cells {
        if !rows.contains(&(c.cell.workload.as_str(), c.cell.size)) {
            rows.push((&c.cell.workload, c.cell.size));
        }
    }
    for (w, s) in rows {
        let mut row = vec![w.to_owned(), s.to_string()];
        let mut marks = vec![false, false];
        for r in &m.runtimes {
            let c = m.cells.iter().find(|c| c.cell.workload == w && c.cell.size == s && c.cell.runtime == *r);
            row.push(c.map_or_else(|| "not measured".to_owned(), cell_text));
            marks.push(c.and_then(|c| c.relative).is_some_and(|r| r == 1.0));
        }
        t.rows.push(row);
        t.emphasis.push(marks);
    }
    t
}

/// Latency percentiles, one table per kind of sample (timer lateness, echo
/// round trips…) in the order first met; empty when nothing recorded any.
pub fn latency(m: &Machine) -> Vec<Table> {
    let header = ["workload", "size", "runtime", "samples", "p50", "p90", "p99", "p99.9", "max"];
    let mut tables: Vec<Table> = Vec::new();
    for (c, l) in m.cells.iter().filter_map(|c| Some((c, c.cell.latency.as_ref()?))) {
        let at = match tables.iter().position(|t| t.title == l.what) {
            Some(at) => at,
            None => {
                let mut t = Table::new(&l.what, header.map(String::from).into());
                t.right = (1..header.len()).collect();
                tables.push(t);
                tables.len() - 1
            }
        };
        let mut row = vec![c.cell.workload.clone(), c.cell.size.to_string(), c.cell.runtime.clone()];
        row.push(l.samples.to_string());
        row.extend([l.p50_ns, l.p90_ns, l.p99_ns, l.p999_ns, l.max_ns].map(|v| duration(v as f64)));
        tables[at].push(row);
    }
    tables
}

/// The adapter against each runtime's native twins, where measured.
pub fn overhead(m: &Machine) -> Option<Table> {
    let o = m.overhead.as_ref()?;
    let mut t = overhead_table(o.tolerance_pct, &o.pairs);
    t.title = format!("adapter overhead ({}, {})", o.path, o.date);
    Some(t)
}

/// Overhead pairs, untitled: the median ratio `native / adapter`, its
/// interval and the verdict at `tolerance_pct`, in words.
pub fn overhead_table(tolerance_pct: f64, pairs: &[OverheadPair]) -> Table {
    let header = ["runtime", "workload", "size", "rounds", "native/adapter (median)", "95 % interval", "verdict"];
    let mut t = Table::new("", header.map(String::from).into());
    t.right = vec![2, 3, 4];
    for p in pairs {
        let verdict = match p.verdict.as_str() {
            "within" => format!("within {tolerance_pct}%"),
            "over" => format!("adapter costs > {tolerance_pct}%"),
            "faster" => "adapter faster".to_owned(),
            "inconclusive" => "inconclusive (noise)".to_owned(),
            other => other.to_owned(),
        };
        t.push(vec![
            p.runtime.clone(),
            p.workload.clone(),
            p.size.to_string(),
            p.rounds.to_string(),
            format!("{:.4}", p.median_ratio),
            format!("{:.4} .. {:.4}", p.interval[0], p.interval[1]),
            verdict,
        ]);
    }
    t
}

/// One conformance layer of a machine: checks or probes (rows) × runtimes.
pub fn conformance(m: &Machine, layer: Layer) -> Option<Table> {
    let conf = m.conformance.as_ref()?;
    let title = match layer {
        Layer::Contract => "conformance: the contract every runtime must keep",
        Layer::Profile => "conformance: the behaviour profile (where runtimes legitimately differ)",
    };
    let mut t = conformance_table(&conf.runtimes, &conf.cells, layer)?;
    t.title = format!("{title} ({}, {})", conf.path, conf.date);
    Some(t)
}

/// One conformance layer, untitled: checks or probes (rows, in the order
/// first seen) × `runtimes`. A probe that changed reads `CHANGED: saw X,
/// expected Y`; `None` when the layer has no cell.
pub fn conformance_table(runtimes: &[String], cells: &[ConformanceCell], layer: Layer) -> Option<Table> {
    let cells: Vec<_> = cells.iter().filter(|c| c.layer == layer).collect();
    if cells.is_empty() {
        return None;
    }
    let first = match layer {
        Layer::Contract => "check",
        Layer::Profile => "probe",
    };
    let mut header = vec![first.to_owned()];
    header.extend(runtimes.iter().cloned());
    let mut t = Table::new("", header);
    for check in crate::merge::first_seen(cells.iter().map(|c| c.check.as_str())) {
        let mut row = vec![check.clone()];
        for r in runtimes {
            let c = cells.iter().find(|c| c.check == check && c.runtime == *r);
            row.push(c.map_or_else(|| "not run".to_owned(), |c| conformance_text(c)));
        }
        t.push(row);
    }
    Some(t)
}

/// How a conformance cell reads: `ok`, the observed outcome, or what went wrong.
pub fn conformance_text(c: &ConformanceCell) -> String {
    match (c.layer, c.outcome, &c.observed) {
        (Layer::Profile, Outcome::Ok, Some(seen)) => seen.clone(),
        (_, Outcome::Ok, _) => "ok".to_owned(),
        (_, Outcome::Unavailable, _) => c.detail.clone().unwrap_or_else(|| "unavailable".to_owned()),
        // A probe that changed, hung or died: what it saw against the profile.
        (Layer::Profile, _, Some(seen)) => {
            format!("CHANGED: saw {seen}, expected {}", c.expected.as_deref().unwrap_or("nothing"))
        }
        // The detail says it in full: `broken: …`, `hang after …`, `aborted: …`.
        (_, outcome, _) => c.detail.clone().unwrap_or_else(|| format!("{outcome:?}").to_lowercase()),
    }
}

/// Every conformance cell that is a finding (not `ok`, not a runtime that
/// could not start here): `<check> on <runtime>: <what>`.
pub fn conformance_failures(m: &Machine) -> Vec<String> {
    let cells = m.conformance.iter().flat_map(|c| &c.cells);
    cells
        .filter(|c| c.outcome.is_failure())
        .map(|c| format!("{} on {}: {}", c.check, c.runtime, conformance_text(c)))
        .collect()
}

/// Every cell that was not measured, and why: `<id>: <reason>`.
pub fn not_measured(m: &Machine) -> Vec<String> {
    let mut out: Vec<String> = m
        .cells
        .iter()
        .filter_map(|c| match &c.cell.status {
            Status::Failed(why) => Some(format!("FAILED {}: {why}", c.cell.id())),
            Status::Skipped(why) => Some(format!("{}: {why}", c.cell.id())),
            Status::Measured => None,
        })
        .collect();
    for row in &m.matrix {
        for e in row.entries.iter().filter(|e| e.state == "not measured") {
            let why = e.note.as_deref().unwrap_or("no data");
            out.push(format!("{}/{}/{}: not measured ({why})", row.workload, e.runtime, row.size));
        }
    }
    out
}

/// Workloads whose time per item grows with size on some runtime.
pub fn growth(m: &Machine) -> Vec<String> {
    m.growth
        .iter()
        .filter(|g| g.super_linear)
        .map(|g| {
            format!(
                "{} on {}: time per item grows ×{:.2} from the smallest to the largest size (slope {:.2})",
                g.workload, g.runtime, g.ratio, g.slope
            )
        })
        .collect()
}

/// One line about the machine: host, CPU, cores, kernel, rustc, profile.
pub fn machine_line(m: &Machine) -> String {
    let e = &m.environment;
    format!(
        "{}: {}, {} cores, kernel {}, {}, {} profile (opt-level {})",
        m.label, e.cpu, e.cores, e.kernel, e.rustc, e.profile.name, e.profile.opt_level
    )
}

/// Runtime crate versions, `name version, …`.
pub fn crates_line(m: &Machine) -> String {
    m.environment.crates.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}
