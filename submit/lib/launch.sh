# Shared launcher for the submit/ scripts; sourced, not run. It only assembles a command line:
#  - with SPARK_HOME set: $SPARK_HOME/bin/spark-submit (any --master: local, spark://, yarn, k8s://; client or
#    cluster deploy mode);
#  - without: Spark's own submit class (org.apache.spark.deploy.SparkSubmit) from the class path the
#    build wrote, for local mode, standalone spark:// masters and YARN, so a fresh machine needs nothing but
#    Java 17 and Maven (and, for YARN, the cluster's configuration folder in HADOOP_CONF_DIR).
# Options are routed as spark-submit users expect: the job's options (--config, --set, --output, --overwrite and
# the job's own flags) go after the jar; every spark-submit option (--conf, --num-executors, --deploy-mode, --files,
# ...) goes before it, unchanged. The Java 17 flags and native thread settings come from conf/jvm.properties,
# Spark properties from conf/spark/*.properties.

ANGLE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ANGLE_HOME
# One version string: the project's pom.
ANGLE_VERSION="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$ANGLE_HOME/pom.xml" | head -1)"
ANGLE_JAR="${ANGLE_JAR:-$ANGLE_HOME/spark-jobs/target/angle-spark-jobs-$ANGLE_VERSION.jar}"
ANGLE_SPARK_CP_FILE="$ANGLE_HOME/spark-jobs/target/spark-classpath.txt"
# Relative input paths in conf/*.conf are under this folder (the corpora beside the project by default).
export ANGLE_DATA_ROOT="${ANGLE_DATA_ROOT:-$ANGLE_HOME/../shared/data}"

# spark-submit's options (Spark 3.5, SparkSubmitOptionParser) that take a value, and its flags. --master,
# --driver-memory and --properties-file are spark-submit's too; the script reads them for its defaults.
ANGLE_SPARK_VALUE_OPTS=" --archives --conf --deploy-mode --driver-class-path --driver-cores --driver-java-options"
ANGLE_SPARK_VALUE_OPTS+=" --driver-library-path --exclude-packages --executor-cores --executor-memory --files --jars"
ANGLE_SPARK_VALUE_OPTS+=" --keytab --name --num-executors --packages --principal --proxy-user --py-files --queue"
ANGLE_SPARK_VALUE_OPTS+=" --repositories --total-executor-cores "
ANGLE_SPARK_FLAG_OPTS=" --supervise --verbose -v "
# Every job's options (JobCli), with a value and without.
ANGLE_JOB_VALUE_OPTS=" -c --config --set -o --output "
ANGLE_JOB_FLAG_OPTS=" --overwrite "

angle_jvm_flags() {
  sed -n 's/^jvm\.addOpens=//p' "$ANGLE_HOME/conf/jvm.properties"
}

# A job's own JVM flags (conf/jvm.properties, key jvm.job.JOB), for its driver and executors; a benchmark of a job
# (bench-JOB) runs with that job's.
angle_job_jvm_flags() {
  local job="${1#bench-}"
  sed -n "s/^jvm\.job\.$job=//p" "$ANGLE_HOME/conf/jvm.properties"
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

# angle_usage SCRIPT JOB_FLAGS: the script's header comment, then the options every script shares.
angle_usage() {
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$1"
  cat <<EOF

Job options (after the jar):
  -c, --config FILE     HOCON settings: a local file, a Hadoop path (hdfs:, s3a:, file:) or classpath:RESOURCE.
                        Default: conf/$2.conf in client mode; in cluster deploy mode the copy bundled in the jar.
  --set KEY=VALUE       override one key of the job's settings (repeatable)
  -o, --output PATH     output folder, any Hadoop path
  --overwrite           replace an existing output folder (refused otherwise)${3:+
  $3}
Script options:
  --master URL          local[*] (default), spark://HOST:PORT, yarn (needs HADOOP_CONF_DIR), k8s://... (needs
                        SPARK_HOME)
  --properties FILE     Spark properties file (default conf/spark/local.properties, or cluster.properties for a
                        cluster master); --properties-file is the same
  --driver-memory SIZE  default 4g
  -h, --help            this help;  --version   the project's version
spark-submit options, passed through unchanged (before the jar):
  --deploy-mode client|cluster, --conf KEY=VALUE, --num-executors N, --executor-cores N, --executor-memory SIZE,
  --driver-cores N, --total-executor-cores N, --queue NAME, --name NAME, --jars, --files, --archives, --packages,
  --exclude-packages, --repositories, --driver-java-options, --driver-class-path, --driver-library-path,
  --principal, --keytab, --proxy-user, --supervise, --verbose. In cluster deploy mode --config must be a Hadoop
  path, or (YARN) a local file, which the script ships with --files.
JVM options given with --driver-java-options or --conf spark.{driver,executor}.extraJavaOptions are added to the
  project's (Java 17 flags, logging), not put in their place.
Environment: SPARK_HOME (a Spark 3.5 distribution), HADOOP_CONF_DIR or YARN_CONF_DIR (YARN's client settings),
  ANGLE_JAVA_OPTIONS (JVM options for the driver and every executor, e.g.
  -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp), ANGLE_JAR (the job jar; a Hadoop path for standalone cluster
  mode), ANGLE_ND4J_BUILD (portable | onednn-avx512), ANGLE_DATA_ROOT (relative input paths in client mode),
  ANGLE_PRINT_COMMAND=1 (print the spark-submit command instead of running it).
EOF
}

angle_fail() {
  echo "$ANGLE_SCRIPT: $1" >&2
  exit 2
}

# angle_submit MAIN_CLASS JOB JOB_FLAGS [arguments...]: JOB_FLAGS are the job's own flags beyond every job's
# (e.g. "--resume"), each "--flag  description" on one line of help.
angle_submit() {
  local main_class="$1" job="$2" job_flags_help="$3"; shift 3
  ANGLE_SCRIPT="$(basename "$0")"
  local job_flags; job_flags=" $(sed -n 's/^ *\(--[a-z-]*\).*/\1/p' <<<"$job_flags_help" | tr '\n' ' ') "
  local master="" props="" driver_mem="${ANGLE_DRIVER_MEMORY:-4g}" deploy_mode="client" config=""
  local job_args=() spark_args=() files=() more=() user_driver_opts="${ANGLE_JAVA_OPTIONS:+ $ANGLE_JAVA_OPTIONS}" yarn_jars_given=0
  local user_executor_opts="$user_driver_opts"
  while [ $# -gt 0 ]; do
    local name="$1" value="" takes_value=0
    if [[ "$1" == --*=* ]]; then name="${1%%=*}"; fi
    case " $ANGLE_JOB_VALUE_OPTS $ANGLE_SPARK_VALUE_OPTS --master --properties --properties-file --driver-memory " in
      *" $name "*) takes_value=1 ;;
    esac
    if [ "$takes_value" = 1 ]; then
      if [[ "$1" == --*=* ]]; then value="${1#*=}"; shift
      # (a value never starts with --, except JVM flags such as --add-opens for --driver-java-options)
      elif [ $# -lt 2 ] || [[ "$2" == --* && "$name" != --driver-java-options ]]; then angle_fail "$name needs a value (see --help)"
      else value="$2"; shift 2; fi
      [ -n "$value" ] || angle_fail "$name needs a value (see --help)"
    else
      shift
    fi
    case "$name" in
      -h|--help) angle_usage "$0" "$job" "$job_flags_help"; exit 0 ;;
      --version) echo "angle-spark $ANGLE_VERSION"; exit 0 ;;
      --master) master="$value" ;;
      --properties|--properties-file) props="$value" ;;
      --driver-memory) driver_mem="$value" ;;
      --deploy-mode) deploy_mode="$value"; spark_args+=("$name" "$value") ;;
      --files) IFS=, read -r -a more <<<"$value"; files+=("${more[@]}") ;;
      # JVM options are merged into the project's (Java 17 flags, logging), never replacing them.
      --driver-java-options) user_driver_opts+=" $value" ;;
      --conf)
        case "$value" in
          spark.driver.extraJavaOptions=*) user_driver_opts+=" ${value#*=}" ;;
          spark.executor.extraJavaOptions=*) user_executor_opts+=" ${value#*=}" ;;
          spark.yarn.jars=*|spark.yarn.archive=*) yarn_jars_given=1; spark_args+=(--conf "$value") ;;
          *) spark_args+=(--conf "$value") ;;
        esac ;;
      -c|--config)
        # spark-submit's own -c is --conf; here -c is the job's --config (the value is not echoed: it may be a secret)
        [[ "$value" =~ ^spark\.[^=]*= ]] && angle_fail "-c is this job's --config; for a Spark property write --conf KEY=VALUE"
        config="$value" ;;
      --class) angle_fail "--class is set by this script" ;;
      *)
        if [[ "$ANGLE_JOB_VALUE_OPTS" == *" $name "* ]]; then job_args+=("$name" "$value")
        elif [[ "$ANGLE_JOB_FLAG_OPTS$job_flags" == *" $name "* ]]; then job_args+=("$name")
        elif [ "$takes_value" = 1 ]; then spark_args+=("$name" "$value")
        elif [[ "$ANGLE_SPARK_FLAG_OPTS" == *" $name "* ]]; then spark_args+=("$name")
        # The option's name only: an argument may be a KEY=SECRET meant for --conf.
        elif [[ "$name" == -* ]]; then angle_fail "unknown option '${name%%=*}' (see --help)"
        else angle_fail "unexpected argument (not shown); every option starts with - (see --help)"
        fi ;;
    esac
  done
  [[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] || angle_fail "--deploy-mode is client or cluster, not '$deploy_mode'"
  local cluster=0; [ "$deploy_mode" = cluster ] && cluster=1
  local yarn=0; [ "$master" = yarn ] && yarn=1

  # The job's settings. Client mode: the user's copy in conf/ unless --config names one. Cluster mode: the driver
  # runs on a cluster node, so no path of this machine may reach it: the jar's bundled copy, a Hadoop path, or
  # (YARN, which puts --files in the driver's working directory) a local file shipped with --files.
  if [ -z "$config" ]; then
    [ "$cluster" = 0 ] && config="$ANGLE_HOME/conf/$job.conf"
  elif [ "$cluster" = 1 ] && [[ "$config" != *://* && "$config" != file:* && "$config" != classpath:* ]]; then
    [ "$yarn" = 1 ] || angle_fail "in cluster deploy mode --config must be a Hadoop path (hdfs://, s3a://) or classpath:; a local file only on YARN"
    [ -f "$config" ] || angle_fail "config file '$config' does not exist"
    files+=("$(cd "$(dirname "$config")" && pwd)/$(basename "$config")")
    config="$(basename "$config")"
  fi
  [ -n "$config" ] && job_args=(--config "$config" "${job_args[@]+"${job_args[@]}"}")

  if [ -z "$props" ]; then
    if [ -z "$master" ] || [[ "$master" == local* ]]; then props="$ANGLE_HOME/conf/spark/local.properties"
    else props="$ANGLE_HOME/conf/spark/cluster.properties"; fi
  fi
  local jvm_flags job_jvm_flags; jvm_flags="$(angle_jvm_flags)"; job_jvm_flags="$(angle_job_jvm_flags "$job")"
  [ -n "$job_jvm_flags" ] && jvm_flags+=" $job_jvm_flags"
  local driver_flags=""
  # ANGLE_FIXED_HEAP=1 (the memory benchmarks): the driver's heap is exactly --driver-memory and resident from
  # the start, so a change in its resident set is off-heap memory.
  [ "${ANGLE_FIXED_HEAP:-0}" = 1 ] && driver_flags="-Xms$driver_mem -XX:+AlwaysPreTouch"

  # Environment for the driver and the executors: the native thread settings and, when set, ANGLE_ND4J_BUILD (each
  # JVM chooses its ND4J build for its own CPU; this asks all of them for one). A cluster-mode driver gets them
  # through Spark (YARN's application-master environment; standalone's driver environment).
  local env_kvs=() env_confs=() kv
  while IFS= read -r kv; do [ -n "$kv" ] && env_kvs+=("$kv"); done < <(angle_native_env)
  [ -n "${ANGLE_ND4J_BUILD:-}" ] && env_kvs+=("ANGLE_ND4J_BUILD=$ANGLE_ND4J_BUILD")
  for kv in "${env_kvs[@]}"; do
    export "${kv?}"
    env_confs+=(--conf "spark.executorEnv.$kv")
    if [ "$cluster" = 1 ]; then
      if [ "$yarn" = 1 ]; then env_confs+=(--conf "spark.yarn.appMasterEnv.$kv"); else env_confs+=(--conf "spark.driverEnv.$kv"); fi
    fi
  done

  # Logging: a client-mode driver reads conf/log4j2.properties from this machine; on YARN the file is shipped
  # (--files puts it in each container's working directory before the JVM starts) for the executors and a
  # cluster-mode driver. Elsewhere executors use Spark's own logging defaults.
  local driver_log="" executor_log=""
  if [ "$yarn" = 1 ]; then
    files+=("$ANGLE_HOME/conf/log4j2.properties")
    executor_log="-Dlog4j2.configurationFile=log4j2.properties"
    [ "$cluster" = 1 ] && driver_log="$executor_log"
  fi
  [ "$cluster" = 0 ] && driver_log="-Dlog4j2.configurationFile=$ANGLE_HOME/conf/log4j2.properties"

  local submit_args=(--class "$main_class" --properties-file "$props" --driver-memory "$driver_mem"
    --conf "spark.driver.extraJavaOptions=$jvm_flags${driver_flags:+ $driver_flags}${driver_log:+ $driver_log}$user_driver_opts"
    --conf "spark.executor.extraJavaOptions=$jvm_flags${executor_log:+ $executor_log}$user_executor_opts" "${env_confs[@]}")
  [ -n "$master" ] && submit_args+=(--master "$master")
  [ ${#files[@]} -gt 0 ] && submit_args+=(--files "$(IFS=,; echo "${files[*]}")")
  submit_args+=("${spark_args[@]+"${spark_args[@]}"}")

  local cmd=()
  if [ -n "${SPARK_HOME:-}" ]; then
    cmd=("$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" "$ANGLE_JAR" "${job_args[@]+"${job_args[@]}"}")
  else
    # Without a distribution, Spark's submit class from the build's class path drives local mode, standalone
    # clusters and YARN (the build carries spark-yarn). Kubernetes needs Spark's own image and scripts.
    if [ -n "$master" ] && [[ "$master" != local* && "$master" != spark://* && "$master" != yarn ]]; then
      angle_fail "--master $master needs SPARK_HOME (a Spark 3.5 distribution); without it local[*], spark:// and yarn masters run"
    fi
    # A one-machine run binds to the loopback address (no dependence on this host's name resolving); a driver that
    # executors on other hosts must reach binds as Spark decides (or as SPARK_LOCAL_IP says).
    if [ -z "$master" ] || [[ "$master" == local* || "$master" == spark://127.0.0.1:* || "$master" == spark://localhost:* ]]; then
      export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
    fi
    local class_path="@ANGLE_SPARK_CP@"
    if [ "$yarn" = 1 ]; then
      [ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] \
        || angle_fail "--master yarn needs HADOOP_CONF_DIR (or YARN_CONF_DIR): the folder holding the cluster's yarn-site.xml and core-site.xml"
      # As Spark's own launcher does: the cluster's configuration folders first on the submit class path.
      class_path="${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}${YARN_CONF_DIR:+$YARN_CONF_DIR:}$class_path"
      # YARN containers get Spark's jars from spark.yarn.jars or spark.yarn.archive; without a distribution to
      # take them from, the build's (uploaded to the application's staging folder), unless the user names them.
      if [ "$yarn_jars_given" = 0 ] && ! grep -Eq '^[[:space:]]*spark\.yarn\.(jars|archive)[[:space:]=:]' "$props" 2>/dev/null; then
        submit_args+=(--conf "spark.yarn.jars=@ANGLE_SPARK_JARS@")
      fi
    fi
    local java_flags=()
    read -r -a java_flags <<<"$jvm_flags $driver_flags $user_driver_opts"
    # In client mode this JVM is the driver: its heap and logging are set here.
    [ "$cluster" = 0 ] && java_flags+=("-Xmx$driver_mem" "$driver_log")
    cmd=(java "${java_flags[@]}" -cp "$class_path" org.apache.spark.deploy.SparkSubmit "${submit_args[@]}" "$ANGLE_JAR"
      "${job_args[@]+"${job_args[@]}"}")
  fi
  if [ "${ANGLE_PRINT_COMMAND:-0}" = 1 ]; then
    printf '%s\n' "${cmd[@]}"
    exit 0
  fi
  angle_ensure_jar
  local i spark_cp; spark_cp="$(cat "$ANGLE_SPARK_CP_FILE")"
  for i in "${!cmd[@]}"; do
    cmd[$i]="${cmd[$i]//@ANGLE_SPARK_CP@/$spark_cp}"
    cmd[$i]="${cmd[$i]//@ANGLE_SPARK_JARS@/${spark_cp//:/,}}"
  done
  exec "${cmd[@]}"
}
