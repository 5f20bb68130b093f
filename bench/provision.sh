#!/bin/sh
# Provisioning benchmark (not a test): a 1,000-service spec (500 system services, 500 spread
# over 10 users, all with logs and env), measured side by side in one run:
#   fresh apply (files only)        vs  cp -a of the same rendered tree, then sync
#   no-op plan / no-op apply        vs  rsync -a --checksum --dry-run over the same tree
#   no-op plan with the stat cache warm (after those applies; info)
#   peak RSS of runitctl (targets: fresh ≤ 2× floor, no-op plan < rsync, RSS ≤ 50 MB)
# Usage: bench/provision.sh [RUNITCTL]   (default: target/release/runitctl, built if missing)
# Env: N (services, default 1000), RUNS (repetitions, best taken, default 3).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/target/release/runitctl}
if [ ! -x "$bin" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
n=${N:-1000}
runs=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/runitctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

spec=$work/services.yaml
{
    echo "project: bench"
    echo "supervisor: runit"
    echo "defaults:"
    echo "  log: { size: 1000000, num: 10 }"
    echo "services:"
    half=$((n / 2))
    i=0
    while [ $i -lt $half ]; do
        echo "  svc$i: { run: sleep 3600, env: { PORT: \"$((5000 + i))\", DATABASE_URL: \"postgres://db/$i\" } }"
        i=$((i + 1))
    done
    echo "users:"
    u=0
    while [ $u -lt 10 ]; do
        echo "  user$u:"
        echo "    services:"
        j=0
        while [ $j -lt $(( (n - half) / 10 )) ]; do
            echo "      app$j: { run: ./bin/app, cwd: ~/app, env: { PORT: \"$((6000 + j))\" } }"
            j=$((j + 1))
        done
        u=$((u + 1))
    done
} > "$spec"

now() { date +%s.%N; }
# best-of-$runs wall time of "$@" (after a setup command in $setup)
best() {
    b=""
    r=0
    while [ $r -lt $runs ]; do
        eval "$setup"
        t0=$(now)
        "$@" > /dev/null 2>&1 || [ $? -eq 2 ]
        t1=$(now)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
        r=$((r + 1))
    done
    echo "$b"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

root=$work/root
copy=$work/copy
setup='rm -rf "$root"; sync'
fresh=$(best "$bin" --root "$root" apply --no-supervise "$spec")
setup='rm -rf "$copy"; sync'
cpsync=$(best sh -c "cp -a '$root' '$copy' && sync")
setup=':'
plan=$(best "$bin" --root "$root" plan "$spec")
noop=$(best "$bin" --root "$root" apply --no-supervise "$spec")
# The no-op applies above saved the stat cache (files are older than its two-second settle by
# now): plan lstat's every path and reads none.
warm=$(best "$bin" --root "$root" plan "$spec")
rsync=$(best rsync -a --checksum --dry-run "$root/" "$copy/")
rm -rf "$root"
rss_fresh=$(rss "$bin" --root "$root" apply --no-supervise "$spec")
rss_plan=$(rss "$bin" --root "$root" plan "$spec")
files=$(find "$root" | wc -l)

ratio() { echo "scale=2; $1 / $2" | bc -l; }
printf '%s services, %s paths in the tree, best of %s runs\n\n' "$n" "$files" "$runs"
printf '%-34s %10s %10s %8s %s\n' measurement runitctl baseline ratio target
printf '%-34s %9.3fs %9.3fs %8s %s\n' "fresh apply vs cp -a + sync" "$fresh" "$cpsync" "$(ratio "$fresh" "$cpsync")" "<= 2"
printf '%-34s %9.3fs %9.3fs %8s %s\n' "no-op plan vs rsync --checksum -n" "$plan" "$rsync" "$(ratio "$plan" "$rsync")" "< 1"
printf '%-34s %9.3fs %9.3fs %8s %s\n' "no-op apply vs rsync --checksum -n" "$noop" "$rsync" "$(ratio "$noop" "$rsync")" "(info)"
printf '%-34s %9.3fs %9.3fs %8s %s\n' "no-op plan, stat cache warm" "$warm" "$rsync" "$(ratio "$warm" "$rsync")" "(info)"
printf '%-34s %8s MB %8s MB\n' "peak RSS fresh apply / no-op plan" "$((rss_fresh / 1024))" "$((rss_plan / 1024))"
printf '%-34s %s\n' "peak RSS target" "<= 50 MB"
