#!/usr/bin/env python3
"""A webhook receiver for benchmarks: answers every POST with 204 on each port given (127.0.0.1 only) and, when
stopped (SIGTERM or Ctrl-C), prints how many events each port received."""
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
counted = threading.Lock()


def handler_for(port):
    class Sink(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with counted:
                counts[port] = counts.get(port, 0) + 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass
    return Sink


def main():
    servers = [ThreadingHTTPServer(("127.0.0.1", int(port)), handler_for(int(port))) for port in sys.argv[1:]]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    for server in servers:
        port = server.server_address[1]
        print("webhook-sink: %d events on port %d" % (counts.get(port, 0), port), file=sys.stderr)


if __name__ == "__main__":
    main()
