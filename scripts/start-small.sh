#!/bin/sh
# Starts the service with the documented memory settings and an application class-data archive (AppCDS):
#   scripts/start-small.sh [server CONFIG]        (default: server config/manila.yml)
# Heap 192 MiB, serial GC, C1 only, bounded thread stacks, code cache and metaspace: the service stays near
# 250 MiB resident under the benchmarks (docs/startup.md). C1 alone starts in half the time, but once warm it
# serves creates and reads at about half the speed of both compilers: for throughput, start the jar as the
# benchmarks did, java -Xmx192m -jar manila-api/target/manila-api.jar server config/manila.yml (README,
# "Performance pass 2": 428 MiB at its peak). The archive of the classes a run loaded is written when that run
# stops (SIGTERM / Ctrl-C) next to the jar; later starts map it instead of loading ~10,000 classes from the jar.
# It is remade whenever the jar is newer; one the JVM finds stale (another jar at that path) is ignored with a
# warning, never used. MANILA_JAR, MANILA_CDS and JAVA_OPTS override.
set -eu
JAR=${MANILA_JAR:-manila-api/target/manila-api.jar}
JSA=${MANILA_CDS:-${JAR%.jar}.jsa}
MEMORY="-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=192m"
if [ -f "$JSA" ] && [ ! "$JAR" -nt "$JSA" ]; then
    CDS="-XX:SharedArchiveFile=$JSA"
else
    rm -f "$JSA"
    CDS="-XX:ArchiveClassesAtExit=$JSA"
fi
[ $# -gt 0 ] || set -- server config/manila.yml
# shellcheck disable=SC2086
exec java $MEMORY "$CDS" ${JAVA_OPTS:-} -jar "$JAR" "$@"
