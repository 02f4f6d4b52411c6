#!/bin/sh
# Starts the Jobs API (jobs-api): the launcher runs this with the component's environment
# (certificate paths, ports, INSTANCE_DIR ...) and its folder as working directory.
zwe_runtime_dir=$(CDPATH= cd -- "$(dirname -- "$0")/../../.." && pwd)
zwe_program_name=zwe-component
. "$zwe_runtime_dir/bin/zwe-find-program.sh"
exec "$ZWE_PROGRAM" jobs-api
