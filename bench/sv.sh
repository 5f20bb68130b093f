#!/usr/bin/env bash
# `runitctl sv` against Debian's `sv`, on the same service supervised by Debian's runsv:
#   (1) `sv status DIR` latency (hyperfine, many runs): Debian's sv, `runitctl sv status`,
#       runitctl reached through a symlink named `sv` (no `runitctl sv` argument dispatch), and
#       an empty Rust program (`fn main() {}`, rustc -O): the floor any Rust binary starts from;
#   (2) `sv -w 7 restart DIR` wall time of a service that has run for more than a second (so
#       runsv's 1-second throttle stays out of it; hyperfine's --prepare sleeps 1.1 s).
# Prints the hyperfine tables and the runitctl/Debian ratios (targets: status ≤ 1.3×,
# restart ≤ 0.1×). Not a test: nothing here asserts.
#
# Usage: bench/sv.sh            (builds and measures target/release/runitctl)
#   BIN=path/to/runitctl bench/sv.sh   measure another build (e.g. the static deployment build)
#   RUNS=2000 RESTARTS=15              sample sizes
# Needs: Debian's runit (/usr/bin/runsv, /usr/bin/sv), hyperfine, jq.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000}
RESTARTS=${RESTARTS:-10}
. bench/common.bash
bench_binary
need_debian runsv sv
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq is missing" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sv-bench.XXXXXX)
PGID=""
cleanup() {
  if [ -n "$PGID" ] && [ "$PGID" -gt 1 ]; then kill -KILL -- "-$PGID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

SVC=$WORK/svc
mkdir -p "$SVC/log" "$WORK/bin"
printf '#!/bin/sh\nexec sleep 100000\n' > "$SVC/run"
printf '#!/bin/sh\nexec cat >/dev/null\n' > "$SVC/log/run"
chmod +x "$SVC/run" "$SVC/log/run"
ln -s "$BIN" "$WORK/bin/sv"
echo 'fn main() {}' > "$WORK/empty.rs"
rustc -O -o "$WORK/bin/empty" "$WORK/empty.rs"
setsid /usr/bin/runsv "$SVC" </dev/null >/dev/null 2>&1 &
PGID=$!
for _ in $(seq 200); do
  /usr/bin/sv status "$SVC" 2>/dev/null | grep -q '^run: .*; run: log:' && break
  sleep 0.05
done
/usr/bin/sv status "$SVC"
echo "binary: $BIN"

mean() { jq -r ".results[$2].mean" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo
echo "== (1) sv status latency, $RUNS runs each"
hyperfine -N --warmup 100 --runs "$RUNS" --export-json "$WORK/status.json" \
  -n "debian sv status" "/usr/bin/sv status $SVC" \
  -n "runitctl sv status" "$BIN sv status $SVC" \
  -n "runitctl as sv" "$WORK/bin/sv status $SVC" \
  -n "empty Rust program" "$WORK/bin/empty"
D=$(mean "$WORK/status.json" 0)
R=$(mean "$WORK/status.json" 1)
L=$(mean "$WORK/status.json" 2)
E=$(mean "$WORK/status.json" 3)
printf 'status: debian %.3f ms, runitctl sv %.3f ms (%sx), symlink sv %.3f ms (%sx)\n' \
  "$(awk -v x="$D" 'BEGIN{print x*1000}')" "$(awk -v x="$R" 'BEGIN{print x*1000}')" \
  "$(ratio "$R" "$D")" "$(awk -v x="$L" 'BEGIN{print x*1000}')" "$(ratio "$L" "$D")"
printf 'floor: an empty Rust program %.3f ms (%sx Debian sv); runitctl sv status is %sx it\n' \
  "$(awk -v x="$E" 'BEGIN{print x*1000}')" "$(ratio "$E" "$D")" "$(ratio "$R" "$E")"

echo
echo "== (2) sv -w 7 restart of a service up for more than 1 s, $RESTARTS runs each"
hyperfine -N --runs "$RESTARTS" --prepare "sleep 1.1" --export-json "$WORK/restart.json" \
  -n "debian sv -w 7 restart" "/usr/bin/sv -w 7 restart $SVC" \
  -n "runitctl sv -w 7 restart" "$BIN sv -w 7 restart $SVC"
D=$(mean "$WORK/restart.json" 0)
R=$(mean "$WORK/restart.json" 1)
printf 'restart: debian %.1f ms, runitctl %.1f ms (%sx)\n' \
  "$(awk -v x="$D" 'BEGIN{print x*1000}')" "$(awk -v x="$R" 'BEGIN{print x*1000}')" \
  "$(ratio "$R" "$D")"
