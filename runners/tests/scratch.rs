//! The file workloads leave nothing behind: after runs that pass and runs
//! that fail, the process's directory under the temporary directory is gone.
//! One test in a binary of its own, so no other test holds a directory open.
use runners::faults::CorruptsBytes;
use runners::host::Host;
use runners::{Adapter, TokioCt};
use workloads::fs::scratch::PREFIX;
use workloads::fs::{ReadLarge, ReadSmall, ReadsBesideTicker, WriteSync};
use workloads::{Config, Workload};

/// This process's directories in the temporary directory.
fn ours() -> Vec<String> {
    let mine = format!("{PREFIX}{}-", std::process::id());
    let entries = std::fs::read_dir(std::env::temp_dir()).expect("the temporary directory lists");
    entries.flatten().filter_map(|e| e.file_name().into_string().ok()).filter(|n| n.starts_with(&mine)).collect()
}

fn runs<R: Adapter, W: Workload>(host: &Host<R>, pass: bool) {
    let size = W::SIZES.test;
    let prepared = host.prepare::<W>(size);
    assert!(!ours().is_empty(), "{}: prepared files live in a directory of the process", W::NAME);
    assert_eq!(host.run_checked::<W>(size).is_ok(), pass, "{} on {}", W::NAME, R::ID);
    drop(prepared);
}

#[test]
fn file_workloads_leave_no_directory_behind() {
    assert_eq!(ours(), Vec::<String>::new(), "nothing before the runs");
    let config = Config { workers: 1 };
    let good = Host::<TokioCt>::new(&config).unwrap();
    runs::<_, ReadSmall>(&good, true);
    runs::<_, ReadLarge>(&good, true);
    runs::<_, WriteSync>(&good, true);
    runs::<_, ReadsBesideTicker>(&good, true);
    assert_eq!(ours(), Vec::<String>::new(), "after passing runs");
    let bad = Host::<CorruptsBytes>::new(&config).unwrap();
    runs::<_, ReadSmall>(&bad, false);
    runs::<_, ReadLarge>(&bad, false);
    assert_eq!(ours(), Vec::<String>::new(), "after failing runs");
    // A run that panics part way (its files are gone) unwinds through the
    // same guards.
    let panicked = std::panic::catch_unwind(|| {
        let _kept = ReadSmall::prepare(4);
        panic!("a run failed");
    });
    assert!(panicked.is_err());
    assert_eq!(ours(), Vec::<String>::new(), "after a panic");
}
