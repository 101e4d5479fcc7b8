#!/usr/bin/env bash
# The regression gate's self-test (README, "Regression gate"): builds `arena` once,
# copies it aside, and has `arena gate-selftest` compare it with itself 10 times per
# mode: a 1 % slowdown injected in instruction counts (flagged every time), a 3 %
# slowdown in wall time (flagged in at least 9 of 10 runs), and no change in either
# (never flagged). Prints the tally; writes target/arena/selftest/{selftest.json,
# selftest.md} and every run's gate output beside them. Exit 0 when every mode met
# its expectation, 1 when one did not, 2 on bad arguments.
#   scripts/gate-selftest.sh                       # all four modes, 10 runs each (~3.5 h)
#   scripts/gate-selftest.sh --runs 3 --mode wall-inject,wall-aa
#   scripts/gate-selftest.sh --mode wall-inject,wall-aa --resume   # go on with a tally
# Arguments go to `arena gate-selftest` (see `arena gate-selftest --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin arena
mkdir -p target/arena/selftest
# A copy, so a rebuild while the self-test runs cannot change what it measures.
cp target/release/arena target/arena/selftest/arena
exec target/arena/selftest/arena gate-selftest --bin target/arena/selftest/arena "$@"
