#!/bin/sh
# Writes a Zowe keystore directory: zowe-setup-certificates.sh -p FILE.env [-l LOGDIR]
# A thin wrapper over `zwe init certificate`; the defaults are in zowe-setup-certificates.env.
. "$(dirname -- "$0")/zwe-find-program.sh"
exec "$ZWE_PROGRAM" init certificate "$@"
