#!/bin/sh
# Benchmarks P3, P4, P5 (quality.md) for the default component set:
#   P3 start until every component is READY (median of N), beside the critical path: discovery's
#      own start-to-READY plus the slowest dependent's, each measured alone (median of N each);
#      the launcher's own per-component READY times of the last start are printed beside it;
#   P4 stop until no process is left (median of N);
#   P5 crash (SIGKILL) to READY again with a 0 s restart interval (median of N), and how soon
#      the launcher notices the exit (its state file drops the pid; polled every 0.5 ms).
# Each component alone: after a start, the launcher has written each component's environment
# to .env/ID/.HA.env; the instance is stopped and the component's start script runs with
# exactly that environment (masked secrets filled from the keystore directory) in its folder,
# as the launcher runs it, timed from the spawn until its health check answers 2xx over HTTPS
# with the instance CA (polled every millisecond). Dependents run with discovery up.
# Usage: bench/start-stop.sh [--quick]     (ZWE_BIN_DIR selects the build; default: release)
# ZWE_BENCH_RESULTS=FILE: also appends one JSON line per target row to FILE (bench/run.sh).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
bench_name=start-stop.sh
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
runs=10
[ "${1:-}" = "--quick" ] && runs=3
command -v hyperfine >/dev/null || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
use_build
work=$(mktemp -d)
export XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR"
zwe="$ZWE_BIN_DIR/zwe"
cleanup() {
  status=$?
  trap - EXIT INT TERM
  # Components started alone (process groups of their own), then the instance.
  if [ -f "$work/alone.pids" ]; then
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null || true; done < "$work/alone.pids"
  fi
  "$zwe" stop -c "$work/instance" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
on_exit cleanup
printf 'KEYSTORE_DIRECTORY=%s/keystore\n' "$work" > "$work/setup.env"
"$zwe" init certificate -p "$work/setup.env" >/dev/null 2>&1
# shellcheck disable=SC2046
set -- $(free_ports 5)
"$zwe" configure-instance -c "$work/instance" --keystore "$work/keystore" \
  --set CATALOG_PORT=$1 --set DISCOVERY_PORT=$2 --set GATEWAY_PORT=$3 --set JOBS_API_PORT=$4 --set JES_EXPLORER_UI_PORT=$5 \
  --set ZWE_LAUNCHER_RESTART_INTERVALS=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 >/dev/null
instance="$work/instance"

hyperfine --style basic --runs "$runs" --export-json "$work/start.json" \
  --prepare "$zwe stop -c $instance" -n start "$zwe start -c $instance" >/dev/null 2>&1
# The launcher's own per-component start-to-READY of the last start (its health checks run
# every 50 ms while a component starts, so these figures are coarse).
python3 - "$instance/logs/launcher.log" > "$work/launcher-ready.json" <<'PY'
import json, re, sys
ready = {}
for line in open(sys.argv[1]):
    m = re.search(r"ZWEL1600I component (\S+) is READY \((\d+) ms", line)
    if m: ready[m.group(1)] = int(m.group(2))
print(json.dumps(ready))
PY
"$zwe" stop -c "$instance" >/dev/null 2>&1

# Each component alone, with the environment the launcher gave it in the last start.
python3 - "$instance" "$runs" "$work/alone" "$work/alone.pids" > "$work/alone.json" <<'PY'
import glob, json, os, shlex, signal, socket, ssl, statistics, subprocess, sys, time
instance, runs, logs, pid_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
os.makedirs(logs, exist_ok=True)

def env_file(path):
    """KEY=value lines as a POSIX shell reads them (the snapshot quotes every value)."""
    values = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        words = shlex.split(value, comments=True)
        values[key.strip()] = words[0] if words else ""
    return values

def manifest(path):
    """The few manifest.yaml fields used here: dependsOn, commands.start, healthCheck."""
    fields, section, depends = {}, None, []
    for raw in open(path):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indented = line[0] == " "
        key, _, value = line.strip().partition(":")
        value = value.strip().strip("'\"")
        if not indented:
            section = key
            if key == "dependsOn" and value.startswith("["):
                depends = [d.strip().strip("'\"") for d in value.strip("[]").split(",") if d.strip()]
        elif section == "dependsOn" and line.strip().startswith("- "):
            depends.append(line.strip()[2:].strip().strip("'\""))
        elif section in ("commands", "healthCheck"):
            fields[f"{section}.{key}"] = value
    fields["dependsOn"] = depends
    return fields

components = {}
for path in glob.glob(f"{instance}/.env/*/.*.env"):
    cid = path.split("/")[-2]
    if cid in components and os.path.getmtime(components[cid]["snapshot"]) >= os.path.getmtime(path):
        continue
    env = env_file(path)
    directory = os.path.dirname(env["ZOWE_MANIFEST"])
    m = manifest(env["ZOWE_MANIFEST"])
    components[cid] = {"snapshot": path, "env": env, "directory": directory, "manifest": m}
if "discovery" not in components:
    sys.exit(f"no environment snapshot of discovery under {instance}/.env")

# Secrets are masked in snapshots: their values come from where the launcher took them.
sources = {}
first = next(iter(components.values()))["env"]
for path in (f"{first.get('KEYSTORE_DIRECTORY', '')}/zowe-certificates.env", f"{instance}/instance.env"):
    if os.path.isfile(path):
        sources = {**env_file(path), **sources}
for cid, c in components.items():
    for key, value in c["env"].items():
        if value == "********":
            if key not in sources:
                sys.exit(f"{cid}: {key} is masked in {c['snapshot']} and found in no source file")
            c["env"][key] = sources[key]
    m = c["manifest"]
    if "commands.start" not in m or "healthCheck.portVariable" not in m or "healthCheck.path" not in m:
        sys.exit(f"{cid}: the manifest has no commands.start or healthCheck")
    c["script"] = os.path.join(c["directory"], m["commands.start"])
    c["port"] = int(c["env"][m["healthCheck.portVariable"]])
    c["path"] = m["healthCheck.path"]

bind = components["discovery"]["env"].get("ZWE_BIND_ADDRESS", "127.0.0.1")
loopback, family = ("::1", socket.AF_INET6) if ":" in bind else ("127.0.0.1", socket.AF_INET)
context = ssl.create_default_context(cafile=components["discovery"]["env"]["KEYSTORE_CERTIFICATE_AUTHORITY"])
host = components["discovery"]["env"].get("ZOWE_EXPLORER_HOST", "localhost")

def health(c):
    """The HTTP status of the health check, or None while nothing answers."""
    try:
        with socket.socket(family) as raw:
            raw.settimeout(2)
            raw.connect((loopback, c["port"]))
            with context.wrap_socket(raw, server_hostname=host) as s:
                s.sendall(f"GET {c['path']} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                head = b""
                while b"\r\n" not in head:
                    chunk = s.recv(4096)
                    if not chunk:
                        return None
                    head += chunk
                return int(head.split(b" ", 2)[1])
    except (OSError, ValueError, IndexError):
        return None

running = []
def spawn(c):
    # As the launcher does: the start script alone as argv, the component's folder as working
    # directory, exactly the snapshot's environment, a process group of its own.
    process = subprocess.Popen([c["script"]], cwd=c["directory"], env=c["env"], start_new_session=True,
                               stdin=subprocess.DEVNULL, stdout=c["log"], stderr=subprocess.STDOUT)
    running.append(process)
    with open(pid_file, "a") as f:
        f.write(f"{process.pid}\n")
    return process

def end(process):
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything the component left in its group
    except ProcessLookupError:
        pass
    running.remove(process)

def start_to_ready(cid):
    c = components[cid]
    t0 = time.monotonic()
    process = spawn(c)
    while True:
        status = health(c)
        if status is not None and 200 <= status < 300:
            return process, (time.monotonic() - t0) * 1000
        if process.poll() is not None:
            sys.exit(f"{cid} exited ({process.returncode}) before its health check answered; see {c['log'].name}")
        if time.monotonic() - t0 > 60:
            sys.exit(f"{cid}: no 2xx from https://{host}:{c['port']}{c['path']} within 60 s (last {status})")
        time.sleep(0.001)

# Dependencies first; after its own runs, a component that others depend on stays up.
order, seen = [], set()
def visit(cid):
    if cid in seen:
        return
    seen.add(cid)
    for dep in components[cid]["manifest"]["dependsOn"]:
        if dep in components:
            visit(dep)
    order.append(cid)
for cid in sorted(components):
    visit(cid)
needed = {d for c in components.values() for d in c["manifest"]["dependsOn"]}
alone = {}
try:
    for cid in order:
        components[cid]["log"] = open(f"{logs}/{cid}.log", "ab")
        times = []
        for _ in range(runs):
            process, ms = start_to_ready(cid)
            times.append(ms)
            end(process)
        alone[cid] = statistics.median(times)
        if cid in needed:
            start_to_ready(cid)
finally:
    for process in list(running):
        end(process)

# Critical path: the longest chain of alone times through the dependencies.
def chain(cid):
    deps = [d for d in components[cid]["manifest"]["dependsOn"] if d in components]
    best = max(deps, key=lambda d: chain(d)[0]) if deps else None
    below = chain(best) if best else (0.0, [])
    return below[0] + alone[cid], below[1] + [cid]
critical, path = max((chain(cid) for cid in components), key=lambda t: t[0])
print(json.dumps({"alone": alone, "critical": critical, "path": path}))
PY

hyperfine --style basic --runs "$runs" --export-json "$work/stop.json" \
  --prepare "$zwe start -c $instance" -n stop "$zwe stop -c $instance" >/dev/null 2>&1

"$zwe" start -c "$instance" >/dev/null
python3 - "$instance/workspace" "$runs" > "$work/crash.json" <<'PY'
import json, os, signal, statistics, sys, time
from benchlib import launcher_status
workspace, runs = sys.argv[1], int(sys.argv[2])
def gateway(): return next(c for c in launcher_status(os.path.dirname(workspace))["components"] if c["id"] == "gateway")
def state_has(pid):
    # launcher.state.json is replaced by a rename, so a read sees one whole version.
    try:
        children = json.load(open(f"{workspace}/launcher.state.json"))["children"]
    except (OSError, ValueError):
        return True
    return any(c["id"] == "gateway" and c["pid"] == pid for c in children)
ready, noticed = [], []
for _ in range(runs):
    before = gateway()
    if not state_has(before["pid"]) or not os.path.exists(f"{workspace}/launcher.state.json"):
        sys.exit(f"launcher.state.json does not list the gateway's pid {before['pid']}: the exit cannot be timed")
    t0 = time.monotonic(); os.kill(before["pid"], signal.SIGKILL)
    while state_has(before["pid"]):
        if time.monotonic() - t0 > 10: sys.exit("the launcher did not notice the gateway's exit within 10 s")
        time.sleep(0.0005)
    noticed.append((time.monotonic() - t0) * 1000)
    while True:
        g = gateway()
        if g["restarts"] > before["restarts"] and g["state"] == "READY": break
        if time.monotonic() - t0 > 30: sys.exit("the gateway was not READY again within 30 s")
        time.sleep(0.001)
    ready.append((time.monotonic() - t0) * 1000)
print(json.dumps({"ready": statistics.median(ready), "noticed": statistics.median(noticed), "noticed_max": max(noticed)}))
PY
"$zwe" stop -c "$instance" >/dev/null

python3 - "$work" "$runs" <<'PY'
import json, os, sys
work, runs = sys.argv[1], sys.argv[2]
def record(**row):  # one JSON line per target row, when ZWE_BENCH_RESULTS names a file
    if os.environ.get("ZWE_BENCH_RESULTS"):
        with open(os.environ["ZWE_BENCH_RESULTS"], "a") as out:
            out.write(json.dumps(row) + "\n")
def verdict(ok): return "PASS" if ok else "MISS"
start = json.load(open(f"{work}/start.json"))["results"][0]["median"] * 1000
stop = json.load(open(f"{work}/stop.json"))["results"][0]["median"] * 1000
logged = json.load(open(f"{work}/launcher-ready.json"))
alone = json.load(open(f"{work}/alone.json"))
crash = json.load(open(f"{work}/crash.json"))
# The launcher log's critical path, as before: discovery plus the slowest other component.
others = [v for k, v in logged.items() if k != "discovery"]
logged_critical = logged.get("discovery", 0) + (max(others) if others else 0)
critical, path = alone["critical"], alone["path"]
chain = " + ".join(f"{c} {alone['alone'][c]:.0f}" for c in path)
each = ", ".join(f"{c} {v:.0f}" for c, v in alone["alone"].items())
ratio = start / critical
print(f"P3 start to all READY (5 components): median {start:.0f} ms (target < 1500 ms): {verdict(start < 1500)}; "
      f"critical path {critical:.0f} ms, ratio {ratio:.2f} (target <= 1.2): {verdict(ratio <= 1.2)}")
print(f"P3 detail: critical path each component alone {critical:.0f} ms ({chain} ms; alone, median of {runs}: {each} ms); "
      f"from the launcher's log of the last start {logged_critical:.0f} ms, ratio {start / logged_critical if logged_critical else float('nan'):.2f}")
print(f"P4 stop until no process is left: median {stop:.0f} ms (target < 500 ms): {verdict(stop < 500)}")
print(f"P5 SIGKILL to READY again, 0 s interval: median {crash['ready']:.0f} ms (target < 300 ms): {verdict(crash['ready'] < 300)}; "
      f"exit noticed after median {crash['noticed']:.1f} ms, max {crash['noticed_max']:.1f} ms (target < 10 ms): {verdict(crash['noticed'] < 10)}")
record(id="P3", what=f"start to every component READY, default set (median of {runs})", figure=f"{start:.0f} ms",
       peer="-", ratio="-", target="< 1500 ms", result=verdict(start < 1500))
record(id="P3", what=f"start to every component READY vs the critical path (median of {runs})", figure=f"{start:.0f} ms",
       peer=f"{critical:.0f} ms (each alone: {chain} ms; launcher's log: {logged_critical:.0f} ms)",
       ratio=f"{ratio:.2f}", target="<= 1.20x peer", result=verdict(ratio <= 1.2))
record(id="P4", what=f"stop until no process is left (median of {runs})", figure=f"{stop:.0f} ms",
       peer="-", ratio="-", target="< 500 ms", result=verdict(stop < 500))
record(id="P5", what=f"gateway SIGKILL to READY again, 0 s restart interval (median of {runs})", figure=f"{crash['ready']:.0f} ms",
       peer="-", ratio="-", target="0 s + < 300 ms", result=verdict(crash["ready"] < 300))
record(id="P5", what=f"gateway SIGKILL until the launcher's state file drops its pid (median of {runs})",
       figure=f"{crash['noticed']:.1f} ms", peer="-", ratio="-", target="< 10 ms", result=verdict(crash["noticed"] < 10))
PY
