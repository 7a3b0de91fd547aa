#!/usr/bin/env bash
# Runs the test suite (the classes `mvn verify` compiled) under a shifted wall clock, to prove that no test
# depends on the hour or the date it runs (issue: a test failed every evening UTC). libfaketime starts every
# JVM's clock at the given instant (and lets it tick); monotonic time is left alone so that timeouts and
# Flink's timers behave.
#
#   bash .ci/shifted-clock.sh "2026-12-02 23:30:00"
set -euo pipefail
cd "$(dirname "$0")/.."
at=${1:?usage: shifted-clock.sh "YYYY-MM-DD HH:MM:SS" (UTC)}

lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n1 || true)
if [ -z "$lib" ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y faketime
  lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 | head -n1)
fi

# The clock as the JVM sees it, so that the run shows it really was shifted.
export TZ=UTC FAKETIME="@$at" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=$lib
cat > "${TMPDIR:-/tmp}/MailflowClock.java" <<'EOF'
public class MailflowClock { public static void main(String[] a) { System.out.println(java.time.Instant.now()); } }
EOF
echo "shifted-clock: the JVM's clock reads $(java "${TMPDIR:-/tmp}/MailflowClock.java")"
mvn -B -ntp surefire:test
