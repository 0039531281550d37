#!/usr/bin/env python3
"""Measures create->available and delete->gone of N shares, one at a time, against a running service.

Usage: scripts/measure-lifecycle.py [BASE_URL] [N]   (defaults: http://127.0.0.1:8786, 50)
Polls every 5 ms; prints p50/p95/max in milliseconds. Creates the share type 'default' if missing.
"""
import json
import statistics
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8786"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 50
HEADERS = {"X-Auth-Token": "bench:9f3c6a1e2b7d4c58a0e1f2d3c4b5a697", "Content-Type": "application/json",
           "X-OpenStack-Manila-API-Version": "2.65"}


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=HEADERS)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait(share_id, status):
    while True:
        code, body = call("GET", "/v2/shares/" + share_id)
        if status == "gone" and code == 404:
            return
        if code == 200 and body["share"]["status"] == status:
            return
        if code == 200 and body["share"]["status"] in ("error", "error_deleting"):
            raise SystemExit("share %s went to %s" % (share_id, body["share"]["status"]))
        time.sleep(0.005)


def report(name, samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print("%-20s n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms" % (name, len(samples), statistics.median(samples), p95,
                                                            ordered[-1]))


call("POST", "/v2/types", {"share_type": {"name": "default", "extra_specs": {"driver_handles_share_servers": False}}})
created, deleted = [], []
for _ in range(N):
    start = time.perf_counter()
    code, body = call("POST", "/v2/shares", {"share": {"share_proto": "NFS", "size": 1}})
    if code != 200:
        raise SystemExit("create failed: %s %s" % (code, body))
    share_id = body["share"]["id"]
    wait(share_id, "available")
    created.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    call("DELETE", "/v2/shares/" + share_id)
    wait(share_id, "gone")
    deleted.append((time.perf_counter() - start) * 1000)
report("create->available", created)
report("delete->gone", deleted)
