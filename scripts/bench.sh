#!/usr/bin/env bash
# Bench every runtime, or only the ones named, with criterion (full size sweep).
#   scripts/bench.sh                 # everything (long: see README)
#   scripts/bench.sh tokio-ct smol-mt
# Extra criterion flags go after --:  scripts/bench.sh tokio-ct -- --sample-size 20
# Every runtime runs on ARENA_CORES cores (default: all; ARENA_CORES=1 for one core).
# Results: target/criterion/cores-<N> (criterion's HTML report: its report/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
runtimes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do runtimes+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
if [ ${#runtimes[@]} -gt 0 ]; then
  ARENA_RUNTIME=$(IFS=,; echo "${runtimes[*]}")
  export ARENA_RUNTIME
fi
exec cargo bench -p runners --bench arena -- "$@"
