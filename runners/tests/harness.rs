//! The harness end to end on a real runtime: criterion's estimate and
//! Arena's cell record land where `arena run` and the reports read them, with
//! the numbers they should have.
#[macro_use]
mod common;

use common::{harness, quick_criterion};
use reports::files::{read_cell, read_estimate};
use reports::schema::Status;
use runners::catalog::SizeChoice;
use runners::{Threads, TokioCt};
use workloads::Workload;
use workloads::spawn::SpawnJoin;
use workloads::timers::TimerWheel;

#[test]
fn a_timer_cell_records_its_estimate_and_lateness() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path(), SizeChoice::Test);
    let cells = h.run_one::<TokioCt, TimerWheel>(&mut quick_criterion(dir.path())).unwrap();
    assert_eq!(cells.len(), 1);
    let cell = &cells[0];
    assert_eq!((cell.workload.as_str(), cell.runtime.as_str(), cell.size), ("timer_wheel", "tokio-ct", 100));
    assert_eq!(cell.status, Status::Measured);
    let late = cell.latency.clone().expect("timer_wheel records lateness");
    assert_eq!(late.name(), "timer lateness");
    // Every run of 100 timers is recorded; at least 10 runs were measured.
    assert!(late.samples >= 1_000 && late.samples.is_multiple_of(100), "{late:?}");
    assert!(late.p50_ns <= late.p99_ns && late.p99_ns <= late.max_ns, "{late:?}");
    // tokio's timer has millisecond resolution: a median below a microsecond
    // would mean the histogram clamped its values.
    assert!(late.p50_ns > 1_000, "{late:?}");

    // The record on disk is the cell returned.
    assert_eq!(&read_cell(dir.path(), "timer_wheel", "tokio-ct", 100).unwrap(), cell);
    // criterion's estimate: a run lasts at least until its last deadline,
    // 99 steps of 20 ms / 100 after the start.
    let e = read_estimate(dir.path(), "timer_wheel", "tokio-ct", 100, 100).unwrap();
    assert!(e.mean_ns >= 19.8e6, "{e:?}");
    assert!(e.mean_lower_ns <= e.mean_ns && e.mean_ns <= e.mean_upper_ns, "{e:?}");
    assert!((e.per_item_ns - e.mean_ns / 100.0).abs() < 1e-6, "{e:?}");

    // On two cores single-threaded tokio-ct runs as two instances; not confined here.
    assert_eq!((cell.cores, cell.shards, cell.cpus.as_ref()), (Some(2), 2, None));
    // The timers' waits cost no CPU: the CPU time per item is well under the wall time.
    let cpu = cell.cpu.expect("CPU time recorded");
    assert_eq!(cpu.samples, 10, "over criterion's measured samples only");
    assert!(cpu.lower_ns <= cpu.per_item_ns && cpu.per_item_ns <= cpu.upper_ns, "{cpu:?}");
    assert!(cpu.per_item_ns > 0.0 && cpu.per_item_ns < e.per_item_ns / 2.0, "{cpu:?} vs {e:?}");
}

#[test]
fn a_capped_cell_says_so_and_is_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path(), SizeChoice::Fixed(vec![1_000_000]));
    let cells = h.run_one::<Threads, SpawnJoin>(&mut quick_criterion(dir.path())).unwrap();
    let Status::Skipped(reason) = &cells[0].status else { panic!("{:?}", cells[0].status) };
    assert_eq!(reason, "capped: needs 1000000 live tasks, threads allows 10000");
    assert!(read_estimate(dir.path(), "spawn_join", "threads", 1_000_000, 1).is_err());
    assert_eq!(read_cell(dir.path(), "spawn_join", "threads", 1_000_000).unwrap().status, cells[0].status);
}

#[test]
fn a_runtime_that_cannot_start_gives_unavailable_cells_and_no_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path(), SizeChoice::Test);
    let cells = h.run_one::<runners::faults::Unavailable, SpawnJoin>(&mut quick_criterion(dir.path())).unwrap();
    assert_eq!(cells.len(), 1);
    let why = format!("unavailable: {}", runners::faults::UNAVAILABLE_REASON);
    assert_eq!(cells[0].status, Status::Skipped(why));
    let size = SpawnJoin::SIZES.test as u64;
    assert!(read_estimate(dir.path(), "spawn_join", "test-unavailable", size, size).is_err());
    assert_eq!(read_cell(dir.path(), "spawn_join", "test-unavailable", size).unwrap(), cells[0]);
}
