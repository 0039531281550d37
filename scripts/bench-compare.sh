#!/usr/bin/env bash
# Compares service jars under the same load, one after the other on this machine, each on a fresh
# embedded default (H2 + local directories), warmed up first. Prints the median of 3 runs per jar.
#   scripts/bench-compare.sh NAME=path/to/manila-api.jar [NAME=path/to/other.jar ...]
# JAVA_OPTS_<NAME> gives one jar's JVM options (e.g. -Ddw.database.url=... to vary a setting);
# CONFIG_<NAME> a YAML file appended to config/manila.yml for that jar (top-level keys it lacks, e.g. hooks).
# Needs bench/target/manila-bench.jar (mvn -B -DskipTests package). Options via env: N (200), C (4), T (10), M (50),
# WARM (1000: single-client creates and deletes first, until both JVMs' compilers have done most of their work; with
# 100 the service was still compiling through the measured runs, which it then ran 1.7 times slower).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench/target/manila-bench.jar"
N=${N:-200}; C=${C:-4}; T=${T:-10}; M=${M:-50}; WARM=${WARM:-1000}
OUT=$(mktemp -d)
for spec in "$@"; do
  name=${spec%%=*}; jar=$(cd "$(dirname "${spec#*=}")" && pwd)/$(basename "${spec#*=}")
  work="$OUT/$name"; mkdir -p "$work"
  opts_var="JAVA_OPTS_$name"; config_var="CONFIG_$name"
  cat "$ROOT/config/manila.yml" ${!config_var:+"${!config_var}"} > "$work/manila.yml"
  # shellcheck disable=SC2086
  (cd "$work" && exec java ${!opts_var:-} -jar "$jar" server "$work/manila.yml" >"$work/server.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:8786/ && break; sleep 0.2; done
  java -jar "$BENCH" lifecycle -n "$WARM" -c 1 --poll-ms 2 >/dev/null   # warm-up
  java -jar "$BENCH" lifecycle -n "$N" -c "$C" >/dev/null
  java -jar "$BENCH" reads -c "$C" -t 5 -m "$M" >/dev/null
  for run in 1 2 3; do
    java -jar "$BENCH" lifecycle -n "$N" -c "$C" --json "$work/lifecycle-$run.json" >/dev/null
    java -jar "$BENCH" lifecycle -n 100 -c 1 --poll-ms 2 --json "$work/single-$run.json" >/dev/null
    java -jar "$BENCH" reads -c "$C" -t "$T" -m "$M" --json "$work/reads-$run.json" >/dev/null
  done
  awk '/VmHWM/ {print $2 / 1024}' "/proc/$pid/status" > "$work/peak-rss-mib"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
python3 - "$OUT" "$@" <<'PY'
import json, statistics, sys, os
out = sys.argv[1]
names = [a.split('=')[0] for a in sys.argv[2:]]
def med(name, file, *path):
    if file == "peak-rss-mib":
        return float(open(os.path.join(out, name, file)).read())
    values = []
    for run in (1, 2, 3):
        node = json.load(open(os.path.join(out, name, f"{file}-{run}.json")))
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            values.append(node)
    return statistics.median(values) if values else float("nan")
rows = [("create->available p50 ms (1 client)", "single", ("create_to_available", "p50_ms")),
        ("delete->gone p50 ms (1 client)", "single", ("delete_to_gone", "p50_ms")),
        ("server create ms (mean, request to end)", "single", ("server_ms_create", "total (request to end)")),
        ("server delete ms (mean, request to end)", "single", ("server_ms_delete", "total (request to end)")),
        ("create throughput /s (%s clients)" % os.environ.get("C", "4"), "lifecycle", ("create_throughput_per_s",)),
        ("delete throughput /s", "lifecycle", ("delete_throughput_per_s",)),
        ("GET /shares req/s", "reads", ("list", "requests_per_s")),
        ("GET /shares/detail req/s", "reads", ("detail", "requests_per_s")),
        ("GET /shares/{id} req/s", "reads", ("show", "requests_per_s")),
        ("peak RSS MiB (VmHWM)", "peak-rss-mib", ())]
print("%-40s" % "median of 3" + "".join("%14s" % n for n in names) + ("%10s" % "ratio" if len(names) == 2 else ""))
for label, file, path in rows:
    values = [med(n, file, *path) for n in names]
    ratio = ""
    if len(values) == 2 and values[0]:
        ratio = "%10.2f" % (values[1] / values[0])
    print("%-40s" % label + "".join("%14.1f" % v for v in values) + ratio)
PY
