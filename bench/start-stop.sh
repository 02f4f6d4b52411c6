#!/bin/sh
# Benchmarks P3, P4, P5 (quality.md) for the default component set:
#   P3 start until every component is READY (median of N), beside the critical path
#      (discovery's own start-to-READY plus the slowest dependent's, from the launcher's log);
#   P4 stop until no process is left (median of N);
#   P5 crash (SIGKILL) to READY again with a 0 s restart interval (median of N).
# Usage: bench/start-stop.sh [--quick]     (ZWE_BIN_DIR selects the build; default: release)
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
runs=10
[ "${1:-}" = "--quick" ] && runs=3
command -v hyperfine >/dev/null || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
if [ -z "${ZWE_BIN_DIR:-}" ]; then
  (cd "$root" && swift build -c release >/dev/null)
  ZWE_BIN_DIR="$root/.build/release"
fi
export ZWE_BIN_DIR
work=$(mktemp -d)
export XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR"
zwe="$ZWE_BIN_DIR/zwe"
trap '"$zwe" stop -c "$work/instance" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
printf 'KEYSTORE_DIRECTORY=%s/keystore\n' "$work" > "$work/setup.env"
"$zwe" init certificate -p "$work/setup.env" >/dev/null 2>&1
set -- $(python3 -c 'import socket
socks=[socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1",0))
print(*[s.getsockname()[1] for s in socks])')
"$zwe" configure-instance -c "$work/instance" --keystore "$work/keystore" \
  --set CATALOG_PORT=$1 --set DISCOVERY_PORT=$2 --set GATEWAY_PORT=$3 --set JOBS_API_PORT=$4 --set JES_EXPLORER_UI_PORT=$5 \
  --set ZWE_LAUNCHER_RESTART_INTERVALS=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 >/dev/null
instance="$work/instance"

hyperfine --style basic --runs "$runs" --export-json "$work/start.json" \
  --prepare "$zwe stop -c $instance" -n start "$zwe start -c $instance" >/dev/null 2>&1
# The launcher's own per-component start-to-READY of the last start: the critical path.
critical=$(python3 - "$instance/logs/launcher.log" <<'PY'
import re, sys
ready = {}
for line in open(sys.argv[1]):
    m = re.search(r"ZWEL1600I component (\S+) is READY \((\d+) ms", line)
    if m: ready[m.group(1)] = int(m.group(2))
others = [v for k, v in ready.items() if k != "discovery"]
print(ready.get("discovery", 0) + (max(others) if others else 0))
PY
)
"$zwe" stop -c "$instance" >/dev/null 2>&1
hyperfine --style basic --runs "$runs" --export-json "$work/stop.json" \
  --prepare "$zwe start -c $instance" -n stop "$zwe stop -c $instance" >/dev/null 2>&1

"$zwe" start -c "$instance" >/dev/null
crash=$(python3 - "$instance/workspace/launcher.sock" "$runs" <<'PY'
import json, os, signal, socket, statistics, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
def status():
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    s.sendall(b'{"command":"status"}\n'); data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk: break
        data += chunk
    s.close(); return json.loads(data)["status"]
def gateway(): return next(c for c in status()["components"] if c["id"] == "gateway")
times = []
for _ in range(runs):
    before = gateway(); t0 = time.monotonic(); os.kill(before["pid"], signal.SIGKILL)
    while True:
        g = gateway()
        if g["restarts"] > before["restarts"] and g["state"] == "READY": break
        time.sleep(0.001)
    times.append((time.monotonic() - t0) * 1000)
print(f"{statistics.median(times):.1f}")
PY
)
"$zwe" stop -c "$instance" >/dev/null

python3 - "$work/start.json" "$work/stop.json" "$critical" "$crash" <<'PY'
import json, sys
start = json.load(open(sys.argv[1]))["results"][0]["median"] * 1000
stop = json.load(open(sys.argv[2]))["results"][0]["median"] * 1000
critical, crash = float(sys.argv[3]), float(sys.argv[4])
ratio = start / critical if critical else float("nan")
print(f"P3 start to all READY (5 components): median {start:.0f} ms (target < 1500 ms): {'PASS' if start < 1500 else 'MISS'}; "
      f"critical path {critical:.0f} ms, ratio {ratio:.2f} (target <= 1.2): {'PASS' if ratio <= 1.2 else 'MISS'}")
print(f"P4 stop until no process is left: median {stop:.0f} ms (target < 500 ms): {'PASS' if stop < 500 else 'MISS'}")
print(f"P5 SIGKILL to READY again, 0 s interval: median {crash:.0f} ms (target < 300 ms): {'PASS' if crash < 300 else 'MISS'}")
PY
