#!/bin/sh
# Configure step of the discovery service, run by the launcher before start: writes the
# static definition of the external z/OSMF (service id ibmzosmf) into STATIC_DEF_CONFIG_DIR
# from ZOSMF_HOST and ZOSMF_PORT, or removes it when z/OSMF is not configured.
set -eu
: "${STATIC_DEF_CONFIG_DIR:?STATIC_DEF_CONFIG_DIR is not set}"
mkdir -p "$STATIC_DEF_CONFIG_DIR"
definition="$STATIC_DEF_CONFIG_DIR/ibmzosmf.yml"
host=${ZOSMF_HOST:-}
port=${ZOSMF_PORT:-}
if [ -z "$host" ] || [ -z "$port" ]; then
  rm -f "$definition"
  exit 0
fi
case "$host" in
  *[!A-Za-z0-9.:-]*) echo "ZOSMF_HOST '$host' is not a host name or address"; exit 1 ;;
esac
case "$port" in
  ''|*[!0-9]*) echo "ZOSMF_PORT must be a port number, not '$port'"; exit 1 ;;
esac
case "$host" in
  *:*) url_host="[$host]" ;;
  *) url_host=$host ;;
esac
temporary="$definition.$$"
cat > "$temporary" <<YAML
# Written by the discovery configure step from ZOSMF_HOST and ZOSMF_PORT.
services:
  - serviceId: ibmzosmf
    title: IBM z/OSMF
    description: IBM z/OS Management Facility REST API service
    instanceBaseUrls:
      - https://$url_host:$port/
    routes:
      - gatewayUrl: api/v1
        serviceRelativeUrl: /
    authentication:
      scheme: zosmf
    customMetadata:
      apiml.enableUrlEncodedCharacters: "true"
YAML
mv "$temporary" "$definition"
