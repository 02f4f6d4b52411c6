# Sourced by the runtime's scripts: sets ZWE_PROGRAM to the `zwe` program to run.
# Order: $ZWE_BIN_DIR; the .build/release then .build/debug of the source tree that holds
# this runtime-stub; the runtime's own bin/ (an installed runtime); then PATH.
zwe_runtime_bin=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
zwe_runtime_dir=$(dirname -- "$zwe_runtime_bin")
ZWE_PROGRAM=
if [ -n "${ZWE_BIN_DIR:-}" ]; then
  ZWE_PROGRAM="$ZWE_BIN_DIR/zwe"
else
  for candidate in "$zwe_runtime_dir/../.build/release/zwe" "$zwe_runtime_dir/../.build/debug/zwe" "$zwe_runtime_bin/zwe"; do
    if [ -x "$candidate" ]; then ZWE_PROGRAM=$candidate; break; fi
  done
  if [ -z "$ZWE_PROGRAM" ]; then ZWE_PROGRAM=$(command -v zwe || true); fi
fi
if [ -z "$ZWE_PROGRAM" ] || [ ! -x "$ZWE_PROGRAM" ]; then
  echo "ZWEL1130E The zwe program was not found (ZWE_BIN_DIR, $zwe_runtime_dir/../.build, PATH). Build it with 'swift build -c release' or set ZWE_BIN_DIR." >&2
  exit 1
fi
