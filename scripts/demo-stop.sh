#!/bin/sh
# Stops what scripts/demo.sh started: the instance, then its z/OSMF; no process of either is left
# afterwards. The files stay in ${ZWE_DEMO_DIR:-$HOME/zowe-demo}.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
demo=${ZWE_DEMO_DIR:-$HOME/zowe-demo}
ZWE_BIN_DIR=${ZWE_BIN_DIR:-$root/.build/release}
export ZWE_BIN_DIR
stopped=""
if [ -x "$demo/instance/bin/zowe-stop.sh" ]; then
  "$demo/instance/bin/zowe-stop.sh"
  stopped=yes
fi
# The demo started from zowe.yaml (scripts/demo.sh --yaml).
if [ -f "$demo/zowe.yaml" ]; then
  "$ZWE_BIN_DIR/zwe" stop -c "FILE($demo/zowe.yaml):FILE($root/instance-template/zowe.yaml)"
  stopped=yes
fi
[ -n "$stopped" ] || echo "No demo instance in $demo."
if [ -f "$demo/zosmf/zosmf.pid" ]; then
  "$ZWE_BIN_DIR/zwe" zosmf-stub stop --data "$demo/zosmf"
fi
