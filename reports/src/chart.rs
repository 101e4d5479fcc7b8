//! The report's charts, drawn with `plotters` into SVG strings that are
//! inlined in `index.html`, per workload and core count: where it was
//! measured at several sizes, time per item against items per run on log-log
//! axes (one series per runtime, [`sweep`]); where at one size, the runtimes
//! side by side, wall and CPU time per item with their intervals and ties
//! ([`side_by_side`]); where it records latency (timer lateness, round
//! trips), its percentiles per runtime ([`latency`]).
//!
//! Each runtime keeps one colour across a machine's charts and its legend.
//! Text is left to the browser's fonts (plotters' SVG backend without a font
//! feature writes `<text>` elements), so nothing here needs system fonts.
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::model::{Machine, ReportCell};
use crate::schema::Status;
use crate::text::duration;

/// A drawn chart: the SVG and how many series it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// What it shows: `sweep`, `runtimes` or `latency`.
    pub kind: &'static str,
    /// `<svg …>…</svg>`.
    pub svg: String,
    /// Runtimes drawn.
    pub series: Vec<String>,
}

/// Colours by runtime position (Tableau 10, then repeated darker).
const PALETTE: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// The colour of the runtime at `index` in a machine's runtimes, as CSS.
pub fn css_colour(index: usize) -> String {
    let (r, g, b) = colour(index);
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn colour(index: usize) -> (u8, u8, u8) {
    let (r, g, b) = PALETTE[index % PALETTE.len()];
    let dim = |c: u8| if index >= PALETTE.len() { c / 2 } else { c };
    (dim(r), dim(g), dim(b))
}

fn rgb(index: usize) -> RGBColor {
    let (r, g, b) = colour(index);
    RGBColor(r, g, b)
}

/// A log axis range around `values` with room on both sides; a single value
/// gets a decade around it.
fn log_range(values: impl Iterator<Item = f64>) -> Option<std::ops::Range<f64>> {
    let (lo, hi) = values
        .filter(|v| *v > 0.0 && v.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (hi > 0.0).then(|| if hi / lo < 1.5 { lo / 3.0..hi * 3.0 } else { lo / 1.4..hi * 1.4 })
}

fn measured(c: &ReportCell) -> Option<(f64, f64)> {
    let e = c.cell.estimate.filter(|_| c.cell.status == Status::Measured)?;
    Some((c.cell.items.max(1) as f64, e.per_item_ns))
}

/// plotters refused to draw a chart.
#[derive(Debug)]
pub struct ChartError(pub String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ChartError {}

/// One runtime's points, drawn in the colour of its position.
struct Series<'a> {
    colour: usize,
    runtime: &'a str,
    points: Vec<(f64, f64)>,
}

/// The x axis of a chart: its range (log or linear), label and tick labels.
struct Axis<X> {
    range: X,
    desc: String,
    labels: usize,
    format: fn(&f64) -> String,
}

/// Draws `series` as lines with dots over the `x` axis and a log time axis
/// `y`; `None` when there is nothing to draw.
fn plot<X>(caption: String, x: Axis<X>, y_desc: &str, series: Vec<Series>) -> Result<Option<Chart>, ChartError>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let Some(y) = log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1))) else { return Ok(None) };
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (560, 340)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&caption, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(x.range, y.log_scale())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .x_desc(&x.desc)
            .x_labels(x.labels)
            .x_label_formatter(&x.format)
            .y_desc(y_desc)
            .y_label_formatter(&|v| duration(*v))
            .draw()?;
        for s in &series {
            chart.draw_series(LineSeries::new(s.points.iter().copied(), rgb(s.colour).stroke_width(2)))?;
            chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, rgb(s.colour).filled())))?;
        }
        root.present()?;
        Ok(())
    })();
    drawn.map_err(|e| ChartError(format!("{caption}: {e}")))?;
    Ok(Some(Chart { kind: "", svg, series: series.iter().map(|s| s.runtime.to_owned()).collect() }))
}

/// The name of the category drawn at integer `v` on a category axis; none
/// between categories (where a tick falls on no category).
fn tick<T>(v: f64, names: &[T]) -> Option<&T> {
    let near = (v - v.round()).abs() < 0.01;
    names.get(v.round() as usize).filter(|_| near)
}

/// `(1 core)`, `(2 cores)`, `(cores not held equal)`: what a chart's caption adds.
fn on(cores: Option<u64>) -> String {
    format!("({})", cores.map_or_else(|| "cores not held equal".to_owned(), crate::text::cores_text))
}

/// Time per item of `workload` on `cores`: a [`sweep`] where some runtime
/// was measured at two sizes or more, else the runtimes [`side_by_side`] at
/// `size` (a log-log chart of single points is a column of dots).
pub fn per_item(m: &Machine, workload: &str, size: u64, cores: Option<u64>) -> Result<Option<Chart>, ChartError> {
    let swept = m.runtimes.iter().any(|r| {
        let mut sizes = m
            .cells
            .iter()
            .filter(|c| c.cell.workload == workload && c.cell.runtime == *r && c.cell.cores == cores)
            .filter_map(|c| measured(c).map(|_| c.cell.size));
        sizes.next().is_some_and(|first| sizes.any(|s| s != first))
    });
    if swept { sweep(m, workload, cores) } else { side_by_side(m, workload, size, cores) }
}

/// Time per item against items per run on `cores`, log-log, one series per
/// runtime measured at some size; `None` when no runtime was.
pub fn sweep(m: &Machine, workload: &str, cores: Option<u64>) -> Result<Option<Chart>, ChartError> {
    let series: Vec<Series> = m
        .runtimes
        .iter()
        .enumerate()
        .map(|(colour, r)| {
            let of =
                m.cells.iter().filter(|c| c.cell.workload == workload && c.cell.runtime == *r && c.cell.cores == cores);
            Series { colour, runtime: r, points: of.filter_map(measured).collect() }
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    let Some(x) = log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.0))) else { return Ok(None) };
    let unit = m.cells.iter().find(|c| c.cell.workload == workload).map_or("items", |c| c.cell.unit.as_str());
    let axis = Axis {
        range: x.log_scale(),
        desc: format!("items per run ({unit})"),
        labels: 10,
        format: |v| format!("{v:.0}"),
    };
    let chart = plot(format!("{workload}: time per item {}", on(cores)), axis, "time per item", series)?;
    Ok(chart.map(|c| Chart { kind: "sweep", ..c }))
}

/// Latency percentiles (p50 … max) per runtime at one size on `cores`, log
/// scale; `None` when no runtime recorded latency there.
pub fn latency(m: &Machine, workload: &str, size: u64, cores: Option<u64>) -> Result<Option<Chart>, ChartError> {
    let mut name = String::new();
    let series = m
        .runtimes
        .iter()
        .enumerate()
        .filter_map(|(colour, r)| {
            let at = |c: &&ReportCell| {
                c.cell.workload == workload && c.cell.runtime == *r && c.cell.size == size && c.cell.cores == cores
            };
            let l = m.cells.iter().find(at)?.cell.latency.as_ref()?;
            name = l.name().to_owned();
            let values = [l.p50_ns, l.p90_ns, l.p99_ns, l.p999_ns, l.max_ns];
            // A latency of 0 cannot sit on a log axis: draw it at 1 ns.
            let points = values.iter().enumerate().map(|(x, &v)| (x as f64, v.max(1) as f64)).collect();
            Some(Series { colour, runtime: r, points })
        })
        .collect();
    let format = |v: &f64| {
        let names = ["p50", "p90", "p99", "p99.9", "max"];
        tick(*v, &names).map_or(String::new(), |n| n.to_string())
    };
    let axis = Axis { range: -0.3f64..4.3f64, desc: "percentile".to_owned(), labels: 5, format };
    let chart = plot(format!("{workload} at {size}: {name} {}", on(cores)), axis, "time", series)?;
    Ok(chart.map(|c| Chart { kind: "latency", ..c }))
}

/// One runtime's row in [`side_by_side`]: wall and CPU time per item, each
/// `[mean, lower, upper]`, and its label with the tie marks.
struct Row<'a> {
    colour: usize,
    runtime: &'a str,
    label: String,
    wall: [f64; 3],
    cpu: Option<[f64; 3]>,
}

/// The marks a runtime's label carries: `★` tied with the fastest wall time,
/// `◆` tied with the least CPU time (the matrix's ties).
pub const TIE_MARKS: &str = "★ wall time tied with the fastest, ◆ CPU time tied with the least";

/// The runtimes measured at `size` on `cores`, one row each: wall time per
/// item (filled dot) and CPU time per item (ring), each with its 95 %
/// interval as a line, on a log time axis; tied runtimes are marked in their
/// labels ([`TIE_MARKS`]). `None` when no runtime was measured there.
pub fn side_by_side(m: &Machine, workload: &str, size: u64, cores: Option<u64>) -> Result<Option<Chart>, ChartError> {
    let rows: Vec<Row> = m
        .runtimes
        .iter()
        .enumerate()
        .filter_map(|(colour, r)| {
            let c = m.cells.iter().find(|c| {
                c.cell.workload == workload && c.cell.runtime == *r && c.cell.size == size && c.cell.cores == cores
            })?;
            let wall = c.cell.per_item_interval()?;
            let cpu = c.cell.cpu.map(|t| [t.per_item_ns, t.lower_ns, t.upper_ns]);
            let marks = [(c.ranks.tied, " ★"), (c.ranks.cpu_tied && cpu.is_some(), " ◆")];
            let label = marks.iter().filter(|m| m.0).fold(r.clone(), |l, m| l + m.1);
            Some(Row { colour, runtime: r, label, wall, cpu })
        })
        .collect();
    let values = rows.iter().flat_map(|r| r.wall.iter().chain(r.cpu.iter().flatten()).copied());
    let Some(x) = log_range(values) else { return Ok(None) };
    let caption = format!("{workload} at {size}: time per item {}", on(cores));
    let n = rows.len();
    // Row i is drawn at y = n - 1 - i, so the first runtime is at the top.
    let y = |i: usize, offset: f64| (n - 1 - i) as f64 + offset;
    let labels: Vec<String> = rows.iter().rev().map(|r| r.label.clone()).collect();
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let height = 90 + 34 * n as u32;
        let root = SVGBackend::with_string(&mut svg, (560, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&caption, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(130)
            .build_cartesian_2d(x.log_scale(), -0.6f64..n as f64 - 0.4)?;
        let label = |v: &f64| tick(*v, &labels).cloned().unwrap_or_default();
        chart
            .configure_mesh()
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .disable_y_mesh()
            .x_desc("time per item: ● wall, ○ CPU (lines: 95 % interval)")
            .x_label_formatter(&|v| duration(*v))
            .y_labels(n.max(1))
            .y_label_formatter(&label)
            .draw()?;
        for (i, r) in rows.iter().enumerate() {
            let colour = rgb(r.colour);
            let [mean, lower, upper] = r.wall;
            chart.draw_series(LineSeries::new([(lower, y(i, 0.12)), (upper, y(i, 0.12))], colour.stroke_width(2)))?;
            chart.draw_series([Circle::new((mean, y(i, 0.12)), 4, colour.filled())])?;
            if let Some([mean, lower, upper]) = r.cpu {
                let at = y(i, -0.12);
                chart.draw_series(LineSeries::new([(lower, at), (upper, at)], colour.stroke_width(1)))?;
                chart.draw_series([Circle::new((mean, at), 4, colour.stroke_width(2))])?;
            }
        }
        root.present()?;
        Ok(())
    })();
    drawn.map_err(|e| ChartError(format!("{caption}: {e}")))?;
    Ok(Some(Chart { kind: "runtimes", svg, series: rows.iter().map(|r| r.runtime.to_owned()).collect() }))
}
