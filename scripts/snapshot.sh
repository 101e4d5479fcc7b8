#!/usr/bin/env bash
# The numbers README and docs/ point to, made anew on this machine:
#   scripts/snapshot.sh [MACHINE]        (MACHINE defaults to the host name)
# Builds `arena` and `arena-memory` once, then runs, into target/arena/snapshot/:
# `arena conformance`, `arena overhead`, `arena-memory` and `arena run` (both
# matrices), builds the report of all four with `arena report`, and writes its
# Markdown, under a header naming the date, the commit and how long each step took,
# to results/MACHINE/summary.md (atomically). With Debian's `chromium` on PATH it also
# draws the top of the report page into docs/report.png.
# Run it on a quiet machine: every other job on the cores moves the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 1 ] || [[ "${1:-}" == -* ]]; then
  echo "usage: scripts/snapshot.sh [MACHINE]" >&2
  exit 2
fi
machine=${1:-$(hostname)}
if [[ ! "$machine" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "scripts/snapshot.sh: MACHINE must be letters, digits, '.', '_' or '-', got '$machine'" >&2
  exit 2
fi
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  commit="$commit (with uncommitted changes)"
fi

cargo build --release --locked --bin arena --bin arena-memory
arena=target/release/arena
out=target/arena/snapshot
rm -rf "$out"
mkdir -p "$out"

steps=""
step() { # step NAME OUTPUT COMMAND…: runs it, adds "NAME: M min S s" to the header's list
  local name=$1 output=$2 start=$SECONDS code=0
  shift 2
  echo "== $name: $*"
  "$@" || code=$?
  # 1 and 3 are findings (a failed cell, a check not ok, an adapter over its
  # tolerance, too noisy to tell) that the snapshot shows; anything else, or
  # no output written, is the tool failing.
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ] && [ "$code" -ne 3 ] || [ ! -s "$output" ]; then
    echo "scripts/snapshot.sh: $name failed (exit $code, $output not written); results/ left as it was" >&2
    exit 1
  fi
  local took=$((SECONDS - start))
  steps="$steps- \`$name\`: $((took / 60)) min $((took % 60)) s (exit $code)"$'\n'
}
step "arena conformance" "$out/conformance.json" "$arena" conformance --out "$out/conformance.json"
step "arena overhead" "$out/overhead.json" "$arena" overhead --out "$out/overhead.json"
step "arena-memory" "$out/memory.json" target/release/arena-memory --out "$out/memory.json"
step "arena run" "$out/run/results.json" "$arena" run --out "$out/run"
"$arena" report --quiet --out "$out/report" \
  --results "$out/run/results.json" --conformance "$out/conformance.json" \
  --overhead "$out/overhead.json" --memory "$out/memory.json"

dest=results/$machine
mkdir -p "$dest"
tmp=$(mktemp "$dest/.summary.md.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  echo "<!-- Written by scripts/snapshot.sh; run it again rather than editing this file. -->"
  echo "# Snapshot of machine \`$machine\`"
  echo
  echo "Made $(date -u +%Y-%m-%dT%H:%MZ) from commit $commit by \`scripts/snapshot.sh $machine\`,"
  echo "on $(nproc) CPUs this process could use. How long each step took (after the build), and"
  echo "its exit code (1: a check was not ok or an adapter cost more than its tolerance;"
  echo "3: too noisy to tell; 4: some cell failed; the tables below say which):"
  echo
  printf '%s' "$steps"
  echo
  echo "What the tables mean and how far to trust them: [docs/method.md](../../docs/method.md)."
  echo
  sed '1{/^# /d}' "$out/report/summary.md"
} >"$tmp"
mv "$tmp" "$dest/summary.md"
trap - EXIT
echo "snapshot: $dest/summary.md"

mkdir -p docs
if command -v chromium >/dev/null 2>&1; then
  # chromium picks the image format from the file name: draw into report.png in a
  # directory of our own, then move it into place.
  drawn=$(mktemp -d)
  if chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1366,1500 --screenshot="$drawn/report.png" "file://$PWD/$out/report/index.html" \
    >/dev/null 2>&1 && [ -s "$drawn/report.png" ]; then
    mv "$drawn/report.png" docs/report.png
    echo "picture: docs/report.png"
  else
    echo "picture: chromium could not draw the report; docs/report.png left as it was" >&2
  fi
  rm -rf "$drawn"
else
  echo "picture: no chromium on PATH; docs/report.png left as it was" >&2
fi
