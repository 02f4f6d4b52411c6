#!/bin/sh
# Benchmark P8 (quality.md), scale:
#   instances   20 instances on one keystore directory, each its own instance directory with
#               its own free loopback ports and the default components (5 each, 100 processes):
#               every `zwe start -c DIR` launched at once; the time until all have returned
#               (each returns once its components are READY; each must exit 0); then every
#               `zwe stop -c DIR` at once; the time until all have returned and no process of
#               any instance is left (launchers, and every process carrying an INSTANCE_DIR).
#   registry    zwe-component discovery alone, started with the environment the launcher
#               injects, loaded by bench/register-load.py with 10,000 instances (100
#               applications, 8 keep-alive HTTPS connections with the client certificate):
#               registration latency p50/p99; then GET /eureka/apps in JSON and in XML on a
#               keep-alive connection, median of 20 with the registry unchanged and median of
#               20 each after one registration changed it (the answer rebuilt), the first
#               read after the registrations and one read after every instance renewed (the
#               answer rebuilt from instances that all changed); the slowest of these counts.
#               The bodies are parsed and must hold all 10,000 instances.
# Usage: bench/scale.sh [--quick]   (quick: 3 instances, 1,000 registrations)
#   ZWE_BIN_DIR selects the build (default: a release build of this tree); when
#   ZWE_BENCH_RESULTS names a file, one JSON object per result row is appended to it.
set -eu
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
bench_name=scale.sh
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
count=20 registrations=10000
case "${1:-}" in
  --quick) count=3 registrations=1000 ;;
  "") ;;
  -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1 (usage: bench/scale.sh [--quick])" >&2; exit 2 ;;
esac
command -v curl >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update >/dev/null && apt-get install -y curl >/dev/null; } || { echo "could not install curl" >&2; exit 1; }
}
use_build
zwe="$ZWE_BIN_DIR/zwe"

work=$(mktemp -d)
export XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR" "$work/instances"
discovery_pid=""
# Ends every process of the instances under $work (by their INSTANCE_DIR) that a stop left.
kill_leftovers() {
  python3 - "$work/instances/" <<'PY'
import glob, os, sys
prefix = ("INSTANCE_DIR=" + sys.argv[1]).encode()
for path in glob.glob("/proc/[0-9]*/environ"):
    try:
        if any(entry.startswith(prefix) for entry in open(path, "rb").read().split(b"\0")):
            os.kill(int(path.split("/")[2]), 9)
    except OSError:
        pass
PY
}
cleanup() {
  status=$?
  trap - EXIT INT TERM
  stops=""
  for dir in "$work"/instances/*/; do
    [ -f "$dir/workspace/launcher.pid" ] || continue
    "$zwe" stop -c "$dir" >/dev/null 2>&1 &
    stops="$stops $!"
  done
  for pid in $stops; do wait "$pid" || true; done
  if [ -n "$discovery_pid" ]; then
    kill -TERM "$discovery_pid" 2>/dev/null || true
    n=0
    while kill -0 "$discovery_pid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    kill -KILL "$discovery_pid" 2>/dev/null || true
    wait "$discovery_pid" 2>/dev/null || true
  fi
  kill_leftovers
  remove_work "$status"
  exit "$status"
}
on_exit cleanup

# One keystore for everything.
make_keystore
keystore="$work/keystore"

# --- instances: 5 free loopback ports each and one for discovery alone, chosen now (all
# held at once: no two alike).
python3 -c 'import socket, sys
socks=[socket.socket() for _ in range(5 * int(sys.argv[1]) + 1)]
for s in socks: s.bind(("127.0.0.1",0))
ports=[s.getsockname()[1] for s in socks]
for i in range(0, len(ports) - 1, 5): print(*ports[i:i + 5])
print(ports[-1])' "$count" >"$work/ports"
n=0 discovery_port=""
while read -r catalog discovery gateway jobs explorer; do
  [ -z "$discovery" ] && { discovery_port=$catalog; break; }
  n=$((n + 1))
  "$zwe" configure-instance -c "$work/instances/$n" --keystore "$keystore" \
    --set CATALOG_PORT="$catalog" --set DISCOVERY_PORT="$discovery" --set GATEWAY_PORT="$gateway" \
    --set JOBS_API_PORT="$jobs" --set JES_EXPLORER_UI_PORT="$explorer" >"$work/configure.log" 2>&1 ||
    fail "zwe configure-instance $work/instances/$n failed" "$work/configure.log"
done <"$work/ports"
{ [ "$n" -eq "$count" ] && [ -n "$discovery_port" ]; } || fail "could not choose free ports"

python3 - "$zwe" "$work/instances" "$count" "$work/instances.json" <<'PY' || fail "the instances benchmark failed"
import glob, json, os, socket, subprocess, sys, time
from benchlib import launcher_status
zwe, base, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
dirs = [f"{base}/{n}" for n in range(1, count + 1)]

def status(directory):
    return launcher_status(directory)

def alive(pids):
    """The pids of a set that still run (zombies count as gone)."""
    left = []
    for pid in pids:
        try:
            if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":
                left.append(pid)
        except OSError:
            pass
    return left

def instance_processes():
    prefix = f"INSTANCE_DIR={base}/".encode()
    found = []
    for path in glob.glob("/proc/[0-9]*/environ"):
        try:
            if any(entry.startswith(prefix) for entry in open(path, "rb").read().split(b"\0")):
                found.append(int(path.split("/")[2]))
        except OSError:
            pass
    return alive(found)

def run_all(command):
    """Launches `zwe COMMAND -c DIR` for every instance at once; (seconds until the last
    returned, exit statuses)."""
    logs = [open(f"{d}.{command}.log", "w") for d in dirs]
    t0 = time.monotonic()
    running = [subprocess.Popen([zwe, command, "-c", d], stdout=log, stderr=subprocess.STDOUT) for d, log in zip(dirs, logs)]
    codes = [p.wait() for p in running]
    seconds = time.monotonic() - t0
    for log in logs:
        log.close()
    return t0, seconds, codes

t_start, start_seconds, start_codes = run_all("start")
states, launchers, components = [], [], []
for d, code in zip(dirs, start_codes):
    try:
        st = status(d)
    except OSError as error:
        states.append(f"{d}: no status ({error})")
        continue
    launchers.append(st["launcherPid"])
    for c in st["components"]:
        if c["pid"]:
            components.append(c["pid"])
        if c["state"] != "READY":
            states.append(f"{d}: {c['id']} {c['state']}")
processes = len(instance_processes())

t_stop, stop_returned, stop_codes = run_all("stop")
deadline = t_stop + 60
while time.monotonic() < deadline:
    left = alive(launchers + components) + instance_processes()
    if not left:
        break
    time.sleep(0.005)
stop_seconds = time.monotonic() - t_stop
left = sorted(set(alive(launchers + components) + instance_processes()))
failed = [f"{d} (exit {code})" for d, code in zip(dirs, start_codes) if code != 0]
json.dump({"start_seconds": start_seconds, "stop_returned": stop_returned, "stop_seconds": stop_seconds,
           "start_failed": failed, "not_ready": states, "processes": processes, "launchers": len(launchers),
           "stop_failed": [f"{d} (exit {code})" for d, code in zip(dirs, stop_codes) if code != 0],
           "left": left}, open(out, "w"))
PY
kill_leftovers

# --- registry: discovery alone, with the environment the launcher injects.
# shellcheck disable=SC1091
. "$keystore/zowe-certificates.env"
key=$KEYSTORE_KEY
certificate=${KEYSTORE_KEY%.key}.cer
ca=$KEYSTORE_CERTIFICATE_AUTHORITY
for file in "$key" "$certificate" "$ca"; do
  [ -f "$file" ] || fail "the keystore directory has no $file"
done
mkdir -p "$work/api-defs"
(
  set -a
  # shellcheck disable=SC1091
  . "$keystore/zowe-certificates.env"
  set +a
  export KEYSTORE_TYPE=PKCS12 VERIFY_CERTIFICATES=true NONSTRICT_VERIFY_CERTIFICATES=true \
    ZWE_BIND_ADDRESS=127.0.0.1 DISCOVERY_PORT="$discovery_port" ZOWE_EXPLORER_HOST=localhost \
    ZWE_DISCOVERY_SERVICES_LIST="https://localhost:$discovery_port/eureka/" \
    STATIC_DEF_CONFIG_DIR="$work/api-defs" ZWE_COMPONENT_ID=discovery SWIFT_BACKTRACE=enable=no
  exec "$ZWE_BIN_DIR/zwe-component" discovery
) >"$work/discovery.log" 2>&1 &
discovery_pid=$!
n=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$ca" "https://localhost:$discovery_port/application/health" || true)" = 200 ]; do
  n=$((n + 1))
  [ $n -lt 300 ] || fail "discovery is not up within 30 s" "$work/discovery.log"
  sleep 0.1
done
python3 "$root/bench/register-load.py" --port "$discovery_port" --cert "$certificate" --key "$key" --ca "$ca" \
  --instances "$registrations" --apps 100 --threads 8 --gets 20 >"$work/registry.json" 2>"$work/register-load.log" ||
  fail "bench/register-load.py failed" "$work/register-load.log" "$work/discovery.log"
discovery_kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$discovery_pid/status")

python3 - "$work/instances.json" "$work/registry.json" "$count" "$discovery_kb" <<'PY'
import json, os, sys
a, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
count, discovery_mb = int(sys.argv[3]), int(sys.argv[4]) / 1024
rows = []
def row(what, figure, target, result):
    rows.append({"id": "P8", "what": what, "figure": figure, "peer": "-", "ratio": "-", "target": target, "result": result})

clean_start = not a["start_failed"] and not a["not_ready"]
start_ok = clean_start and a["start_seconds"] < 10
row(f"{count} instances on one keystore ({5 * count} components) started together until all READY",
    f"{a['start_seconds']:.2f} s", "< 10 s", "PASS" if start_ok else "MISS")
clean_stop = not a["left"] and not a["stop_failed"]
stop_ok = clean_stop and a["stop_seconds"] < 10
row(f"{count} instances stopped together until no process is left", f"{a['stop_seconds']:.2f} s", "< 10 s",
    "PASS" if stop_ok else "MISS")
print(f"P8 {count} instances ({5 * count} components) started together until all READY: {a['start_seconds']:.2f} s"
      f" (target < 10 s, every start exit 0): {'PASS' if start_ok else 'MISS'}")
print(f"P8 {count} instances stopped together until no process is left: {a['stop_seconds']:.2f} s"
      f" (the stops returned in {a['stop_returned']:.2f} s; target < 10 s): {'PASS' if stop_ok else 'MISS'}")
print(f"P8 detail: {a['processes']} component processes and {a['launchers']} launchers were running; "
      + ("every start exited 0 with every component READY" if clean_start else
         "not clean: " + "; ".join(a["start_failed"] + a["not_ready"]))
      + ("; nothing left after the stops" if clean_stop else
         f"; left after the stops (killed): {a['left']}; stops failed: {a['stop_failed']}"))

n = r["instances"]
for name, label in (("json", "JSON"), ("xml", "XML")):
    g = r[name]
    worst = max(g["steady_median_ms"], g["changed_median_ms"], g["first_ms"], g["renewed_ms"])
    ok = worst < 100
    row(f"discovery holding {n:,} instances: full registry GET /eureka/apps, {label} (the slowest of: median unchanged, median after a change, first read, read after all renewed)",
        f"{worst:.1f} ms", "< 100 ms", "PASS" if ok else "MISS")
    print(f"P8 full registry {label}, {n:,} instances ({g['bytes'] / 1e6:.1f} MB): median {g['steady_median_ms']:.1f} ms unchanged "
          f"(max {g['steady_max_ms']:.1f}), {g['changed_median_ms']:.1f} ms after a change (max {g['changed_max_ms']:.1f}), "
          f"first read {g['first_ms']:.1f} ms, after all renewed {g['renewed_ms']:.1f} ms (target < 100 ms for each): {'PASS' if ok else 'MISS'}")
row(f"discovery: register latency, {n:,} instances over {r['threads']} keep-alive connections",
    f"p50 {r['register_p50_ms']:.2f} ms, p99 {r['register_p99_ms']:.2f} ms", "-", "INFO")
print(f"P8 register latency, {n:,} instances in {r['apps']} applications over {r['threads']} keep-alive connections: "
      f"p50 {r['register_p50_ms']:.2f} ms, p99 {r['register_p99_ms']:.2f} ms, max {r['register_max_ms']:.1f} ms; "
      f"{n / r['register_seconds']:.0f} registrations/s: INFO")
print(f"P8 detail: discovery RSS with {n:,} instances: {discovery_mb:.1f} MB")
results = os.environ.get("ZWE_BENCH_RESULTS")
if results:
    with open(results, "a") as f:
        for entry in rows:
            f.write(json.dumps(entry) + "\n")
PY
