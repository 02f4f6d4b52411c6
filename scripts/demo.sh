#!/bin/sh
# The main command: builds the release programs and sets up a working default Zowe keystore
# directory in ${ZWE_DEMO_DIR:-$HOME/zowe-demo}, then shows what was made.
# (Instance, z/OSMF and the started tasks join this command as they are built.)
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
demo=${ZWE_DEMO_DIR:-$HOME/zowe-demo}
cd "$root"
sh scripts/install-deps.sh
swift build -c release
ZWE_BIN_DIR="$root/.build/release"
export ZWE_BIN_DIR

mkdir -p "$demo"
setup="$demo/zowe-setup-certificates.env"
if [ ! -f "$setup" ]; then
  cat > "$setup" <<SETUP
# Demo keystore settings; see $root/runtime-stub/bin/zowe-setup-certificates.env for every key.
KEYSTORE_DIRECTORY=$demo/keystore
HOSTNAME=localhost
IPADDRESS=127.0.0.1
SETUP
fi
"$root/runtime-stub/bin/zowe-setup-certificates.sh" -p "$setup" -l "$demo/logs"
echo
ZWE_KEYSTORE_PASSWORD=password "$ZWE_BIN_DIR/zwe" certificate inspect "$demo/keystore/localhost/localhost.keystore.p12"
echo
echo "Keystore directory: $demo/keystore (zowe-certificates.env, local_ca/, localhost/)"
echo "Setup file:         $setup"
echo "Not yet part of the demo: the instance directory, z/OSMF and the started tasks."
