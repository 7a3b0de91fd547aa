#!/usr/bin/env bash
# One-shot container of docker-compose.yml: submits the job jar built by `mvn package` to the session
# cluster, unless a job named mailflow is already running (so `docker compose up` can be repeated).
# Set SAVEPOINT=/var/lib/mailflow/savepoints/savepoint-... to start from a savepoint.
set -euo pipefail
rest="${FLINK_REST:-jobmanager:8081}"
jar=$(ls /opt/mailflow/target/mailflow-*.jar 2>/dev/null | grep -v '/original-' | head -n 1 || true)
if [ -z "$jar" ]; then
  echo "No job jar in ./target: run 'mvn -B -ntp package -DskipTests' first." >&2
  exit 1
fi
for _ in $(seq 1 60); do
  if /opt/flink/bin/flink list -m "$rest" >/tmp/jobs.txt 2>/dev/null; then break; fi
  sleep 2
done
if grep -q ': mailflow (RUNNING)' /tmp/jobs.txt; then
  echo "mailflow is already running:"; cat /tmp/jobs.txt; exit 0
fi
args=(run -d -m "$rest")
if [ -n "${SAVEPOINT:-}" ]; then args+=(-s "$SAVEPOINT"); fi
exec /opt/flink/bin/flink "${args[@]}" "$jar" --config /opt/mailflow/job.yaml
