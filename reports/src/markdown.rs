//! `summary.md`: the report as GitHub-flavoured Markdown, fit for a pull
//! request comment or a README. The same tables as the terminal, with the
//! fastest runtime of each row in bold and the full behaviour profile.
use std::fmt::Write;

use crate::model::Report;
use crate::schema::Layer;
use crate::text::{self, Table};

/// A Markdown table cell: pipes escaped, newlines folded.
fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown table cell that keeps its line breaks (`<br>`).
fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// One table as Markdown, under its title in bold (if any), then a blank line.
pub fn table(t: &Table) -> String {
    let mut out = String::new();
    if !t.title.is_empty() {
        let _ = writeln!(out, "**{}**\n", escape(&t.title));
    }
    let _ = writeln!(out, "| {} |", t.header.iter().map(|h| escape(h)).collect::<Vec<_>>().join(" | "));
    let align: Vec<&str> = (0..t.header.len()).map(|i| if t.right.contains(&i) { "--:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for (row, marks) in t.rows.iter().zip(&t.emphasis) {
        let cells: Vec<String> = row
            .iter()
            .zip(marks)
            .map(|(c, &m)| if m { format!("**{}**", escape_cell(c)) } else { escape_cell(c) })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
    out
}

fn list(out: &mut String, title: &str, lines: &[String]) {
    if !lines.is_empty() {
        let _ = writeln!(out, "{title}\n");
        for l in lines {
            let _ = writeln!(out, "- {}", escape(l));
        }
        out.push('\n');
    }
}

/// The whole report as Markdown.
pub fn render_report(report: &Report) -> String {
    let mut out = String::from("# Async Runtime Arena report\n\n");
    let _ = writeln!(out, "Built {} by `{}`.\n", report.generated, report.command);
    for m in &report.machines {
        let _ = writeln!(out, "## Machine {}\n", escape(&m.label));
        let _ = writeln!(out, "{}  ", escape(&text::machine_line(m)));
        let _ = writeln!(out, "crates: {}\n", escape(&text::crates_line(m)));
        for run in &m.runs {
            let _ = writeln!(out, "- {} `{}` ({}, {})", run.kind, escape(&run.path), run.date, escape(&run.command));
        }
        out.push('\n');
        for t in text::cells(m) {
            out.push_str(&table(&t));
        }
        let tables = [
            text::scaling(m),
            text::overhead(m),
            text::conformance(m, Layer::Contract),
            text::conformance(m, Layer::Profile),
        ];
        for t in text::latency(m).iter().chain(&text::memory(m)).chain(tables.iter().flatten()) {
            out.push_str(&table(t));
        }
        list(&mut out, "**Conformance: not ok**", &text::conformance_failures(m));
        list(&mut out, "**Super-linear growth**", &text::growth(m));
        list(&mut out, "**Slower with more cores**", &text::scaling_growth(m));
        list(&mut out, "**Not measured**", &text::not_measured(m));
        list(&mut out, "**Files without a file API of the runtime's own**", &text::file_stand_ins(m));
    }
    if !report.workloads.is_empty() {
        out.push_str("## Workloads\n\n");
        for w in &report.workloads {
            let _ = writeln!(out, "- `{}` ({}): {}", w.name, w.family, escape(&w.summary));
        }
        out.push('\n');
    }
    list(&mut out, "## Problems with the inputs", &report.problems);
    out
}
