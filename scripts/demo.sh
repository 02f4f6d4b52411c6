#!/bin/sh
# The main command: builds the release programs, starts a z/OSMF (zwe zosmf-stub, with its own
# self-signed certificate), sets up a keystore directory that trusts it (trust-zosmf), configures
# an instance that uses it, starts the instance, and prints the URLs, the demo user and the status.
# Everything lives in ${ZWE_DEMO_DIR:-$HOME/zowe-demo}. ZWE_DEMO_PORT_BASE (default 7552) moves the
# five component ports (base .. base+4) and z/OSMF's (base+8). Stop it all with scripts/demo-stop.sh.
# With --yaml: the same demo from a Zowe v2 zowe.yaml (the demo's values in $demo/zowe.yaml over
# instance-template/zowe.yaml), its keystore made by 'zwe init certificate -c ... --update-config'.
set -eu
mode=${1:-}
case "$mode" in
  ""|--yaml) ;;
  *) echo "usage: scripts/demo.sh [--yaml]" >&2; exit 2 ;;
esac
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
demo=${ZWE_DEMO_DIR:-$HOME/zowe-demo}
base=${ZWE_DEMO_PORT_BASE:-7552}
zosmf_port=$((base + 8))
cd "$root"
sh scripts/install-deps.sh
swift build -c release
ZWE_BIN_DIR="$root/.build/release"
export ZWE_BIN_DIR
zwe="$ZWE_BIN_DIR/zwe"

mkdir -p "$demo"
"$zwe" stop -c "$demo/instance" >/dev/null 2>&1 || true
[ -f "$demo/zowe.yaml" ] && "$zwe" stop -c "$demo/zowe.yaml" >/dev/null 2>&1 || true
"$zwe" zosmf-stub stop --data "$demo/zosmf" >/dev/null 2>&1 || true

# z/OSMF first: the keystore setup contacts it to trust its certificate.
"$zwe" zosmf-stub --port "$zosmf_port" --data "$demo/zosmf" --detach

if [ "$mode" = "--yaml" ]; then
  v2="$demo/v2"
  config="$demo/zowe.yaml"
  rm -f "$config"
  (umask 077 && cat > "$config" <<YAML
# The demo's values; everything else comes from $root/instance-template/zowe.yaml.
zowe:
  runtimeDirectory: $root/runtime-stub
  workspaceDirectory: $v2/workspace
  logDirectory: $v2/logs
  extensionDirectory: $v2/extensions
  externalDomains: [localhost]
  verifyCertificates: STRICT
  setup:
    certificate:
      pkcs12:
        directory: $v2/keystore
zOSMF:
  host: localhost
  port: $zosmf_port
components:
  api-catalog:
    port: $base
  discovery:
    port: $((base + 1))
  gateway:
    port: $((base + 2))
  jobs-api:
    port: $((base + 3))
  explorer-jes:
    port: $((base + 4))
YAML
  )
  configs="FILE($config):FILE($root/instance-template/zowe.yaml)"
  # STRICT: the setup fetches z/OSMF's chain and trusts it (zosmf00...).
  "$zwe" init certificate -c "$configs" --update-config
  "$zwe" config validate -c "$configs"
  "$zwe" start -c "$configs"
  echo
  "$zwe" status -c "$configs"
  gateway="https://localhost:$((base + 2))"
  echo
  echo "Configuration:      $config over $root/instance-template/zowe.yaml"
  echo "Keystore directory: $v2/keystore (CA: $v2/keystore/local_ca/local_ca.cer)"
  echo "Workspace, logs:    $v2/workspace, $v2/logs"
  echo "z/OSMF:             https://localhost:$zosmf_port/zosmf/info (data in $demo/zosmf)"
  echo "Gateway:            $gateway/"
  echo "API catalog:        $gateway/apicatalog/ui/v1/"
  echo "JES explorer:       $gateway/explorer-jes/ui/v1/"
  echo "Demo user:          IBMUSER, password SYS1 (z/OSMF's default user)"
  echo "Status:             $zwe status -c '$configs'"
  echo "Stop it all with:   scripts/demo-stop.sh"
  exit 0
fi

setup="$demo/zowe-setup-certificates.env"
cat > "$setup" <<SETUP
# Demo keystore settings; see $root/runtime-stub/bin/zowe-setup-certificates.env for every key.
KEYSTORE_DIRECTORY=$demo/keystore
HOSTNAME=localhost
IPADDRESS=127.0.0.1
# trust-zosmf: the setup fetches z/OSMF's certificate chain and adds it to the truststore.
ZOWE_ZOSMF_HOST=localhost
ZOWE_ZOSMF_PORT=$zosmf_port
SETUP
"$root/runtime-stub/bin/zowe-setup-certificates.sh" -p "$setup" -l "$demo/logs"
"$root/runtime-stub/bin/zowe-configure-instance.sh" -c "$demo/instance" --keystore "$demo/keystore" \
  --set CATALOG_PORT=$base --set DISCOVERY_PORT=$((base + 1)) --set GATEWAY_PORT=$((base + 2)) \
  --set JOBS_API_PORT=$((base + 3)) --set JES_EXPLORER_UI_PORT=$((base + 4)) \
  --set ZOSMF_HOST=localhost --set ZOSMF_PORT=$zosmf_port --set APIML_SECURITY_AUTH_PROVIDER=zosmf
"$demo/instance/bin/zowe-start.sh"
echo
"$demo/instance/bin/zowe-status.sh"
gateway="https://localhost:$((base + 2))"
echo
echo "Keystore directory: $demo/keystore (CA: $demo/keystore/local_ca/localca.cer)"
echo "Instance directory: $demo/instance (logs in $demo/instance/logs)"
echo "z/OSMF:             https://localhost:$zosmf_port/zosmf/info (data in $demo/zosmf)"
echo "Gateway:            $gateway/"
echo "API catalog:        $gateway/apicatalog/ui/v1/"
echo "JES explorer:       $gateway/explorer-jes/ui/v1/"
echo "Demo user:          IBMUSER, password SYS1 (z/OSMF's default user)"
echo "Submit a job:       curl --cacert $demo/keystore/local_ca/localca.cer -u IBMUSER:SYS1 -X PUT \\"
echo "                      -H 'Content-Type: text/plain' -H 'X-CSRF-ZOSMF-HEADER: true' \\"
echo "                      --data-binary \$'//HELLO JOB\\n//STEP1 EXEC PGM=IEFBR14\\n' \\"
echo "                      $gateway/ibmzosmf/api/v1/zosmf/restjobs/jobs"
echo "Stop it all with:   scripts/demo-stop.sh"
