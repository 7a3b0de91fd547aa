#!/usr/bin/env bash
# Runs the test suite with the machine's system clock set to a given instant (UTC), then sets the clock back to
# the real time (the instant at the start plus the monotonic time elapsed since), also when interrupted. The
# proof that no test depends on the hour or the date it runs (issue 11: a test failed every evening UTC).
# libfaketime (.ci/shifted-clock.sh) does the same per process but made the JVMs spin here (a 42 s test class
# had not finished after 4.5 min); this changes the clock of the whole machine, so run it as root, on a machine
# of your own (a VM or container host with nothing else running).
#
#   bash .ci/system-clock.sh "2026-12-02 23:30:00"
#   bash .ci/system-clock.sh "2026-12-03 03:00:00"
set -euo pipefail
cd "$(dirname "$0")/.."
at=${1:?usage: system-clock.sh "YYYY-MM-DD HH:MM:SS" (UTC)}

mvn -B -ntp -q test-compile # under the real clock
real0=$(date +%s.%N)
up0=$(cut -d' ' -f1 /proc/uptime)
restore() {
  local up1
  up1=$(cut -d' ' -f1 /proc/uptime)
  date -u -s "@$(awk -v r="$real0" -v a="$up0" -v b="$up1" 'BEGIN { printf "%.3f", r + b - a }')" >/dev/null
  echo "system-clock: clock set back to $(date -u '+%F %T') UTC"
}
trap restore EXIT
date -u -s "$at" >/dev/null
echo "system-clock: the clock reads $(date -u '+%F %T') UTC"
mvn -B -ntp surefire:test
