#!/usr/bin/env bash
# The event generator of docker-compose.yml: io.mailflow.tools.demo.GeneratorMain from the tools jar
# (target/mailflow-<version>-tools.jar; the job jar holds the job only), with the Flink image's lib/ for
# logging. Publishes profiles, then shopping events until stopped.
set -euo pipefail
jar=$(ls /opt/mailflow/target/mailflow-*-tools.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ]; then
  echo "No tools jar in ./target: run 'mvn -B -ntp package -DskipTests' first." >&2
  exit 1
fi
exec java -cp "/opt/flink/lib/*:$jar" io.mailflow.tools.demo.GeneratorMain \
  --bootstrap-servers "${BOOTSTRAP_SERVERS:-kafka:19092}" \
  --users "${GENERATOR_USERS:-5000}" --rate "${GENERATOR_RATE:-5}" \
  --speed "${GENERATOR_SPEED:-60}" --backlog "${GENERATOR_BACKLOG:-3h}"
