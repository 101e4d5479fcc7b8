#!/usr/bin/env bash
# The regression gate on two git revisions of this repository:
#   scripts/gate.sh BASE [HEAD]      (HEAD defaults to HEAD)
# Builds base twice (A/A) and head with the same toolchain and profile (one
# codegen unit, each runtime family alone), compares
# the regression set (docs/gate.md) and writes target/arena/gate/{gate.json,gate.md,
# benchmark.json}. Exit 0 no regression, 1 regression, 2 bad input, 3 inconclusive,
# 4 a failed cell, 5 a failed build of base or head (cargo's own 101: the driver did
# not build). Extra arguments after HEAD go to `arena compare`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: scripts/gate.sh BASE [HEAD] [arena compare options…]" >&2
  exit 2
fi
base=$1
head=${2:-HEAD}
shift $(( $# >= 2 ? 2 : 1 ))
exec cargo run --release --locked --bin arena -- compare --base "$base" --head "$head" "$@"
