#!/bin/sh
# Runs every benchmark of quality.md (P1-P8) and writes one table of the results:
#   bench/setup.sh (P1), validate.sh (P2), start-stop.sh (P3-P5), gateway.sh (P6),
#   memory.sh (P7), scale.sh (P8); a script missing from the tree is skipped with a note.
# Installs the tools the benchmarks use from Debian when missing (hyperfine, wrk, nginx, curl,
# openssl), builds the release programs unless ZWE_BIN_DIR names a build, runs each script with
# ZWE_BENCH_RESULTS set (each appends one JSON line per target row), and writes a Markdown
# file: the date, the machine, one row per target (figure, peer's figure of the same run,
# ratio, target, PASS/MISS/INFO) and what each peer is.
# Usage: bench/run.sh [--quick] [--output FILE]
#   --quick   short runs (passed to every script); the file goes to a temporary path unless
#             --output is given, and the table is printed, so that a check never changes the tree
#   --output  where to write the table (default bench/RESULTS.md)
# Exit status: non-zero when a benchmark script broke (after the others have still run) or
# the tools or the build could not be had; a MISS is a result, not a failure.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
quick="" output=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --output) [ $# -ge 2 ] || { echo "--output needs a file name" >&2; exit 2; }
      output=$2; shift ;;
    --output=*) output=${1#--output=} ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (usage: bench/run.sh [--quick] [--output FILE])" >&2; exit 2 ;;
  esac
  shift
done
printed_only=""
if [ -z "$output" ]; then
  if [ -n "$quick" ]; then
    output=$(mktemp "${TMPDIR:-/tmp}/zwe-bench-results.XXXXXX")
    printed_only=yes
  else
    output="$root/bench/RESULTS.md"
  fi
fi

missing=""
for tool in hyperfine wrk nginx curl openssl; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  { apt-get update >/dev/null && apt-get install -y $missing >/dev/null; } || { echo "could not install:$missing" >&2; exit 1; }
fi

if [ -z "${ZWE_BIN_DIR:-}" ]; then
  echo "Building the release programs"
  (cd "$root" && swift build -c release >/dev/null) || { echo "swift build -c release failed" >&2; exit 1; }
  ZWE_BIN_DIR=$(cd "$root" && swift build -c release --show-bin-path)
fi
[ -x "$ZWE_BIN_DIR/zwe" ] && [ -x "$ZWE_BIN_DIR/zwe-component" ] ||
  { echo "no zwe and zwe-component programs in ZWE_BIN_DIR=$ZWE_BIN_DIR" >&2; exit 1; }
# Components find their program through it from their own folders: an absolute path.
ZWE_BIN_DIR=$(CDPATH= cd -- "$ZWE_BIN_DIR" && pwd)
export ZWE_BIN_DIR
case "$ZWE_BIN_DIR" in
  */release|*/release/) configuration=release ;;
  */debug|*/debug/) configuration=debug ;;
  *) configuration="unknown (ZWE_BIN_DIR=$ZWE_BIN_DIR)" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
: > "$results"
: > "$work/scripts"
broken=0
for name in setup validate start-stop gateway memory scale; do
  script="$root/bench/$name.sh"
  if [ ! -f "$script" ]; then
    echo "== bench/$name.sh is not in this tree: skipped"
    echo "$name skipped 0 0 0" >> "$work/scripts"
    continue
  fi
  echo "== bench/$name.sh $quick"
  before=$(wc -l < "$results")
  # shellcheck disable=SC2086
  # Its output is shown and kept: the detail lines go under the table.
  if ZWE_BENCH_RESULTS="$results" sh "$script" $quick > "$work/$name.out"; then rc=0; else rc=$?; fi
  cat "$work/$name.out"
  after=$(wc -l < "$results")
  [ "$rc" -eq 0 ] || { broken=1; echo "== bench/$name.sh broke (exit $rc)" >&2; }
  echo "$name ran $rc $before $after" >> "$work/scripts"
done

cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
kernel=$(uname -srm)
swift_version=$(swift --version 2>/dev/null | sed -n 1p || true)
mode=full; [ -n "$quick" ] && mode=quick
# The commit measured, and whether the tree had changes on top of it: a figure belongs to code.
commit=$(cd "$root" && git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(cd "$root" && git status --porcelain --untracked-files=no -- Package.swift Sources bench runtime-stub 2>/dev/null)" ]; then
  commit="$commit with uncommitted changes"
fi
python3 - "$results" "$work/scripts" "$output" "$cores" "${cpu:-unknown}" "$memory" "$kernel" \
  "${swift_version:-unknown}" "$configuration" "$mode" "$work" "$commit" <<'PY'
import datetime, json, os, sys
results, scripts, output, cores, cpu, memory, kernel, swift, configuration, mode, work, commit = sys.argv[1:]
covers = {"setup": "P1", "validate": "P2", "start-stop": "P3-P5", "gateway": "P6", "memory": "P7", "scale": "P8"}
rows = [json.loads(line) for line in open(results) if line.strip()]
def cell(value): return str(value).replace("|", "\\|").replace("\n", " ")
lines = [
    "# Benchmark results",
    "",
    f"Run of `bench/run.sh{' --quick' if mode == 'quick' else ''}` on "
    f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; the targets are P1-P8 of quality.md.",
    "",
    f"- Commit: {commit}",
    f"- Machine: {cores} cores ({cpu}), {memory} memory, {kernel}",
    f"- Toolchain: {swift}",
    f"- Build: {configuration}" + ("" if configuration == "release" else
      " (the targets are for release builds: these figures are for information)"),
    f"- Mode: {mode}" + (" (short runs: noisier than a full run)" if mode == "quick" else ""),
    "",
    "| id | what | figure | peer (same run) | ratio | target | result |",
    "|---|---|---|---|---|---|---|",
]
notes = []
for line in open(scripts):
    name, state, rc, first, end = line.split()
    own = rows[int(first):int(end)]
    for r in own:
        lines.append("| " + " | ".join(cell(r.get(k, "-")) for k in ("id", "what", "figure", "peer", "ratio", "target", "result")) + " |")
    if state == "skipped":
        notes.append(f"- bench/{name}.sh ({covers[name]}) is not in this tree: not run.")
    elif rc != "0":
        lines.append(f"| {covers[name]} | bench/{name}.sh broke (exit {rc}); its rows are missing or partial | - | - | - | - | BROKEN |")
    elif not own:
        notes.append(f"- bench/{name}.sh ({covers[name]}) ran but wrote no result rows.")
lines += ["", *notes, "" if notes else None,
    "Peers, each measured in the same run on the same machine:",
    "- P1: the keystore directory made with the command-line tools, as a user would script it "
    "(`bench/peer-setup.sh`: `openssl` for keys, certificates and PKCS#12 stores, one `keytool -importcert` "
    "for the Java truststore), timed by hyperfine beside `zwe init certificate`.",
    "- P3: each component started alone with the environment the launcher gave it and its start script, "
    "timed from the spawn until its health check first answers 2xx (polled every millisecond); the critical path "
    "is discovery's time plus the slowest dependent's (started with discovery up), medians of the same number of runs.",
    "- P6: nginx from Debian as the same mutual-TLS reverse proxy: the same certificates, the same Host and "
    "X-Forwarded-* headers sent south, one worker per core (as many as the gateway's event-loop threads, each with "
    "its own listening socket), the same upstream nginx answering a fixed 200 over TLS, the same wrk load in "
    "interleaved rounds.",
    "",
    "Why a target is missed, with the profile behind it: `bench/NOTES.md`.",
    "",
    "## Details",
    "",
    "What each benchmark printed beside its rows:",
    ""]
for line in open(scripts):
    name = line.split()[0]
    path = os.path.join(work, name + ".out")
    if os.path.exists(path):
        lines += [f"- {l.strip()}" for l in open(path) if l.startswith("P") and " detail" in l.split(":")[0]]
lines.append("")
text = "\n".join(l for l in lines if l is not None)
open(output, "w").write(text)
PY
echo
if [ -n "$quick" ]; then
  cat "$output"
fi
if [ -n "$printed_only" ]; then
  rm -f "$output"
else
  echo "results written to $output"
fi
[ "$broken" -eq 0 ] || { echo "a benchmark script broke (see the table)" >&2; exit 1; }
