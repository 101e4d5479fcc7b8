//! Confinement to cores, end to end, in a process of its own: this test
//! binary confines itself to one CPU (as `arena cell --cores 1` does) and
//! runs runtimes that start threads of their own — workers, a blocking pool,
//! a thread per task — checking that every one of them stays on that CPU,
//! that the harness records it, and that a runtime whose thread re-pins
//! itself elsewhere fails its cell. One test, because confinement is the
//! whole process's.
#[macro_use]
mod common;

use common::{harness, quick_criterion};
use reports::schema::Status;
use runners::catalog::SizeChoice;
use runners::cores::{self, Cpus};
use runners::faults::EscapesCores;
use runners::harness::Harness;
use runners::host::Host;
use runners::{Adapter, AsyncStd, Threads, TokioMt};
use workloads::blocking::Blocking;
use workloads::spawn::SpawnJoin;
use workloads::{Config, Workload};

fn threads_of_this_process() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// Runs `W` on `R` on one core while its runtime is up: the threads it
/// started stay on `cpus`; then as a harness cell, recorded as confined.
fn stays<R: Adapter, W: Workload>(h: &Harness, cpus: &Cpus, dir: &std::path::Path) {
    let before = threads_of_this_process();
    let host = Host::<R>::new(&h.config).unwrap();
    host.run_checked::<W>(W::SIZES.test).unwrap();
    let started = threads_of_this_process().saturating_sub(before);
    assert_eq!(cores::escaped(cpus), Vec::<String>::new(), "{} on {}: a thread left CPU {cpus}", W::NAME, R::ID);
    drop(host);
    let cells = h.run_one::<R, W>(&mut quick_criterion(dir)).unwrap();
    let cell = &cells[0];
    assert_eq!(cell.status, Status::Measured, "{}", cell.label());
    let ids: Vec<u64> = cpus.ids().iter().map(|&c| c as u64).collect();
    assert_eq!((cell.cores, cell.cpus.as_deref(), cell.shards), (Some(1), Some(ids.as_slice()), 1));
    assert!(cell.cpu.is_some_and(|t| t.per_item_ns > 0.0), "{}: CPU time per item recorded", cell.label());
    eprintln!("{} on {}: {started} threads started, all on CPU {cpus}", W::NAME, R::ID);
}

#[test]
fn one_core_confines_every_thread_and_a_thread_that_leaves_fails_the_cell() {
    let available = cores::available().unwrap();
    let cpus = cores::confine(1).unwrap();
    assert_eq!(cpus.ids(), &available.ids()[available.ids().len() - 1..], "the last CPU");
    assert_eq!(cores::escaped(&cpus), Vec::<String>::new(), "confine moves the threads already running");

    let dir = tempfile::tempdir().unwrap();
    let h = Harness {
        config: Config { workers: 1 },
        confined: Some(cpus.clone()),
        ..harness(dir.path(), SizeChoice::Test)
    };
    // tokio's workers and blocking pool, async-std's executor and blocking
    // pool, a thread per task: none is started before the confinement.
    stays::<TokioMt, Blocking<true>>(&h, &cpus, dir.path());
    stays::<AsyncStd, Blocking<true>>(&h, &cpus, dir.path());
    stays::<Threads, SpawnJoin>(&h, &cpus, dir.path());

    if available.ids().len() < 2 {
        eprintln!("skipped the escape half: this process may run on one CPU only, so no thread can leave it");
        return;
    }
    let cells = h.run_one::<EscapesCores, SpawnJoin>(&mut quick_criterion(dir.path())).unwrap();
    let Status::Failed(why) = &cells[0].status else { panic!("an escaped thread went unseen: {:?}", cells[0]) };
    assert!(why.starts_with("left its cores: escapee (thread "), "{why}");
    assert!(why.ends_with(&format!("outside the CPUs {cpus} it was confined to")), "{why}");
}
