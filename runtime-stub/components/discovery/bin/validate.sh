#!/bin/sh
# Checks the discovery settings before start; a message and a non-zero exit stop the start.
port=${DISCOVERY_PORT:-}
case "$port" in
  ''|*[!0-9]*) echo "DISCOVERY_PORT must be a port number, not '$port'"; exit 1 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "DISCOVERY_PORT=$port is outside 1-65535"; exit 1
fi
