//! How far two runs of the same matrices agree: the run-to-run check behind
//! the tie rule ([`crate::ranks`]), `arena agreement A B`.
//!
//! Every pair of runtimes measured in both runs at the same workload, size
//! and core count is a ranking: which of the two is faster. A *flip* is a
//! pair the second run ranks the other way. A ranking the tie rule calls
//! apart in the first run ([`ranks::tied`] false at the margin given) should
//! not flip; one it calls tied may. Each cell's *movement* is its second
//! time per item over its first.
use std::collections::BTreeMap;

use crate::ranks;
use crate::schema::{Cell, Results, Status};

/// What two runs of the same matrices say about each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Cells measured in both runs.
    pub cells: usize,
    /// Runtime pairs ranked in both runs.
    pub pairs: usize,
    /// Pairs the second run ranks the other way.
    pub flips: usize,
    /// Of the pairs the first run ranks apart (not tied), how many, and how
    /// many of them flipped.
    pub apart: usize,
    /// Flips among the pairs ranked apart: the tie rule's misses.
    pub apart_flips: Vec<String>,
    /// The largest gap (slower over faster, first run) of a flipped pair.
    pub widest_flip: Option<f64>,
    /// Median of |second / first − 1| over cells.
    pub median_movement: f64,
    /// The cells that moved most, `(label, second / first)`, largest first.
    pub largest_moves: Vec<(String, f64)>,
}

/// The key a cell is matched on across runs.
type Key = (String, String, u64, Option<u64>);

fn measured(results: &Results) -> BTreeMap<Key, &Cell> {
    results
        .cells
        .iter()
        .filter(|c| c.status == Status::Measured && c.estimate.is_some() && c.cores.is_some())
        .map(|c| ((c.workload.clone(), c.runtime.clone(), c.size, c.cores), c))
        .collect()
}

/// Mean, lower and upper time per item.
fn per_item(c: &Cell) -> (f64, f64, f64) {
    let [mean, lower, upper] = c.per_item_interval().expect("only measured cells with estimates are compared");
    (mean, lower, upper)
}

/// Compares run `b` with run `a`, the tie rule at margin `within`; `moves`
/// is how many of the largest movements to list.
pub fn compare(a: &Results, b: &Results, within: f64, moves: usize) -> Agreement {
    let (a, b) = (measured(a), measured(b));
    let both: Vec<(&Key, &Cell, &Cell)> = a.iter().filter_map(|(k, ca)| Some((k, *ca, *b.get(k)?))).collect();
    let mut movements: Vec<(String, f64)> =
        both.iter().map(|(_, ca, cb)| (ca.label(), per_item(cb).0 / per_item(ca).0)).collect();
    let mut out = Agreement {
        cells: both.len(),
        pairs: 0,
        flips: 0,
        apart: 0,
        apart_flips: Vec::new(),
        widest_flip: None,
        median_movement: 0.0,
        largest_moves: Vec::new(),
    };
    for (i, (k1, a1, b1)) in both.iter().enumerate() {
        for (k2, a2, b2) in &both[i + 1..] {
            if (&k1.0, k1.2, k1.3) != (&k2.0, k2.2, k2.3) {
                continue;
            }
            out.pairs += 1;
            let ((m1, l1, u1), (m2, l2, u2)) = (per_item(a1), per_item(a2));
            let first_faster_in_a = m1 <= m2;
            let first_faster_in_b = per_item(b1).0 <= per_item(b2).0;
            let tied = if first_faster_in_a {
                ranks::tied(m2, l2, m1, u1, within)
            } else {
                ranks::tied(m1, l1, m2, u2, within)
            };
            if !tied {
                out.apart += 1;
            }
            if first_faster_in_a != first_faster_in_b {
                out.flips += 1;
                let gap = m1.max(m2) / m1.min(m2);
                out.widest_flip = Some(out.widest_flip.map_or(gap, |w: f64| w.max(gap)));
                if !tied {
                    out.apart_flips.push(format!("{} vs {} (×{gap:.2} apart in the first run)", a1.label(), k2.1));
                }
            }
        }
    }
    let mut deviations: Vec<f64> = movements.iter().map(|(_, r)| (r - 1.0).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    out.median_movement = deviations.get(deviations.len() / 2).copied().unwrap_or(0.0);
    movements.sort_by(|x, y| (y.1.ln().abs()).total_cmp(&x.1.ln().abs()));
    movements.truncate(moves);
    out.largest_moves = movements;
    out
}

impl Agreement {
    /// The comparison in a few lines of text.
    pub fn lines(&self) -> Vec<String> {
        let pct = |x: f64| format!("{:.1} %", 100.0 * x);
        let mut out = vec![
            format!("{} cells measured in both runs, {} runtime pairs ranked in both", self.cells, self.pairs),
            format!(
                "{} of {} rankings flipped{}",
                self.flips,
                self.pairs,
                self.widest_flip.map_or(String::new(), |w| format!(", the widest between cells ×{w:.2} apart"))
            ),
            format!("{} of the {} rankings the tie rule calls apart flipped", self.apart_flips.len(), self.apart),
            format!("median movement of a cell: {}", pct(self.median_movement)),
        ];
        out.extend(self.apart_flips.iter().map(|f| format!("flipped though apart: {f}")));
        out.extend(self.largest_moves.iter().map(|(c, r)| format!("moved ×{r:.2}: {c}")));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Estimate, Settings};

    fn cell(runtime: &str, per_item: f64, half_width: f64) -> Cell {
        let mut c: Cell = serde_json::from_value(serde_json::json!({
            "workload": "w", "family": "f", "runtime": runtime, "size": 10, "items": 10, "unit": "items",
            "status": {"state": "measured"}, "cores": 1, "estimate": null, "latency": null
        }))
        .unwrap();
        let mean = per_item * 10.0;
        let (lo, hi) = (mean * (1.0 - half_width), mean * (1.0 + half_width));
        c.estimate = Some(Estimate {
            mean_ns: mean,
            mean_lower_ns: lo,
            mean_upper_ns: hi,
            median_ns: mean,
            per_item_ns: per_item,
        });
        c
    }

    fn run(cells: Vec<Cell>) -> Results {
        let environment = crate::merge::unknown_environment(std::path::Path::new("x"));
        let settings =
            Settings { cores: vec![1], legacy_workers: None, warm_up_ms: 1, measurement_ms: 1, sample_size: 10 };
        Results { schema: crate::schema::RESULTS_SCHEMA.into(), environment, settings, cells }
    }

    #[test]
    fn flips_are_counted_and_those_the_tie_rule_called_apart_are_named() {
        // a vs b: 2 % apart (tied), flips; a vs c: ×2 apart, flips: a miss.
        let first = run(vec![cell("a", 100.0, 0.01), cell("b", 102.0, 0.01), cell("c", 200.0, 0.01)]);
        let second = run(vec![cell("a", 103.0, 0.01), cell("b", 101.0, 0.01), cell("c", 90.0, 0.01)]);
        let got = compare(&first, &second, 0.05, 1);
        assert_eq!((got.cells, got.pairs, got.flips, got.apart), (3, 3, 3, 2));
        assert_eq!(got.apart_flips.len(), 2, "{:?}", got.apart_flips);
        assert!(got.apart_flips[0].starts_with("w/a/10 on 1 core vs c (×2.00"), "{:?}", got.apart_flips);
        assert_eq!(got.largest_moves, [("w/c/10 on 1 core".to_owned(), 0.45)]);
        assert!((got.median_movement - 0.03).abs() < 1e-9, "{}", got.median_movement);
        let same = compare(&first, &first, 0.05, 0);
        assert_eq!((same.flips, same.median_movement, same.apart_flips.len()), (0, 0.0, 0));
    }
}
