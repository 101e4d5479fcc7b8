//! What a cell runs: a workload through the seam ([`Plain`]) or its native
//! twin ([`Twin`], the same work written against the runtime's own API). The
//! harness, the hosts and the listings all run cells as a [`Body`].
use std::future::Future;
use std::marker::PhantomData;

use futures::FutureExt;
use workloads::channels::PingPong;
use workloads::spawn::SpawnJoin;
use workloads::{Run, Workload};

use crate::registry::Adapter;

/// What is benchmarked in a cell: a workload through the seam, or a native
/// twin. Both take sizes, answers and limits from the workload `W`.
pub(crate) trait Body: 'static {
    type W: Workload;
    const NAME: &'static str;
    const TWIN_OF: Option<&'static str>;
    fn run<R: Adapter>(rt: &R, size: usize) -> impl Future<Output = Run> + '_;
}

/// A workload through the seam.
pub(crate) struct Plain<W>(PhantomData<W>);

impl<W: Workload> Body for Plain<W> {
    type W = W;
    const NAME: &'static str = W::NAME;
    const TWIN_OF: Option<&'static str> = None;
    fn run<R: Adapter>(_: &R, size: usize) -> impl Future<Output = Run> + '_ {
        W::run::<R>(size)
    }
}

/// The native twin of a workload.
pub(crate) struct Twin<W>(PhantomData<W>);

impl Body for Twin<SpawnJoin> {
    type W = SpawnJoin;
    const NAME: &'static str = "spawn_join_native";
    const TWIN_OF: Option<&'static str> = Some(SpawnJoin::NAME);
    fn run<R: Adapter>(rt: &R, size: usize) -> impl Future<Output = Run> + '_ {
        rt.native_spawn_join(size).map(Run::checksum)
    }
}

impl Body for Twin<PingPong> {
    type W = PingPong;
    const NAME: &'static str = "ping_pong_native";
    const TWIN_OF: Option<&'static str> = Some(PingPong::NAME);
    fn run<R: Adapter>(rt: &R, size: usize) -> impl Future<Output = Run> + '_ {
        rt.native_ping_pong(size).map(Run::checksum)
    }
}
