# Sourced by the components' validate scripts: zwe_check_port VARIABLE checks that the variable
# holds a port number (1-65535), printing what is wrong and failing otherwise.
zwe_check_port() {
  eval "zwe_port=\${$1:-}"
  case "$zwe_port" in
    ''|*[!0-9]*) echo "$1 must be a port number, not '$zwe_port'"; return 1 ;;
  esac
  if [ "$zwe_port" -lt 1 ] || [ "$zwe_port" -gt 65535 ]; then
    echo "$1=$zwe_port is outside 1-65535"; return 1
  fi
}
