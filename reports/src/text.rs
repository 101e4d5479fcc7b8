//! The report's tables as plain rows of text, built once and rendered twice:
//! as terminal tables ([`crate::terminal`]) and as GitHub Markdown
//! ([`crate::markdown`]).
use crate::model::{Machine, ReportCell};
use crate::schema::{ConformanceCell, Layer, MemoryCell, Outcome, OverheadPair, Status};

/// `s` on one line: control characters (a newline in a quoted value, say)
/// written as escapes, so an error message stays the one line it promises.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// `12.3 ns`, `4.56 µs`, `789 ms`, `1.23 s`: three significant figures,
/// as far as any of Arena's intervals can be trusted.
pub fn duration(ns: f64) -> String {
    let (value, unit) = match ns {
        n if n < 1e3 => (n, "ns"),
        n if n < 1e6 => (n / 1e3, "µs"),
        n if n < 1e9 => (n / 1e6, "ms"),
        n => (n / 1e9, "s"),
    };
    match value {
        v if v >= 99.95 => format!("{v:.0} {unit}"),
        v if v >= 9.995 => format!("{v:.1} {unit}"),
        v => format!("{v:.2} {unit}"),
    }
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

/// How one cell reads in a table: wall time per item and its ratio, then
/// CPU time per item on a second line (`269 ns ×1.34` / `cpu 301 ns`), and
/// where the seam costs the runtime measurably, that price on a third
/// (`adapter +39 %`); or `n/a`, `capped`, `FAILED`.
pub fn cell_text(c: &ReportCell) -> String {
    match (&c.cell.status, &c.cell.estimate) {
        (Status::Measured, Some(e)) => {
            let mut text = per_item_text(e.per_item_ns, c.ranks.relative);
            if let Some(cpu) = c.cell.cpu {
                text.push_str(&format!("\ncpu {}", duration(cpu.per_item_ns)));
            }
            if let Some(pct) = c.adapter_cost_pct {
                text.push_str(&format!("\n{}", adapter_cost_text(pct)));
            }
            text
        }
        (Status::Measured, None) => "not measured".to_owned(),
        (Status::Skipped(why), _) => skipped_text(why).to_owned(),
        (Status::Failed(_), _) => "FAILED".to_owned(),
    }
}

/// The seam's price in a cell: `adapter +39 %`.
pub fn adapter_cost_text(pct: f64) -> String {
    format!("adapter +{pct:.0} %")
}

/// `1 core`, `2 cores`.
pub fn cores_text(n: u64) -> String {
    if n == 1 { "1 core".to_owned() } else { format!("{n} cores") }
}

/// One table per core count (one core first): every workload × size (rows)
/// on every runtime (columns), time per item, its ratio to the fastest in
/// the row and CPU time per item; every runtime tied with the fastest is
/// marked.
pub fn cells(m: &Machine) -> Vec<Table> {
    let mut counts: Vec<Option<u64>> = m.cells.iter().map(|c| c.cell.cores).collect();
    counts.dedup();
    counts.into_iter().map(|cores| cells_on(m, cores)).collect()
}

fn cells_on(m: &Machine, cores: Option<u64>) -> Table {
    let of: Vec<&ReportCell> = m.cells.iter().filter(|c| c.cell.cores == cores).collect();
    let runtimes: Vec<&String> = m.runtimes.iter().filter(|r| of.iter().any(|c| c.cell.runtime == **r)).collect();
    let mut header = vec!["workload".to_owned(), "size".to_owned()];
    header.extend(runtimes.iter().map(|r| (*r).clone()));
    let ranked = if cores.is_some() {
        format!(
            " Time per item (criterion mean), ×ratio to the fastest, CPU time per item; marked: every runtime \
             tied with the fastest (intervals overlap, or within {:.0} %).",
            m.tie_within * 100.0
        )
    } else {
        " Time per item (criterion mean), CPU time per item where recorded.".to_owned()
    };
    let priced = if of.iter().any(|c| c.adapter_cost_pct.is_some()) {
        " adapter +N %: through Arena's seam the runtime takes N % longer than through its own API (arena \
         overhead), included in the time."
    } else {
        ""
    };
    let mut t = Table::new(&format!("{}{ranked}{priced}", crate::model::mode(cores)), header);
    t.right = (1..2 + runtimes.len()).collect();
    let mut rows: Vec<(&str, u64)> = Vec::new();
    for c in &of {
        if !rows.contains(&(c.cell.workload.as_str(), c.cell.size)) {
            rows.push((&c.cell.workload, c.cell.size));
        }
    }
    for (w, s) in rows {
        let mut row = vec![w.to_owned(), s.to_string()];
        let mut marks = vec![false, false];
        for r in &runtimes {
            let c = of.iter().find(|c| c.cell.workload == w && c.cell.size == s && c.cell.runtime == **r);
            row.push(c.map_or_else(|| "not measured".to_owned(), |c| cell_text(c)));
            marks.push(c.is_some_and(|c| c.ranks.tied));
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

/// `512 B`, `1.5 KiB`, `2.25 MiB`, `1.1 GiB`.
pub fn bytes(b: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = b;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{value:.0} B") } else { format!("{value:.2} {}", UNITS[unit]) }
}

/// Heap use per item where measured: two workload × runtime matrices
/// (allocations, then bytes with what a run kept) and the spawn storm's
/// resident set. The fewest allocations and bytes of a row are emphasised.
pub fn memory(m: &Machine) -> Vec<Table> {
    let Some(mem) = m.memory.as_ref() else { return Vec::new() };
    let runtimes = crate::merge::first_seen(mem.cells.iter().map(|c| c.runtime.as_str()));
    let workloads = crate::merge::first_seen(mem.cells.iter().map(|c| c.workload.as_str()));
    let header = |first: &str| {
        let mut h = vec![first.to_owned(), "per".to_owned()];
        h.extend(runtimes.iter().cloned());
        h
    };
    let on = mem.cores.map_or_else(|| "cores not held equal".to_owned(), cores_text);
    let source = format!("{on}; {}, {}", mem.path, mem.date);
    let mut allocations = Table::new(&format!("heap allocations per item ({source})"), header("workload"));
    let mut bytes_table = Table::new(
        &format!("heap bytes per item, and (kept: …) what was still allocated after the run ({source})"),
        header("workload"),
    );
    allocations.right = (2..runtimes.len() + 2).collect();
    bytes_table.right = allocations.right.clone();
    for w in &workloads {
        let cells: Vec<Option<&MemoryCell>> =
            runtimes.iter().map(|r| mem.cells.iter().find(|c| &c.workload == w && &c.runtime == r)).collect();
        let unit = cells.iter().flatten().next().map(|c| c.unit.trim_end_matches('s').to_owned()).unwrap_or_default();
        let row = |value: &dyn Fn(&MemoryCell) -> Option<String>| {
            let mut row = vec![w.clone(), unit.clone()];
            row.extend(cells.iter().map(|c| match c {
                None => "-".to_owned(),
                Some(c) => value(c).unwrap_or_else(|| skipped_text(c.note.as_deref().unwrap_or("-")).to_owned()),
            }));
            row
        };
        allocations.push(row(&|c| c.allocations_per_item.map(|a| format!("{a:.2}"))));
        bytes_table.push(row(&|c| {
            let b = c.bytes_per_item?;
            Some(match c.retained_per_item.filter(|r| *r >= 1.0) {
                Some(r) => format!("{} (kept: {})", bytes(b), bytes(r)),
                None => bytes(b),
            })
        }));
        for (table, value) in [
            (&mut allocations, cells.iter().map(|c| c.and_then(|c| c.allocations_per_item)).collect::<Vec<_>>()),
            (&mut bytes_table, cells.iter().map(|c| c.and_then(|c| c.bytes_per_item)).collect()),
        ] {
            let least = value.iter().flatten().copied().fold(f64::INFINITY, f64::min);
            let marks = table.emphasis.last_mut().expect("a row was just pushed");
            for (j, v) in value.iter().enumerate() {
                marks[j + 2] = v.is_some_and(|v| v <= least + 0.005);
            }
        }
    }
    let mut tables = vec![allocations, bytes_table];
    if !mem.storm.is_empty() {
        let header = ["runtime", "tasks", "peak RSS before", "peak RSS after", "growth per task"];
        let mut t = Table::new(
            &format!("spawn storm: peak resident set of a fresh process around one spawn_join ({source})"),
            header.map(String::from).into(),
        );
        t.right = vec![1, 2, 3, 4];
        for c in &mem.storm {
            let mut row = vec![c.runtime.clone(), c.tasks.to_string()];
            match (c.before_bytes, c.peak_bytes) {
                (Some(before), Some(peak)) => row.extend([
                    bytes(before as f64),
                    bytes(peak as f64),
                    bytes(peak.saturating_sub(before) as f64 / c.tasks.max(1) as f64),
                ]),
                _ => row.extend([c.note.clone().unwrap_or_default(), String::new(), String::new()]),
            }
            t.push(row);
        }
        tables.push(t);
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

/// Every runtime whose file cells went through something other than a file
/// API of its own, and what: `<runtime>: <what stood in>`.
pub fn file_stand_ins(m: &Machine) -> Vec<String> {
    let stand_ins = m.cells.iter().filter_map(|c| Some((&c.cell.runtime, c.cell.files.as_ref().filter(|f| !f.own)?)));
    let mut out: Vec<String> = stand_ins.map(|(runtime, f)| format!("{runtime}: {}", f.api)).collect();
    out.sort();
    out.dedup();
    out
}

/// Every cell that was not measured, and why: `<id>: <reason>`.
pub fn not_measured(m: &Machine) -> Vec<String> {
    let mut out: Vec<String> = m
        .cells
        .iter()
        .filter_map(|c| match &c.cell.status {
            Status::Failed(why) => Some(format!("FAILED {}: {why}", c.cell.label())),
            Status::Skipped(why) => Some(format!("{}: {why}", c.cell.label())),
            Status::Measured => None,
        })
        .collect();
    for matrix in &m.matrices {
        let on = matrix.cores.map(|n| format!(" on {}", cores_text(n))).unwrap_or_default();
        for row in &matrix.rows {
            for e in row.entries.iter().filter(|e| e.state == "not measured") {
                let why = e.note.as_deref().unwrap_or("no data");
                out.push(format!("{}/{}/{}{on}: not measured ({why})", row.workload, e.runtime, row.size));
            }
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
            let on = g.cores.map(|n| format!(" on {}", cores_text(n))).unwrap_or_default();
            format!(
                "{} on {}{on}: time per item grows ×{:.2} from the smallest to the largest size (slope {:.2})",
                g.workload, g.runtime, g.ratio, g.slope
            )
        })
        .collect()
}

/// The core sweep, where measured: time per item on each core count (CPU
/// time per item beneath it) and the most cores' time over the fewest's.
pub fn scaling(m: &Machine) -> Option<Table> {
    let sc = m.scaling.as_ref()?;
    let mut header = vec!["workload".to_owned(), "size".to_owned(), "runtime".to_owned()];
    header.extend(sc.cores.iter().map(|&n| cores_text(n)));
    header.push("most / fewest".to_owned());
    let title = format!(
        "core scaling: time per item (and CPU time per item) with every runtime given 1, 2, … cores, \
         as in the matrices ({}, {})",
        sc.path, sc.date
    );
    let mut t = Table::new(&title, header);
    t.right = (1..sc.cores.len() + 4).filter(|&i| i != 2).collect();
    for r in &sc.rows {
        let mut row = vec![r.workload.clone(), r.size.to_string(), r.runtime.clone()];
        let points = r.per_item_ns.iter().zip(&r.cpu_per_item_ns).zip(&r.notes);
        row.extend(points.map(|((ns, cpu), note)| match (ns, cpu, note) {
            (Some(ns), Some(cpu), _) => format!("{}\ncpu {}", duration(*ns), duration(*cpu)),
            (Some(ns), None, _) => duration(*ns),
            (None, _, Some(why)) => skipped_text(why).to_owned(),
            (None, _, None) => "-".to_owned(),
        }));
        row.push(r.ratio.map(|x| format!("×{x:.2}")).unwrap_or_default());
        t.push(row);
        if r.grows {
            let marks = t.emphasis.last_mut().expect("a row was just pushed");
            *marks.last_mut().expect("a ratio column") = true;
        }
    }
    Some(t)
}

/// The sweep's rows whose time per item grew with cores, in words.
pub fn scaling_growth(m: &Machine) -> Vec<String> {
    let Some(sc) = m.scaling.as_ref() else { return Vec::new() };
    let (fewest, most) = (sc.cores.first().copied().unwrap_or(1), sc.cores.last().copied().unwrap_or(1));
    sc.rows
        .iter()
        .filter(|r| r.grows)
        .map(|r| {
            format!(
                "{} on {} at {}: time per item ×{:.2} from {} to {}",
                r.workload,
                r.runtime,
                r.size,
                r.ratio.unwrap_or(f64::NAN),
                cores_text(fewest),
                cores_text(most)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_with_control_characters_stays_on_one_line() {
        assert_eq!(one_line("plain: unchanged"), "plain: unchanged");
        assert_eq!(one_line("unknown variant `\n`, expected `ok`"), "unknown variant `\\n`, expected `ok`");
        assert_eq!(one_line("a\r\tb\u{1b}"), "a\\r\\tb\\u{1b}");
    }
}
