#!/bin/sh
# The test command: installs what the tests need, builds, and runs every test against the
# programs just built (ZWE_BIN_DIR points the tests and scripts at them). The failure suite
# (Tests/ReliabilityTests, fuzzing) has its own command: scripts/reliability.sh.
set -eu
cd "$(dirname -- "$0")/.."
sh scripts/install-deps.sh
swift build
ZWE_BIN_DIR=$(swift build --show-bin-path)
export ZWE_BIN_DIR
export SWIFT_BACKTRACE=enable=no
swift test --skip ReliabilityTests
# The README's main command on a fresh clone: every component READY, a job through the gateway,
# nothing left after the stop.
sh scripts/test-demo.sh
