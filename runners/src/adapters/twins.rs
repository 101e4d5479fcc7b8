//! Native twins: `spawn_join` and `ping_pong` written against each runtime's
//! own API, so the cost of Arena's adapter can be measured.
//!
//! A twin is the workload's body with the seam calls (`R::spawn`, awaiting a
//! `JoinHandle`) replaced by the runtime's own calls, which the adapter file
//! passes in as expressions. These macros expand in place to the body of the
//! adapter's `async fn`, so each twin is ordinary code calling e.g.
//! `tokio::spawn` directly: no trait, no wrapper.
//! The bodies mirror `workloads::spawn::SpawnJoin` and
//! `workloads::channels::PingPong` exactly and return the same checksums.

/// `spawn_join` with a native spawn: `native_spawn_join!(n, |task| spawn(task), |handle| join(handle))`.
macro_rules! native_spawn_join {
    ($n:expr, |$task:ident| $spawn:expr, |$handle:ident| $join:expr) => {{
        let handles: Vec<_> = (0..$n as u64)
            .map(|i| {
                let $task = async move { workloads::check::mix(i) };
                $spawn
            })
            .collect();
        let mut sum = 0u64;
        for $handle in handles {
            sum = sum.wrapping_add($join);
        }
        sum
    }};
}

/// `ping_pong` with a native spawn: same arguments as `native_spawn_join!`.
macro_rules! native_ping_pong {
    ($n:expr, |$task:ident| $spawn:expr, |$handle:ident| $join:expr) => {{
        use futures::channel::mpsc;
        let (ping_tx, ping_rx) = mpsc::channel::<u64>(1);
        let (pong_tx, pong_rx) = mpsc::channel::<u64>(1);
        let ponger = {
            let $task = workloads::channels::pong(ping_rx, pong_tx);
            $spawn
        };
        let pinger = {
            let $task = workloads::channels::ping($n as u64, ping_tx, pong_rx);
            $spawn
        };
        let pinged: u64 = {
            let $handle = pinger;
            $join
        };
        let ponged: u64 = {
            let $handle = ponger;
            $join
        };
        pinged.wrapping_add(ponged)
    }};
}

pub(crate) use {native_ping_pong, native_spawn_join};
