#!/usr/bin/env bash
# The README's rebalancing example, measured: three local backends of 100 GiB (thin, 2x), nine 20 GiB shares
# with 4 MiB of random data each placed on storage1 while the others were disabled, then `rebalance --apply`.
# Prints the apply's wall-clock time and checks every file's checksum on the share's new backend.
#   scripts/rebalance-demo.sh [path/to/manila-api.jar ...]   (default: manila-api/target/manila-api.jar)
# Several jars run one after the other, each on a fresh working directory, for a comparison in one run.
# DRAIN=1 then drains storage3 (dry run, then for real) and prints the commands' output.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JARS=("$@")
[ ${#JARS[@]} -gt 0 ] || JARS=("$ROOT/manila-api/target/manila-api.jar")
PORT=${PORT:-18786}
URL="http://127.0.0.1:$PORT"
TOKEN="admin:demo"

api() { # METHOD PATH [BODY]
  curl -sf -X "$1" -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" \
    -H "X-OpenStack-Manila-API-Version: 2.65" "$URL$2" ${3:+-d "$3"}
}

config() { # WORK: config/manila.yml with three local backends under WORK/var
  python3 - "$ROOT/config/manila.yml" "$1" "$PORT" <<'PY'
import sys
base, work, port = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
backends = "backends:\n" + "".join(f"""  - name: storage{i}
    driver: linux
    transport: local
    storage_root: {work}/var/storage{i}
    layout: plain
    export: none
    export_address: 127.0.0.1
    pools:
      - name: pool0
        total_capacity_gb: 100
        thin_provisioning: true
        max_over_subscription_ratio: 2.0
        reserved_percentage: 0
""" for i in (1, 2, 3))
text = base[:base.index("backends:")] + backends + "\n" + base[base.index("logging:"):]
text = text.replace("port: 8786", f"port: {port}").replace("port: 8787", f"port: {int(port) + 1}")
open(f"{work}/demo.yml", "w").write(text)
PY
}

for jar in "${JARS[@]}"; do
  jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
  work=$(mktemp -d /tmp/manila-rebalance-demo.XXXXXX)
  config "$work"
  (cd "$work" && exec java -jar "$jar" server demo.yml >"$work/server.log" 2>&1) &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 150); do curl -s -o /dev/null "$URL/" && break; sleep 0.2; done
  api POST /v2/types '{"share_type": {"name": "default", "extra_specs": {"driver_handles_share_servers": false}}}' >/dev/null
  for b in storage2 storage3; do
    api PUT /v2/services/disable "{\"host\": \"manila@$b\", \"binary\": \"manila-share\"}" >/dev/null
  done
  ids=()
  for _ in $(seq 1 9); do
    ids+=("$(api POST /v2/shares '{"share": {"share_proto": "NFS", "size": 20}}' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["share"]["id"])')")
  done
  for id in "${ids[@]}"; do
    for _ in $(seq 1 100); do
      api GET "/v2/shares/$id" | grep -q '"status": *"available"' && break; sleep 0.1
    done
    head -c 4194304 /dev/urandom >"$work/var/storage1/$id/data.bin"
  done
  (cd "$work/var/storage1" && sha256sum ./*/data.bin) >"$work/before.sha256"
  for b in storage2 storage3; do
    api PUT /v2/services/enable "{\"host\": \"manila@$b\", \"binary\": \"manila-share\"}" >/dev/null
  done
  start=$(date +%s.%N)
  MANILA_TOKEN=$TOKEN java -jar "$jar" rebalance --apply --url "$URL" >"$work/apply.txt"
  end=$(date +%s.%N)
  moved=$(grep -c 'manila@storage1#pool0' <(sed -n '/^SHARE/,/move(s)/p' "$work/apply.txt") || true)
  (cd "$work/var" && for d in storage1 storage2 storage3; do (cd "$d" && sha256sum ./*/data.bin 2>/dev/null || true); done) \
    | sort -k2 >"$work/after.sha256"
  sort -k2 "$work/before.sha256" | diff - "$work/after.sha256" >/dev/null && checks="identical" || checks="DIFFERENT"
  printf '%s: rebalance --apply of %s move(s) took %.1f s; checksums %s (%s)\n' "$jar" "$moved" \
    "$(python3 -c "print($end - $start)")" "$checks" "$work"
  if [ -n "${DRAIN:-}" ]; then # then empty storage3, as the README's drain example shows
    MANILA_TOKEN=$TOKEN java -jar "$jar" drain storage3 --dry-run --url "$URL" | tee "$work/drain-dry-run.txt"
    MANILA_TOKEN=$TOKEN java -jar "$jar" drain storage3 --url "$URL" | tee "$work/drain.txt"
    MANILA_TOKEN=$TOKEN java -jar "$jar" pools --url "$URL" | tee "$work/pools-after-drain.txt"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
done
