#!/bin/sh
# Benchmark P7 (quality.md): a running default instance (5 components, RSA-2048 keystore,
# free loopback ports), once every component is READY:
#   memory      VmRSS from /proc/PID/status of the launcher and of every process of each
#               component's process group (the start script execs the component program, so
#               the group is usually that one process), and the total;
#   wake-ups    the idle launcher's context switches (voluntary + non-voluntary, summed over
#               /proc/PID/task/*/status), sampled before and after an idle wait, per second;
#               nothing talks to the launcher during the wait.
# Then the instance is stopped and no process of it may be left.
# Usage: bench/memory.sh [--quick]   (quick: a 3 s idle wait instead of 10 s)
#   ZWE_BIN_DIR selects the build (default: a release build of this tree); when
#   ZWE_BENCH_RESULTS names a file, one JSON object per result row is appended to it.
set -eu
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
bench_name=memory.sh
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
idle=10
case "${1:-}" in
  --quick) idle=3 ;;
  "") ;;
  -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1 (usage: bench/memory.sh [--quick])" >&2; exit 2 ;;
esac
use_build
zwe="$ZWE_BIN_DIR/zwe"

work=$(mktemp -d)
instance="$work/instance"
export XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR"
cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -f "$instance/workspace/launcher.pid" ]; then "$zwe" stop -c "$instance" >/dev/null 2>&1 || true; fi
  remove_work "$status"
  exit "$status"
}
on_exit cleanup

make_keystore
# Five free loopback ports, chosen now.
# shellcheck disable=SC2046
set -- $(free_ports 5)
"$zwe" configure-instance -c "$instance" --keystore "$work/keystore" \
  --set CATALOG_PORT="$1" --set DISCOVERY_PORT="$2" --set GATEWAY_PORT="$3" --set JOBS_API_PORT="$4" \
  --set JES_EXPLORER_UI_PORT="$5" >"$work/configure.log" 2>&1 || fail "zwe configure-instance failed" "$work/configure.log"
"$zwe" start -c "$instance" >"$work/start.log" 2>&1 ||
  fail "zwe start failed" "$work/start.log" "$instance/logs/launcher.log"

# Measure: one status request on the control socket (pids), then only /proc is read.
python3 - "$instance" "$idle" "$work/measure.json" <<'PY' || fail "the measurement failed" "$instance/logs/launcher.log"
import glob, json, os, sys, time
import benchlib
from benchlib import launcher_status
instance, idle, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]

def status():
    return launcher_status(instance)

def process_groups():
    groups = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = open(stat).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        groups.setdefault(int(fields[2]), []).append(int(stat.split("/")[2]))
    return groups

def rss_kb(pid):
    return benchlib.rss_kb(pid) or 0

def pss_kb(pid):
    """Proportional set size: each shared page (the program's and the libraries' code, which
    the five components share) counted once in all, split between the processes mapping it."""
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

def switches(pid):
    """Context switches summed over the threads, and per thread (name: count)."""
    total, per_thread = 0, {}
    for path in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            values = dict(line.split(":", 1) for line in open(path) if ":" in line)
        except OSError:
            continue
        n = int(values["voluntary_ctxt_switches"]) + int(values["nonvoluntary_ctxt_switches"])
        total += n
        per_thread[f"{values['Name'].strip()}/{path.split('/')[-2]}"] = n
    return total, per_thread

st = status()
not_ready = [c["id"] for c in st["components"] if c["state"] != "READY"]
if not_ready:
    sys.exit(f"not READY after zwe start: {', '.join(not_ready)}")
launcher = st["launcherPid"]
groups = process_groups()
components = {}
for c in st["components"]:
    members = sorted(set(groups.get(c["pid"], [])) | {c["pid"]})
    components[c["id"]] = {"pid": c["pid"], "processes": len(members), "rss_kb": sum(rss_kb(p) for p in members),
                           "pss_kb": sum(pss_kb(p) for p in members)}
launcher_kb = rss_kb(launcher)
launcher_pss_kb = pss_kb(launcher)
threads = len(os.listdir(f"/proc/{launcher}/task"))

# Idle: let the status request's work settle, then count the launcher's wake-ups.
time.sleep(1)
before, per_before = switches(launcher)
t0 = time.monotonic()
time.sleep(idle)
after, per_after = switches(launcher)
elapsed = time.monotonic() - t0
woke = {name: per_after[name] - per_before.get(name, 0) for name in per_after if per_after[name] != per_before.get(name, 0)}
json.dump({"launcher_pid": launcher, "launcher_kb": launcher_kb, "launcher_pss_kb": launcher_pss_kb, "threads": threads, "components": components,
           "wakeups": after - before, "seconds": elapsed, "woke": woke,
           "pids": [launcher] + [p for c in st["components"] for p in groups.get(c["pid"], [c["pid"]])],
           "groups": [c["pid"] for c in st["components"]]}, open(out, "w"))
PY

"$zwe" stop -c "$instance" >"$work/stop.log" 2>&1 || fail "zwe stop failed" "$work/stop.log" "$instance/logs/launcher.log"

python3 - "$instance" "$work/measure.json" <<'PY'
import glob, json, os, sys
instance, measure = sys.argv[1], json.load(open(sys.argv[2]))

# Nothing of the instance may be left: its processes, their groups, and anything carrying
# the instance's INSTANCE_DIR.
left = []
for stat in glob.glob("/proc/[0-9]*/stat"):
    pid = int(stat.split("/")[2])
    try:
        fields = open(stat).read().rsplit(")", 1)[1].split()
        environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
    except OSError:
        continue
    if fields[0] == "Z":
        continue
    if pid in measure["pids"] or int(fields[2]) in measure["groups"] or f"INSTANCE_DIR={instance}".encode() in environ:
        left.append(pid)
if left:
    for pid in left:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    sys.exit(f"bench/memory.sh: processes left after zwe stop (killed now): {left}")

mb = lambda kb: kb / 1024
launcher = mb(measure["launcher_kb"])
total = launcher + sum(mb(c["rss_kb"]) for c in measure["components"].values())
rate = measure["wakeups"] / measure["seconds"]
pss_total = mb(measure["launcher_pss_kb"]) + sum(mb(c["pss_kb"]) for c in measure["components"].values())
rows = [
    ("memory of a running default instance (RSS, all processes)", f"{total:.1f} MB", "< 150 MB", total < 150),
    ("memory of the launcher (RSS)", f"{launcher:.1f} MB", "< 15 MB", launcher < 15),
    ("idle launcher wake-ups (context switches over all threads)", f"{rate:.2f}/s", "<= 1/s", rate <= 1),
    ("memory of a running default instance (PSS: shared pages counted once)", f"{pss_total:.1f} MB", "-", None),
]
parts = ", ".join(f"{name} {mb(c['rss_kb']):.1f}" + (f" ({c['processes']} processes)" if c["processes"] > 1 else "")
                  for name, c in measure["components"].items())
print(f"P7 memory of a running default instance: total {total:.1f} MB (target < 150 MB): {'PASS' if total < 150 else 'MISS'}")
print(f"P7 memory of the launcher: {launcher:.1f} MB, {measure['threads']} threads (target < 15 MB): {'PASS' if launcher < 15 else 'MISS'}")
print(f"P7 idle launcher wake-ups: {measure['wakeups']} in {measure['seconds']:.1f} s = {rate:.2f}/s (target <= 1/s): {'PASS' if rate <= 1 else 'MISS'}")
print(f"P7 detail: RSS per component in MB: {parts}; no process left after zwe stop")
print(f"P7 detail: PSS (pages shared between the processes, such as the program's and libraries' code, counted once): "
      f"total {pss_total:.1f} MB, launcher {mb(measure['launcher_pss_kb']):.1f} MB, "
      + ", ".join(f"{name} {mb(c['pss_kb']):.1f}" for name, c in measure["components"].items()))
if measure["woke"]:
    print("P7 detail: launcher threads that woke while idle: " + ", ".join(f"{k} {v}" for k, v in sorted(measure["woke"].items())))
results = os.environ.get("ZWE_BENCH_RESULTS")
if results:
    with open(results, "a") as f:
        for what, figure, target, ok in rows:
            f.write(json.dumps({"id": "P7", "what": what, "figure": figure, "peer": "-", "ratio": "-",
                                "target": target, "result": "INFO" if ok is None else "PASS" if ok else "MISS"}) + "\n")
PY
