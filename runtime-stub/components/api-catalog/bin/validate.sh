#!/bin/sh
# Checks the api-catalog settings before start; a message and a non-zero exit stop the start.
port=${CATALOG_PORT:-}
case "$port" in
  ''|*[!0-9]*) echo "CATALOG_PORT must be a port number, not '$port'"; exit 1 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "CATALOG_PORT=$port is outside 1-65535"; exit 1
fi
