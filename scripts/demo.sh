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
# A user to log in to the gateway with, until z/OSMF is part of the demo; the password is made
# here and only written to the owner-only users file.
users="$demo/users"
if [ ! -f "$users" ]; then
  (umask 077 && printf 'zowe:%s\n' "$(openssl rand -hex 12)" > "$users")
fi
"$root/runtime-stub/bin/zowe-setup-certificates.sh" -p "$setup" -l "$demo/logs"
"$root/runtime-stub/bin/zowe-configure-instance.sh" -c "$demo/instance" --keystore "$demo/keystore" \
  --set CATALOG_PORT=$base --set DISCOVERY_PORT=$((base + 1)) --set GATEWAY_PORT=$((base + 2)) \
  --set JOBS_API_PORT=$((base + 3)) --set JES_EXPLORER_UI_PORT=$((base + 4)) \
  --set APIML_SECURITY_AUTH_PROVIDER=file --set ZWE_USERS_FILE="$users"
"$demo/instance/bin/zowe-start.sh"
echo
"$demo/instance/bin/zowe-status.sh"
echo
echo "Keystore directory: $demo/keystore"
echo "Instance directory: $demo/instance (logs in $demo/instance/logs)"
echo "Gateway:            https://localhost:$((base + 2))/ (CA: $demo/keystore/local_ca/localca.cer)"
echo "API catalog:        https://localhost:$((base + 2))/apicatalog/ui/v1/"
echo "Login:              user 'zowe', password in $users (POST https://localhost:$((base + 2))/gateway/api/v1/auth/login)"
echo "Not finished yet: jobs-api and explorer-jes serve only their health endpoint; z/OSMF is not part of the demo."
echo "Stop it with:       scripts/demo-stop.sh"
