#!/usr/bin/env bash
# Benchmark of apply driving the supervisor, on N running services (default 1000), for each
# backend in one run: `supervisor: embedded` (runitctl's runsvdir/runsv) and `supervisor: runit`
# (Debian's runsvdir/runsv), side by side:
#   cold    apply of N new services until every runsv answers (info);
#   no-op   apply of the same spec while all N run (median of 7), and the same with
#           --no-supervise (what plan + write cost without the driver);
#   1-of-N  apply that changes one service's env (it is restarted; median of 7), and the same
#           with `--only` that service (the 999 others are not read);
#   restart that service restarted alone: `runitctl sv -w 7 restart` (event-driven waits) and
#           Debian's `sv -w 7 restart` (polls every 420 ms); the target is 1-of-N ≈ restart;
#   shutdown of the N services (info).
# Prints each figure and the ratios. Not a test: nothing here asserts.
#
# Usage: bench/drive.sh [N]     BIN=path/to/runitctl to measure another build;
#        LOGS=1 gives every service a logger (svlogd; 3 processes per service, not 2).
# Needs: Debian's runit (/usr/bin/runsvdir, runsv, sv).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RUNS=${RUNS:-7}
case ${LOGS:-0} in 1) LOG="" ;; *) LOG="log: false," ;; esac
. bench/common.bash
bench_binary
need_debian runsvdir runsv sv
ulimit -n 65536 2>/dev/null || true
WORK=$(mktemp -d /tmp/drive-bench.XXXXXX)
cleanup() {
  for r in "$WORK"/*/root; do
    [ -d "$r" ] && "$BIN" --root "$r" shutdown --timeout 5 >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# spec BACKEND VERSION: N services `exec sleep`, no logger (a logger each with LOGS=1);
# svc-0500 carries VERSION in its env.
spec() {
  printf 'project: bench\nsupervisor: %s\nservices:\n' "$1"
  for i in $(seq -w 1 "$N"); do
    if [ "$i" = "$(printf '%0*d' ${#N} $((N / 2)))" ]; then
      printf '  svc-%s: { run: exec sleep 100000, %s env: { VERSION: "%s" } }\n' "$i" "$LOG" "$2"
    else
      printf '  svc-%s: { run: exec sleep 100000, %s }\n' "$i" "${LOG%,}"
    fi
  done
}

# quiet: waits (60 s at most) until the machine has had at most 2 runnable tasks for a second on
# end: after a cold start of N services their shells and execs go on for a while, and a figure
# taken then measures them, not apply (a fixed 2 s pause gave restarts of 11 to 44 ms).
quiet() {
  local calm=0 i _ run
  for i in $(seq 1200); do
    # Read by the shell itself: a `cut` pipeline counted its own two processes as runnable.
    read -r _ _ _ run _ < /proc/loadavg
    if [ "${run%/*}" -le 2 ]; then
      calm=$((calm + 1))
      [ "$calm" -ge 20 ] && return 0
    else
      calm=0
    fi
    sleep 0.05
  done
  echo "bench: the machine never became quiet; figures are noisy" >&2
}

declare -A R
# stages FILE: the median of each stage the applies timed (RUNITCTL_TIMINGS=1 lines in FILE),
# in the order the stages first appear: "load 8.1, model 7.2, …" (ms).
stages() {
  local name out=""
  while IFS= read -r name; do
    out+="${out:+, }$name $(awk -v n="$name" '{ v = $(NF - 1); $NF = ""; $(NF - 1) = "";
      sub(/^timing: /, ""); sub(/ +$/, ""); if ($0 == n) print v }' "$1" | median)"
  done < <(sed -n 's/^timing: \(.*\) [0-9.]* ms$/\1/p' "$1" | awk '!seen[$0]++')
  echo "$out"
}
# timed PAUSE CMD…: median seconds of RUNS runs of CMD (stdout dropped), PAUSE seconds before
# each (past runsv's one-second restart floor when restarting).
timed() {
  local pause=$1 t0 t1
  shift
  for _ in $(seq "$RUNS"); do
    sleep "$pause"
    t0=$(now); "$@" > /dev/null; t1=$(now)
    echo "$t1 - $t0" | bc
  done | median
}

# one_change BACKEND KEY FIRST [ARGS…]: median seconds of RUNS applies (with ARGS) that each
# change svc-MID's env (versions FIRST+1 …), into R[BACKEND.KEY]; their stage medians into
# R[BACKEND.KEY-stages].
one_change() {
  local b=$1 key=$2 first=$3 d="$WORK/$1" v t0 t1
  shift 3
  for v in $(seq $((first + 1)) $((first + RUNS))); do
    spec "$b" "$v" > "$d/spec.yaml"
    sleep 1.2
    t0=$(now)
    RUNITCTL_TIMINGS=1 "$BIN" --root "$d/root" apply "$d/spec.yaml" "$@" > "$d/$key.out" \
      2>> "$d/$key.timing"
    t1=$(now)
    grep -q ', 1 restarted,' "$d/$key.out" \
      || { echo "bench: expected one restart" >&2; cat "$d/$key.out" >&2; exit 1; }
    echo "$t1 - $t0" | bc
  done | median > "$d/$key"
  R[$b.$key]=$(cat "$d/$key")
  R[$b.$key-stages]=$(stages "$d/$key.timing")
}

measure() { # BACKEND
  local b=$1 d="$WORK/$1" mid t0 t1
  mid=svc-$(printf '%0*d' ${#N} $((N / 2)))
  mkdir -p "$d/root"
  spec "$b" 0 > "$d/spec.yaml"
  t0=$(now); "$BIN" --root "$d/root" apply "$d/spec.yaml" --timeout 120 > "$d/cold.out"; t1=$(now)
  R[$b.cold]=$(echo "$t1 - $t0" | bc)
  quiet
  "$BIN" --root "$d/root" apply "$d/spec.yaml" | grep -q '^no changes' \
    || { echo "bench: no-op apply changed something" >&2; exit 1; }
  R[$b.noop]=$(timed 0 "$BIN" --root "$d/root" apply "$d/spec.yaml")
  R[$b.files]=$(timed 0 "$BIN" --root "$d/root" apply "$d/spec.yaml" --no-supervise)
  one_change "$b" one 0
  one_change "$b" only "$RUNS" --only "$mid"
  R[$b.ours]=$(timed 1.2 "$BIN" sv -w 7 restart "$d/root/etc/service/$mid")
  R[$b.debian]=$(timed 1.2 /usr/bin/sv -w 7 restart "$d/root/etc/service/$mid")
  t0=$(now); "$BIN" --root "$d/root" shutdown --timeout 10 > /dev/null; t1=$(now)
  R[$b.down]=$(echo "$t1 - $t0" | bc)
}

echo "binary: $BIN; $N services ($([ -z "$LOG" ] && echo "with" || echo "without") loggers); median of $RUNS; $(nproc) cores, $(uname -r)"
measure embedded
measure runit
ratio() { echo "scale=2; $1 / $2" | bc; }
printf '%-44s %10s %10s %8s\n' "" embedded runit "emb/runit"
for k in cold noop files one only ours debian down; do
  case $k in
    cold) label="cold apply of $N (until all picked up)";;
    noop) label="no-op apply, $N running";;
    files) label="  the same with --no-supervise (files only)";;
    down) label="shutdown of $N services";;
    one) label="apply changing 1 of $N (1 restart)";;
    only) label="  the same with --only that service";;
    ours) label="that restart alone: runitctl sv -w 7 restart";;
    debian) label="that restart alone: Debian sv -w 7 restart";;
  esac
  printf '%-44s %9.3fs %9.3fs %8s\n' "$label" "${R[embedded.$k]}" "${R[runit.$k]}" \
    "$(ratio "${R[embedded.$k]}" "${R[runit.$k]}")"
done
for b in embedded runit; do
  for k in one only; do
    printf '%s: 1-of-%s apply%s / restart alone (runitctl sv) = %s; / Debian sv = %s\n' "$b" "$N" \
      "$([ $k = only ] && echo " --only")" "$(ratio "${R[$b.$k]}" "${R[$b.ours]}")" \
      "$(ratio "${R[$b.$k]}" "${R[$b.debian]}")"
  done
done
for b in embedded runit; do
  for k in one only; do
    printf '%s: where the 1-of-%s apply%s goes (median ms of each stage, RUNITCTL_TIMINGS=1):\n  %s\n' \
      "$b" "$N" "$([ $k = only ] && echo " --only")" "${R[$b.$k-stages]}"
  done
done
