#!/usr/bin/env bash
# What hooks and metrics cost the API: the README's lifecycle and read benchmarks (scripts/bench-compare.sh, median
# of 3) against one jar run twice, back to back on this machine: "off" (request, operation and job metrics off,
# no hook) and "on" (metrics on, two webhook subscribers hearing every event, served by scripts/webhook-sink.py),
# in both orders (the second service started on this machine tends to run faster).
#   scripts/bench-overhead.sh [path/to/manila-api.jar]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${1:-$ROOT/manila-api/target/manila-api.jar}
WORK=$(mktemp -d)
python3 "$ROOT/scripts/webhook-sink.py" 9911 9912 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:9912/ready && break; sleep 0.1; done
cat > "$WORK/hooks.yml" <<'YAML'
hooks:
  - name: subscriber-a
    type: webhook
    url: http://127.0.0.1:9911/events
    secret: bench-overhead-secret-a
    events: ["*"]
  - name: subscriber-b
    type: webhook
    url: http://127.0.0.1:9912/events
    secret: bench-overhead-secret-b
    events: ["*"]
YAML
export JAVA_OPTS_off='-Ddw.metrics_enabled=false' CONFIG_on="$WORK/hooks.yml"
"$ROOT/scripts/bench-compare.sh" off="$JAR" on="$JAR"
"$ROOT/scripts/bench-compare.sh" on="$JAR" off="$JAR"
kill "$sink"; wait "$sink" 2>/dev/null || true
