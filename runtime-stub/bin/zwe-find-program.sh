# Sourced by the runtime's scripts: sets ZWE_PROGRAM to the program named by
# $zwe_program_name (default: zwe). The caller may set $zwe_runtime_dir (the runtime
# directory); otherwise it is the parent of the calling script's folder.
# Order: $ZWE_BIN_DIR; the .build/release then .build/debug of the source tree that holds
# this runtime; the runtime's own bin/ (an installed runtime); then PATH.
zwe_program_name=${zwe_program_name:-zwe}
if [ -z "${zwe_runtime_dir:-}" ]; then
  zwe_runtime_dir=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
fi
ZWE_PROGRAM=
if [ -n "${ZWE_BIN_DIR:-}" ]; then
  ZWE_PROGRAM="$ZWE_BIN_DIR/$zwe_program_name"
else
  for candidate in "$zwe_runtime_dir/../.build/release/$zwe_program_name" \
                   "$zwe_runtime_dir/../.build/debug/$zwe_program_name" \
                   "$zwe_runtime_dir/bin/$zwe_program_name"; do
    if [ -x "$candidate" ]; then ZWE_PROGRAM=$candidate; break; fi
  done
  if [ -z "$ZWE_PROGRAM" ]; then ZWE_PROGRAM=$(command -v "$zwe_program_name" || true); fi
fi
if [ -z "$ZWE_PROGRAM" ] || [ ! -x "$ZWE_PROGRAM" ]; then
  echo "ZWEL1130E The $zwe_program_name program was not found (ZWE_BIN_DIR, $zwe_runtime_dir/../.build, $zwe_runtime_dir/bin, PATH). Build it with 'swift build -c release' or set ZWE_BIN_DIR." >&2
  exit 1
fi
