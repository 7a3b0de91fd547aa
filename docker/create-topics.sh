#!/usr/bin/env bash
# One-shot init container of docker-compose.yml: creates every topic listed in topics.txt (idempotent).
set -euo pipefail
bootstrap="${BOOTSTRAP_SERVERS:-kafka:19092}"
topics_file="${TOPICS_FILE:-/mailflow/topics.txt}"
while read -r name partitions policy; do
  case "$name" in ''|'#'*) continue ;; esac
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 1 --config "cleanup.policy=$policy"
done < "$topics_file"
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --list
