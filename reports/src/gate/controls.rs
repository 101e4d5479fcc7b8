//! Negative controls of a gate run. A cell whose runtime cannot reach the
//! compared change — with `arena compare --crate X`, a runtime whose family
//! does not depend on X (cargo's dependency graph says so) — is a control,
//! like the A/A comparison: it is reported as a control and never called
//! regressed or improved. Whatever a control moves by (the nearest end of
//! its interval, when the interval excludes zero) is noise the change cannot
//! have caused — codegen, layout — so the largest such movement among the
//! controls of a meter is added to the threshold the other cells of that
//! meter are judged at, and the reason is printed.
use crate::gate::{GateCell, Verdict, decide};

/// Whether a cell is judged in instruction counts (`instructions`,
/// `callgrind`) or wall time: controls widen thresholds within one kind.
fn counted(c: &GateCell) -> bool {
    c.meter != "wall"
}

/// Judges the controls among `cells` and widens the others' thresholds by
/// what the controls moved; returns one line per control that moved and per
/// widened threshold, for the summary.
pub fn apply(cells: &mut [GateCell]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut floor = [0.0f64; 2];
    for c in cells.iter_mut().filter(|c| c.control.is_some()) {
        let (Some(change), Some(_)) = (c.change, c.aa) else { continue };
        let moved = change.bias();
        if matches!(c.verdict, Verdict::Regressed | Verdict::Improved) {
            c.verdict = Verdict::Ok;
        }
        if moved > 0.0 {
            let kind = usize::from(counted(c));
            floor[kind] = floor[kind].max(moved);
            let why = c.control.clone().unwrap_or_default();
            lines.push(format!(
                "control {}/{} moved by at least {:.2} % though {why}: noise, not the change",
                c.runtime,
                c.workload,
                moved * 100.0
            ));
        }
        c.note = Some(match &c.note {
            Some(note) => format!("control ({}); {note}", c.control.as_deref().unwrap_or_default()),
            None => format!("control ({})", c.control.as_deref().unwrap_or_default()),
        });
    }
    for (kind, name) in [(1usize, "instruction-count"), (0, "wall-time")] {
        if floor[kind] <= 0.0 {
            continue;
        }
        let mut widened = false;
        for c in cells.iter_mut().filter(|c| c.control.is_none() && usize::from(counted(c)) == kind) {
            let (Some(change), Some(aa)) = (c.change, c.aa) else { continue };
            c.threshold += floor[kind];
            let (verdict, note) = decide(change, aa, c.threshold);
            c.verdict = verdict;
            c.note = note;
            widened = true;
        }
        if widened {
            lines.push(format!(
                "{name} cells judged at their threshold + {:.2} %, what the controls moved",
                floor[kind] * 100.0
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Interval;

    fn cell(runtime: &str, meter: &str, change: (f64, f64), control: bool) -> GateCell {
        let change = Interval { estimate: (change.0 + change.1) / 2.0, lower: change.0, upper: change.1 };
        let aa = Interval { estimate: 0.0, lower: -0.0001, upper: 0.0001 };
        let threshold = if meter == "wall" { 0.01 } else { 0.005 };
        let (verdict, note) = decide(change, aa, threshold);
        GateCell {
            runtime: runtime.into(),
            workload: "ping_pong".into(),
            size: 10,
            meter: meter.into(),
            iters: 1,
            samples: 9,
            base: Some(1.0),
            head: Some(1.0),
            change: Some(change),
            aa: Some(aa),
            threshold,
            verdict,
            note,
            control: control.then(|| "the tokio family does not depend on async-executor".into()),
            ratios: Vec::new(),
            aa_ratios: Vec::new(),
            functions: None,
        }
    }

    #[test]
    fn a_moved_control_is_never_regressed_and_widens_the_others_threshold() {
        let mut cells = [
            cell("tokio-ct", "callgrind", (0.0092, 0.0094), true),
            cell("smol-local", "callgrind", (0.009, 0.011), false),
            cell("smol-local", "callgrind", (-0.0170, -0.0165), false),
            cell("smol-mt", "wall", (0.02, 0.03), false),
        ];
        assert_eq!(cells[0].verdict, Verdict::Regressed, "judged alone, the control reads as a regression");
        assert_eq!(cells[1].verdict, Verdict::Regressed);
        let lines = apply(&mut cells);
        assert_eq!(cells[0].verdict, Verdict::Ok);
        assert!(cells[0].note.as_deref().unwrap().starts_with("control (the tokio family"), "{:?}", cells[0].note);
        // +0.9..1.1 % against 0.5 % + the control's 0.92 %: no longer past it.
        assert!((cells[1].threshold - 0.0142).abs() < 1e-12, "{}", cells[1].threshold);
        assert_eq!(cells[1].verdict, Verdict::Ok);
        assert_eq!(cells[2].verdict, Verdict::Improved, "a change beyond the widened threshold still counts");
        assert_eq!(cells[3].verdict, Verdict::Regressed, "an instruction control does not widen wall time");
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("control tokio-ct/ping_pong moved by at least 0.92 %"), "{lines:?}");
        assert!(lines[1].starts_with("instruction-count cells judged at their threshold + 0.92 %"), "{lines:?}");
    }

    #[test]
    fn an_unmoved_control_changes_nothing() {
        let mut cells = [
            cell("tokio-ct", "callgrind", (-0.00001, 0.00001), true),
            cell("smol-local", "callgrind", (0.009, 0.011), false),
        ];
        let lines = apply(&mut cells);
        assert!(lines.is_empty(), "{lines:?}");
        assert_eq!((cells[0].verdict, cells[1].verdict), (Verdict::Ok, Verdict::Regressed));
        assert_eq!(cells[1].threshold, 0.005);
        assert!(cells[0].note.as_deref().unwrap().starts_with("control ("));
    }
}
