#!/usr/bin/python3
"""A real HTTP server on loopback that records every request, for Kefu's SMS gateway and
webhook tests and for the local stack's SMS.

The path chooses the answer:
  /ok/...          200 with {"id": "<n>"}
  /fail/...        500
  /reject/...      400
  /slow/...        answers after 30 s (a timeout for any client with a shorter limit)
  /slowonce/...    the first request on that path answers after 30 s, the others at once
  /redirect/...    302 to /ok/...
  /flaky/N/...     500 for the first N requests on that path, then 200
GET /_requests?prefix=/ok/x returns what was recorded under that prefix, oldest first.
"""
import argparse
import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

lock = threading.Lock()
recorded = []
counts = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
        # delayed ACK hold every answer back by 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/_requests":
            return self.answer(404)
        prefix = parse_qs(url.query).get("prefix", ["/"])[0]
        with lock:
            found = [entry for entry in recorded if entry["path"].startswith(prefix)]
        self.answer(200, json.dumps(found).encode(), [("Content-Type", "application/json")])

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = urlparse(self.path).path
        with lock:
            counts[path] = counts.get(path, 0) + 1
            seen = counts[path]
            recorded.append({"path": path, "method": "POST", "received_at": time.time(),
                             "headers": {name.lower(): value for name, value in self.headers.items()},
                             "body_base64": base64.b64encode(body).decode()})
            number = len(recorded)
            if len(recorded) > 100000:  # the local stack runs for days: keep memory bounded
                del recorded[:50000]
        parts = path.strip("/").split("/")
        kind = parts[0] if parts else ""
        if kind == "fail":
            return self.answer(500, b'{"error":"failing on purpose"}')
        if kind == "reject":
            return self.answer(400, b'{"error":"rejected on purpose"}')
        if kind == "slow" or (kind == "slowonce" and seen == 1):
            time.sleep(30)
        if kind == "redirect":
            return self.answer(302, b"", [("Location", "/ok/" + "/".join(parts[1:]))])
        if kind == "flaky" and len(parts) > 1 and parts[1].isdigit() and seen <= int(parts[1]):
            return self.answer(500, b'{"error":"flaky"}')
        self.answer(200, json.dumps({"id": str(number)}).encode(), [("Content-Type", "application/json")])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
