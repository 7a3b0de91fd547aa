#!/usr/bin/env bash
# Real-cluster test: a standalone Flink 2.2.1 session cluster (JobManager and TaskManager in their own
# JVMs, assembled from Maven-resolved jars since flink-dist is not on Maven Central), an embedded KRaft
# broker and a capturing SMTP server, all on 127.0.0.1. The job jar built by `mvn package` is
# submitted with the Flink CLI, stopped with a savepoint and resubmitted from it, as an operator would:
#
#   0. a submission without MAILFLOW_LINK_SECRET is refused by the entry point
#   1. submit with the abandoned-cart campaign (campaigns.file); produce events; abandoned carts are
#      e-mailed                                                       (io.mailflow.ops.ClusterScenario)
#   2. stop --savepointPath; run -s: pending carts, de-duplication ids and models carry on, no e-mail
#      is lost or sent twice
#   3. stop --savepointPath; run -s -p 1: the state is redistributed to another parallelism
#   4. a build whose operator uid changed is refused unless --allowNonRestoredState is given
#
# Needs target/mailflow-<version>.jar and target/test-classes (mvn verify builds both). Prints the
# time each step took. Only processes it started are stopped, by PID, on exit.
#
# Secrets are read from the environment (MailflowJob.requireLinkSecret on the client, EmailComposer on
# the TaskManagers), never from configuration: the script makes up a link secret for this run and exports
# it to the CLI and the cluster's JVMs; it is written into no file.
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=cluster-test
WORK=$PWD/target/cluster-test
source .ci/cluster-lib.sh

step "resolving the cluster's jars"
cluster_prepare
scenario() { test_main io.mailflow.ops.ClusterScenario "$@" "$WORK"; }

step "starting Kafka (KRaft) and SMTP"
start_services
step "starting the JobManager (StandaloneSessionClusterEntrypoint, REST port $REST_PORT)"
start_jobmanager
step "starting the TaskManager (TaskManagerRunner, 2 slots); waiting for cluster, Kafka and SMTP"
start_taskmanager
await_cluster 2
passed "session cluster up: $(rest /overview)"
scenario job-config

# ---- 0: the link secret is required at submission ------------------------------------------------
if grep -rqF "$MAILFLOW_LINK_SECRET" "$WORK/conf" "$WORK/job.yaml"; then fail "the link secret was written into a configuration file"; fi
step "flink run without MAILFLOW_LINK_SECRET (must be refused)"
if OUT=$(MAILFLOW_LINK_SECRET='' flink run -d -m "127.0.0.1:$REST_PORT" "$JAR" --config "$WORK/job.yaml" 2>&1); then
  fail "a job was submitted without MAILFLOW_LINK_SECRET"
fi
echo "$OUT" | grep -q "Set the environment variable MAILFLOW_LINK_SECRET" || { echo "$OUT" | tail -n 30; fail "refused, but not for the missing link secret"; }
rest /jobs/overview | grep -q '"jid"' && fail "a job runs although its submission was refused"
passed "submission without MAILFLOW_LINK_SECRET refused by the entry point"
grep -q '^campaigns.file: ' "$WORK/job.yaml" || fail "job.yaml gives the job no campaign: it would send nothing"

# ---- 1: first deployment -------------------------------------------------------------------------
step "flink run -d (first deployment, campaign $(sed -n 's/^campaigns.file: //p' "$WORK/job.yaml"))"
JOB=$(submit "$JAR" --config "$WORK/job.yaml") || fail "flink run failed"
[ -n "$JOB" ] || fail "flink run printed no job id"
await_running "$JOB"
step "phase 1: events in, e-mails out"
scenario phase 1 || fail "phase 1"
passed "phase 1: abandoned carts e-mailed by the submitted jar"

METRICS=""
for port in $(seq 9249 9259); do
  METRICS+=$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -E '^flink_taskmanager_job_task_operator_emailsSent' | head -n 3 || true)
done
[ -n "$METRICS" ] || fail "no Prometheus metric flink_taskmanager_job_task_operator_emailsSent on ports 9249-9259"
passed "Prometheus reporter serves the job's metrics"

# ---- 2: upgrade through a savepoint ----------------------------------------------------------------
step "flink stop --savepointPath"
SP1=$(stop_with_savepoint "$JOB") || fail "stop with savepoint failed"
[ -n "$SP1" ] || fail "no savepoint path printed"
step "flink run -s $SP1"
JOB=$(submit -s "$SP1" "$JAR" --config "$WORK/job.yaml") || fail "resubmission from the savepoint failed"
await_running "$JOB"
step "phase 2: restored state carries on"
scenario phase 2 || fail "phase 2"
passed "phase 2: restored timers, de-duplication ids and models continue; nothing lost or duplicated"

# ---- 3: rescale --------------------------------------------------------------------------------
step "flink stop --savepointPath"
SP2=$(stop_with_savepoint "$JOB") || fail "stop with savepoint failed"
step "flink run -s -p 1 (rescaled from 2)"
JOB=$(submit -s "$SP2" -p 1 "$JAR" --config "$WORK/job.yaml") || fail "resubmission at parallelism 1 failed"
await_running "$JOB"
rest "/jobs/$JOB" | grep -q '"parallelism":2' && fail "job still runs tasks at parallelism 2"
step "phase 3: at parallelism 1"
scenario phase 3 || fail "phase 3"
passed "phase 3: state redistributed to parallelism 1, e-mails continue"

# ---- 4: a changed uid ---------------------------------------------------------------------------
step "flink stop --savepointPath"
SP3=$(stop_with_savepoint "$JOB") || fail "stop with savepoint failed"
CHANGED="$WORK/mailflow-changed-uid.jar"
cp "$JAR" "$CHANGED"
(cd "$ROOT/target/test-classes" && jar uf "$CHANGED" io/mailflow/ops/ChangedUidJob.class)
step "flink run -s with a changed uid (must be refused)"
if OUT=$(flink run -m "127.0.0.1:$REST_PORT" -s "$SP3" -c io.mailflow.ops.ChangedUidJob "$CHANGED" --config "$WORK/job.yaml" 2>&1); then
  fail "a job whose uid changed was started from the savepoint"
fi
echo "$OUT" | grep -q "allowNonRestoredState" || { echo "$OUT" | tail -n 30; fail "refused, but not for the unmapped state"; }
passed "changed uid refused: $(echo "$OUT" | grep -o 'Cannot map checkpoint/savepoint state for operator [0-9a-f]*' | head -n 1)"
step "flink run -s --allowNonRestoredState with the changed uid"
JOB=$(submit -s "$SP3" --allowNonRestoredState -c io.mailflow.ops.ChangedUidJob "$CHANGED" --config "$WORK/job.yaml") \
  || fail "--allowNonRestoredState was refused"
await_running "$JOB"
passed "changed uid accepted with --allowNonRestoredState"
flink cancel -m "127.0.0.1:$REST_PORT" "$JOB" >/dev/null 2>&1 || true

report
echo "cluster-test: $CHECKS passed, 0 failed"
