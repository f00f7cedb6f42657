#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1, started from Spark's own jars (the class path the build
# wrote to spark-jobs/target/spark-classpath.txt; no Spark distribution needed): one master, N workers,
# Spark authentication on with a secret generated per cluster. For tests and benchmarks, not production.
#
#   local-cluster.sh start DIR [WORKERS] [CORES_PER_WORKER] [WORKER_MEMORY] [AUTH]
#                                      AUTH: on (default) or off. Off only for cluster deploy mode, which Spark 3.5's
#                                      standalone master cannot run with spark.authenticate (SPARK-25078: the
#                                      secret is stripped from the driver a worker launches).
#       starts the daemons, waits until every worker has registered, and writes into DIR:
#         master-url        spark://127.0.0.1:PORT
#         spark.properties  the client's Spark properties (auth on, secret): mode 600
#         pids/             one file per daemon; logs/ their output; home/ the SPARK_HOME workers use
#   local-cluster.sh workers DIR      prints "NAME PID" of each live worker
#   local-cluster.sh kill-worker DIR NAME   SIGKILLs that worker and the executors it launched
#   local-cluster.sh stop DIR          stops every daemon (and their executors)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cp_file="$root/spark-jobs/target/spark-classpath.txt"

die() { echo "local-cluster: $*" >&2; exit 2; }

# A port nothing listens on (bash's /dev/tcp: no python or netcat needed).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

jvm_flags() {
  sed -n 's/^jvm\.addOpens=//p' "$root/conf/jvm.properties"
}

# Workers build each executor's command from SPARK_HOME/jars (Spark's launcher library): a folder of links
# to the very jars on the build's class path stands in for a distribution.
make_home() {
  local home="$1"
  mkdir -p "$home/jars" "$home/conf"
  { tr ":" "\n" < "$cp_file"; echo; } | while IFS= read -r jar; do
    [ -n "$jar" ] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
}

# Daemons and the executors they start take native thread settings from the environment
# (conf/jvm.properties native.*), as submit/ does for drivers.
export_native_env() {
  local kv
  while IFS= read -r kv; do
    [ -n "$kv" ] && export "${kv?}"
  done < <(sed -n 's/^native\.\([A-Z_]*\)=\(.*\)$/\1=\2/p' "$root/conf/jvm.properties")
}

start() {
  local dir="$1" workers="${2:-2}" cores="${3:-1}" memory="${4:-3g}" auth="${5:-on}"
  [[ "$auth" == on || "$auth" == off ]] || die "AUTH is on or off, not '$auth'"
  [ -f "$cp_file" ] || die "$cp_file is missing: build first (mvn -B -DskipTests package)"
  mkdir -p "$dir/pids" "$dir/logs" "$dir/work"
  dir="$(cd "$dir" && pwd)"
  make_home "$dir/home"
  local secret; secret="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  local daemon_props="$dir/daemon.properties"
  umask 077
  if [ "$auth" = on ]; then
    printf 'spark.authenticate          true\nspark.authenticate.secret   %s\n' "$secret" > "$daemon_props"
  else
    : > "$daemon_props"
  fi
  local port ui; port="$(free_port)"; ui="$(free_port)"
  local url="spark://127.0.0.1:$port"
  cat > "$dir/spark.properties" <<EOF
spark.master                     $url
spark.driver.host                127.0.0.1
spark.serializer                 org.apache.spark.serializer.KryoSerializer
spark.kryo.registrator           io.anglespark.jobs.common.AngleKryoRegistrator
spark.broadcast.compress         false
spark.ui.enabled                 false
spark.ui.showConsoleProgress     false
spark.executor.memory            $memory
spark.cores.max                  $((workers * cores))
EOF
  [ "$auth" = on ] && printf 'spark.authenticate               true\nspark.authenticate.secret        %s\n' "$secret" >> "$dir/spark.properties"
  umask 022
  echo "$url" > "$dir/master-url"
  echo "http://127.0.0.1:$ui" > "$dir/master-ui"
  export SPARK_HOME="$dir/home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
  export_native_env
  local flags; flags="$(jvm_flags)"
  # shellcheck disable=SC2086 # flags is a list
  nohup java $flags -Xmx512m -cp "$(cat "$cp_file")" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$ui" --properties-file "$daemon_props" \
    > "$dir/logs/master.log" 2>&1 &
  echo $! > "$dir/pids/master"
  local i
  for i in $(seq 1 "$workers"); do
    mkdir -p "$dir/work/worker-$i"
    # shellcheck disable=SC2086
    nohup java $flags -Xmx512m -cp "$(cat "$cp_file")" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --port "$(free_port)" --webui-port "$(free_port)" --cores "$cores" --memory "$memory" \
      --work-dir "$dir/work/worker-$i" --properties-file "$daemon_props" "$url" \
      > "$dir/logs/worker-$i.log" 2>&1 &
    echo $! > "$dir/pids/worker-$i"
  done
  # Ready when every worker has logged its registration with the master.
  local t=0 alive=0
  while [ $t -lt 120 ]; do
    alive="$( { grep -l 'Successfully registered with master' "$dir"/logs/worker-*.log 2>/dev/null || true; } | wc -l)"
    [ "$alive" = "$workers" ] && { echo "local-cluster: $url with $workers workers ($cores cores, $memory each), auth $auth"; return 0; }
    sleep 1; t=$((t + 1))
  done
  echo "local-cluster: only $alive of $workers workers registered in 120 s; logs in $dir/logs" >&2
  stop "$dir"
  exit 1
}

# Executors are children of their worker (CoarseGrainedExecutorBackend).
descendants() {
  local p; for p in $(pgrep -P "$1" 2>/dev/null || true); do echo "$p"; descendants "$p"; done
}

workers() {
  local dir="$1" f
  for f in "$dir"/pids/worker-*; do
    [ -f "$f" ] || continue
    kill -0 "$(cat "$f")" 2>/dev/null && echo "$(basename "$f") $(cat "$f")"
  done
  return 0
}

kill_daemon() {
  local pid="$1" sig="$2" kids
  kids="$(descendants "$pid")"
  # shellcheck disable=SC2086
  kill "-$sig" "$pid" $kids 2>/dev/null || true
}

kill_worker() {
  local dir="$1" name="$2"
  [ -f "$dir/pids/$name" ] || die "no worker $name in $dir"
  kill_daemon "$(cat "$dir/pids/$name")" KILL
  echo "local-cluster: killed $name"
}

stop() {
  local dir="$1" f
  for f in "$dir"/pids/*; do
    [ -f "$f" ] || continue
    kill_daemon "$(cat "$f")" TERM
  done
  sleep 2
  for f in "$dir"/pids/*; do
    [ -f "$f" ] || continue
    kill_daemon "$(cat "$f")" KILL
    rm -f "$f"
  done
  echo "local-cluster: stopped"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start) [ $# -ge 1 ] || die "usage: start DIR [WORKERS] [CORES] [MEMORY] [AUTH]"; start "$@" ;;
  workers) workers "$1" ;;
  kill-worker) kill_worker "$1" "$2" ;;
  stop) stop "$1" ;;
  *) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
