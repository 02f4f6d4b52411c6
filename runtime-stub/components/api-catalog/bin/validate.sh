#!/bin/sh
# Checks the api-catalog settings before start; a message and a non-zero exit stop the start.
. "$(dirname -- "$0")/../../../bin/zwe-check-port.sh"
zwe_check_port CATALOG_PORT
