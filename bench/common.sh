# shellcheck shell=sh disable=SC2154
# Shared by the benchmark scripts, sourced once `bench_name` (for messages) and `work` (the
# script's temporary folder) are set.

# fail MESSAGE [LOG...]: the message, then the last lines of each log that has any; exit 1.
fail() {
  echo "bench/$bench_name: $1" >&2
  for log in "$@"; do
    [ "$log" = "$1" ] && continue
    [ -s "$log" ] && { echo "--- last lines of $log:" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

# remove_work STATUS: the temporary folder goes, unless the run failed and KEEP_BENCH_LOGS is set.
remove_work() {
  if [ "$1" -ne 0 ] && [ -n "${KEEP_BENCH_LOGS:-}" ]; then
    echo "logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
}

# free_ports N: N loopback ports free now, on one line.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])
PY
}

# use_build: the programs of ZWE_BIN_DIR, else of a release build of this tree made now;
# ZWE_BIN_DIR exported as an absolute path (components find their program through it from
# their own folders).
use_build() {
  if [ -z "${ZWE_BIN_DIR:-}" ]; then
    (cd "$root" && swift build -c release >/dev/null)
    ZWE_BIN_DIR="$root/.build/release"
  fi
  ZWE_BIN_DIR=$(CDPATH='' cd -- "$ZWE_BIN_DIR" && pwd)
  export ZWE_BIN_DIR
}

# The Python parts import bench/benchlib.py (no byte-code files written into the tree).
PYTHONPATH="$root/bench${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

# on_exit FUNCTION: FUNCTION runs when the script ends, also by INT or TERM (status 130, 143).
on_exit() {
  # shellcheck disable=SC2064
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# make_keystore: the keystore directory $work/keystore, made by zwe init certificate.
make_keystore() {
  printf 'KEYSTORE_DIRECTORY=%s/keystore\n' "$work" > "$work/setup.env"
  "$ZWE_BIN_DIR/zwe" init certificate -p "$work/setup.env" >"$work/setup.log" 2>&1 ||
    fail "zwe init certificate failed" "$work/setup.log"
}
