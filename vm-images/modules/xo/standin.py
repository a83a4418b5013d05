#!/usr/bin/python3
"""hostspec stand-in for xo-server (Xen Orchestra is not packaged for Debian).

Usage: standin.py CONFIG [RELEASE_DIR]. Reads the generated config, pings Redis over its unix socket with raw
RESP and serves GET /health: 200 "ok redis=PONG", or 503 "unavailable redis=<error>". With RELEASE_DIR (an
installed release, see xo/updates) it plays that release: RELEASE_DIR/release.json gives its "version", added
to every answer ("version=5.2.0", and GET /version), and whether it is "healthy": a release with
"healthy": false answers /health with 503 "unavailable release=<version> is broken", as a bad release would.
"""
import json
import os
import socket
import sys
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = sys.argv[1] if len(sys.argv) > 1 else "/etc/xo-server/config.nixoa.toml"
with open(CONFIG, "rb") as f:
    config = tomllib.load(f)
LISTEN = config["http"]["listen"][0]
SOCKET = config["redis"]["socket"]
RELEASE = {"version": None, "healthy": True}
if len(sys.argv) > 2:
    with open(os.path.join(sys.argv[2], "release.json")) as f:
        RELEASE.update(json.load(f))
VERSION = "" if RELEASE["version"] is None else " version=" + str(RELEASE["version"])


def ping():
    """Returns (True, "PONG") when Redis answers PING on the socket, else (False, reason)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(SOCKET)
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            reply = s.recv(64)
    except OSError as e:
        return False, type(e).__name__ + ":" + str(e).replace(" ", "_")
    if reply.startswith(b"+PONG"):
        return True, "PONG"
    return False, reply.decode("ascii", "replace").strip() or "no-reply"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health" and not RELEASE["healthy"]:
            self.answer(503, "unavailable release=" + str(RELEASE["version"]) + " is broken" + VERSION)
        elif self.path == "/health":
            ok, what = ping()
            self.answer(200 if ok else 503, ("ok" if ok else "unavailable") + " redis=" + what + VERSION)
        elif self.path == "/version" and RELEASE["version"] is not None:
            self.answer(200, str(RELEASE["version"]))
        elif self.path == "/":
            self.answer(200, "xo-server stand-in (hostspec)")
        else:
            self.answer(404, "not found")

    def answer(self, code, text):
        body = (text + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("xo-server: " + (fmt % args) + "\n")


if __name__ == "__main__":
    server = ThreadingHTTPServer((LISTEN.get("hostname", "127.0.0.1"), int(LISTEN["port"])), Handler)
    print("xo-server stand-in listening on", server.server_address, "redis socket", SOCKET,
          "release", RELEASE["version"] or "none", flush=True)
    server.serve_forever()
