# Shared by the real-cluster scripts (.ci/cluster-test.sh, .ci/chaos-taskmanager.sh): a standalone Flink
# 2.2.1 session cluster on 127.0.0.1 assembled from Maven-resolved jars (flink-dist is not on Maven
# Central), the services child JVM (embedded KRaft broker, capturing SMTP server), step timings, and
# cleanup that stops only the processes started here, by PID. Source it after setting:
#
#   TAG   prefix of every line printed (e.g. cluster-test)
#   WORK  working directory (wiped), logs in $WORK/log, e-mails in $WORK/mail
#   EXTRA_DYN  optional array of extra -D settings for the JobManager and TaskManagers
#
# then call cluster_prepare, start_services, start_jobmanager, start_taskmanager, await_cluster.

# Secrets are read from the environment (MailflowJob.requireLinkSecret on the client, EmailComposer on
# the TaskManagers), never from configuration: a link secret made up for this run, exported to the CLI
# and the cluster's JVMs, written into no file.
MAILFLOW_LINK_SECRET="$TAG-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export MAILFLOW_LINK_SECRET

ROOT=$PWD
rm -rf "$WORK"
mkdir -p "$WORK"/{conf,log,mail,tmp,checkpoints,savepoints}

T0=$(date +%s%N)
STEP_NAME=""
STEP_START=$T0
TIMINGS=()
secs() { printf '%d.%d' "$(($1 / 1000000000))" "$(($1 % 1000000000 / 100000000))"; }
elapsed() { secs $(($(date +%s%N) - T0)); }
step() { # step NAME: ends the previous step (recording its time) and starts the next one
  local now; now=$(date +%s%N)
  if [ -n "$STEP_NAME" ]; then TIMINGS+=("$(printf '%7ss  %s' "$(secs $((now - STEP_START)))" "$STEP_NAME")"); fi
  STEP_NAME=$1
  STEP_START=$now
  [ -z "$1" ] || printf '[%s %7ss] %s\n' "$TAG" "$(secs $((now - T0)))" "$1"
}
report() {
  step ""
  echo "[$TAG] timings:"
  printf '  %s\n' "${TIMINGS[@]}" | tee "$WORK/timings.txt"
  printf '  %7ss  total\n' "$(elapsed)" | tee -a "$WORK/timings.txt"
}
CHECKS=0
passed() { CHECKS=$((CHECKS + 1)); echo "[$TAG] ok: $1"; }
fail() {
  echo "[$TAG] FAILED: $1" >&2
  for f in "$WORK"/log/*.log "$WORK"/log/*.out; do
    [ -f "$f" ] || continue
    echo "---- last lines of $f" >&2; grep -v -e 'Name collision' -e '^\s*at ' "$f" | tail -n 20 >&2
  done
  # a script's own diagnostics last, so that they end the output (CI shows its end)
  if declare -F on_fail >/dev/null; then on_fail || true; fi
  report
  echo "$TAG: $CHECKS passed, 1 failed: $1"
  exit 1
}

PIDS=()
cleanup() {
  local pid i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[$i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
forget_pid() { # forget_pid PID: a process that is gone (killed on purpose) is not signalled again on exit
  local kept=() pid
  for pid in "${PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  PIDS=(${kept[@]+"${kept[@]}"})
}

# Jar and classpaths; the production configuration with addresses, ports, directories and memory
# overridden for this machine (plus EXTRA_DYN).
cluster_prepare() {
  # the job jar: not original-*.jar (unshaded) nor mailflow-*-tools.jar (tools, see pom.xml)
  JAR=$(ls "$ROOT"/target/mailflow-*.jar 2>/dev/null | grep -v -e '/original-' -e '-tools\.jar$' | head -n 1 || true)
  if [ -z "$JAR" ] || [ ! -d "$ROOT/target/test-classes" ]; then
    mvn -B -ntp -q -Dstyle.color=never package -DskipTests
    JAR=$(ls "$ROOT"/target/mailflow-*.jar | grep -v -e '/original-' -e '-tools\.jar$' | head -n 1)
  fi
  mvn -B -ntp -q -Dstyle.color=never -f "$ROOT/.ci/flink-cluster/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/flink.classpath" >/dev/null
  mvn -B -ntp -q -Dstyle.color=never -f "$ROOT/pom.xml" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/test.classpath" >/dev/null
  FLINK_CP=$(cat "$WORK/flink.classpath")
  TEST_CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$WORK/test.classpath")"

  cp "$ROOT"/flink-conf/* "$WORK/conf/"
  # `flink run` reads this copy as the job's configuration, which overrides the cluster's -D settings:
  # its checkpoint and savepoint directories go to $WORK as well, never to the production paths.
  sed -i -e "s#^\(    dir:\) file:///var/lib/mailflow/checkpoints\$#\1 file://$WORK/checkpoints#" \
    -e "s#^\(    savepoint-dir:\) file:///var/lib/mailflow/savepoints\$#\1 file://$WORK/savepoints#" "$WORK/conf/config.yaml"
  grep -q "^    dir: file://$WORK/checkpoints\$" "$WORK/conf/config.yaml" || fail "checkpoint directory not set"
  JAVA_OPTS=$(sed -n 's/^ *all: *\(--add-.*\)$/\1/p' "$ROOT/flink-conf/config.yaml")
  [ -n "$JAVA_OPTS" ] || fail "env.java.opts.all not found in flink-conf/config.yaml"
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
    ${EXTRA_DYN[@]+"${EXTRA_DYN[@]}"}
  )
}
free_port() { # first port from $1 on that nobody listens to
  local p
  for p in $(seq "$1" $(($1 + 500))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}
resource_params() { # resource_params GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS -> two lines: JVM flags, -D settings
  java -cp "$FLINK_CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$WORK/conf" "${DYN[@]}" 2>&1 \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
flink() { # the Flink CLI against this cluster; without a log4j configuration it may exit silently
  FLINK_CONF_DIR="$WORK/conf" timeout 180 java $JAVA_OPTS -Dlog.file="$WORK/log/cli.log" \
    -Dlog4j.configurationFile="file:$WORK/conf/log4j-cli.properties" \
    -cp "$FLINK_CP" org.apache.flink.client.cli.CliFrontend "$@"
}
rest() { curl -sf "http://127.0.0.1:$REST_PORT$1"; }
test_main() { # test_main CLASS ARGS...: a class of the test classpath (scenarios), logging to $WORK/log/scenario.log
  java -cp "$TEST_CP" -Dlog4j2.configurationFile="file:$WORK/conf/log4j-cli.properties" -Dlog.file="$WORK/log/scenario.log" "$@"
}

# Kafka (KRaft) and SMTP in a child JVM; writes $WORK/services.properties once both are up.
start_services() {
  java -Xmx768m -cp "$TEST_CP" -Dlog4j2.configurationFile="file:$WORK/conf/log4j-cli.properties" -Dlog.file="$WORK/log/services.log" \
    io.mailflow.ops.ClusterTestServices "$WORK" >"$WORK/log/services.out" 2>&1 &
  PIDS+=($!)
}

start_jobmanager() {
  local jm
  mapfile -t jm < <(resource_params GET_JM_RESOURCE_PARAMS)
  [ ${#jm[@]} -eq 2 ] || fail "BashJavaUtils GET_JM_RESOURCE_PARAMS gave no result"
  # shellcheck disable=SC2086
  java $JAVA_OPTS ${jm[0]} -Dlog.file="$WORK/log/jobmanager.log" -Dlog4j.configurationFile="file:$WORK/conf/log4j.properties" \
    -cp "$FLINK_CP" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$WORK/conf" "${DYN[@]}" ${jm[1]} >"$WORK/log/jobmanager.out" 2>&1 &
  PIDS+=($!)
}

# start_taskmanager [LOG_NAME]: a TaskManager JVM (2 slots); its PID in TM_PID.
start_taskmanager() {
  local name=${1:-taskmanager} tm
  mapfile -t tm < <(resource_params GET_TM_RESOURCE_PARAMS)
  [ ${#tm[@]} -eq 2 ] || fail "BashJavaUtils GET_TM_RESOURCE_PARAMS gave no result"
  # shellcheck disable=SC2086
  java $JAVA_OPTS ${tm[0]} -Dlog.file="$WORK/log/$name.log" -Dlog4j.configurationFile="file:$WORK/conf/log4j.properties" \
    -cp "$FLINK_CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$WORK/conf" "${DYN[@]}" ${tm[1]} >"$WORK/log/$name.out" 2>&1 &
  TM_PID=$!
  PIDS+=("$TM_PID")
}

await_cluster() { # await_cluster SLOTS: services up and the cluster offering SLOTS task slots
  for _ in $(seq 1 120); do
    if [ -f "$WORK/services.properties" ] && rest /overview 2>/dev/null | grep -q "\"slots-total\":$1"; then break; fi
    sleep 0.5
  done
  [ -f "$WORK/services.properties" ] || fail "Kafka/SMTP did not start"
  rest /overview | grep -q "\"slots-total\":$1" || fail "the cluster did not come up with $1 task slots"
}

submit() { # submit [flink run options...] -> job id
  local out
  out=$(flink run -d -m "127.0.0.1:$REST_PORT" "$@" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$out" | sed -n 's/.*Job has been submitted with JobID \([0-9a-f]*\).*/\1/p'
}
job_running() { # job_running JOB_ID: the job and every task RUNNING
  rest "/jobs/$1" 2>/dev/null | grep -q '"state":"RUNNING"' \
    && ! rest "/jobs/$1" | grep -Eo '"status":"[A-Z]+"' | grep -vq RUNNING
}
await_running() { # await_running JOB_ID [TRIES of 0.5 s]
  for _ in $(seq 1 "${2:-240}"); do
    if job_running "$1"; then return 0; fi
    sleep 0.5
  done
  fail "job $1 is not running: $(rest "/jobs/$1" | head -c 400)"
}
stop_with_savepoint() { # stop_with_savepoint JOB_ID -> savepoint path (no --drain: timers must not fire)
  local out
  out=$(flink stop --savepointPath "file://$WORK/savepoints" -m "127.0.0.1:$REST_PORT" "$1" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$out" | sed -n 's/.*Savepoint completed\. Path: \(.*\)$/\1/p'
}
