#!/bin/sh
# zowe-status.sh [options]: 'zwe status' on this instance directory (found from this script's place).
INSTANCE_DIR=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
zwe_runtime_dir={{root_dir}}
. "$zwe_runtime_dir/bin/zwe-find-program.sh"
exec "$ZWE_PROGRAM" status -c "$INSTANCE_DIR" "$@"
