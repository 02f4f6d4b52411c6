#!/bin/sh
# R8: fuzzes the readers of what others write - instance.env (env-file), component manifests
# (manifest), Eureka registration bodies (eureka-body) and the gateway's request targets
# (gateway-path) - with libFuzzer, one harness each from Tests/Fuzz.
#
#   sh scripts/fuzz.sh [--time SECONDS] [--build-only] [NAME...]
#
# Each harness is compiled with swiftc from the parser's own sources (SwiftPM cannot link an
# executable built with -sanitize=fuzzer); the sanitizers and libFuzzer come with the Swift
# toolchain, libyaml with scripts/install-deps.sh. Everything is built and run under
# .build-fuzz/libfuzzer; the committed seeds in Tests/Fuzz/corpus are copied into a working
# corpus there and never changed. Each harness runs for SECONDS (default 60), one after the
# other, and prints one line:
#   fuzz NAME: EXECS executions in SECONDS s, CRASHES crashes
# The exit status is non-zero when a harness failed to build, crashed, hung or ran out of
# memory; the input that did it is named with the command that replays it.
set -eu
cd "$(dirname -- "$0")/.."

all_names="env-file manifest eureka-body gateway-path"

usage() {
  echo "usage: sh scripts/fuzz.sh [--time SECONDS] [--build-only] [NAME...]   (NAME: $all_names)" >&2
  exit 2
}

seconds=60
build_only=false
names=""
while [ $# -gt 0 ]; do
  case "$1" in
    --time) [ $# -ge 2 ] || usage; seconds=$2; shift 2 ;;
    --time=*) seconds=${1#--time=}; shift ;;
    --build-only) build_only=true; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *)
      case " $all_names " in
        *" $1 "*) names="$names $1" ;;
        *) echo "unknown harness: $1" >&2; usage ;;
      esac
      shift ;;
  esac
done
case "$seconds" in
  ''|*[!0-9]*|0) echo "--time takes a whole number of seconds above 0, not '$seconds'" >&2; exit 2 ;;
esac
[ -n "$names" ] || names=$all_names
command -v swiftc >/dev/null || { echo "swiftc is not on PATH (the Swift toolchain provides libFuzzer)" >&2; exit 1; }

build=.build-fuzz/libfuzzer
mkdir -p "$build"
# -O for executions per second; -g so that a crash report names lines; lld (part of the
# toolchain) because gold warns about every ASan check symbol.
flags="-sanitize=fuzzer,address -parse-as-library -g -O -use-ld=lld"
# libFuzzer and ASan report a crash themselves; the Swift backtracer would only add seconds.
SWIFT_BACKTRACE=enable=no
export SWIFT_BACKTRACE

# Whether a built file is newer than every file it is made from (this script included, for
# its flags), so that repeated runs skip the half minute of compiling.
up_to_date() {
  target=$1
  shift
  [ -f "$target" ] && [ -z "$(find "$@" scripts/fuzz.sh -newer "$target")" ]
}

# ZweMessages, which the configuration readers import, as a module of its own, as in the package.
messages_built=false
build_messages() {
  $messages_built && return 0
  mkdir -p "$build/ZweMessages"
  if up_to_date "$build/ZweMessages/libZweMessages.a" Sources/ZweMessages; then
    messages_built=true
    return 0
  fi
  # shellcheck disable=SC2086
  swiftc $flags -module-name ZweMessages -emit-module -emit-module-path "$build/ZweMessages/ZweMessages.swiftmodule" \
    -emit-library -static -o "$build/ZweMessages/libZweMessages.a" Sources/ZweMessages/*.swift \
    >"$build/ZweMessages/build.log" 2>&1 || return 1
  messages_built=true
}

# Prints the swiftc arguments of a harness: module name, parser sources, harness files.
harness_arguments() {
  case "$1" in
    env-file)
      echo "-module-name ZweConfiguration -I $build/ZweMessages -L $build/ZweMessages -lZweMessages" \
        Sources/ZweConfiguration/EnvFile.swift Sources/ZweConfiguration/EnvFileParser.swift \
        Tests/Fuzz/FuzzCheck.swift Tests/Fuzz/EnvFileFuzz.swift ;;
    manifest)
      echo "-module-name ZweConfiguration -I $build/ZweMessages -L $build/ZweMessages -lZweMessages" \
        "-I Sources/CZweYAML -lyaml" \
        Sources/ZweConfiguration/ComponentManifest.swift Sources/ZweConfiguration/YAMLDocument.swift Sources/ZweConfiguration/ConfigNode.swift \
        Tests/Fuzz/FuzzCheck.swift Tests/Fuzz/ManifestFuzz.swift ;;
    eureka-body)
      echo "-module-name ZweDiscovery" \
        Sources/ZweDiscovery/RequestDocument.swift Sources/ZweDiscovery/Registration.swift \
        Sources/ZweDiscovery/InstanceInfo.swift Sources/ZweDiscovery/EurekaCodec.swift \
        Tests/Fuzz/FuzzCheck.swift Tests/Fuzz/EurekaBodyFuzz.swift ;;
    gateway-path)
      echo "-module-name ZweGateway" \
        Sources/ZweGateway/RequestTarget.swift Tests/Fuzz/FuzzCheck.swift Tests/Fuzz/GatewayPathFuzz.swift ;;
  esac
}

build_harness() {
  name=$1
  dir=$build/$name
  mkdir -p "$dir"
  case "$name" in
    env-file|manifest)
      if ! build_messages; then
        echo "fuzz $name: ZweMessages failed to build:" >&2
        tail -n 30 "$build/ZweMessages/build.log" >&2
        return 1
      fi ;;
  esac
  inputs=$(harness_arguments "$name" | tr ' ' '\n' | grep '\.swift$')
  case "$name" in
    env-file) inputs="$inputs $build/ZweMessages" ;;
    manifest) inputs="$inputs $build/ZweMessages Sources/CZweYAML" ;;
  esac
  # shellcheck disable=SC2086
  up_to_date "$dir/$name" $inputs && return 0
  # shellcheck disable=SC2046,SC2086
  if ! swiftc $flags $(harness_arguments "$name") -o "$dir/$name" >"$dir/build.log" 2>&1; then
    echo "fuzz $name: failed to build:" >&2
    tail -n 30 "$dir/build.log" >&2
    return 1
  fi
}

run_harness() {
  name=$1
  dir=$build/$name
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp Tests/Fuzz/corpus/"$name"/* "$dir/corpus/"
  dictionary=""
  [ -f "Tests/Fuzz/$name.dict" ] && dictionary="-dict=Tests/Fuzz/$name.dict"
  # Findings of earlier runs stay; this run's are the files newer than the stamp.
  stamp=$dir/artifacts/.started
  : >"$stamp"
  started=$(date +%s)
  status=0
  # shellcheck disable=SC2086
  "$dir/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" $dictionary "$dir/corpus" >"$dir/run.log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - started ))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/run.log" | tail -n 1)
  findings=$(find "$dir/artifacts" -type f -newer "$stamp" \
    \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
  crashes=0
  [ -z "$findings" ] || crashes=$(echo "$findings" | wc -l | tr -d ' ')
  echo "fuzz $name: ${executions:-0} executions in $elapsed s, $crashes crashes"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    # The check that failed or the sanitizer's verdict, then how to replay.
    grep -m 3 -e 'fuzz check failed' -e 'ERROR: ' -e 'Fatal error' "$dir/run.log" | sed "s/^/fuzz $name:   /" >&2 || true
    for finding in $findings; do
      echo "fuzz $name: input $finding (replay: $dir/$name $finding)" >&2
    done
    [ -n "$findings" ] || echo "fuzz $name: libFuzzer exited with status $status; see $dir/run.log" >&2
    return 1
  fi
}

failed=""
for name in $names; do
  if ! build_harness "$name"; then
    failed="$failed $name"
    continue
  fi
  if $build_only; then
    echo "fuzz $name: built $build/$name/$name"
  elif ! run_harness "$name"; then
    failed="$failed $name"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed" >&2
  exit 1
fi
