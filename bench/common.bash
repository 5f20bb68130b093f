# Sourced by the bash benchmarks (drive, supervise, sv, svlogd) after they `cd` to the repo.

# bench_binary [CARGO ARGS…]: BIN becomes the absolute path of $BIN when set, else of the
# release build (made now; extra cargo arguments, e.g. a --target, pick another build).
bench_binary() {
  if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet "$@"
    local target=target
    if [ "${1:-}" = --target ]; then target=target/$2; fi
    BIN=$target/release/runitctl
  fi
  BIN=$(realpath "$BIN")
  [ -x "$BIN" ] || { echo "bench: no binary at $BIN" >&2; exit 1; }
}

# need_debian PROG…: stops unless Debian's runit programs are installed in /usr/bin.
need_debian() {
  local p
  for p in "$@"; do
    [ -x "/usr/bin/$p" ] || { echo "bench: Debian's $p is missing" >&2; exit 1; }
  done
}
