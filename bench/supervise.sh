#!/usr/bin/env bash
# Side-by-side benchmark of the embedded runsvdir/runsv against Debian's runit, in one run.
#   (a) N services (`exec sleep` + a logger each; the logger is Debian's svlogd for both, so only
#       the supervisors differ) under runsvdir: time from start until every service and logger
#       is `run`, and the summed PSS of the supervision processes (runsvdir + every runsv);
#   (b) pickup of a newly linked service by a running runsvdir (until supervise/ok answers);
#   (d) restart latency of a service that ran longer than a second (its exit → its next start);
#   (e) idle wakeups (context switches) over 30 s of runsvdir and of all runsv together.
# Prints each figure and the embedded/Debian ratios. Not a test: nothing here asserts.
#
# Usage: bench/supervise.sh [N]   (default N=1000)
#   BIN=path/to/runitctl   measure that binary; by default the deployment build is made and
#                          measured: static glibc, non-PIE (no load-time relocations, so each of
#                          the N runsv processes keeps only ~56 kB private), in its own target dir:
#                          RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static"
#                          cargo build --release --target x86_64-unknown-linux-gnu
#   BIN=target/release/runitctl measures the plain (PIE) release build instead.
# Needs: Debian's runit (/usr/bin/runsvdir, runsv, svlogd), python3, root or enough ulimits.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
IDLE=${IDLE:-30}
. bench/common.bash
RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" \
  bench_binary --target x86_64-unknown-linux-gnu
echo "binary: $BIN ($(file -b "$BIN" | cut -d, -f1-2))"
need_debian runsvdir runsv svlogd
ulimit -n 65536 2>/dev/null || true
ulimit -u unlimited 2>/dev/null || true
WORK=$(mktemp -d /tmp/supervise-bench.XXXXXX)
PY="$WORK/helper.py"
cleanup() {
  for f in "$WORK"/*.pgid; do
    [ -f "$f" ] || continue
    pg=$(cat "$f")
    if [ "$pg" -gt 1 ]; then kill -KILL -- "-$pg" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$PY" <<'EOF'
import os, sys, time, glob, statistics

def status(d):
    try:
        b = open(os.path.join(d, "supervise/status"), "rb").read()
    except OSError:
        return None
    return b if len(b) == 20 else None

def all_run(dirs):
    for d in dirs:
        s = status(d)
        if s is None or s[19] != 1:
            return False
    return True

def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            st = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        rest = st.rsplit(")", 1)[1].split()
        if int(rest[1]) == pid:
            out.append(int(p))
    return out

def comm(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return ""

def pss(pid):
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

def switches(pid):
    n = 0
    try:
        for line in open(f"/proc/{pid}/status"):
            if "ctxt_switches" in line:
                n += int(line.split()[1])
    except OSError:
        pass
    return n

def supervisors(root):
    runsvs = [c for c in children(root) if comm(c) == "runsv"]
    return runsvs

cmd = sys.argv[1]
if cmd == "wait-up":
    # wait-up T0_NS SVDIR N TIMEOUT → seconds from T0 until every service and logger runs
    t0 = int(sys.argv[2]) / 1e9
    base, n, limit = sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    dirs = [f"{base}/s{i}" for i in range(n)] + [f"{base}/s{i}/log" for i in range(n)]
    pending = dirs
    while True:
        pending = [d for d in pending if not all_run([d])]
        if not pending:
            print(f"{time.time() - t0:.3f}")
            break
        if time.time() - t0 > limit:
            print("timeout")
            break
        time.sleep(0.01)
elif cmd == "pss":
    root = int(sys.argv[2])
    rs = supervisors(root)
    loggers = [c for r in rs for c in children(r) if comm(c) == "svlogd"]
    print(pss(root) + sum(pss(r) for r in rs), len(rs), pss(root), sum(pss(l) for l in loggers))
elif cmd == "idle":
    root, secs = int(sys.argv[2]), float(sys.argv[3])
    rs = supervisors(root)
    a = (switches(root), sum(switches(r) for r in rs))
    time.sleep(secs)
    b = (switches(root), sum(switches(r) for r in rs))
    print(b[0] - a[0], b[1] - a[1])
elif cmd == "pickup":
    # pickup SCANDIR SVDIR ROUNDS → median ms from symlink() until supervise/ok has a reader
    scan, sv, rounds = sys.argv[2], sys.argv[3], int(sys.argv[4])
    res = []
    for i in range(rounds):
        time.sleep(0.3 + (i % 7) * 0.11)  # a random-ish phase against a periodic scanner
        d = f"{sv}/p{i}"
        os.makedirs(d)
        with open(f"{d}/run", "w") as f:
            f.write("#!/bin/sh\nexec sleep 100000\n")
        os.chmod(f"{d}/run", 0o755)
        t = time.time()
        os.symlink(d, f"{scan}/p{i}")
        while True:
            try:
                fd = os.open(f"{d}/supervise/ok", os.O_WRONLY | os.O_NONBLOCK)
                os.close(fd)
                break
            except OSError:
                if time.time() - t > 15:
                    break
                time.sleep(0.001)
        res.append((time.time() - t) * 1000)
    print(f"{statistics.median(res):.1f}")
elif cmd == "latency":
    # latency DIR → median ms from an exit line to the next start line
    d = sys.argv[2]
    starts = [int(x) for x in open(f"{d}/starts").read().split()]
    exits = [int(x) for x in open(f"{d}/exits").read().split()]
    gaps = [(starts[i + 1] - exits[i]) / 1e6 for i in range(min(len(exits), len(starts) - 1))]
    print(f"{statistics.median(gaps):.2f}")
EOF

# Starts a supervisor program in its own session; records its pid as the group to kill.
launch() { # name imp args...
  local name=$1 imp=$2; shift 2
  if [ "$imp" = embedded ]; then
    setsid bash -c 'exec -a "$0" "$@"' "$name" "$BIN" "$@" </dev/null >/dev/null 2>&1 &
  else
    setsid "/usr/bin/$name" "$@" </dev/null >/dev/null 2>&1 &
  fi
  echo $! > "$WORK/$imp-$name.pgid"
  echo $!
}

stop_group() { # imp name
  local f="$WORK/$1-$2.pgid" pg
  pg=$(cat "$f")
  if [ "$pg" -gt 1 ]; then
    kill -HUP "$pg" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pg" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$pg" 2>/dev/null || true
  fi
  rm -f "$f"
}

make_tree() { # dir n
  mkdir -p "$1"
  for i in $(seq 0 $(($2 - 1))); do
    mkdir -p "$1/s$i/log"
    printf '#!/bin/sh\nexec sleep 100000\n' > "$1/s$i/run"
    printf '#!/bin/sh\nexec svlogd .\n' > "$1/s$i/log/run"
    chmod 755 "$1/s$i/run" "$1/s$i/log/run"
  done
}

declare -A R
for imp in embedded debian; do
  echo "== $imp: (a) $N services with loggers"
  dir="$WORK/$imp-a"
  make_tree "$dir" "$N"
  sleep 1.1 # let the dir's mtime age past the current second (runit's same-second penalty)
  t0=$(date +%s%N)
  pid=$(launch runsvdir "$imp" "$dir")
  up=$(python3 "$PY" wait-up "$t0" "$dir" "$N" 120)
  read -r total count rdir logs <<<"$(python3 "$PY" pss "$pid")"
  echo "   all $N services + loggers run after ${up}s; PSS runsvdir+${count} runsv = ${total} kB (runsvdir ${rdir} kB; loggers ${logs} kB)"
  echo "== $imp: (e) idle wakeups over ${IDLE}s"
  read -r w_dir w_sv <<<"$(python3 "$PY" idle "$pid" "$IDLE")"
  echo "   runsvdir ${w_dir}, all runsv together ${w_sv}"
  stop_group "$imp" runsvdir
  rm -rf "$dir"
  R[$imp-up]=$up; R[$imp-pss]=$total; R[$imp-wdir]=$w_dir; R[$imp-wsv]=$w_sv

  echo "== $imp: (b) pickup of a newly linked service"
  scan="$WORK/$imp-b/scan"; svd="$WORK/$imp-b/sv"; mkdir -p "$scan" "$svd"
  sleep 1.1
  launch runsvdir "$imp" "$scan" >/dev/null
  pick=$(python3 "$PY" pickup "$scan" "$svd" 7)
  echo "   median ${pick} ms"
  stop_group "$imp" runsvdir
  R[$imp-pick]=$pick

done

# (d) both supervisors at once, so machine load hits them alike.
echo "== (d) restart latency after a run longer than a second (both at once, 20 samples each)"
for imp in embedded debian; do
  d="$WORK/$imp-d"; mkdir -p "$d"
  printf '#!/bin/sh\ndate +%%s%%N >> starts\nsleep 1.2\ndate +%%s%%N >> exits\nexit 0\n' > "$d/run"
  chmod 755 "$d/run"
  launch runsv "$imp" "$d" >/dev/null
done
for _ in $(seq 500); do
  [ "$(cat "$WORK"/*-d/starts 2>/dev/null | wc -l)" -ge 42 ] && break
  sleep 0.1
done
for imp in embedded debian; do
  R[$imp-lat]=$(python3 "$PY" latency "$WORK/$imp-d")
  echo "   $imp: median ${R[$imp-lat]} ms (exit line → next start line)"
  stop_group "$imp" runsv
done

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b else 'n/a')" "$1" "$2"; }
echo
echo "== ratios (embedded / debian)"
echo "(a) time to all up:      $(ratio "${R[embedded-up]}" "${R[debian-up]}")  (${R[embedded-up]}s vs ${R[debian-up]}s; target <= 1.0x)"
echo "(a) supervision PSS:     $(ratio "${R[embedded-pss]}" "${R[debian-pss]}")  (${R[embedded-pss]} kB vs ${R[debian-pss]} kB; target <= 1.0x)"
echo "(b) pickup of new link:  $(ratio "${R[embedded-pick]}" "${R[debian-pick]}")  (${R[embedded-pick]} ms vs ${R[debian-pick]} ms)"
echo "(d) restart latency:     $(ratio "${R[embedded-lat]}" "${R[debian-lat]}")  (${R[embedded-lat]} ms vs ${R[debian-lat]} ms; target <= 1.0x)"
echo "(e) idle wakeups ${IDLE}s:    embedded runsvdir ${R[embedded-wdir]} / runsv ${R[embedded-wsv]}; debian runsvdir ${R[debian-wdir]} / runsv ${R[debian-wsv]} (target 0)"
