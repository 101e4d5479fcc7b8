//! `index.html`: the report as one self-contained page. The layout is a
//! minijinja template (`templates/index.html`, HTML auto-escaped), the charts
//! are plotters SVG ([`crate::chart`]), CSS and a little JavaScript are
//! inlined: no network, works from `file://`.
use std::fmt;

use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

use crate::chart::{self, Chart};
use crate::model::{Machine, Matrix, MatrixEntry, MatrixRow, Report};
use crate::schema::Layer;
use crate::text::{self, Table, duration};

const TEMPLATE: &str = include_str!("../templates/index.html");
const CSS: &str = include_str!("../templates/report.css");
const JS: &str = include_str!("../templates/report.js");

/// The page could not be rendered (a bug in the template or a chart).
#[derive(Debug)]
pub struct RenderError(String);

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rendering index.html: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

#[derive(Serialize)]
struct Page<'a> {
    report: &'a Report,
    machines: Vec<MachineView>,
    css: &'static str,
    js: &'static str,
}

#[derive(Serialize)]
struct MachineView {
    id: String,
    label: String,
    environment: Vec<(String, String)>,
    legend: Vec<Key>,
    /// The tie margin, percent.
    tie_within: String,
    /// What the marks on a side-by-side chart's labels mean.
    tie_marks: &'static str,
    matrices: Vec<MatrixView>,
    workloads: Vec<WorkloadView>,
    growth: Vec<String>,
    latency: Vec<Table>,
    memory: Vec<Table>,
    scaling: Option<Table>,
    scaling_growth: Vec<String>,
    overhead: Option<Table>,
    contract: Option<Table>,
    profile: Option<Table>,
    conformance_failures: Vec<String>,
    not_measured: Vec<String>,
    file_stand_ins: Vec<String>,
}

#[derive(Serialize)]
struct Key {
    name: String,
    colour: String,
}

/// One core count's matrix.
#[derive(Serialize)]
struct MatrixView {
    /// `1 core`, `2 cores`, `cores not held equal`.
    label: String,
    /// What the mode means, one sentence.
    mode: String,
    /// Whether cells are ranked (not for cells from before cores were held equal).
    ranked: bool,
    /// The runtimes with a column, with their legend colours.
    columns: Vec<Key>,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct RowView {
    workload: String,
    size: u64,
    unit: String,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct CellView {
    state: String,
    /// Wall time per item, or the state in short (`n/a`, `FAILED`).
    text: String,
    /// The ratio to the fastest (`×1.38`), on a line of its own so that
    /// twelve runtimes fit a laptop's width.
    ratio: Option<String>,
    /// CPU time per item, where recorded.
    cpu: Option<String>,
    /// The seam's price on this runtime and workload, where measurable.
    adapter: Option<String>,
    title: String,
    background: Option<String>,
    /// The background when coloured by CPU time.
    cpu_background: Option<String>,
    /// Ratio to the fastest, for sorting; empty when not measured.
    rel: String,
    /// CPU time ratio to the least, for sorting by CPU time.
    cpu_rel: String,
    /// Tied with the fastest (wall time), and with the least CPU time.
    tied: bool,
    cpu_tied: bool,
}

#[derive(Serialize)]
struct WorkloadView {
    name: String,
    summary: Option<String>,
    page: Option<String>,
    /// The charts of each core count the workload was measured on.
    charts: Vec<ChartsView>,
    /// criterion's per-benchmark pages: (`runtime/size`, link).
    pages: Vec<(String, String)>,
}

/// A workload's charts on one core count.
#[derive(Serialize)]
struct ChartsView {
    label: String,
    /// Time per item: a size sweep, or the runtimes side by side.
    per_item: Option<ChartView>,
    latency: Option<ChartView>,
}

#[derive(Serialize)]
struct ChartView {
    kind: &'static str,
    svg: String,
    series: Vec<String>,
}

impl From<Chart> for ChartView {
    fn from(c: Chart) -> Self {
        ChartView { kind: c.kind, svg: c.svg, series: c.series }
    }
}

/// Green at the fastest, through yellow, to red at ten times slower and beyond.
fn background(relative: f64) -> String {
    let t = (relative.max(1.0).ln() / 10f64.ln()).min(1.0);
    format!("hsl({:.0}, 70%, 82%)", 120.0 * (1.0 - t))
}

fn cell_view(m: &Machine, row: &MatrixRow, cores: Option<u64>, e: &MatrixEntry) -> CellView {
    let (workload, size, unit) = (&row.workload, row.size, &row.unit);
    let on = cores.map(|n| format!(" on {}", text::cores_text(n))).unwrap_or_default();
    let what = format!("{} on {workload} at {size} {unit}{on}", e.runtime);
    let state = e.state.replace(' ', "-");
    let r = e.ranks;
    match e.per_item_ns {
        Some([mean, lo, hi]) => {
            let cell = m.cells.iter().find(|c| {
                (&c.cell.workload, &c.cell.runtime, c.cell.size, c.cell.cores) == (workload, &e.runtime, size, cores)
            });
            let mut title =
                format!("{what}: {} per item (95 % CI {} – {})", duration(mean), duration(lo), duration(hi));
            if let Some(rel) = r.relative {
                title.push_str(&format!(", ×{rel:.2} the fastest{}", if r.tied { ", tied with it" } else { "" }));
            }
            if let Some([cpu, lo, hi]) = e.cpu_per_item_ns {
                title.push_str(&format!(
                    "; CPU time {} per item (95 % CI {} – {})",
                    duration(cpu),
                    duration(lo),
                    duration(hi)
                ));
            }
            if e.shards > 1 {
                title.push_str(&format!("; {} instances, one per core, each with a shard", e.shards));
            }
            if let Some(pct) = e.adapter_cost_pct {
                title.push_str(&format!(
                    "; through Arena's seam this runtime takes {pct:.0} % longer than through its own API \
                     (arena overhead), included in this time"
                ));
            }
            if let Some(c) = cell {
                if let Some(est) = c.cell.estimate {
                    title.push_str(&format!(
                        "; one run: mean {}, median {}",
                        duration(est.mean_ns),
                        duration(est.median_ns)
                    ));
                }
                if let Some(s) = c.samples {
                    title.push_str(&format!(
                        "; {} samples from {} to {}",
                        s.count,
                        duration(s.min_ns),
                        duration(s.max_ns)
                    ));
                }
                if let Some(run) = m.runs.get(c.run) {
                    title.push_str(&format!("; from {} ({})", run.path, run.date));
                }
            }
            let number = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x}"));
            CellView {
                state,
                text: duration(mean),
                ratio: r.relative.map(|rel| format!("×{rel:.2}")),
                cpu: e.cpu_per_item_ns.map(|[cpu, _, _]| format!("cpu {}", duration(cpu))),
                adapter: e.adapter_cost_pct.map(text::adapter_cost_text),
                title,
                background: r.relative.map(background),
                cpu_background: r.cpu_relative.map(background),
                rel: number(r.relative),
                cpu_rel: number(r.cpu_relative),
                tied: r.tied,
                cpu_tied: r.cpu_tied,
            }
        }
        None => {
            let note = e.note.clone().unwrap_or_default();
            let text = match e.state.as_str() {
                "skipped" => text::skipped_text(&note).to_owned(),
                "failed" => "FAILED".to_owned(),
                other => other.to_owned(),
            };
            CellView {
                state,
                text,
                ratio: None,
                cpu: None,
                adapter: None,
                title: format!("{what}: {}: {note}", e.state),
                background: None,
                cpu_background: None,
                rel: String::new(),
                cpu_rel: String::new(),
                tied: false,
                cpu_tied: false,
            }
        }
    }
}

fn matrix_view(m: &Machine, matrix: &Matrix, legend: &[Key]) -> MatrixView {
    let shown: Vec<usize> = (0..m.runtimes.len())
        .filter(|&i| matrix.rows.iter().any(|row| row.entries.get(i).is_some_and(|e| e.state != "not measured")))
        .collect();
    let rows = matrix
        .rows
        .iter()
        .map(|row| RowView {
            workload: row.workload.clone(),
            size: row.size,
            unit: row.unit.clone(),
            cells: shown.iter().map(|&i| cell_view(m, row, matrix.cores, &row.entries[i])).collect(),
        })
        .collect();
    MatrixView {
        label: matrix.cores.map_or_else(|| "cores not held equal".to_owned(), text::cores_text),
        mode: matrix.mode(),
        ranked: matrix.cores.is_some(),
        columns: shown
            .iter()
            .map(|&i| Key { name: legend[i].name.clone(), colour: legend[i].colour.clone() })
            .collect(),
        rows,
    }
}

fn machine_view(report: &Report, index: usize, m: &Machine) -> Result<MachineView, RenderError> {
    let e = &m.environment;
    let mut environment = vec![
        ("CPU".to_owned(), e.cpu.clone()),
        ("cores".to_owned(), e.cores.to_string()),
        ("kernel".to_owned(), e.kernel.clone()),
        ("rustc".to_owned(), e.rustc.clone()),
        (
            "profile".to_owned(),
            format!(
                "{} (opt-level {}, debug assertions {})",
                e.profile.name, e.profile.opt_level, e.profile.debug_assertions
            ),
        ),
        ("crates".to_owned(), text::crates_line(m)),
        ("host".to_owned(), e.host.clone().unwrap_or_else(|| "not recorded".to_owned())),
        ("git".to_owned(), e.git.clone().unwrap_or_else(|| "not recorded".to_owned())),
    ];
    for run in &m.runs {
        let settings = run.settings.as_ref().map_or(String::new(), |s| {
            let cores = match (s.cores.as_slice(), s.legacy_workers) {
                ([], Some(w)) => format!("{w} workers (cores not held equal)"),
                (cores, _) => cores.iter().map(|&n| text::cores_text(n)).collect::<Vec<_>>().join(" and "),
            };
            format!(
                "; {cores}, criterion {} ms warm-up, {} ms measurement, {} samples",
                s.warm_up_ms, s.measurement_ms, s.sample_size
            )
        });
        environment
            .push((format!("{} run", run.kind), format!("{} — {}, `{}`{settings}", run.path, run.date, run.command)));
    }
    let legend: Vec<Key> =
        m.runtimes.iter().enumerate().map(|(i, r)| Key { name: r.clone(), colour: chart::css_colour(i) }).collect();
    let matrices = m.matrices.iter().map(|matrix| matrix_view(m, matrix, &legend)).collect();
    let chart_error = |e: chart::ChartError| RenderError(e.to_string());
    let mut names: Vec<&MatrixRow> = Vec::new();
    for row in m.matrices.iter().flat_map(|x| &x.rows) {
        if !names.iter().any(|n| n.workload == row.workload) {
            names.push(row);
        }
    }
    let workloads = names
        .iter()
        .map(|row| {
            let summary = report.workloads.iter().find(|w| w.name == row.workload).map(|w| w.summary.clone());
            let pages = m
                .cells
                .iter()
                .filter(|c| c.cell.workload == row.workload)
                .filter_map(|c| {
                    Some((c.cell.label().replacen(&format!("{}/", c.cell.workload), "", 1), c.criterion_page.clone()?))
                })
                .collect();
            let charts = m
                .matrices
                .iter()
                .filter_map(|x| Some((x.cores, x.rows.iter().find(|r| r.workload == row.workload)?)))
                .map(|(cores, at)| {
                    Ok(ChartsView {
                        label: cores.map_or_else(|| "cores not held equal".to_owned(), text::cores_text),
                        per_item: chart::per_item(m, &at.workload, at.size, cores)
                            .map_err(chart_error)?
                            .map(ChartView::from),
                        latency: chart::latency(m, &at.workload, at.size, cores)
                            .map_err(chart_error)?
                            .map(ChartView::from),
                    })
                })
                .collect::<Result<_, RenderError>>()?;
            Ok(WorkloadView { name: row.workload.clone(), summary, page: row.criterion_page.clone(), charts, pages })
        })
        .collect::<Result<_, RenderError>>()?;
    Ok(MachineView {
        id: format!("m{}", index + 1),
        label: m.label.clone(),
        environment,
        legend,
        tie_within: format!("{:.0}", m.tie_within * 100.0),
        tie_marks: chart::TIE_MARKS,
        matrices,
        workloads,
        growth: text::growth(m),
        latency: text::latency(m),
        memory: text::memory(m),
        scaling: text::scaling(m),
        scaling_growth: text::scaling_growth(m),
        overhead: text::overhead(m),
        contract: text::conformance(m, Layer::Contract),
        profile: text::conformance(m, Layer::Profile),
        conformance_failures: text::conformance_failures(m),
        not_measured: text::not_measured(m),
        file_stand_ins: text::file_stand_ins(m),
    })
}

/// Renders the page.
pub fn render_report(report: &Report) -> Result<String, RenderError> {
    let machines =
        report.machines.iter().enumerate().map(|(i, m)| machine_view(report, i, m)).collect::<Result<_, _>>()?;
    let page = Page { report, machines, css: CSS, js: JS };
    let mut env = Environment::new();
    env.add_template("index.html", TEMPLATE).map_err(|e| RenderError(format!("{e:#}")))?;
    let template = env.get_template("index.html").map_err(|e| RenderError(format!("{e:#}")))?;
    template.render(Serde(&page)).map_err(|e| RenderError(format!("{e:#}")))
}
