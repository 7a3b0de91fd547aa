#!/usr/bin/env bash
# One-shot container of docker-compose.yml: submits the job jar built by `mvn package` to the session
# cluster, unless a job named mailflow is already running (so `docker compose up` can be repeated).
# Set SAVEPOINT=/var/lib/mailflow/savepoints/savepoint-... to start from a savepoint, and
# CAMPAIGNS_FILE=classpath:campaigns/abandoned-cart.yaml (or a mounted file) to replace the campaigns of
# job.yaml. The job's entry point refuses to start without MAILFLOW_LINK_SECRET (16+ characters) in the
# environment; the task managers need the same value in theirs.
set -euo pipefail
secret="${MAILFLOW_LINK_SECRET:-}"
if [ "${#secret}" -lt 16 ]; then
  echo "MAILFLOW_LINK_SECRET (16+ characters) is not set for submit-job: export it before docker compose up." >&2
  exit 1
fi
rest="${FLINK_REST:-jobmanager:8081}"
jar=$(ls /opt/mailflow/target/mailflow-*.jar 2>/dev/null | grep -v -e '/original-' -e '-tools\.jar$' | head -n 1 || true)
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
job_args=(--config /opt/mailflow/job.yaml)
if [ -n "${CAMPAIGNS_FILE:-}" ]; then job_args+=(--campaigns.file "$CAMPAIGNS_FILE"); fi
exec /opt/flink/bin/flink "${args[@]}" "$jar" "${job_args[@]}"
