#!/bin/sh
# Benchmark P1 (quality.md): keystore setup, RSA-2048, median of N runs, against the
# command-line peer (bench/peer-setup.sh) in the same run; and an EC-P256 setup.
# Usage: bench/setup.sh [--quick]   (quick: 3 runs, no warm-up; ZWE_BIN_DIR selects the build)
# ZWE_BENCH_RESULTS=FILE: also appends one JSON line per target row to FILE (bench/run.sh).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
bench_name=setup.sh
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
runs=30 warmup=1
[ "${1:-}" = "--quick" ] && runs=3 warmup=0
command -v hyperfine >/dev/null || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
sh "$root/scripts/install-deps.sh" >/dev/null
use_build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PW=password
printf 'KEYSTORE_DIRECTORY=%s/rsa\n' "$work" > "$work/rsa.env"
printf 'KEYSTORE_DIRECTORY=%s/ec\nKEY_ALGORITHM=EC-P256\n' "$work" > "$work/ec.env"
hyperfine --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/result.json" \
  -n zwe-rsa "$ZWE_BIN_DIR/zwe init certificate -p $work/rsa.env" \
  -n peer-rsa "sh $root/bench/peer-setup.sh $work/peer" \
  -n zwe-ec "$ZWE_BIN_DIR/zwe init certificate -p $work/ec.env" >/dev/null 2>&1 || {
  echo "a benchmark command failed" >&2; exit 1; }
python3 - "$work/result.json" "$runs" <<'PY'
import json, os, sys
def record(**row):  # one JSON line per target row, when ZWE_BENCH_RESULTS names a file
    if os.environ.get("ZWE_BENCH_RESULTS"):
        with open(os.environ["ZWE_BENCH_RESULTS"], "a") as out:
            out.write(json.dumps(row) + "\n")
results = {r["command"]: r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"]}
runs = sys.argv[2]
zwe, peer, ec = results["zwe-rsa"], results["peer-rsa"], results["zwe-ec"]
ratio = zwe / peer
rsa_result = "PASS" if ratio <= 0.70 else "MISS"
ec_result = "PASS" if ec < 100 else "MISS"
print(f"P1 keystore setup RSA-2048: zwe {zwe:.0f} ms, command-line peer {peer:.0f} ms, ratio {ratio:.2f} (target <= 0.70): {rsa_result}")
print(f"P1 keystore setup EC-P256: zwe {ec:.0f} ms (target < 100 ms): {ec_result}")
record(id="P1", what=f"keystore setup RSA-2048 (median of {runs})", figure=f"{zwe:.0f} ms",
       peer=f"{peer:.0f} ms (openssl + keytool script)", ratio=f"{ratio:.2f}", target="<= 0.70x peer", result=rsa_result)
record(id="P1", what=f"keystore setup EC-P256 (median of {runs})", figure=f"{ec:.0f} ms",
       peer="-", ratio="-", target="< 100 ms", result=ec_result)
PY
