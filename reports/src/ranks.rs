//! Who is fastest in a matrix row, and who cannot be told apart from it.
//!
//! Cells are ranked only against cells of the same workload, size and core
//! count ([`Cell::cores`](crate::schema::Cell::cores)); cells with no core
//! count (files from before cores were held equal) are never ranked. In a
//! row, `relative` is a cell's time per item over the fastest's, and every
//! cell *tied* with the fastest is marked as fastest: its interval reaches
//! the fastest's, or its estimate is within a margin of it ([`TIE_WITHIN`]
//! unless the report is told otherwise). criterion's interval is over
//! samples of one process; how far a whole quick run moves from the next is
//! wider (a process's level is a random effect), so an interval alone would
//! rank apart runtimes a second run can swap. Wall time and CPU time are
//! ranked alike and apart.
use std::collections::BTreeMap;

use crate::model::{Ranks, ReportCell};
use crate::schema::Status;

/// The default margin: two cells whose estimates differ by less than this
/// share are tied. Measured on the 2-vCPU VM of docs/method.md with `arena
/// agreement` over two back-to-back quick runs (5,208 rankings): of the
/// rankings a margin of 5 % called apart, 8.6 % flipped in the second run;
/// of those 30 % calls apart, 3.0 %; 50 %, 1.0 %.
pub const TIE_WITHIN: f64 = 0.30;

/// An estimate per item with its interval.
#[derive(Debug, Clone, Copy)]
struct Point {
    mean: f64,
    lower: f64,
    upper: f64,
}

fn wall(c: &ReportCell) -> Option<Point> {
    c.cell.per_item_interval().map(|[mean, lower, upper]| Point { mean, lower, upper })
}

fn cpu(c: &ReportCell) -> Option<Point> {
    let t = c.cell.cpu.filter(|_| c.cell.status == Status::Measured)?;
    Some(Point { mean: t.per_item_ns, lower: t.lower_ns, upper: t.upper_ns })
}

/// Whether a cell (`mean`, interval from `lower`) cannot be told apart from
/// the fastest (`best_mean`, interval up to `best_upper`), `within` a margin.
pub fn tied(mean: f64, lower: f64, best_mean: f64, best_upper: f64, within: f64) -> bool {
    lower <= best_upper || mean <= best_mean * (1.0 + within)
}

/// Sets every cell's [`Ranks`] within its workload, size and core count,
/// tying cells `within` a margin of the fastest.
pub fn set(cells: &mut [ReportCell], within: f64) {
    let mut best: BTreeMap<(String, u64, u64), [Option<Point>; 2]> = BTreeMap::new();
    for c in cells.iter() {
        let Some(cores) = c.cell.cores else { continue };
        let slot = best.entry((c.cell.workload.clone(), c.cell.size, cores)).or_default();
        for (b, p) in slot.iter_mut().zip([wall(c), cpu(c)]) {
            if let Some(p) = p
                && b.is_none_or(|b| p.mean < b.mean)
            {
                *b = Some(p);
            }
        }
    }
    for c in cells.iter_mut() {
        let Some(cores) = c.cell.cores else {
            c.ranks = Ranks::default();
            continue;
        };
        let [best_wall, best_cpu] =
            best.get(&(c.cell.workload.clone(), c.cell.size, cores)).copied().unwrap_or_default();
        let rank = |p: Option<Point>, b: Option<Point>| match (p, b) {
            (Some(p), Some(b)) if b.mean > 0.0 => {
                (Some(p.mean / b.mean), tied(p.mean, p.lower, b.mean, b.upper, within))
            }
            _ => (None, false),
        };
        let (relative, tied) = rank(wall(c), best_wall);
        let (cpu_relative, cpu_tied) = rank(cpu(c), best_cpu);
        c.ranks = Ranks { relative, tied, cpu_relative, cpu_tied };
    }
}
