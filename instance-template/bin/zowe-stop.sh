#!/bin/sh
# zowe-stop.sh [options]: 'zwe stop' on this instance directory (found from this script's place).
INSTANCE_DIR=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
zwe_runtime_dir={{root_dir}}
. "$zwe_runtime_dir/bin/zwe-find-program.sh"
exec "$ZWE_PROGRAM" stop -c "$INSTANCE_DIR" "$@"
