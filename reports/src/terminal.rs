//! The report as terminal tables (critcmp-like): per machine, every workload
//! × size on every runtime, then latency, overhead, conformance, what was
//! not measured, and the inputs' problems.
use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment};

use crate::model::Report;
use crate::schema::Layer;
use crate::text::{self, Table};

/// One table for a terminal, under its title (if any).
pub fn table(t: &Table) -> String {
    let mut out = comfy_table::Table::new();
    out.load_preset(UTF8_FULL_CONDENSED).set_header(t.header.clone());
    for (row, marks) in t.rows.iter().zip(&t.emphasis) {
        out.add_row(row.iter().zip(marks).enumerate().map(|(i, (text, &mark))| {
            // The mark goes after the first line (a cell's main number).
            let marked = || match text.split_once('\n') {
                Some((first, rest)) => format!("{first} *\n{rest}"),
                None => format!("{text} *"),
            };
            let cell = Cell::new(if mark { marked() } else { text.clone() });
            if t.right.contains(&i) { cell.set_alignment(CellAlignment::Right) } else { cell }
        }));
    }
    if t.title.is_empty() { format!("{out}\n") } else { format!("{}\n{out}\n", t.title) }
}

fn list(out: &mut String, title: &str, lines: &[String]) {
    if !lines.is_empty() {
        let _ = writeln!(out, "{title}");
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
    }
}

/// The whole report as text for a terminal.
pub fn render_report(report: &Report) -> String {
    let mut out = String::new();
    for m in &report.machines {
        let _ = writeln!(out, "machine {}", text::machine_line(m));
        for t in text::cells(m) {
            out.push_str(&table(&t));
        }
        let single = [text::scaling(m), text::overhead(m)];
        for t in text::latency(m).iter().chain(&text::memory(m)).chain(single.iter().flatten()) {
            out.push_str(&table(t));
        }
        // The profile is wide: the terminal gets its size and what is not as expected.
        for t in [Layer::Contract, Layer::Profile].into_iter().filter_map(|l| text::conformance(m, l)) {
            let _ = writeln!(out, "{}: {} rows × {} runtimes", t.title, t.rows.len(), t.header.len() - 1);
        }
        if m.conformance.is_some() {
            match text::conformance_failures(m) {
                bad if bad.is_empty() => out.push_str("conformance: every check ok, every probe as expected\n"),
                bad => list(&mut out, "conformance NOT OK:", &bad),
            }
        }
        list(&mut out, "super-linear growth:", &text::growth(m));
        list(&mut out, "slower with more cores:", &text::scaling_growth(m));
        list(&mut out, "not measured:", &text::not_measured(m));
        list(&mut out, "files without a file API of the runtime's own:", &text::file_stand_ins(m));
    }
    list(&mut out, "problems with the inputs:", &report.problems);
    out
}
