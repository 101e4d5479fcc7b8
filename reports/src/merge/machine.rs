//! A machine's part of the report, computed from its group of inputs: its
//! cells in the registry's order, one headline matrix per core count with
//! ratios and ties, the workloads whose time per item grows with size.
use crate::model::{Growth, Machine, Matrix, MatrixEntry, MatrixRow, Ranks, ReportCell};
use crate::ranks;
use crate::schema::Status;

use super::read::Group;

pub(crate) fn first_seen<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    out
}

/// The registry's order of workloads and runtimes, and the tie margin.
pub(super) struct Order<'a> {
    pub(super) workloads: Vec<&'a str>,
    pub(super) runtimes: Vec<&'a str>,
    pub(super) tie_within: f64,
}

/// Position in `known`, or after it by first appearance in `seen`.
fn rank(known: &[&str], seen: &[String], name: &str) -> usize {
    known
        .iter()
        .position(|k| *k == name)
        .unwrap_or_else(|| known.len() + seen.iter().position(|s| s == name).unwrap_or(0))
}

pub(super) fn machine(group: Group, order: &Order, earlier: &[Machine]) -> Machine {
    let env = &group.environment;
    let base = env.host.clone().unwrap_or_else(|| format!("{} × {}", env.cores, env.cpu));
    let taken = |l: &str| earlier.iter().any(|m| m.label == l);
    let label = if taken(&base) {
        (2..).map(|n| format!("{base} #{n}")).find(|l| !taken(l)).expect("some suffix is free")
    } else {
        base
    };

    let mut cells: Vec<ReportCell> = group.cells.into_values().collect();
    let conformance_runtimes = group.conformance.iter().flat_map(|c| c.runtimes.iter().map(String::as_str));
    let mut runtimes = first_seen(cells.iter().map(|c| c.cell.runtime.as_str()).chain(conformance_runtimes));
    let seen_workloads = first_seen(cells.iter().map(|c| c.cell.workload.as_str()));
    let seen_runtimes = runtimes.clone();
    runtimes.sort_by_key(|r| rank(&order.runtimes, &seen_runtimes, r));
    // One core first, then more, then cells from before cores were held equal.
    cells.sort_by_key(|c| {
        let w = rank(&order.workloads, &seen_workloads, &c.cell.workload);
        (cores_order(c.cell.cores), w, c.cell.size, rank(&order.runtimes, &seen_runtimes, &c.cell.runtime))
    });
    ranks::set(&mut cells, order.tie_within);
    if let Some(o) = &group.overhead {
        for c in &mut cells {
            c.adapter_cost_pct = crate::model::adapter_cost(&o.pairs, &c.cell.runtime, &c.cell.workload);
        }
    }
    let workloads = first_seen(cells.iter().map(|c| c.cell.workload.as_str()));
    let mut core_counts: Vec<Option<u64>> = cells.iter().map(|c| c.cell.cores).collect();
    core_counts.dedup();
    let matrices = core_counts
        .iter()
        .map(|&cores| {
            let of_cores: Vec<&ReportCell> = cells.iter().filter(|c| c.cell.cores == cores).collect();
            let rows = workloads
                .iter()
                .filter(|w| of_cores.iter().any(|c| c.cell.workload == **w))
                .map(|w| matrix_row(w, &of_cores, &runtimes, group.group_pages.get(w).cloned()))
                .collect();
            Matrix { cores, rows }
        })
        .collect();
    let mut series: Vec<(&str, &str, Option<u64>)> = Vec::new();
    for c in &cells {
        let key = (c.cell.workload.as_str(), c.cell.runtime.as_str(), c.cell.cores);
        if !series.contains(&key) {
            series.push(key);
        }
    }
    let growth = series.iter().filter_map(|&(w, r, n)| growth(w, r, n, &cells)).collect();
    Machine {
        label,
        environment: group.environment,
        runs: group.runs,
        runtimes,
        tie_within: order.tie_within,
        matrices,
        cells,
        growth,
        overhead: group.overhead,
        conformance: group.conformance,
        memory: group.memory,
        scaling: group.scaling,
    }
}

/// Sort key of a core count: one core first, more after, unknown last.
fn cores_order(cores: Option<u64>) -> u64 {
    cores.unwrap_or(u64::MAX)
}

fn per_item(c: &ReportCell) -> Option<f64> {
    c.cell.estimate.filter(|_| c.cell.status == Status::Measured).map(|e| e.per_item_ns)
}

fn matrix_row(workload: &str, cells: &[&ReportCell], runtimes: &[String], page: Option<String>) -> MatrixRow {
    let of_workload: Vec<&ReportCell> = cells.iter().copied().filter(|c| c.cell.workload == workload).collect();
    // The size the most runtimes were measured at; the largest such.
    let mut sizes: Vec<u64> = of_workload.iter().map(|c| c.cell.size).collect();
    sizes.dedup();
    let measured_at = |s: u64| of_workload.iter().filter(|c| c.cell.size == s && per_item(c).is_some()).count();
    let size = sizes.iter().copied().max_by_key(|&s| (measured_at(s), s)).expect("a workload has cells");
    let first = of_workload[0];
    let entries = runtimes
        .iter()
        .map(|r| {
            let at = of_workload.iter().find(|c| c.cell.runtime == *r && c.cell.size == size);
            let elsewhere = of_workload.iter().any(|c| c.cell.runtime == *r);
            entry(r, at.copied(), elsewhere)
        })
        .collect();
    MatrixRow {
        workload: workload.to_owned(),
        family: first.cell.family.clone(),
        size,
        unit: first.cell.unit.clone(),
        criterion_page: page,
        entries,
    }
}

fn entry(runtime: &str, cell: Option<&ReportCell>, elsewhere: bool) -> MatrixEntry {
    let mut e = MatrixEntry {
        runtime: runtime.to_owned(),
        state: String::new(),
        per_item_ns: None,
        cpu_per_item_ns: None,
        shards: cell.map_or(1, |c| c.cell.shards),
        ranks: Ranks::default(),
        note: None,
        adapter_cost_pct: cell.and_then(|c| c.adapter_cost_pct),
    };
    match cell.map(|c| (&c.cell.status, c)) {
        None => {
            e.state = "not measured".into();
            e.note = Some(if elsewhere { "no result at this size" } else { "in no input" }.into());
        }
        Some((Status::Measured, c)) => match c.cell.estimate {
            Some(_) => {
                e.state = "measured".into();
                e.per_item_ns = c.cell.per_item_interval();
                e.cpu_per_item_ns = c.cell.cpu.map(|t| [t.per_item_ns, t.lower_ns, t.upper_ns]);
                e.ranks = c.ranks;
            }
            None => {
                e.state = "not measured".into();
                e.note = Some("no criterion estimate in its input".into());
            }
        },
        Some((Status::Skipped(why), _)) => {
            e.state = "skipped".into();
            e.note = Some(why.clone());
        }
        Some((Status::Failed(why), _)) => {
            e.state = "failed".into();
            e.note = Some(why.clone());
        }
    }
    e
}

fn growth(workload: &str, runtime: &str, cores: Option<u64>, cells: &[ReportCell]) -> Option<Growth> {
    let points: Vec<(f64, f64)> = cells
        .iter()
        .filter(|c| c.cell.workload == workload && c.cell.runtime == runtime && c.cell.cores == cores)
        .filter_map(|c| Some(((c.cell.items.max(1) as f64).ln(), per_item(c)?.ln())))
        .collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if points.len() < 2 || sxx <= 0.0 {
        return None;
    }
    let slope = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum::<f64>() / sxx;
    let (first, last) = (points.first()?, points.last()?);
    let ratio = (last.1 - first.1).exp();
    Some(Growth {
        workload: workload.to_owned(),
        runtime: runtime.to_owned(),
        cores,
        slope,
        ratio,
        super_linear: slope > 0.2 && ratio >= 1.5,
    })
}
