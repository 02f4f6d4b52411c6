#!/bin/sh
# Benchmark P2 (quality.md): preflight of a default instance, no network, median of N runs.
# Usage: bench/validate.sh [--quick]
# ZWE_BENCH_RESULTS=FILE: also appends one JSON line per target row to FILE (bench/run.sh).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
bench_name=validate.sh
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
runs=20
[ "${1:-}" = "--quick" ] && runs=5
command -v hyperfine >/dev/null || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
use_build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'KEYSTORE_DIRECTORY=%s/keystore\n' "$work" > "$work/setup.env"
"$ZWE_BIN_DIR/zwe" init certificate -p "$work/setup.env" >/dev/null 2>&1
# Ports chosen free now, so that the check finds nothing in use.
# shellcheck disable=SC2046
set -- $(free_ports 5)
"$ZWE_BIN_DIR/zwe" configure-instance -c "$work/instance" --keystore "$work/keystore" \
  --set CATALOG_PORT=$1 --set DISCOVERY_PORT=$2 --set GATEWAY_PORT=$3 --set JOBS_API_PORT=$4 --set JES_EXPLORER_UI_PORT=$5 >/dev/null
"$ZWE_BIN_DIR/zwe" validate -c "$work/instance" >/dev/null
hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$work/result.json" \
  -n validate "$ZWE_BIN_DIR/zwe validate -c $work/instance" >/dev/null 2>&1
python3 - "$work/result.json" "$runs" <<'PY'
import json, os, sys
def record(**row):  # one JSON line per target row, when ZWE_BENCH_RESULTS names a file
    if os.environ.get("ZWE_BENCH_RESULTS"):
        with open(os.environ["ZWE_BENCH_RESULTS"], "a") as out:
            out.write(json.dumps(row) + "\n")
r = json.load(open(sys.argv[1]))["results"][0]
median = r["median"] * 1000
result = "PASS" if median < 100 else "MISS"
print(f"P2 preflight of a default instance (5 components, RSA-2048 keystore): median {median:.1f} ms, "
      f"min {r['min']*1000:.1f} ms (target < 100 ms): {result}")
record(id="P2", what=f"preflight of a default instance, no network (median of {sys.argv[2]})", figure=f"{median:.1f} ms",
       peer="-", ratio="-", target="< 100 ms", result=result)
PY
