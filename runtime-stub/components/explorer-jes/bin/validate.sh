#!/bin/sh
# Checks the explorer-jes settings before start; a message and a non-zero exit stop the start.
. "$(dirname -- "$0")/../../../bin/zwe-check-port.sh"
zwe_check_port JES_EXPLORER_UI_PORT
