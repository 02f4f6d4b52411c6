#!/bin/sh
# Creates or updates an instance directory: zowe-configure-instance.sh -c DIR [--keystore DIR] [--set KEY=VALUE ...]
# A thin wrapper over `zwe configure-instance`.
. "$(dirname -- "$0")/zwe-find-program.sh"
exec "$ZWE_PROGRAM" configure-instance "$@"
