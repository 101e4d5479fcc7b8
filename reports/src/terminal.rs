//! The report as terminal tables (critcmp-like): per machine, every workload
//! × size on every runtime, then latency, overhead, conformance, what was
//! not measured, and the inputs' problems.
use std::fmt::Write;
use std::io::IsTerminal;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment};

use crate::model::Report;
use crate::schema::Layer;
use crate::text::{self, Table};

/// Whether output may be coloured: `NO_COLOR` unset or empty (no-color.org).
/// Whether the stream is a terminal is the caller's to ask.
pub fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One table for a terminal, under its title (if any); marked cells also in
/// bold when stdout is a terminal and colour is allowed.
pub fn table(t: &Table) -> String {
    styled_table(t, std::io::stdout().is_terminal() && colour_allowed())
}

/// [`table`], in bold where marked only if `bold`.
pub fn styled_table(t: &Table, bold: bool) -> String {
    let mut out = comfy_table::Table::new();
    out.load_preset(UTF8_FULL_CONDENSED).set_header(t.header.clone());
    if bold {
        out.enforce_styling();
    } else {
        out.force_no_tty();
    }
    for (row, marks) in t.rows.iter().zip(&t.emphasis) {
        out.add_row(row.iter().zip(marks).enumerate().map(|(i, (text, &mark))| {
            // The mark goes after the first line (a cell's main number).
            let marked = || match text.split_once('\n') {
                Some((first, rest)) => format!("{first} *\n{rest}"),
                None => format!("{text} *"),
            };
            let cell = Cell::new(if mark { marked() } else { text.clone() });
            let cell = if mark && bold { cell.add_attribute(Attribute::Bold) } else { cell };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_cells_are_bold_only_when_asked_and_starred_always() {
        let t = Table {
            title: String::new(),
            header: vec!["runtime".into(), "time".into()],
            rows: vec![vec!["tokio-ct".into(), "1.0 µs".into()], vec!["smol".into(), "2.0 µs".into()]],
            emphasis: vec![vec![false, true], vec![false, false]],
            right: vec![1],
        };
        let plain = styled_table(&t, false);
        assert!(plain.contains("1.0 µs *") && !plain.contains('\x1b'), "{plain}");
        let bold = styled_table(&t, true);
        assert!(bold.contains("\x1b[1m") && bold.contains("1.0 µs *"), "{bold}");
        assert!(!bold.contains("\x1b[1m2.0"), "only the marked cell: {bold}");
    }
}
