//! `index.html`: the report as one self-contained page. The layout is a
//! minijinja template (`templates/index.html`, HTML auto-escaped), the charts
//! are plotters SVG ([`crate::chart`]), CSS and a little JavaScript are
//! inlined: no network, works from `file://`.
use std::fmt;

use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

use crate::chart::{self, Chart};
use crate::model::{Machine, MatrixEntry, Report};
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
    matrix: Vec<RowView>,
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
}

#[derive(Serialize)]
struct Key {
    name: String,
    colour: String,
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
    text: String,
    title: String,
    background: Option<String>,
    /// Ratio to the fastest, for sorting; empty when not measured.
    rel: String,
}

#[derive(Serialize)]
struct WorkloadView {
    name: String,
    summary: Option<String>,
    page: Option<String>,
    cost: Option<ChartView>,
    latency: Option<ChartView>,
    /// criterion's per-benchmark pages: (`runtime/size`, link).
    pages: Vec<(String, String)>,
}

#[derive(Serialize)]
struct ChartView {
    svg: String,
    series: Vec<String>,
}

impl From<Chart> for ChartView {
    fn from(c: Chart) -> Self {
        ChartView { svg: c.svg, series: c.series }
    }
}

/// Green at the fastest, through yellow, to red at ten times slower and beyond.
fn background(relative: f64) -> String {
    let t = (relative.max(1.0).ln() / 10f64.ln()).min(1.0);
    format!("hsl({:.0}, 70%, 82%)", 120.0 * (1.0 - t))
}

fn cell_view(m: &Machine, workload: &str, size: u64, unit: &str, e: &MatrixEntry) -> CellView {
    let what = format!("{} on {workload} at {size} {unit}", e.runtime);
    let state = e.state.replace(' ', "-");
    match (e.per_item_ns, e.relative) {
        (Some([mean, lo, hi]), rel) => {
            let cell = m
                .cells
                .iter()
                .find(|c| c.cell.workload == workload && c.cell.runtime == e.runtime && c.cell.size == size);
            let mut title =
                format!("{what}: {} per item (95 % CI {} – {})", duration(mean), duration(lo), duration(hi));
            if let Some(r) = rel {
                title.push_str(&format!(", ×{r:.2} the fastest"));
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
            CellView {
                state,
                text: text::per_item_text(mean, rel),
                title,
                background: rel.map(background),
                rel: rel.map_or(String::new(), |r| format!("{r}")),
            }
        }
        (None, _) => {
            let note = e.note.clone().unwrap_or_default();
            let text = match e.state.as_str() {
                "skipped" => text::skipped_text(&note).to_owned(),
                "failed" => "FAILED".to_owned(),
                other => other.to_owned(),
            };
            CellView {
                state,
                text,
                title: format!("{what}: {}: {note}", e.state),
                background: None,
                rel: String::new(),
            }
        }
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
            format!(
                "; {} workers, criterion {} ms warm-up, {} ms measurement, {} samples",
                s.workers, s.warm_up_ms, s.measurement_ms, s.sample_size
            )
        });
        environment
            .push((format!("{} run", run.kind), format!("{} — {}, `{}`{settings}", run.path, run.date, run.command)));
    }
    let legend: Vec<Key> =
        m.runtimes.iter().enumerate().map(|(i, r)| Key { name: r.clone(), colour: chart::css_colour(i) }).collect();
    let matrix = m
        .matrix
        .iter()
        .map(|row| RowView {
            workload: row.workload.clone(),
            size: row.size,
            unit: row.unit.clone(),
            cells: row.entries.iter().map(|e| cell_view(m, &row.workload, row.size, &row.unit, e)).collect(),
        })
        .collect();
    let chart_error = |e: chart::ChartError| RenderError(e.to_string());
    let workloads = m
        .matrix
        .iter()
        .map(|row| {
            let summary = report.workloads.iter().find(|w| w.name == row.workload).map(|w| w.summary.clone());
            let pages = m
                .cells
                .iter()
                .filter(|c| c.cell.workload == row.workload)
                .filter_map(|c| Some((format!("{}/{}", c.cell.runtime, c.cell.size), c.criterion_page.clone()?)))
                .collect();
            Ok(WorkloadView {
                name: row.workload.clone(),
                summary,
                page: row.criterion_page.clone(),
                cost: chart::cost(m, &row.workload).map_err(chart_error)?.map(ChartView::from),
                latency: chart::latency(m, &row.workload, row.size).map_err(chart_error)?.map(ChartView::from),
                pages,
            })
        })
        .collect::<Result<_, RenderError>>()?;
    Ok(MachineView {
        id: format!("m{}", index + 1),
        label: m.label.clone(),
        environment,
        legend,
        matrix,
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
