#!/usr/bin/env bash
# The embedded svlogd against Debian's /usr/bin/svlogd, side by side in one run:
#   (b) throughput: 2,000,000 100-byte lines through `svlogd -tt` with `s1000000` (`n0`), fed
#       through a pipe; MB/s of input and the embedded/Debian ratio; outputs compared with the
#       timestamps masked, and the rotated-file counts;
#   (c) loss: a service writing numbered lines at ~100k lines/s under runsv (Debian runsv +
#       svlogd vs embedded runsv + svlogd), its logger SIGKILLed 3× (then, separately,
#       SIGTERMed 3×); lines lost, duplicated and torn; the idle logger's VmRSS.
# Not a test: nothing here asserts. Only pids verified as our runsv's svlogd child are signalled.
#
# Usage: bench/svlogd.sh   (builds target/release/runitctl)    LINES=2000000 RATE=100000 SECS=5
# Needs: Debian's runit (/usr/bin/runsv, /usr/bin/svlogd), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-2000000}
RATE=${RATE:-100000}
SECS=${SECS:-5}
. bench/common.bash
bench_binary
need_debian runsv svlogd
WORK=$(mktemp -d /tmp/svlogd-bench.XXXXXX)
PGIDS=()
cleanup() {
  for g in "${PGIDS[@]}"; do
    if [ -n "$g" ] && [ "$g" -gt 1 ]; then kill -KILL -- "-$g" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/svlogd"

echo "binary: $BIN"
echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -r)"

# ---------------------------------------------------------------- (b) throughput
python3 - "$WORK/input" "$LINES" <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    pad = "x" * 81
    for i in range(n):
        f.write(f"line {i:012d} {pad}\n")  # 100 bytes
PY
BYTES=$(stat -c %s "$WORK/input")
echo
echo "== (b) throughput: $LINES lines, $BYTES bytes, -tt, s1000000, n0 (best of 2)"
declare -A MBS
for imp in debian embedded; do
  exe=/usr/bin/svlogd; [ $imp = embedded ] && exe=$WORK/bin/svlogd
  best=""
  for round in 1 2; do
    d=$WORK/tp-$imp; rm -rf "$d"; mkdir -p "$d"; printf 's1000000\nn0\n' > "$d/config"
    sync
    t0=$(date +%s.%N)
    cat "$WORK/input" | "$exe" -tt "$d"
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
  done
  MBS[$imp]=$(awk -v b="$BYTES" -v s="$best" 'BEGIN { printf "%.1f", b / s / 1e6 }')
  files=$(ls "$d" | grep -c '^@' || true)
  sum=$(cat $(ls -d "$d"/@* | sort) "$d/current" | cut -c27- | md5sum | cut -c1-12)
  big=$(find "$d" -name '@*' -size +1000000c | wc -l)
  printf '%-9s %7ss %8s MB/s  rotated files %4s (over s: %s)  masked md5 %s\n' \
    "$imp" "$best" "${MBS[$imp]}" "$files" "$big" "$sum"
  eval "SUM_$imp=$sum FILES_$imp=$files"
done
echo "ratio embedded/debian: $(awk -v a="${MBS[embedded]}" -v b="${MBS[debian]}" 'BEGIN { printf "%.2f", a / b }')×"
if [ "$SUM_debian" = "$SUM_embedded" ] && [ "$FILES_debian" = "$FILES_embedded" ]; then
  echo "outputs identical (timestamps masked), same rotated-file count"
else
  echo "OUTPUTS DIFFER"
fi
rm -rf "$WORK"/tp-* "$WORK/input"

# ---------------------------------------------------------------- (c) loss under runsv
cat > "$WORK/writer.py" <<PY
import os, time
rate, secs = $RATE, $SECS
n = rate * secs
start = time.monotonic()
i = 0
while i < n:
    for _ in range(rate // 100):
        i += 1
        os.write(1, b"%d\n" % i)
    lag = start + i / rate - time.monotonic()
    if lag > 0:
        time.sleep(lag)
open("done", "w").write(str(n))
time.sleep(100000)
PY
cat > "$WORK/count.py" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
names = sorted(f for f in os.listdir(d) if f.startswith("@")) + ["current"]
seen = [0] * (n + 1)
torn = 0
for f in names:
    with open(os.path.join(d, f), "rb") as fh:
        for line in fh.read().split(b"\n")[:-1]:
            try:
                v = int(line[26:])
                seen[v] += 1
            except (ValueError, IndexError):
                torn += 1
lost = sum(1 for c in seen[1:] if c == 0)
dup = sum(1 for c in seen[1:] if c > 1)
print(f"{lost} {dup} {torn}")
PY

# Logger pid of the runsv with pid $2 serving $1: > 1, comm svlogd, parent = that runsv.
logger() {
  local pid comm ppid
  pid=$(cat "$1/log/supervise/pid" 2>/dev/null || echo 0)
  [ "$pid" -gt 1 ] 2>/dev/null || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  ppid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$comm" = svlogd ] && [ "$ppid" = "$2" ] && echo "$pid"
}

echo
echo "== (c) loss: $RATE lines/s for ${SECS}s under runsv, logger signalled 3×"
printf '%-9s %-5s %6s %6s %6s %6s %10s\n' imp sig lines lost dup torn "idle RSS"
for imp in debian embedded; do
  for sig in KILL TERM; do
    svc=$WORK/svc-$imp-$sig
    mkdir -p "$svc/log"
    printf '#!/bin/sh\nexec python3 %s 2>&1\n' "$WORK/writer.py" > "$svc/run"
    if [ $imp = debian ]; then
      printf '#!/bin/sh\nmkdir -p main; echo n0 > main/config\nexec /usr/bin/svlogd -tt main\n' > "$svc/log/run"
      setsid /usr/bin/runsv "$svc" </dev/null >/dev/null 2>&1 &
    else
      printf '#!/bin/sh\nmkdir -p main; echo n0 > main/config\nexec %s svlogd -tt main\n' "$BIN" > "$svc/log/run"
      setsid "$BIN" runsv "$svc" </dev/null >/dev/null 2>&1 &
    fi
    chmod +x "$svc/run" "$svc/log/run"
    runsv=$!
    PGIDS+=("$runsv")
    disown "$runsv"
    sleep 0.5
    last=0
    for k in 1 2 3; do
      sleep 1
      for _ in $(seq 100); do pid=$(logger "$svc" "$runsv" || true); [ -n "$pid" ] && [ "$pid" != "$last" ] && break; sleep 0.02; done
      if [ -n "$pid" ] && [ "$pid" -gt 1 ] && [ "$pid" != "$last" ]; then kill -s "$sig" "$pid"; last=$pid; fi
    done
    for _ in $(seq 300); do [ -f "$svc/done" ] && break; sleep 0.1; done
    # Counted once the logger has drained the pipe: nothing lost, or the count unchanged for
    # a second (deadline 30 s), rather than after a guessed pause.
    prev=""
    for _ in $(seq 30); do
      read -r lost dup torn < <(python3 "$WORK/count.py" "$svc/log/main" $((RATE * SECS)))
      [ "$lost" = 0 ] || [ "$lost $dup $torn" = "$prev" ] && break
      prev="$lost $dup $torn"
      sleep 1
    done
    pid=$(logger "$svc" "$runsv" || echo 0)
    rss=$(awk '/VmRSS/ { print $2 " kB" }' "/proc/$pid/status" 2>/dev/null || echo "?")
    printf '%-9s %-5s %6s %6s %6s %6s %10s\n' $imp $sig $((RATE * SECS)) "$lost" "$dup" "$torn" "$rss"
    if [ "$runsv" -gt 1 ]; then kill -KILL -- "-$runsv" 2>/dev/null || true; fi
  done
done
