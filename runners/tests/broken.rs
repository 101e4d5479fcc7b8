//! A runtime that cheats must fail, not look fast. `runners::faults` has
//! tokio-ct with one fault switched on: timers that fire at once, every
//! third spawned task silently dropped, a bit flipped in TCP and file reads,
//! or file writes dropped. The workloads' checksums, the harness and the
//! contract must all catch it.
#[macro_use]
mod common;

use common::{harness, quick_criterion};
use runners::catalog::SizeChoice;
use runners::faults::{CorruptsBytes, EarlyTimers, LosesTasks, LosesTasksInOneShard, SkipsFileWrites};
use runners::host::Host;
use workloads::channels::FanIn;
use workloads::select::SelectTimeout;
use workloads::timers::{TimerCancel, TimerWheel};
use workloads::{Config, Runtime, Workload, verify};

fn answer_is_wrong<R: Runtime, W: Workload>() {
    let rt = R::new(&Config::default()).unwrap();
    let size = W::SIZES.test;
    let run = rt.block_on(W::run::<R>(size));
    let err = verify::<W, R>(size, &run).expect_err("a broken runtime passed");
    assert!(err.to_string().starts_with(&format!("wrong answer: {} on {}", W::NAME, R::ID)), "{err}");
}

#[test]
fn timers_that_fire_early_fail_every_timer_workload() {
    answer_is_wrong::<EarlyTimers, TimerWheel>();
    answer_is_wrong::<EarlyTimers, TimerCancel>();
    answer_is_wrong::<EarlyTimers, SelectTimeout>();
}

#[test]
fn a_corrupted_byte_fails_every_network_workload() {
    use workloads::net::{AcceptStorm, Echo};
    answer_is_wrong::<CorruptsBytes, Echo<1>>();
    answer_is_wrong::<CorruptsBytes, Echo<4096>>();
    answer_is_wrong::<CorruptsBytes, Echo<65536>>();
    answer_is_wrong::<CorruptsBytes, AcceptStorm>();
}

#[test]
fn a_corrupted_read_fails_every_file_reading_workload() {
    use workloads::fs::{ReadLarge, ReadSmall, ReadsBesideTicker};
    answer_is_wrong::<CorruptsBytes, ReadSmall>();
    answer_is_wrong::<CorruptsBytes, ReadLarge>();
    answer_is_wrong::<CorruptsBytes, ReadsBesideTicker>();
}

#[test]
fn a_skipped_write_fails_the_log() {
    answer_is_wrong::<SkipsFileWrites, workloads::fs::WriteSync>();
}

#[test]
fn corrupted_reads_and_skipped_writes_break_the_file_contract() {
    use workloads::contract::FileWritesReadBack;
    let why = contract_broken::<CorruptsBytes, FileWritesReadBack>();
    assert_eq!(why, "read back other bytes than were written, from byte 0");
    // Every second write dropped: the 1-byte and 64 KiB pieces are all there is.
    let why = contract_broken::<SkipsFileWrites, FileWritesReadBack>();
    assert_eq!(why, "read back 65537 bytes, not the 3215360 written");
}

#[test]
fn an_early_timer_fails_graceful_shutdown() {
    // A task whose 1 h timer fires at once stops before the signal.
    answer_is_wrong::<EarlyTimers, workloads::fanout::GracefulShutdown>();
}

#[test]
fn a_lost_task_fails_graceful_shutdown_without_a_hang() {
    // A lost task never parks: the run gives up on the others at once.
    answer_is_wrong::<LosesTasks, workloads::fanout::GracefulShutdown>();
}

#[test]
fn a_lost_producer_fails_fan_in() {
    answer_is_wrong::<LosesTasks, FanIn<16>>();
}

#[test]
fn every_shard_of_a_single_threaded_runtime_is_checked() {
    // fan_in: a lost producer drops its sender, so the consumer ends early
    // with a short sum instead of waiting for ever.
    let size = FanIn::<16>::SIZES.test;
    // On one core it runs once, on no shard's thread, and loses nothing.
    let one = Host::<LosesTasksInOneShard>::new(&Config { workers: 1 }).unwrap();
    one.run_checked::<FanIn<16>>(size).expect("one instance, nothing lost");
    // On two cores it runs as two instances; only the second loses tasks.
    let two = Host::<LosesTasksInOneShard>::new(&Config { workers: 2 }).unwrap();
    let err = two.run_checked::<FanIn<16>>(size).expect_err("the second shard's wrong answer went unseen");
    assert!(err.to_string().starts_with("wrong answer: fan_in_c16 on broken-loses-tasks-in-one-shard"), "{err}");
    assert_eq!(Host::<LosesTasksInOneShard>::shards_for(&Config { workers: 2 }), 2);
}

#[test]
fn the_harness_refuses_to_time_a_wrong_answer() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path(), SizeChoice::Test);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = h.run_one::<LosesTasks, FanIn<16>>(&mut quick_criterion(dir.path()));
    }))
    .expect_err("the harness timed a wrong answer");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.starts_with("wrong answer: fan_in_c16 on broken-loses-tasks at size 400"), "{message}");
    // No estimate may exist for a cell that never gave a right answer.
    let estimate = reports::files::read_estimate(dir.path(), "fan_in_c16", "broken-loses-tasks", 400, 400);
    assert!(estimate.is_err());
}

fn contract_broken<R: Runtime, C: workloads::contract::Check>() -> String {
    let rt = R::new(&Config::default()).unwrap();
    rt.block_on(C::run::<R>()).expect_err("a broken runtime kept the contract")
}

#[test]
fn early_timers_break_the_timer_contract() {
    let why = contract_broken::<EarlyTimers, workloads::contract::TimersNeverEarly>();
    assert!(why.starts_with("a 1 ms sleep ended after"), "{why}");
}

#[test]
fn a_lost_sender_breaks_the_channel_contract() {
    // Spawns 0..3 are the senders; spawn 2 is thrown away, with its sender.
    let why = contract_broken::<LosesTasks, workloads::contract::ChannelsExactlyOnceInOrder>();
    assert_eq!(why, "sender 2: 0 of 25000 messages arrived");
}
