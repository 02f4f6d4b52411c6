#!/bin/sh
# Stops what scripts/demo.sh started. The demo starts no process yet (it writes a keystore
# directory only), so there is nothing to stop; the files stay in ${ZWE_DEMO_DIR:-$HOME/zowe-demo}.
set -eu
demo=${ZWE_DEMO_DIR:-$HOME/zowe-demo}
echo "Nothing is running for the demo in $demo; its files are left in place (remove the folder to discard them)."
