//! The ticker of the workloads that ask whether other work stalls an
//! executor (`blocking_*`, `fs_beside_ticker`): a task that sleeps 1 ms at a
//! time until told to stop, recording how late each sleep ends.
use std::pin::pin;
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use futures::future::{self, Either};

use crate::Runtime;

/// The ticker's period.
pub const TICK: Duration = Duration::from_millis(1);

/// Spawns the ticker on `R`; sending on (or dropping) the returned sender
/// stops it, and its handle yields the lateness of every tick. A tick still
/// due when the ticker is stopped counts too, late by as long as it has been
/// due: an executor that never let the ticker run (or never fired its
/// timer) while the work ran shows as one very late tick, not as none.
pub fn start<R: Runtime>() -> (oneshot::Sender<()>, R::JoinHandle<Vec<Duration>>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let ticker = R::spawn(async move {
        let mut stopped = pin!(stopped);
        let mut lateness = Vec::new();
        loop {
            let deadline = Instant::now() + TICK;
            let woke = matches!(future::select(pin!(R::sleep(TICK)), stopped.as_mut()).await, Either::Left(_));
            let late = Instant::now().checked_duration_since(deadline);
            match (woke, late) {
                (true, late) => lateness.push(late.unwrap_or_default()),
                (false, Some(late)) => {
                    lateness.push(late);
                    return lateness;
                }
                (false, None) => return lateness,
            }
        }
    });
    (stop, ticker)
}
