#!/bin/sh
# minima launcher: finds minima.jar, passes MINIMA_JAVA_OPTS to the JVM, and sizes Java's memory from the
# machine's: a heap of a quarter of it (at least 1 GB) unless MINIMA_JAVA_OPTS sets -Xmx, and an off-heap limit
# (where ND4J keeps parameters and activations: the bulk of a run) of half of it unless MINIMA_JAVA_OPTS sets
# -Dorg.bytedeco.javacpp.maxbytes.
#   bin/minima COMMAND [options]          from a source checkout (after mvn package), or
#   DIR/minima COMMAND [options]          after 'java -jar target/minima.jar install DIR' (launcher, jar, completion, man pages)
# Environment: MINIMA_JAR (the jar to run), MINIMA_JAVA_OPTS (e.g. "-Xmx16g"), JAVA_HOME or java on PATH.
set -e
# beside the script as called (bin/ or an install folder), then beside the file a symlink points to
here=$(cd "$(dirname "$0")" && pwd)
self=$0
while [ -h "$self" ]; do
  link=$(ls -ld "$self" | sed 's/.* -> //')
  case $link in /*) self=$link ;; *) self=$(dirname "$self")/$link ;; esac
done
real=$(cd "$(dirname "$self")" && pwd)

jar=${MINIMA_JAR:-}
if [ -z "$jar" ]; then
  for candidate in "$here/minima.jar" "$here/../target/minima.jar" "$real/minima.jar" "$real/../target/minima.jar"; do
    if [ -f "$candidate" ]; then jar=$candidate; break; fi
  done
fi
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "minima: error: minima.jar not found beside $here or in $here/../target; build it with 'mvn -B package -DskipTests' or set MINIMA_JAR" >&2
  exit 2
fi

if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi

kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)
# share OPTION DIVISOR: MB for a memory setting, the machine's memory / DIVISOR (at least 1024); nothing when
# MINIMA_JAVA_OPTS already sets OPTION or the machine's memory is unknown
share() {
  case " ${MINIMA_JAVA_OPTS:-} " in *" $1"*) return ;; esac
  [ -n "$kb" ] || return 0
  mb=$((kb / $2 / 1024))
  [ "$mb" -lt 1024 ] && mb=1024
  echo "$mb"
}
heap=; offheap=
mb=$(share -Xmx 4) && [ -n "$mb" ] && heap="-Xmx${mb}m"
mb=$(share -Dorg.bytedeco.javacpp.maxbytes= 2) && [ -n "$mb" ] && offheap="-Dorg.bytedeco.javacpp.maxbytes=$((mb * 1048576))"

# shellcheck disable=SC2086 # MINIMA_JAVA_OPTS holds several words on purpose
exec "$java" $heap $offheap ${MINIMA_JAVA_OPTS:-} -jar "$jar" "$@"
