//! A mixed service: a deterministic (seeded) request mix through a small
//! simulated web service, the shape most applications have.
//!
//! 32 keep-alive connections each send their share of the requests one at a
//! time (closed loop) to a connection task of their own. The connection task
//! parses each request (a little CPU) and serves it by kind:
//!
//! - **get** (70 %): a key, skewed so half the gets hit 64 hot keys, looked up
//!   in a cache shared by all connections (`async_lock::RwLock<HashMap>`); a
//!   miss asks the "database" and fills the cache;
//! - **compute** (20 %): CPU work on the request body, no I/O;
//! - **aggregate** (10 %): four gets fanned out as tasks of their own and joined.
//!
//! The database is four actor tasks, each owning a shard of the keys behind
//! an `mpsc` queue, answering through a `oneshot`; a query yields once to the
//! runtime (its simulated I/O wait) before it computes the row. Every response
//! is a pure function of its request, so the answer does not depend on which
//! gets hit the cache, and the client checks the sum of all of them. The
//! client records each request's latency, send to response.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_lock::RwLock;
use futures::channel::{mpsc, oneshot};
use futures::future::join_all;
use futures::{SinkExt, StreamExt};

use crate::check::mix;
use crate::{Family, Needs, Run, Runtime, Sizes, Workload};

/// Keep-alive connections, each one client and one connection task.
pub const CONNECTIONS: usize = 32;

/// Database actors; key `k` lives on actor `k % DB_SHARDS`.
const DB_SHARDS: usize = 4;

/// Gets fanned out by one aggregate request.
const FAN_OUT: u64 = 4;

/// Hot keys (half of all gets) and all keys.
const HOT_KEYS: u64 = 64;
const KEYS: u64 = 4096;

/// Mixing rounds: parsing a request, computing a row, a compute request's body.
const PARSE_ROUNDS: u64 = 16;
const ROW_ROUNDS: u64 = 64;
const COMPUTE_ROUNDS: u64 = 256;

/// Seeds the request mix.
const SEED: u64 = 0x5EED_CAFE_F00D_0001;

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Request {
    Get(u64),
    Compute(u64),
    Aggregate(u64),
}

impl Request {
    /// Request number `id` of the seeded mix.
    fn nth(id: u64) -> Request {
        let r = mix(id ^ SEED);
        let key = if (r >> 8) & 1 == 0 { (r >> 16) % HOT_KEYS } else { (r >> 16) % KEYS };
        match r % 100 {
            0..70 => Request::Get(key),
            70..90 => Request::Compute(r >> 32),
            _ => Request::Aggregate(key),
        }
    }

    /// The response the service must give (computed without the service).
    fn response(self) -> u64 {
        match self {
            Request::Get(key) => row(key),
            Request::Compute(body) => rounds(body, COMPUTE_ROUNDS),
            Request::Aggregate(key) => aggregate_keys(key).fold(0u64, |acc, k| acc.wrapping_add(row(k))),
        }
    }
}

/// `x` through `n` rounds of [`mix`].
fn rounds(x: u64, n: u64) -> u64 {
    (0..n).fold(x, |x, _| mix(x))
}

/// The database row for `key`.
fn row(key: u64) -> u64 {
    rounds(key, ROW_ROUNDS)
}

/// The keys one aggregate request reads.
fn aggregate_keys(key: u64) -> impl Iterator<Item = u64> {
    (0..FAN_OUT).map(move |j| (key + j * 977) % KEYS)
}

/// What the client adds up for request `id`: its response, tied to its id so
/// a response delivered to the wrong request changes the sum.
fn answer(id: u64, response: u64) -> u64 {
    mix(response ^ id)
}

/// A query to a database actor.
type Query = (u64, oneshot::Sender<u64>);

/// The service's shared state: the cache and the database actors' queues.
struct Backend {
    cache: RwLock<HashMap<u64, u64>>,
    db: Vec<mpsc::Sender<Query>>,
}

impl Backend {
    /// `key`'s row, from the cache or (on a miss) the database.
    async fn get(&self, key: u64) -> u64 {
        if let Some(&v) = self.cache.read().await.get(&key) {
            return v;
        }
        let (tx, rx) = oneshot::channel();
        let mut db = self.db[(key % DB_SHARDS as u64) as usize].clone();
        db.send((key, tx)).await.expect("database actors outlive the connections");
        let v = rx.await.expect("a database actor answers every query");
        self.cache.write().await.insert(key, v);
        v
    }
}

/// A database actor: answers queries for its keys until every sender is gone.
async fn database<R: Runtime>(mut queries: mpsc::Receiver<Query>) {
    while let Some((key, reply)) = queries.next().await {
        // The simulated I/O wait: the row is "on disk".
        R::yield_now().await;
        let _ = reply.send(row(key));
    }
}

/// A request on the wire: its id and a check tag the server must verify.
type Wire = (u64, u64);

/// The client's encoding of request `id`.
fn encode(id: u64) -> Wire {
    (id, rounds(id, PARSE_ROUNDS))
}

/// The server's parse: the tag verified (some CPU work, as parsing is), the
/// request decoded; `None` for a corrupt request.
fn parse((id, tag): Wire) -> Option<Request> {
    (rounds(id, PARSE_ROUNDS) == tag).then(|| Request::nth(id))
}

/// A connection task: serves requests in order until the client hangs up.
async fn connection<R: Runtime>(
    backend: Arc<Backend>,
    mut requests: mpsc::Receiver<Wire>,
    mut responses: mpsc::Sender<u64>,
) {
    while let Some(wire) = requests.next().await {
        let response = match parse(wire) {
            // A bad request gets an answer no good one has, failing the check.
            None => u64::MAX,
            Some(Request::Get(key)) => backend.get(key).await,
            Some(Request::Compute(body)) => rounds(body, COMPUTE_ROUNDS),
            Some(Request::Aggregate(key)) => {
                let parts = aggregate_keys(key).map(|k| {
                    let backend = backend.clone();
                    R::spawn(async move { backend.get(k).await })
                });
                join_all(parts).await.into_iter().fold(0u64, u64::wrapping_add)
            }
        };
        if responses.send(response).await.is_err() {
            return;
        }
    }
}

/// The ids connection `c` of `CONNECTIONS` sends, in order, out of `size`.
fn ids(c: usize, size: usize) -> impl Iterator<Item = u64> {
    (c..size).step_by(CONNECTIONS).map(|i| i as u64)
}

/// A client: sends its requests one at a time, each after the last response,
/// and returns the sum of its answers and each request's latency.
async fn client(
    c: usize,
    size: usize,
    mut requests: mpsc::Sender<Wire>,
    mut responses: mpsc::Receiver<u64>,
) -> (u64, Vec<Duration>) {
    let (mut sum, mut latency) = (0u64, Vec::with_capacity(size / CONNECTIONS + 1));
    for id in ids(c, size) {
        let sent = Instant::now();
        requests.send(encode(id)).await.expect("the connection task serves until the client hangs up");
        let Some(response) = responses.next().await else {
            // The connection task died: the answers missing fail the check.
            break;
        };
        latency.push(sent.elapsed());
        sum = sum.wrapping_add(answer(id, response));
    }
    (sum, latency)
}

/// `size` requests of a seeded mix (70 % cached gets with skewed keys, 20 %
/// CPU, 10 % fan-out of four gets) through 32 keep-alive connections to a
/// service with a shared cache and four database actors; every response
/// checked, each request's latency recorded.
#[derive(Debug)]
pub struct MixedService;

impl Workload for MixedService {
    const NAME: &'static str = "mixed_service";
    const FAMILY: Family = Family::Service;
    const SUMMARY: &'static str = "size requests of a seeded mix (70% get through a shared RwLock cache, misses to 4 \
                                   database actors; 20% CPU; 10% fan-out of 4 gets as tasks) over 32 keep-alive \
                                   connections, closed loop; request latency recorded";
    const UNIT: &'static str = "requests";
    const SIZES: Sizes = Sizes { test: 200, quick: 10_000, bench: &[2_000, 200_000] };
    const LATENCY: Option<&'static str> = Some("request latency: send to response, 32 connections in a closed loop");

    fn needs(_: usize) -> Needs {
        // Clients, connection tasks, database actors and the aggregates' gets.
        let tasks = CONNECTIONS * 2 + DB_SHARDS + CONNECTIONS * FAN_OUT as usize;
        Needs { tasks: tasks as u64, remote_spawn: false }
    }

    fn expected(size: usize) -> u64 {
        (0..size as u64).fold(0u64, |acc, id| acc.wrapping_add(answer(id, Request::nth(id).response())))
    }

    async fn run<R: Runtime>(size: usize) -> Run {
        let (db, actors): (Vec<_>, Vec<_>) = (0..DB_SHARDS)
            .map(|_| {
                let (tx, rx) = mpsc::channel::<Query>(CONNECTIONS);
                (tx, R::spawn(database::<R>(rx)))
            })
            .unzip();
        let backend = Arc::new(Backend { cache: RwLock::new(HashMap::new()), db });
        let clients: Vec<_> = (0..CONNECTIONS.min(size))
            .map(|c| {
                let (req_tx, req_rx) = mpsc::channel::<Wire>(1);
                let (resp_tx, resp_rx) = mpsc::channel::<u64>(1);
                R::detach(R::spawn(connection::<R>(backend.clone(), req_rx, resp_tx)));
                R::spawn(client(c, size, req_tx, resp_rx))
            })
            .collect();
        // The database actors end when the last connection task drops the backend.
        drop(backend);
        let (mut sum, mut latency) = (0u64, Vec::with_capacity(size));
        for (s, l) in join_all(clients).await {
            sum = sum.wrapping_add(s);
            latency.extend(l);
        }
        join_all(actors).await;
        Run { checksum: sum, latency }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeded_mix_has_the_documented_shape() {
        let n = 100_000u64;
        let (mut gets, mut computes, mut aggregates, mut hot) = (0u64, 0u64, 0u64, 0u64);
        for id in 0..n {
            match Request::nth(id) {
                Request::Get(key) => {
                    gets += 1;
                    hot += u64::from(key < HOT_KEYS);
                }
                Request::Compute(_) => computes += 1,
                Request::Aggregate(_) => aggregates += 1,
            }
        }
        let pct = |x: u64| x * 100 / n;
        assert!((69..=71).contains(&pct(gets)), "gets {gets}");
        assert!((19..=21).contains(&pct(computes)), "computes {computes}");
        assert!((9..=11).contains(&pct(aggregates)), "aggregates {aggregates}");
        // Half the gets go to the hot keys, plus the cold draws that land there.
        assert!((50..=52).contains(&(hot * 100 / gets)), "hot {hot} of {gets}");
    }

    #[test]
    fn parsing_checks_the_tag_and_decodes_the_mix() {
        for id in 0..1_000 {
            assert_eq!(parse(encode(id)), Some(Request::nth(id)));
            let (id, tag) = encode(id);
            assert_eq!(parse((id, tag ^ 1)), None);
        }
    }

    #[test]
    fn an_answer_belongs_to_its_request() {
        // Two responses swapped between requests change the sum.
        let (a, b) = (Request::nth(3).response(), Request::nth(4).response());
        assert_ne!(a, b);
        assert_ne!(answer(3, a).wrapping_add(answer(4, b)), answer(3, b).wrapping_add(answer(4, a)));
    }

    #[test]
    fn every_connection_sends_its_share_exactly_once() {
        let size = 1_000;
        let mut seen: Vec<u64> = (0..CONNECTIONS).flat_map(|c| ids(c, size)).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..size as u64).collect::<Vec<_>>());
    }
}
