//! Terminal tables: the listing (runtimes, workloads, contract checks,
//! behaviour probes), and a run's results (cost per item per
//! runtime, timer lateness, and what did not run).
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell as TCell, CellAlignment, Table};
use reports::schema::{Cell, Results, Status};
use runners::harness;

fn table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    t
}

pub fn print_list() {
    let mut t = table(["runtime", "what it runs", "limits"].map(String::from).to_vec());
    for r in harness::runtimes() {
        let mut limits = Vec::new();
        if let Some(cap) = r.max_tasks {
            limits.push(format!("at most {cap} tasks"));
        }
        if let Some(why) = r.no_remote_spawn {
            limits.push(format!("no outside spawns ({why})"));
        }
        t.add_row(vec![r.id.to_owned(), r.summary.to_owned(), limits.join("; ")]);
    }
    println!("{t}");
    let mut t =
        table(["workload", "family", "size counts", "quick", "bench sizes", "what it does"].map(String::from).to_vec());
    for w in harness::workloads() {
        let bench = w.sizes.bench.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
        let summary = match w.twin_of {
            Some(of) => format!("native twin of {of}: the runtime's own spawn/join, no adapter"),
            None => w.summary.to_owned(),
        };
        t.add_row(vec![
            w.name.to_owned(),
            w.family.to_owned(),
            w.unit.to_owned(),
            w.sizes.quick.to_string(),
            bench,
            summary,
        ]);
    }
    println!("{t}");
    let mut t = table(["contract check", "what every runtime must do"].map(String::from).to_vec());
    for c in runners::conformance::checks() {
        t.add_row(vec![c.name, c.claim]);
    }
    println!("{t}");
    let mut t = table(["behaviour probe", "what it asks, and its outcomes"].map(String::from).to_vec());
    for p in runners::conformance::probes() {
        t.add_row(vec![p.name, p.question]);
    }
    println!("{t}");
}

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

fn short_status(cell: &Cell) -> String {
    match (&cell.status, &cell.estimate) {
        (Status::Measured, Some(e)) => duration(e.per_item_ns),
        (Status::Measured, None) => "not measured".to_owned(),
        (Status::Skipped(why), _) => why.split(':').next().unwrap_or("skipped").to_owned(),
        (Status::Failed(_), _) => "FAILED".to_owned(),
    }
}

pub fn print_results(results: &Results) {
    let mut runtimes: Vec<&str> = Vec::new();
    let mut rows: Vec<(&str, u64)> = Vec::new();
    for c in &results.cells {
        if !runtimes.contains(&c.runtime.as_str()) {
            runtimes.push(&c.runtime);
        }
        if !rows.contains(&(c.workload.as_str(), c.size)) {
            rows.push((&c.workload, c.size));
        }
    }
    let find =
        |w: &str, r: &str, s: u64| results.cells.iter().find(|c| c.workload == w && c.runtime == r && c.size == s);

    println!("time per item (criterion mean; * fastest in the row)");
    let mut header = vec!["workload".to_owned(), "size".to_owned()];
    header.extend(runtimes.iter().map(|r| r.to_string()));
    let mut t = table(header);
    for &(w, s) in &rows {
        let best = runtimes
            .iter()
            .filter_map(|r| find(w, r, s)?.estimate.map(|e| e.per_item_ns))
            .fold(f64::INFINITY, f64::min);
        let mut row = vec![TCell::new(w), TCell::new(s).set_alignment(CellAlignment::Right)];
        for r in &runtimes {
            let text = match find(w, r, s) {
                Some(c) => {
                    let star = c.estimate.is_some_and(|e| e.per_item_ns == best);
                    format!("{}{}", short_status(c), if star { " *" } else { "" })
                }
                None => "-".to_owned(),
            };
            row.push(TCell::new(text).set_alignment(CellAlignment::Right));
        }
        t.add_row(row);
    }
    println!("{t}");

    print_overhead(results);
    print_lateness(results, &runtimes);

    let notes: Vec<_> = results
        .cells
        .iter()
        .filter_map(|c| match &c.status {
            Status::Failed(why) => Some(format!("FAILED {}: {why}", c.id())),
            Status::Skipped(why) => Some(format!("{}: {why}", c.id())),
            Status::Measured => None,
        })
        .collect();
    if !notes.is_empty() {
        println!("not measured:");
        for n in notes {
            println!("  {n}");
        }
    }
}

/// The native twins are in the table, but cells measured seconds apart
/// differ by more than the adapter costs: point to the paired measurement.
fn print_overhead(results: &Results) {
    if results.cells.iter().any(|c| c.workload.ends_with("_native") && c.estimate.is_some()) {
        println!(
            "adapter overhead: the *_native rows are measured apart from their workloads, too far apart to \
             compare at 1 %; `arena overhead` measures it in paired rounds"
        );
    }
}

/// Timer lateness percentiles, where recorded.
fn print_lateness(results: &Results, runtimes: &[&str]) {
    let cells: Vec<_> = results.cells.iter().filter(|c| c.lateness.is_some()).collect();
    if cells.is_empty() {
        return;
    }
    println!("timer lateness (how long after its deadline a timer fired)");
    let mut t =
        table(["workload", "size", "runtime", "timers", "p50", "p99", "p99.9", "max"].map(String::from).to_vec());
    for r in runtimes {
        for c in cells.iter().filter(|c| c.runtime == *r) {
            let l = c.lateness.expect("filtered on lateness");
            let ns = |v: u64| duration(v as f64);
            t.add_row(vec![
                c.workload.clone(),
                c.size.to_string(),
                c.runtime.clone(),
                l.samples.to_string(),
                ns(l.p50_ns),
                ns(l.p99_ns),
                ns(l.p999_ns),
                ns(l.max_ns),
            ]);
        }
    }
    println!("{t}");
}
