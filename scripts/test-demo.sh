#!/bin/sh
# The README's main command, checked end to end: on a fresh clone of this repository's HEAD,
# scripts/demo.sh (with its own folder and its ports moved to free ones) must end with every
# component READY; a job submitted through the gateway with curl must reach OUTPUT with CC 0000;
# then the same from zowe.yaml (scripts/demo.sh --yaml); scripts/demo-stop.sh must leave no
# process of either. Prints one line per step; exits 1 on
# the first failure, after stopping whatever the demo started.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/zwe-demo-test.XXXXXX")
clone="$work/clone"
demo="$work/demo"

# Nine free ports in a row: the five components (base..base+4) and z/OSMF (base+8).
base=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 60000)
    sockets = []
    try:
        for port in range(base, base + 9):
            s = socket.socket(); s.bind(("127.0.0.1", port)); sockets.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in sockets: s.close()
PY
)

cleanup() {
  status=$?
  if [ -d "$clone" ]; then
    ZWE_DEMO_DIR="$demo" ZWE_BIN_DIR="$clone/.build/release" sh "$clone/scripts/demo-stop.sh" >/dev/null 2>&1 || true
  fi
  if [ "$status" -ne 0 ] && [ -d "$demo/instance/logs" ]; then
    for log in "$demo"/instance/logs/*.log "$demo"/v2/logs/*.log "$demo"/zosmf/zosmf.log; do
      [ -f "$log" ] && { echo "--- $log"; tail -n 20 "$log"; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "fresh clone of $(git -C "$root" rev-parse --short HEAD) in $clone; demo ports $base..$((base + 8))"
git clone --quiet "$root" "$clone"
ZWE_DEMO_DIR="$demo" ZWE_DEMO_PORT_BASE="$base" sh "$clone/scripts/demo.sh" > "$work/demo.out" 2>&1 || {
  echo "FAIL scripts/demo.sh exited non-zero"; tail -n 40 "$work/demo.out"; exit 1; }
echo "scripts/demo.sh finished"

zwe="$clone/.build/release/zwe"
gateway="https://localhost:$((base + 2))"

# check CONFIG CA: every component READY, a job through the gateway to CC 0000.
check() {
  config=$1
  ca=$2
  status_json=$("$zwe" status -c "$config" --json)
  not_ready=$(printf '%s' "$status_json" | python3 -c '
import json, sys
status = json.load(sys.stdin)
print(" ".join(c["id"] for c in status["components"] if c["state"] != "READY"))')
  [ -z "$not_ready" ] || { echo "FAIL not READY: $not_ready"; exit 1; }
  echo "every component READY"
  jcl='//DEMOTEST JOB (ACCT),'"'"'DEMO'"'"'
//STEP1 EXEC PGM=IEFBR14
'
  # The gateway learns the registry a moment after it is READY: a 404 at first is no failure.
  submitted=""
  for _ in $(seq 1 50); do
    if submitted=$(curl --silent --show-error --fail --cacert "$ca" -u IBMUSER:SYS1 -X PUT \
        -H 'Content-Type: text/plain' -H 'X-CSRF-ZOSMF-HEADER: true' --data-binary "$jcl" \
        "$gateway/ibmzosmf/api/v1/zosmf/restjobs/jobs" 2>"$work/submit.err"); then
      break
    fi
    submitted=""
    sleep 0.2
  done
  [ -n "$submitted" ] || { echo "FAIL submitting through the gateway: $(cat "$work/submit.err")"; exit 1; }
  jobid=$(printf '%s' "$submitted" | python3 -c 'import json, sys; print(json.load(sys.stdin)["jobid"])')
  echo "submitted DEMOTEST $jobid through the gateway"
  retcode=""
  for _ in $(seq 1 100); do
    retcode=$(curl --silent --cacert "$ca" -u IBMUSER:SYS1 "$gateway/ibmzosmf/api/v1/zosmf/restjobs/jobs/DEMOTEST/$jobid" |
      python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("retcode") or "" if d.get("status") == "OUTPUT" else "")')
    [ -n "$retcode" ] && break
    sleep 0.2
  done
  [ "$retcode" = "CC 0000" ] || { echo "FAIL DEMOTEST $jobid ended '$retcode'"; exit 1; }
  echo "DEMOTEST $jobid ended $retcode"
}
check "$demo/instance" "$demo/keystore/local_ca/localca.cer"

# The same demo from zowe.yaml, on the same ports: the v1 instance stops first.
"$zwe" stop -c "$demo/instance" > "$work/stop-v1.out" 2>&1
ZWE_DEMO_DIR="$demo" ZWE_DEMO_PORT_BASE="$base" sh "$clone/scripts/demo.sh" --yaml > "$work/demo-yaml.out" 2>&1 || {
  echo "FAIL scripts/demo.sh --yaml exited non-zero"; tail -n 40 "$work/demo-yaml.out"; exit 1; }
echo "scripts/demo.sh --yaml finished"
check "FILE($demo/zowe.yaml):FILE($clone/instance-template/zowe.yaml)" "$demo/v2/keystore/local_ca/local_ca.cer"

ZWE_DEMO_DIR="$demo" ZWE_BIN_DIR="$clone/.build/release" sh "$clone/scripts/demo-stop.sh" > "$work/stop.out" 2>&1
left=""
for dir in /proc/[0-9]*; do
  # Processes may end while this loop reads them: their files vanish, which is no finding.
  if { tr '\0' '\n' < "$dir/environ"; } 2>/dev/null | grep -q -e "^INSTANCE_DIR=$demo/instance$" -e "^INSTANCE_DIR=$demo/v2/workspace$"; then
    left="$left ${dir#/proc/}"
  fi
  if { tr '\0' ' ' < "$dir/cmdline"; } 2>/dev/null | grep -q -- "--data $demo/zosmf"; then
    left="$left ${dir#/proc/}"
  fi
done
[ -z "$left" ] || { echo "FAIL processes left after demo-stop.sh:$left"; exit 1; }
echo "scripts/demo-stop.sh left no process"
echo "OK"
