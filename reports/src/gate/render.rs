//! The gate's outputs from a [`GateRun`]: the terminal table, the lines under
//! it, `gate.md` and github-action-benchmark's `customSmallerIsBetter` points.
use serde::{Deserialize, Serialize};

use super::callgrind::{Explanation, FunctionChange};
use super::run::{GateCell, GateRun};
use super::stats::{Interval, Verdict, pct};
use crate::text::Table;

fn cost(meter: &str, x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(x) if meter == "wall" => crate::text::duration(x),
        Some(x) => format!("{x:.0} instr"),
    }
}

/// The gate's table: one row per cell.
pub fn table(run: &GateRun) -> Table {
    let header =
        ["runtime", "workload", "size", "meter", "samples", "base", "head", "change (interval)", "A/A", "verdict"];
    let mut t = Table {
        title: format!(
            "Regression gate: {} (thresholds: instructions {:.2} %, wall {:.2} %; intervals family-wise {:.0} %)",
            run.verdict,
            run.threshold_instructions * 100.0,
            run.threshold_wall * 100.0,
            (1.0 - run.alpha) * 100.0
        ),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        emphasis: Vec::new(),
        right: vec![2, 4, 5, 6],
    };
    for c in &run.cells {
        let interval = |i: &Option<Interval>| match i {
            Some(i) => format!("{} [{}, {}]", pct(i.estimate), pct(i.lower), pct(i.upper)),
            None => "-".into(),
        };
        let verdict = match &c.note {
            Some(note) => format!("{}: {note}", c.verdict),
            None => c.verdict.to_string(),
        };
        let row = vec![
            c.runtime.clone(),
            c.workload.clone(),
            c.size.to_string(),
            c.meter.clone(),
            c.samples.to_string(),
            cost(&c.meter, c.base),
            cost(&c.meter, c.head),
            interval(&c.change),
            c.aa.map(|aa| format!("[{}, {}]", pct(aa.lower), pct(aa.upper))).unwrap_or_else(|| "-".into()),
            verdict,
        ];
        let flag = matches!(c.verdict, Verdict::Regressed | Verdict::Failed);
        let mut emphasis = vec![false; row.len()];
        emphasis[row.len() - 1] = flag;
        t.emphasis.push(emphasis);
        t.rows.push(row);
    }
    t
}

/// The lines printed under the table: builds and the instruction source.
pub fn summary_lines(run: &GateRun) -> Vec<String> {
    let mut lines: Vec<String> = run
        .builds
        .iter()
        .map(|b| match b.families.as_slice() {
            [] => format!("{}: {} ({})", b.role, b.what, b.binary),
            families => {
                let each: Vec<String> = families.iter().map(|f| format!("{}: {}", f.family, f.binary)).collect();
                format!("{}: {} (one binary per family, {})", b.role, b.what, each.join(", "))
            }
        })
        .collect();
    if let Some(units) = run.codegen_units {
        let s = if units == 1 { "" } else { "s" };
        lines.push(format!("built: release profile, {units} codegen unit{s} (--codegen-units)"));
    }
    lines.extend(run.controls.iter().cloned());
    lines.push(format!("instruction counts: {}", run.instructions));
    if let Some(inj) = &run.injected {
        lines.push(format!("injected slowdown: {:+.2} % of each head batch (self-test)", inj.target * 100.0));
        for (cell, units) in &inj.counted {
            lines.push(format!("  {cell}: {units} units at the start of each batch"));
        }
        for (cell, units) in &inj.units {
            lines.push(format!("  {cell}: {units}/256 units a poll"));
        }
        for (cell, burn) in &inj.per_batch {
            lines.push(format!("  {cell}: {burn}"));
        }
    }
    for c in &run.cells {
        let Some(e) = &c.functions else { continue };
        let moved: Vec<String> = e
            .by_own
            .iter()
            .take(3)
            .map(|f| format!("{} {:+.0}", clip(&f.function, 60), f.head_own - f.base_own))
            .collect();
        lines.push(format!(
            "{}/{} moved most in (own instructions per run): {}",
            c.runtime,
            c.workload,
            moved.join(", ")
        ));
    }
    lines.push(format!("verdict: {} (exit {})", run.verdict, run.verdict.exit_code()));
    lines
}

/// `name`, cut to `max` characters.
fn clip(name: &str, max: usize) -> String {
    match name.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &name[..i]),
        None => name.to_owned(),
    }
}

/// A changed cell's functions, as Markdown: own, then inclusive instructions per run.
fn explanation(c: &GateCell, e: &Explanation) -> String {
    let mut out = format!(
        "\n### Where {} {} (size {}) moved: {:.0} → {:.0} instructions per run\n",
        c.runtime, c.workload, c.size, e.base_total, e.head_total
    );
    let rows = |list: &[FunctionChange], own: bool| {
        let mut t = String::from("| function | base | head | change |\n|---|--:|--:|--:|\n");
        for f in list {
            let (b, h) = if own { (f.base_own, f.head_own) } else { (f.base_inclusive, f.head_inclusive) };
            t.push_str(&format!("| `{}` | {b:.1} | {h:.1} | {:+.1} |\n", clip(&f.function, 120), h - b));
        }
        t
    };
    out.push_str("\nOwn instructions (in the function's own code), largest moves first:\n\n");
    out.push_str(&rows(&e.by_own, true));
    out.push_str("\nInclusive (with everything it called; not the functions around the whole batch):\n\n");
    out.push_str(&rows(&e.by_inclusive, false));
    out
}

/// The run as Markdown, for a pull-request comment.
pub fn markdown(run: &GateRun) -> String {
    let mut out = crate::markdown::table(&table(run));
    out.push('\n');
    for line in summary_lines(run) {
        out.push_str(&format!("- {line}\n"));
    }
    for c in &run.cells {
        if let Some(e) = &c.functions {
            out.push_str(&explanation(c, e));
        }
    }
    out
}

/// One benchmark in the customSmallerIsBetter format of
/// github-action-benchmark (`benchmark-action/github-action-benchmark`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkPoint {
    /// `runtime/workload/size`.
    pub name: String,
    /// `instructions` or `ns`.
    pub unit: String,
    /// Head's median cost of one run.
    pub value: f64,
    /// Change against base, with its interval.
    pub extra: String,
}

/// Head's costs per run for github-action-benchmark (smaller is better).
pub fn benchmark_points(run: &GateRun) -> Vec<BenchmarkPoint> {
    run.cells
        .iter()
        .filter_map(|c| {
            let head = c.head? / c.iters.max(1) as f64;
            let unit = if c.meter == "wall" { "ns" } else { "instructions" };
            let extra = match c.change {
                Some(i) => format!("{} vs base [{}, {}]: {}", pct(i.estimate), pct(i.lower), pct(i.upper), c.verdict),
                None => c.verdict.to_string(),
            };
            Some(BenchmarkPoint {
                name: format!("{}/{}/{}", c.runtime, c.workload, c.size),
                unit: unit.into(),
                value: head,
                extra,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::run::tests::run;

    #[test]
    fn the_codegen_units_built_with_are_said() {
        let mut run = run(&[("tokio-ct", Verdict::Ok)]);
        assert!(!summary_lines(&run).iter().any(|l| l.contains("codegen")));
        let json = serde_json::to_string(&run).unwrap();
        assert!(!json.contains("codegen_units"), "none is not written: {json}");
        run.codegen_units = Some(1);
        assert!(summary_lines(&run).contains(&"built: release profile, 1 codegen unit (--codegen-units)".to_owned()));
        run.codegen_units = Some(16);
        assert!(summary_lines(&run).contains(&"built: release profile, 16 codegen units (--codegen-units)".to_owned()));
        let back: GateRun = serde_json::from_str(&serde_json::to_string(&run).unwrap()).unwrap();
        assert_eq!(back.codegen_units, Some(16));
    }

    #[test]
    fn a_changed_cell_says_which_functions_moved() {
        let mut run = run(&[("tokio-ct", Verdict::Regressed), ("smol-local", Verdict::Ok)]);
        let f = |name: &str, own: (f64, f64), inclusive: (f64, f64)| FunctionChange {
            function: name.into(),
            base_own: own.0,
            head_own: own.1,
            base_inclusive: inclusive.0,
            head_inclusive: inclusive.1,
        };
        run.cells[0].functions = Some(Explanation {
            base_total: 1000.0,
            head_total: 1030.0,
            by_own: vec![f("tokio::runtime::task::raw::poll", (100.0, 130.0), (400.0, 430.0))],
            by_inclusive: vec![f("tokio::runtime::task::raw::poll", (100.0, 130.0), (400.0, 430.0))],
        });
        let md = markdown(&run);
        assert!(md.contains("### Where tokio-ct ping_pong (size 10) moved: 1000 → 1030 instructions per run"), "{md}");
        assert!(md.contains("| `tokio::runtime::task::raw::poll` | 100.0 | 130.0 | +30.0 |"), "{md}");
        assert!(md.contains("| `tokio::runtime::task::raw::poll` | 400.0 | 430.0 | +30.0 |"), "{md}");
        assert_eq!(md.matches("### Where").count(), 1, "only the changed cell: {md}");
        let line = "tokio-ct/ping_pong moved most in (own instructions per run): tokio::runtime::task::raw::poll +30";
        assert!(summary_lines(&run).contains(&line.to_owned()));
        let back: GateRun = serde_json::from_str(&serde_json::to_string(&run).unwrap()).unwrap();
        assert_eq!(back, run);
    }
}
