#!/usr/bin/env bash
# Bench every runtime, or only the ones named, with criterion (full size sweep).
#   scripts/bench.sh                 # everything (long: see README)
#   scripts/bench.sh tokio-ct smol-mt
# Extra criterion flags go after --:  scripts/bench.sh tokio-ct -- --sample-size 20
# Results: target/criterion (criterion's HTML report: target/criterion/report/index.html).
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
