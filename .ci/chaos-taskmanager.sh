#!/usr/bin/env bash
# Reliability test: kill -9 the TaskManager of a standalone Flink session cluster while e-mails are being
# delivered, several times, and count what reaches the SMTP server. Same cluster as .ci/cluster-test.sh
# (JobManager and TaskManager JVMs from Maven-resolved jars, embedded KRaft broker, capturing SMTP
# server, all on 127.0.0.1; see .ci/cluster-lib.sh), production flink-conf with checkpoints every 2 s.
#
#   1. submit the job jar; produce N abandoned carts that all become due at once; the job's relay rate
#      limit (20 msg/s) spreads their delivery over N/20 seconds     (io.mailflow.ops.ChaosScenario)
#   2. K times: when i*N/(K+1) e-mails have arrived, kill -9 the TaskManager JVM and start a new one;
#      Flink restores the job from its last checkpoint onto the new TaskManager (restart strategy of
#      flink-conf: exponential delay)
#   3. wait until all N have arrived, then group the received e-mails by Message-ID: every shopper got
#      one distinct message, nobody else any, and copies beyond the first are within the send ledger's
#      window (docs/delivery.md): at most one per SMTP transaction in flight at the moment of a kill,
#      i.e. K x parallelism x delivery.threads = K x 2 x 2. At 20 msg/s a kill lands in that window
#      about every other time (7 extra copies in 21 kills so far): docs/benchmarks.md, Reliability.
#
# Usage: .ci/chaos-taskmanager.sh [N] [K]    (defaults 400 and 3; about 1.5-2 minutes on 2 cores)
# Needs target/mailflow-<version>.jar and target/test-classes. Prints the timings of every kill and
# recovery. Only processes it started are stopped, by PID, on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
K=${2:-3}
PARALLELISM=2
THREADS=2 # delivery.threads in ChaosScenario.JOB_OPTIONS
MAX_DUPLICATES=$((K * PARALLELISM * THREADS))
TAG=chaos-taskmanager
WORK=$PWD/target/chaos-taskmanager
# Checkpoints every 2 s, so a restore loses little progress; heartbeats every second, so the JobManager
# notices a killed TaskManager within seconds (by default only after up to 50 s).
EXTRA_DYN=(-Dexecution.checkpointing.interval=2s -Dexecution.checkpointing.min-pause=1s
  -Dheartbeat.interval=1s -Dheartbeat.timeout=15s)
source .ci/cluster-lib.sh

mails() { find "$WORK/mail" -name '*.eml' | wc -l; }
restarts() { rest "/jobs/$JOB/metrics?get=numRestarts" 2>/dev/null | sed -n 's/.*"value":"\([0-9]*\)".*/\1/p'; }

step "resolving the cluster's jars"
cluster_prepare
scenario() { test_main io.mailflow.ops.ChaosScenario "$@" "$WORK"; }
step "starting Kafka (KRaft), SMTP, the JobManager and TaskManager 0"
start_services
start_jobmanager
start_taskmanager taskmanager-0
await_cluster 2
scenario job-config
passed "session cluster up: $(rest /overview)"

step "flink run -d; produce $N abandoned carts"
JOB=$(submit "$JAR" --config "$WORK/job.yaml") || fail "flink run failed"
[ -n "$JOB" ] || fail "flink run printed no job id"
await_running "$JOB"
scenario produce "$N" || fail "producing the events failed"

KILLS=()
for i in $(seq 1 "$K"); do
  threshold=$((i * N / (K + 1)))
  step "kill $i: waiting for $threshold e-mails"
  for _ in $(seq 1 600); do [ "$(mails)" -ge "$threshold" ] && break; sleep 0.2; done
  at=$(mails)
  [ "$at" -ge "$threshold" ] || fail "only $at of $threshold e-mails arrived before kill $i"
  [ "$at" -lt "$N" ] || fail "all $N e-mails had arrived before kill $i: delivery is too fast for the test"
  before=$(restarts)
  step "kill $i: kill -9 TaskManager (pid $TM_PID) at $at e-mails; start TaskManager $i"
  t_kill=$(date +%s%N)
  kill -9 "$TM_PID"
  forget_pid "$TM_PID" # never signal a dead PID again (it could be reused)
  start_taskmanager "taskmanager-$i"
  step "kill $i: waiting for the restart and the next e-mail"
  sleep 1 # e-mails the server took just before the kill are written to $WORK/mail within 200 ms
  base=$(mails)
  t_running="" t_mail=""
  for _ in $(seq 1 600); do
    now=$(date +%s%N)
    if [ -z "$t_running" ]; then
      r=$(restarts)
      if [ -n "$r" ] && [ "$r" -gt "${before:-0}" ] && job_running "$JOB"; then t_running=$now; fi
    fi
    if [ -z "$t_mail" ] && [ "$(mails)" -gt "$base" ]; then t_mail=$now; fi
    [ -n "$t_running" ] && [ -n "$t_mail" ] && break
    sleep 0.2
  done
  [ -n "$t_running" ] || fail "the job did not recover from kill $i: $(rest "/jobs/$JOB" | head -c 400)"
  [ -n "$t_mail" ] || fail "no e-mail arrived within 120 s after kill $i"
  KILLS+=("$(printf 'kill %d at %d e-mails: job RUNNING again after %ss, next e-mail after %ss' \
    "$i" "$at" "$(secs $((t_running - t_kill)))" "$(secs $((t_mail - t_kill)))")")
  passed "${KILLS[-1]}"
done

step "waiting for all $N e-mails"
for _ in $(seq 1 900); do [ "$(mails)" -ge "$N" ] && break; sleep 0.2; done
sleep 5 # a late duplicate would arrive now
step "counting e-mails per Message-ID"
scenario verify "$N" "$MAX_DUPLICATES" | tee "$WORK/verify.txt" || fail "lost or duplicated e-mails (see above)"
passed "$K TaskManager kills: all $N e-mails delivered, duplicates within the ledger's window (at most $MAX_DUPLICATES)"
flink cancel -m "127.0.0.1:$REST_PORT" "$JOB" >/dev/null 2>&1 || true

report
printf '  %s\n' "${KILLS[@]}" | tee -a "$WORK/timings.txt"
echo "$TAG: $CHECKS passed, 0 failed"
