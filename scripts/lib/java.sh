# shellcheck shell=bash
# Sourced by the scripts in scripts/: finds a JDK 21 or newer and exports it.
#
#   source "$(dirname "$0")/lib/java.sh"
#   ferrite_find_java            # sets and exports JAVA_HOME and JAVA, puts $JAVA_HOME/bin first on PATH
#   ferrite_build_jar            # (re)builds target/ferrite.jar when missing or older than src/ or pom.xml
#
# Candidates, in order: $JAVA_HOME, every /usr/lib/jvm/* (newest first), then the `java` on PATH.
# The machine's default java may be 17; it is never used.

FERRITE_MIN_JAVA=${FERRITE_MIN_JAVA:-21}
FERRITE_ROOT=${FERRITE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# Prints the major version of the java binary given as $1 (e.g. 17, 21, 25), or nothing.
ferrite_java_major() {
  local java=$1 line version
  [[ -x $java ]] || return 1
  line=$("$java" -version 2>&1 | grep -m1 -E 'version "' || true)
  version=${line#*version \"}
  version=${version%%\"*}
  [[ -n $version ]] || return 1
  if [[ $version == 1.* ]]; then # 1.8.0_x -> 8
    version=${version#1.}
  fi
  version=${version%%[.+-]*}
  [[ $version =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$version"
}

# Tries the JDK home in $1; on success sets JAVA_HOME and JAVA.
ferrite_try_java_home() {
  local home=$1 major
  [[ -n $home && -x $home/bin/java ]] || return 1
  major=$(ferrite_java_major "$home/bin/java") || return 1
  ((major >= FERRITE_MIN_JAVA)) || return 1
  JAVA_HOME=$(cd "$home" && pwd -P)
  JAVA=$JAVA_HOME/bin/java
  FERRITE_JAVA_MAJOR=$major
}

ferrite_find_java() {
  if [[ -n ${JAVA_HOME:-} ]]; then
    if ferrite_try_java_home "$JAVA_HOME"; then
      ferrite_export_java
      return 0
    fi
    echo "ferrite: ignoring JAVA_HOME=$JAVA_HOME (not a JDK $FERRITE_MIN_JAVA or newer)" >&2
  fi
  # Every JDK under /usr/lib/jvm, then the one behind `java` on PATH; the highest version wins.
  local home major best_home='' best_major=0 onpath
  local -a homes=()
  for home in /usr/lib/jvm/*/; do
    [[ -d $home ]] && homes+=("${home%/}")
  done
  if command -v java >/dev/null 2>&1; then
    onpath=$(readlink -f "$(command -v java)")
    homes+=("${onpath%/bin/java}")
  fi
  for home in ${homes[@]+"${homes[@]}"}; do
    [[ -x $home/bin/java ]] || continue
    major=$(ferrite_java_major "$home/bin/java") || continue
    if ((major >= FERRITE_MIN_JAVA && major > best_major)); then
      best_major=$major
      best_home=$home
    fi
  done
  if [[ -z $best_home ]] || ! ferrite_try_java_home "$best_home"; then
    echo "ferrite: no JDK $FERRITE_MIN_JAVA or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, PATH)." >&2
    echo "ferrite: install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
    return 1
  fi
  ferrite_export_java
}

ferrite_export_java() {
  export JAVA_HOME JAVA FERRITE_JAVA_MAJOR
  # Maven 3.8/3.9's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every run.
  if ((FERRITE_JAVA_MAJOR >= 24)) && [[ ${MAVEN_OPTS:-} != *sun-misc-unsafe-memory-access* ]]; then
    MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
    export MAVEN_OPTS
  fi
  case ":$PATH:" in
    *":$JAVA_HOME/bin:"*) ;;
    *) PATH=$JAVA_HOME/bin:$PATH ;;
  esac
  export PATH
}

# True when target/ferrite.jar is missing or older than pom.xml or any file under src/.
ferrite_jar_stale() {
  local jar=$FERRITE_ROOT/target/ferrite.jar
  [[ -f $jar ]] || return 0
  [[ $FERRITE_ROOT/pom.xml -nt $jar ]] && return 0
  [[ -n $(find "$FERRITE_ROOT/src" -newer "$jar" -print -quit 2>/dev/null) ]]
}

# Builds target/ferrite.jar (tests skipped) when it is stale. Needs ferrite_find_java first.
ferrite_build_jar() {
  if ferrite_jar_stale; then
    echo "ferrite: building target/ferrite.jar with $JAVA_HOME ..." >&2
    (cd "$FERRITE_ROOT" && mvn -q -B -DskipTests package) || {
      echo "ferrite: build failed" >&2
      return 1
    }
  fi
}

# JVM flags Ferrite runs with on this JDK and kernel:
# - from JDK 23 on, Netty only uses sun.misc.Unsafe (its fast path for copying between direct
#   buffers and arrays) when the JVM explicitly allows it;
# - transparent huge pages for the heap when the kernel offers them (madvise or always): the key
#   tables are large and read at random, and 4 KiB pages make nearly every lookup a TLB miss
#   (measured: -15% CPU per request with 100k random keys, -15% for cross-shard MSET). Ferrite
#   never forks, so Redis's advice against THP (copy-on-write latency) does not apply;
# - JDK 25's compact object headers (JEP 519): 4 bytes less per object, which for a cache is
#   memory per key and cache misses per lookup (measured: about -7% CPU per request).
# - G1 giving back what it does not use: after a collection the heap keeps at most 10% free
#   (MaxHeapFreeRatio, default 70) and grows when less than 5% is free (MinHeapFreeRatio, default
#   40), and an idle server runs a concurrent cycle once a minute (G1PeriodicGCInterval) so the heap
#   shrinks without waiting for the next write burst. Measured with 1M keys of 16-byte keys and
#   32-byte values (scripts/bench memory): RSS per key 215 bytes with -Xms2g -Xmx2g and G1's
#   defaults, 166 with these (Redis 7.0.15: 148); a fixed -Xms keeps the heap from shrinking.
# FERRITE_JVM_DEFAULTS=0 leaves the last three out.
ferrite_jvm_flags() {
  local flags=()
  if ((${FERRITE_JAVA_MAJOR:-0} >= 23)); then
    flags+=(--sun-misc-unsafe-memory-access=allow)
  fi
  if [[ ${FERRITE_JVM_DEFAULTS:-1} != 0 ]]; then
    if grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
      flags+=(-XX:+UseTransparentHugePages)
    fi
    if ((${FERRITE_JAVA_MAJOR:-0} >= 25)); then
      flags+=(-XX:+UseCompactObjectHeaders)
    fi
    flags+=(-XX:MaxHeapFreeRatio=10 -XX:MinHeapFreeRatio=5 -XX:G1PeriodicGCInterval=60000)
  fi
  printf '%s' "${flags[*]}"
}
