# Shared launcher for the submit/ scripts; sourced, not run. It only assembles a command line:
#  - with SPARK_HOME set: $SPARK_HOME/bin/spark-submit (any --master: local, spark://, yarn, k8s://);
#  - without: Spark's own submit class (org.apache.spark.deploy.SparkSubmit) from the class path the
#    build wrote, for local mode and standalone spark:// masters (client mode), so a fresh machine needs
#    nothing but Java 17 and Maven.
# The Java 17 flags and native thread settings come from conf/jvm.properties, Spark properties from
# conf/spark/*.properties.

ANGLE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ANGLE_HOME
ANGLE_VERSION="0.1.0-SNAPSHOT"
ANGLE_JAR="${ANGLE_JAR:-$ANGLE_HOME/spark-jobs/target/angle-spark-jobs-$ANGLE_VERSION.jar}"
ANGLE_SPARK_CP_FILE="$ANGLE_HOME/spark-jobs/target/spark-classpath.txt"
# Relative input paths in conf/*.conf are under this folder (the corpora beside the project by default).
export ANGLE_DATA_ROOT="${ANGLE_DATA_ROOT:-$ANGLE_HOME/../shared/data}"

angle_jvm_flags() {
  sed -n 's/^jvm\.addOpens=//p' "$ANGLE_HOME/conf/jvm.properties"
}

# Native thread settings (conf/jvm.properties, keys native.NAME=VALUE), as NAME=VALUE lines.
angle_native_env() {
  sed -n 's/^native\.\([A-Z_]*\)=\(.*\)$/\1=\2/p' "$ANGLE_HOME/conf/jvm.properties"
}

angle_ensure_jar() {
  if [ ! -f "$ANGLE_JAR" ] || [ ! -f "$ANGLE_SPARK_CP_FILE" ]; then
    echo "angle-spark: building the job jar (first run; mvn -DskipTests package) ..." >&2
    (cd "$ANGLE_HOME" && mvn -B -q -DskipTests package) || { echo "angle-spark: build failed" >&2; exit 1; }
  fi
}

# angle_submit MAIN_CLASS JOB_NAME [script options and job arguments...]
# Script options: --master URL, --properties FILE (Spark properties), --driver-memory SIZE, and spark-submit's
# --conf KEY=VALUE and --packages COORDINATES (passed to spark-submit as they are). Everything else goes to the job (see --help).
angle_submit() {
  local main_class="$1" job="$2"; shift 2
  local master="" props="" driver_mem="${ANGLE_DRIVER_MEMORY:-4g}" job_args=() spark_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --master) master="$2"; shift 2 ;;
      --master=*) master="${1#*=}"; shift ;;
      --properties) props="$2"; shift 2 ;;
      --properties=*) props="${1#*=}"; shift ;;
      --driver-memory) driver_mem="$2"; shift 2 ;;
      --conf|--packages) spark_args+=("$1" "$2"); shift 2 ;;
      --conf=*|--packages=*) spark_args+=("${1%%=*}" "${1#*=}"); shift ;;
      -h|--help)
        echo "Submit options (this script): --master URL (default local[*]; spark://HOST:PORT; yarn and k8s:// need SPARK_HOME)," \
             "--properties FILE (Spark properties; default conf/spark/local.properties or cluster.properties)," \
             "--driver-memory SIZE (default 4g), --conf KEY=VALUE and --packages COORDINATES (spark-submit's, e.g." \
             "--conf spark.hadoop.fs.s3a.endpoint=URL, --packages org.apache.hadoop:hadoop-aws:3.3.4). Job options:"
        job_args+=("$1"); shift ;;
      *) job_args+=("$1"); shift ;;
    esac
  done
  local has_config=0
  for a in "${job_args[@]+"${job_args[@]}"}"; do
    case "$a" in -c|--config|--config=*) has_config=1 ;; esac
  done
  if [ "$has_config" = 0 ]; then
    job_args=(--config "$ANGLE_HOME/conf/$job.conf" "${job_args[@]+"${job_args[@]}"}")
  fi
  if [ -z "$props" ]; then
    if [ -z "$master" ] || [[ "$master" == local* ]]; then props="$ANGLE_HOME/conf/spark/local.properties"
    else props="$ANGLE_HOME/conf/spark/cluster.properties"; fi
  fi
  angle_ensure_jar
  local jvm_flags; jvm_flags="$(angle_jvm_flags)"
  local driver_flags=""
  # ANGLE_FIXED_HEAP=1 (the memory benchmarks): the driver's heap is exactly --driver-memory and resident from
  # the start, so a change in its resident set is off-heap memory.
  [ "${ANGLE_FIXED_HEAP:-0}" = 1 ] && driver_flags="-Xms$driver_mem -XX:+AlwaysPreTouch"
  local env_confs=() kv
  while IFS= read -r kv; do
    [ -n "$kv" ] || continue
    export "${kv?}"
    env_confs+=(--conf "spark.executorEnv.$kv")
  done < <(angle_native_env)
  # The ND4J native build: each JVM (driver, every executor) chooses for its own CPU (NativeBuild); ANGLE_ND4J_BUILD
  # (portable or onednn-avx512) asks all of them for one, and a CPU that cannot run it still gets the portable build.
  if [ -n "${ANGLE_ND4J_BUILD:-}" ]; then
    export ANGLE_ND4J_BUILD
    env_confs+=(--conf "spark.executorEnv.ANGLE_ND4J_BUILD=$ANGLE_ND4J_BUILD")
  fi
  local log_conf="-Dlog4j2.configurationFile=$ANGLE_HOME/conf/log4j2.properties"
  local submit_args=(--class "$main_class" --properties-file "$props"
    --conf "spark.driver.extraJavaOptions=$jvm_flags $driver_flags $log_conf"
    --conf "spark.executor.extraJavaOptions=$jvm_flags" "${env_confs[@]}" "${spark_args[@]+"${spark_args[@]}"}")
  [ -n "$master" ] && submit_args+=(--master "$master")
  if [ -n "${SPARK_HOME:-}" ]; then
    exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" --driver-memory "$driver_mem" "$ANGLE_JAR" "${job_args[@]}"
  fi
  # Without a distribution, Spark's submit class from the build's class path drives local mode and
  # standalone clusters (client mode: this JVM is the driver). YARN and Kubernetes need Spark's own
  # modules for them, which only a distribution carries.
  if [ -n "$master" ] && [[ "$master" != local* && "$master" != spark://* ]]; then
    echo "angle-spark: --master $master needs SPARK_HOME (a Spark 3.5 distribution); without it local[*] and spark:// masters run" >&2
    exit 2
  fi
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # shellcheck disable=SC2086 # jvm_flags is a list of flags
  exec java $jvm_flags $driver_flags "-Xmx$driver_mem" "$log_conf" -cp "$(cat "$ANGLE_SPARK_CP_FILE")" \
    org.apache.spark.deploy.SparkSubmit "${submit_args[@]}" "$ANGLE_JAR" "${job_args[@]}"
}
