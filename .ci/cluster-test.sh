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
MAILFLOW_LINK_SECRET="cluster-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export MAILFLOW_LINK_SECRET
ROOT=$PWD
WORK=$ROOT/target/cluster-test
rm -rf "$WORK"
mkdir -p "$WORK"/{conf,log,mail,tmp,checkpoints,savepoints}

T0=$(date +%s%N)
STEP_NAME=""
STEP_START=$T0
TIMINGS=()
secs() { printf '%d.%d' "$(($1 / 1000000000))" "$(($1 % 1000000000 / 100000000))"; }
step() { # step NAME: ends the previous step (recording its time) and starts the next one
  local now; now=$(date +%s%N)
  if [ -n "$STEP_NAME" ]; then TIMINGS+=("$(printf '%7ss  %s' "$(secs $((now - STEP_START)))" "$STEP_NAME")"); fi
  STEP_NAME=$1
  STEP_START=$now
  [ -z "$1" ] || printf '[cluster-test %7ss] %s\n' "$(secs $((now - T0)))" "$1"
}
report() {
  step ""
  echo "[cluster-test] timings:"
  printf '  %s\n' "${TIMINGS[@]}" | tee "$WORK/timings.txt"
  printf '  %7ss  total\n' "$(secs $(($(date +%s%N) - T0)))" | tee -a "$WORK/timings.txt"
}
CHECKS=0
passed() { CHECKS=$((CHECKS + 1)); echo "[cluster-test] ok: $1"; }
fail() {
  echo "[cluster-test] FAILED: $1" >&2
  for f in "$WORK"/log/*.log "$WORK"/log/*.out; do
    [ -f "$f" ] || continue
    echo "---- last lines of $f" >&2; tail -n 40 "$f" >&2
  done
  report
  echo "cluster-test: $CHECKS passed, 1 failed"
  exit 1
}

PIDS=()
cleanup() {
  local pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# ---- classpaths --------------------------------------------------------------------------------
step "resolving the cluster's jars"
JAR=$(ls "$ROOT"/target/mailflow-*.jar 2>/dev/null | grep -v '/original-' | head -n 1 || true)
if [ -z "$JAR" ] || [ ! -d "$ROOT/target/test-classes" ]; then
  mvn -B -ntp -q -Dstyle.color=never package -DskipTests
  JAR=$(ls "$ROOT"/target/mailflow-*.jar | grep -v '/original-' | head -n 1)
fi
mvn -B -ntp -q -Dstyle.color=never -f .ci/flink-cluster/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/flink.classpath" >/dev/null
mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/test.classpath" >/dev/null
FLINK_CP=$(cat "$WORK/flink.classpath")
TEST_CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$WORK/test.classpath")"

# The production configuration, with addresses, ports, directories and memory overridden for this machine.
cp flink-conf/* "$WORK/conf/"
JAVA_OPTS=$(sed -n 's/^ *all: *\(--add-.*\)$/\1/p' flink-conf/config.yaml)
[ -n "$JAVA_OPTS" ] || fail "env.java.opts.all not found in flink-conf/config.yaml"
free_port() { # first port from $1 on that nobody listens to
  local p
  for p in $(seq "$1" $(($1 + 500))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}
REST_PORT=$(free_port 18081)
RPC_PORT=$(free_port 16123)
DYN=(
  -Djobmanager.rpc.address=127.0.0.1 -Djobmanager.rpc.port="$RPC_PORT" -Djobmanager.bind-host=127.0.0.1
  -Drest.address=127.0.0.1 -Drest.bind-address=127.0.0.1 -Drest.port="$REST_PORT"
  -Dtaskmanager.host=127.0.0.1 -Dtaskmanager.bind-host=127.0.0.1
  -Djobmanager.memory.process.size=1024m -Dtaskmanager.memory.process.size=1536m
  -Dexecution.checkpointing.dir="file://$WORK/checkpoints"
  -Dexecution.checkpointing.savepoint-dir="file://$WORK/savepoints"
  -Dio.tmp.dirs="$WORK/tmp"
)
resource_params() { # resource_params GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS -> two lines: JVM flags, -D settings
  java -cp "$FLINK_CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$WORK/conf" "${DYN[@]}" 2>&1 \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
flink() { # the Flink CLI against this cluster; without a log4j configuration it may exit silently
  FLINK_CONF_DIR="$WORK/conf" timeout 180 java $JAVA_OPTS -Dlog.file="$WORK/log/cli.log" \
    -Dlog4j.configurationFile="file:$WORK/conf/log4j-cli.properties" \
    -cp "$FLINK_CP" org.apache.flink.client.cli.CliFrontend "$@"
}
scenario() { java -cp "$TEST_CP" -Dlog4j2.configurationFile="file:$WORK/conf/log4j-cli.properties" -Dlog.file="$WORK/log/scenario.log" io.mailflow.ops.ClusterScenario "$@" "$WORK"; }
rest() { curl -sf "http://127.0.0.1:$REST_PORT$1"; }

# ---- services: Kafka and SMTP --------------------------------------------------------------------
step "starting Kafka (KRaft) and SMTP"
java -Xmx768m -cp "$TEST_CP" -Dlog4j2.configurationFile="file:$WORK/conf/log4j-cli.properties" -Dlog.file="$WORK/log/services.log" \
  io.mailflow.ops.ClusterTestServices "$WORK" >"$WORK/log/services.out" 2>&1 &
PIDS+=($!)

# ---- cluster -----------------------------------------------------------------------------------
step "starting the JobManager (StandaloneSessionClusterEntrypoint, REST port $REST_PORT)"
mapfile -t JM < <(resource_params GET_JM_RESOURCE_PARAMS)
[ ${#JM[@]} -eq 2 ] || fail "BashJavaUtils GET_JM_RESOURCE_PARAMS gave no result"
# shellcheck disable=SC2086
java $JAVA_OPTS ${JM[0]} -Dlog.file="$WORK/log/jobmanager.log" -Dlog4j.configurationFile="file:$WORK/conf/log4j.properties" \
  -cp "$FLINK_CP" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  --configDir "$WORK/conf" "${DYN[@]}" ${JM[1]} >"$WORK/log/jobmanager.out" 2>&1 &
PIDS+=($!)

step "starting the TaskManager (TaskManagerRunner, 2 slots); waiting for cluster, Kafka and SMTP"
mapfile -t TM < <(resource_params GET_TM_RESOURCE_PARAMS)
[ ${#TM[@]} -eq 2 ] || fail "BashJavaUtils GET_TM_RESOURCE_PARAMS gave no result"
# shellcheck disable=SC2086
java $JAVA_OPTS ${TM[0]} -Dlog.file="$WORK/log/taskmanager.log" -Dlog4j.configurationFile="file:$WORK/conf/log4j.properties" \
  -cp "$FLINK_CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
  --configDir "$WORK/conf" "${DYN[@]}" ${TM[1]} >"$WORK/log/taskmanager.out" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 120); do
  if [ -f "$WORK/services.properties" ] && rest /overview 2>/dev/null | grep -q '"slots-total":2'; then break; fi
  sleep 0.5
done
[ -f "$WORK/services.properties" ] || fail "Kafka/SMTP did not start"
rest /overview | grep -q '"slots-total":2' || fail "the cluster did not come up with 2 task slots"
passed "session cluster up: $(rest /overview)"
scenario job-config

submit() { # submit [flink run options...] -> job id
  local out
  out=$(flink run -d -m "127.0.0.1:$REST_PORT" "$@" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$out" | sed -n 's/.*Job has been submitted with JobID \([0-9a-f]*\).*/\1/p'
}
await_running() { # await_running JOB_ID: the job and every task RUNNING
  for _ in $(seq 1 240); do
    if rest "/jobs/$1" 2>/dev/null | grep -q '"state":"RUNNING"' \
      && ! rest "/jobs/$1" | grep -Eo '"status":"[A-Z]+"' | grep -vq RUNNING; then return 0; fi
    sleep 0.5
  done
  fail "job $1 is not running: $(rest "/jobs/$1" | head -c 400)"
}
stop_with_savepoint() { # stop_with_savepoint JOB_ID -> savepoint path (no --drain: timers must not fire)
  local out
  out=$(flink stop --savepointPath "file://$WORK/savepoints" -m "127.0.0.1:$REST_PORT" "$1" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$out" | sed -n 's/.*Savepoint completed\. Path: \(.*\)$/\1/p'
}

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
