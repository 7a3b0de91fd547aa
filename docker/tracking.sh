#!/usr/bin/env bash
# The tracking service of docker-compose.yml (click redirect /r, open pixel /o, one-click unsubscribe,
# /health, /metrics): io.mailflow.tracking.TrackingMain from the tools jar, with the Flink image's lib/ for
# logging. MAILFLOW_LINK_SECRET must be the job's (compose passes the caller's through).
set -euo pipefail
jar=$(ls /opt/mailflow/target/mailflow-*-tools.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ]; then
  echo "No tools jar in ./target: run 'mvn -B -ntp package -DskipTests' first." >&2
  exit 1
fi
exec java -Dlog4j2.configurationFile=/opt/mailflow/tracking-log4j2.properties -cp "/opt/flink/lib/*:$jar" \
  io.mailflow.tracking.TrackingMain \
  --port 8090 \
  --bootstrap-servers "${BOOTSTRAP_SERVERS:-kafka:19092}" \
  --spool-dir /var/lib/mailflow-tracking/spool
