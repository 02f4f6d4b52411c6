#!/bin/sh
# Benchmark P6 (quality.md): the gateway's proxy path, HTTPS in, mutual TLS out, keep-alive,
# against nginx doing the same proxying with the same certificates, in the same run:
#   upstream     nginx answering a fixed 200 over TLS; asks for a client certificate
#                (ssl_verify_client optional, the local CA) and names the verdict in its body;
#   nginx peer   nginx as TLS reverse proxy: /upstream/api/v1/ -> the upstream, pooled
#                keep-alive upstream connections, the Zowe certificate as client certificate,
#                the upstream verified against the local CA, the same Host and X-Forwarded-*
#                headers as the gateway sends; one worker per core, as many as the gateway's
#                event-loop threads, each with its own listening socket (reuseport), so that
#                the kernel spreads the connections over them as the gateway spreads its own;
#   gateway      zwe-component discovery (a static definition registers the upstream as
#                service 'upstream', route api/v1 -> /) and zwe-component gateway, started
#                directly with the environment the launcher injects.
# Both proxies are checked first (status 200, the upstream's body, the client certificate
# verified upstream), then loaded with wrk in interleaved rounds after a warm-up each.
# Usage: bench/gateway.sh [--quick] [--key-algorithm RSA-2048|EC-P256]
#   quick: one 3 s round instead of seven 10 s rounds. ZWE_BIN_DIR selects the build
#   (default: a release build of this tree).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
bench_name=gateway.sh
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
rounds=7 duration=10 warmup=3 threads=2 connections=32 algorithm=RSA-2048
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1 duration=3 warmup=1 ;;
    --key-algorithm) [ $# -ge 2 ] || { echo "--key-algorithm needs a value (RSA-2048 or EC-P256)" >&2; exit 2; }
      algorithm=$2; shift ;;
    --key-algorithm=*) algorithm=${1#--key-algorithm=} ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (usage: bench/gateway.sh [--quick] [--key-algorithm RSA-2048|EC-P256])" >&2; exit 2 ;;
  esac
  shift
done

missing=""
command -v wrk >/dev/null || missing="$missing wrk"
command -v nginx >/dev/null || missing="$missing nginx"
command -v openssl >/dev/null || missing="$missing openssl"
command -v curl >/dev/null || missing="$missing curl"
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  { apt-get update >/dev/null && apt-get install -y $missing >/dev/null; } || { echo "could not install:$missing" >&2; exit 1; }
fi
use_build
cores=$(nproc)

work=$(mktemp -d)
pids=""
nginx_masters=""
cleanup() {
  status=$?
  trap - EXIT INT TERM
  # Components first (SIGTERM, then SIGKILL after 5 s), then each nginx master (SIGTERM is
  # its fast shutdown; its workers follow it).
  for pid in $pids $nginx_masters; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $pids $nginx_masters; do
    n=0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  remove_work "$status"
  exit "$status"
}
on_exit cleanup

# Keystore: our own setup, the same certificates for every server and proxy here.
printf 'KEYSTORE_DIRECTORY=%s/keystore\nKEY_ALGORITHM=%s\n' "$work" "$algorithm" > "$work/setup.env"
ZWE_KEYSTORE_PASSWORD=password "$ZWE_BIN_DIR/zwe" init certificate -p "$work/setup.env" >"$work/setup.log" 2>&1 ||
  fail "zwe init certificate failed" "$work/setup.log"
keystore="$work/keystore"
# shellcheck disable=SC1091
. "$keystore/zowe-certificates.env"
key=$KEYSTORE_KEY
certificate=${KEYSTORE_KEY%.key}.cer
ca=$KEYSTORE_CERTIFICATE_AUTHORITY
for file in "$key" "$certificate" "$ca" "$KEYSTORE" "$TRUSTSTORE"; do
  [ -f "$file" ] || fail "the keystore directory has no $file"
done

# Four free loopback ports: upstream, nginx peer, discovery, gateway.
# shellcheck disable=SC2046
set -- $(free_ports 4)
upstream_port=$1 nginx_port=$2 discovery_port=$3 gateway_port=$4

# nginx instances of their own: own prefix, config, pid file, logs and temp folders; never
# the system's configuration or default ports.
nginx_common() { # $1: folder
  cat <<EOF
pid $1/nginx.pid;
error_log $1/error.log warn;
user root;
events { worker_connections 4096; }
EOF
}
nginx_http_common() { # $1: folder
  cat <<EOF
    access_log off;
    default_type text/plain;
    client_body_temp_path $1/tmp/body;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate $certificate;
    ssl_certificate_key $key;
EOF
}
start_nginx() { # $1: name; the config is $work/$1/nginx.conf
  nginx -t -p "$work/$1" -e "$work/$1/error.log" -c "$work/$1/nginx.conf" >"$work/$1/check.log" 2>&1 ||
    fail "the $1 nginx configuration is refused" "$work/$1/check.log"
  nginx -p "$work/$1" -e "$work/$1/error.log" -c "$work/$1/nginx.conf" -g 'daemon off;' >"$work/$1/stdout.log" 2>&1 &
  nginx_masters="$nginx_masters $!"
}

mkdir -p "$work/upstream/tmp" "$work/nginx-proxy/tmp"
# The upstream: a fixed 200, and whether the client certificate was verified (SUCCESS), so
# that the check below proves mutual TLS on the proxies' southbound side.
cat > "$work/upstream/nginx.conf" <<EOF
$(nginx_common "$work/upstream")
worker_processes 1;
http {
$(nginx_http_common "$work/upstream")
    ssl_client_certificate $ca;
    ssl_verify_client optional;
    server {
        listen 127.0.0.1:$upstream_port ssl;
        server_name localhost;
        location / { return 200 "fixed 200 from the upstream, client certificate \$ssl_client_verify\n"; }
    }
}
EOF
cat > "$work/nginx-proxy/nginx.conf" <<EOF
$(nginx_common "$work/nginx-proxy")
worker_processes $cores;
http {
$(nginx_http_common "$work/nginx-proxy")
    upstream upstream_service {
        server 127.0.0.1:$upstream_port;
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$nginx_port ssl reuseport;
        server_name localhost;
        location /upstream/api/v1/ {
            proxy_pass https://upstream_service/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # The headers the gateway sends south, so that both proxies do the same work and
            # the upstream parses the same request from each.
            proxy_set_header Host localhost:$upstream_port;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Forwarded-Port $nginx_port;
            proxy_set_header X-Forwarded-Prefix /upstream/api/v1;
            proxy_ssl_certificate $certificate;
            proxy_ssl_certificate_key $key;
            proxy_ssl_trusted_certificate $ca;
            proxy_ssl_verify on;
            proxy_ssl_name localhost;
            proxy_ssl_server_name on;
            proxy_ssl_session_reuse on;
            proxy_ssl_protocols TLSv1.2 TLSv1.3;
        }
    }
}
EOF
start_nginx upstream
start_nginx nginx-proxy

# Discovery with the upstream as a static definition, and the gateway; the environment is
# the one the launcher gives components (zowe-certificates.env and the instance values).
mkdir -p "$work/api-defs" "$work/workspace"
cat > "$work/api-defs/upstream.yml" <<EOF
services:
  - serviceId: upstream
    title: Fixed 200
    description: nginx answering a fixed 200 over TLS (bench/gateway.sh)
    instanceBaseUrls: [https://localhost:$upstream_port/]
    routes:
      - gatewayUrl: api/v1
        serviceRelativeUrl: /
EOF
start_component() { # $1: id
  (
    set -a
    # shellcheck disable=SC1091
    . "$keystore/zowe-certificates.env"
    set +a
    export KEYSTORE_TYPE=PKCS12 VERIFY_CERTIFICATES=true NONSTRICT_VERIFY_CERTIFICATES=true \
      ZWE_BIND_ADDRESS=127.0.0.1 DISCOVERY_PORT="$discovery_port" GATEWAY_PORT="$gateway_port" \
      ZWE_EXTERNAL_PORT="$gateway_port" ZOWE_EXPLORER_HOST=localhost \
      ZWE_DISCOVERY_SERVICES_LIST="https://localhost:$discovery_port/eureka/" \
      STATIC_DEF_CONFIG_DIR="$work/api-defs" WORKSPACE_DIR="$work/workspace" ZWE_COMPONENT_ID="$1" \
      SWIFT_BACKTRACE=enable=no
    exec "$ZWE_BIN_DIR/zwe-component" "$1"
  ) >"$work/$1.log" 2>&1 &
  pids="$pids $!"
}
start_component discovery
start_component gateway
gateway_pid=$!

# wait_for URL STATUS SECONDS [curl options...]: until URL answers STATUS; prints the last status.
wait_for() {
  url=$1 want=$2 limit=$(($3 * 10)); shift 3
  n=0 got=000
  while [ $n -lt "$limit" ]; do
    got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$ca" "$@" "$url" || true)
    [ "$got" = "$want" ] && { echo "$got"; return 0; }
    sleep 0.1
    n=$((n + 1))
  done
  echo "$got"
  return 1
}
got=$(wait_for "https://localhost:$upstream_port/" 200 10 --cert "$certificate" --key "$key") ||
  fail "the upstream nginx does not answer 200 (got $got)" "$work/upstream/error.log" "$work/upstream/stdout.log"
got=$(wait_for "https://localhost:$nginx_port/upstream/api/v1/" 200 10) ||
  fail "the nginx proxy does not answer 200 (got $got)" "$work/nginx-proxy/error.log" "$work/nginx-proxy/stdout.log"
got=$(wait_for "https://localhost:$discovery_port/application/health" 200 30) ||
  fail "discovery is not up (got $got)" "$work/discovery.log"
curl -s --max-time 5 --cacert "$ca" --cert "$certificate" --key "$key" -H 'Accept: application/json' \
  "https://localhost:$discovery_port/eureka/apps" >"$work/apps.json" || true
grep -q '"UPSTREAM"' "$work/apps.json" ||
  fail "discovery does not list UPSTREAM from the static definition" "$work/apps.json" "$work/discovery.log"
got=$(wait_for "https://localhost:$gateway_port/application/health" 200 30) ||
  fail "the gateway is not up (got $got)" "$work/gateway.log"
got=$(wait_for "https://localhost:$gateway_port/upstream/api/v1/" 200 30) ||
  fail "the gateway does not route /upstream/api/v1/ to the upstream within 30 s (last status $got)" "$work/gateway.log" "$work/discovery.log"

# Correctness: the same status and body through both proxies as from the upstream itself,
# with the proxies' client certificate verified by the upstream.
expected="fixed 200 from the upstream, client certificate SUCCESS"
for proxy in "nginx-proxy https://localhost:$nginx_port/upstream/api/v1/ $work/nginx-proxy/error.log" \
             "gateway https://localhost:$gateway_port/upstream/api/v1/ $work/gateway.log"; do
  # shellcheck disable=SC2086
  set -- $proxy
  name=$1 url=$2 log=$3
  answer=$(curl -s --max-time 5 --cacert "$ca" -w '\n%{http_code}' "$url" || true)
  code=$(printf '%s\n' "$answer" | tail -n 1)
  body=$(printf '%s\n' "$answer" | sed '$d')
  if [ "$code" != 200 ] || [ "$body" != "$expected" ]; then
    fail "$name: expected 200 '$expected', got $code '$body'" "$log"
  fi
done

# Load: wrk over HTTPS with keep-alive; a Lua done() writes the figures as JSON.
cat > "$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  local f = io.open(os.getenv("WRK_RESULT"), "w")
  f:write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %.0f, "p99_us": %.0f, "max_us": %.0f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
  f:close()
end
EOF
load() { # $1: name, $2: URL, $3: seconds, $4: result file
  WRK_RESULT=$4 wrk -t"$threads" -c"$connections" -d"$3s" --latency -s "$work/report.lua" "$2" >"$4.txt" 2>&1 ||
    fail "wrk against the $1 failed" "$4.txt"
}
nginx_url="https://localhost:$nginx_port/upstream/api/v1/"
gateway_url="https://localhost:$gateway_port/upstream/api/v1/"
load nginx "$nginx_url" "$warmup" "$work/warmup-nginx.json"
load gateway "$gateway_url" "$warmup" "$work/warmup-gateway.json"
round=1
while [ $round -le $rounds ]; do
  load nginx "$nginx_url" "$duration" "$work/round$round-nginx.json"
  load gateway "$gateway_url" "$duration" "$work/round$round-gateway.json"
  round=$((round + 1))
done
# The upstream alone, with the same load: it must be well above both proxies.
load upstream "https://localhost:$upstream_port/" "$duration" "$work/upstream-direct.json"

# shellcheck disable=SC2086
set -- $nginx_masters
python3 - "$work" "$rounds" "$duration" "$threads" "$connections" "$algorithm" "$cores" "$gateway_pid" "$2" <<'PY'
import glob, json, os, statistics, sys
import benchlib
work, rounds, duration, threads, connections, algorithm, cores, gateway_pid, nginx_master = sys.argv[1:]
def results(name):
    out = []
    for path in sorted(glob.glob(f"{work}/round*-{name}.json")):
        r = json.load(open(path))
        # Answers other than 2xx/3xx (wrk's status errors) do not count as served requests.
        r["rps"] = (r["requests"] - r["status"]) / (r["duration_us"] / 1e6)
        out.append(r)
    return out
def errors(rs):
    return sum(r[k] for r in rs for k in ("connect", "read", "write", "status", "timeout"))
def rss_kb(pid):
    kb = benchlib.rss_kb(pid)
    if kb is None:
        sys.exit(f"bench/gateway.sh: process {pid} is gone after the load")
    return kb
def children(pid):
    kids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = open(stat).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == pid:
            kids.append(stat.split("/")[2])
    return kids
gw, ng = results("gateway"), results("nginx")
up = json.load(open(f"{work}/upstream-direct.json"))
up_rps = up["requests"] / (up["duration_us"] / 1e6)
gw_rps = statistics.median(r["rps"] for r in gw)
ng_rps = statistics.median(r["rps"] for r in ng)
gw_p99 = statistics.median(r["p99_us"] for r in gw) / 1000
ng_p99 = statistics.median(r["p99_us"] for r in ng) / 1000
rps_ratio, p99_ratio = gw_rps / ng_rps, gw_p99 / ng_p99
workers = children(nginx_master)
gw_rss = rss_kb(gateway_pid) / 1024
ng_rss = (rss_kb(nginx_master) + sum(rss_kb(w) for w in workers)) / 1024
how = f"{algorithm}, wrk -t{threads} -c{connections} -d{duration}s, median of {rounds}"
print(f"P6 gateway proxy requests/s ({how}): gateway {gw_rps:.0f}, nginx {ng_rps:.0f}, ratio {rps_ratio:.2f} "
      f"(target >= 0.80): {'PASS' if rps_ratio >= 0.8 else 'MISS'}")
print(f"P6 gateway proxy p99 latency ({how}): gateway {gw_p99:.2f} ms, nginx {ng_p99:.2f} ms, ratio {p99_ratio:.2f} "
      f"(target <= 2.00): {'PASS' if p99_ratio <= 2.0 else 'MISS'}")
print(f"P6 detail: RSS after load gateway {gw_rss:.1f} MB, nginx proxy {ng_rss:.1f} MB (master + {len(workers)} workers, "
      f"{cores} cores); upstream alone {up_rps:.0f} requests/s; errors gateway {errors(gw)}, nginx {errors(ng)}; "
      f"p50 gateway {statistics.median(r['p50_us'] for r in gw)/1000:.2f} ms, nginx {statistics.median(r['p50_us'] for r in ng)/1000:.2f} ms" + "; per round: requests/s gateway " + ", ".join(f"{r['rps']:.0f}" for r in gw) + ", nginx " + ", ".join(f"{r['rps']:.0f}" for r in ng)
      + "; p99 ms gateway " + ", ".join(f"{r['p99_us']/1000:.2f}" for r in gw) + ", nginx " + ", ".join(f"{r['p99_us']/1000:.2f}" for r in ng))
if os.environ.get("ZWE_BENCH_RESULTS"):  # one JSON line per target row (bench/run.sh)
    with open(os.environ["ZWE_BENCH_RESULTS"], "a") as out:
        out.write(json.dumps({"id": "P6", "what": f"gateway proxy requests/s ({how})", "figure": f"{gw_rps:.0f} req/s",
                              "peer": f"{ng_rps:.0f} req/s (nginx)", "ratio": f"{rps_ratio:.2f}", "target": ">= 0.80x peer",
                              "result": "PASS" if rps_ratio >= 0.8 else "MISS"}) + "\n")
        out.write(json.dumps({"id": "P6", "what": f"gateway proxy p99 latency ({how})", "figure": f"{gw_p99:.2f} ms",
                              "peer": f"{ng_p99:.2f} ms (nginx)", "ratio": f"{p99_ratio:.2f}", "target": "<= 2.00x peer",
                              "result": "PASS" if p99_ratio <= 2.0 else "MISS"}) + "\n")
PY
