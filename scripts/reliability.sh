#!/bin/sh
# The failure suite of quality.md, all of it: R1-R7 and the security checks against real
# instances (Tests/ReliabilityTests), every bad input given to `zwe start`, the security and
# failure tests that live beside their components, and R8 fuzzing (scripts/fuzz.sh).
#
#   scripts/reliability.sh [--quick]
#
# --quick (CI): seconds per scenario and 10 s per fuzz harness. Without it: a minute of chaos,
# a minute of load, 100 submissions while z/OSMF is killed, 60 s per fuzz harness.
# Prints a summary: each scenario's figures (the RELIABILITY lines the tests print), the fuzz
# executions, and the test count; exits non-zero when anything failed.
set -eu
cd "$(dirname -- "$0")/.."

quick=false
for argument in "$@"; do
  case $argument in
    --quick) quick=true ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reliability.sh: unknown argument '$argument' (expected --quick)" >&2; exit 2 ;;
  esac
done
if $quick; then
  ZWE_RELIABILITY=quick fuzz_seconds=10
else
  ZWE_RELIABILITY=full fuzz_seconds=60
fi
export ZWE_RELIABILITY

sh scripts/install-deps.sh
swift build --build-tests
ZWE_BIN_DIR=${ZWE_BIN_DIR:-$(swift build --show-bin-path)}
export ZWE_BIN_DIR
export SWIFT_BACKTRACE=enable=no

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
started=$(date +%s)
# The scenarios here, and the tests elsewhere that check a promise of quality.md's failure
# and security lists: discovery's 403s, the gateway's verify modes and tokens, TLS versions,
# keystore permissions and passwords, command substitution, no lost log line, components run
# as ZOWE_USER_ID, z/OSMF killed under the stub's own client.
swift test --skip-build \
  --filter 'ReliabilityTests' \
  --filter 'ZweEndToEndTests.BadInputTests' \
  --filter 'DiscoveryTests.DiscoveryProgramTests/(clientCertificates|disabledMode)' \
  --filter 'GatewayTests.GatewayRoutingTests/verifyModes' \
  --filter 'GatewayTests.GatewayAuthenticationTests/loginQueryLogout' \
  --filter 'ComponentRuntimeTests.ComponentProgramTests/(protocolVersions|clientCertificates)' \
  --filter 'ZweEndToEndTests.KeystoreSetupTests/(permissions|noPasswordLeaks|commandSubstitution)' \
  --filter 'ZweEndToEndTests.InstanceTests/malformedInstanceEnv' \
  --filter 'ZweEndToEndTests.LauncherTests/floodAcrossRotation' \
  --filter 'ZweEndToEndTests.RunAsUserTests/runAsUser' \
  --filter 'ZOSMFTests.ZOSMFStubTests/killedDuringSubmission' \
  > "$log" 2>&1 || status=1
tests_seconds=$(( $(date +%s) - started ))
cat "$log"

fuzz_log=$(mktemp)
trap 'rm -f "$log" "$fuzz_log"' EXIT
sh scripts/fuzz.sh --time "$fuzz_seconds" > "$fuzz_log" 2>&1 || status=1
cat "$fuzz_log"

echo
echo "=== reliability summary ($ZWE_RELIABILITY) ==="
grep '^RELIABILITY ' "$log" | sed 's/^RELIABILITY /  /' || true
grep -E '^fuzz [^ ]+:' "$fuzz_log" | sed 's/^/  /' || true
grep -E '^(✔|✘) Test run with' "$log" | sed 's/^/  /' || echo "  the test run did not finish"
echo "  tests took ${tests_seconds} s"
grep -E '^✘ Test .* failed' "$log" | sed 's/^/  FAILED: /' || true
if [ "$status" -ne 0 ]; then
  echo "reliability: FAILED"
else
  echo "reliability: OK"
fi
exit "$status"
