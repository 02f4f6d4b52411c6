#!/bin/sh
# The main command: builds the release programs, sets up a keystore directory and an instance in
# ${ZWE_DEMO_DIR:-$HOME/zowe-demo}, starts the instance, and prints its components and status.
# ZWE_DEMO_PORT_BASE (default 7552) moves the five ports. Stop it with scripts/demo-stop.sh.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
demo=${ZWE_DEMO_DIR:-$HOME/zowe-demo}
base=${ZWE_DEMO_PORT_BASE:-7552}
cd "$root"
sh scripts/install-deps.sh
swift build -c release
ZWE_BIN_DIR="$root/.build/release"
export ZWE_BIN_DIR
zwe="$ZWE_BIN_DIR/zwe"

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
"$zwe" stop -c "$demo/instance" >/dev/null 2>&1 || true
"$root/runtime-stub/bin/zowe-setup-certificates.sh" -p "$setup" -l "$demo/logs"
"$root/runtime-stub/bin/zowe-configure-instance.sh" -c "$demo/instance" --keystore "$demo/keystore" \
  --set CATALOG_PORT=$base --set DISCOVERY_PORT=$((base + 1)) --set GATEWAY_PORT=$((base + 2)) \
  --set JOBS_API_PORT=$((base + 3)) --set JES_EXPLORER_UI_PORT=$((base + 4))
"$demo/instance/bin/zowe-start.sh"
echo
"$demo/instance/bin/zowe-status.sh"
echo
echo "Keystore directory: $demo/keystore"
echo "Instance directory: $demo/instance (logs in $demo/instance/logs)"
echo "Gateway:            https://localhost:$((base + 2))/application/health (CA: $demo/keystore/local_ca/localca.cer)"
echo "Not finished yet: gateway, jobs-api and explorer-jes serve only their health endpoint; z/OSMF is not part of the demo."
echo "Stop it with:       scripts/demo-stop.sh"
