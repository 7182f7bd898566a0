"""An HTTP proxy between ac-export and an S3 server that injects the store's faults, for the object-storage tests.

Usage: s3_fault_proxy.py PORT UPSTREAM_PORT RULES_FILE LOG_FILE
Forwards every request to 127.0.0.1:UPSTREAM_PORT unchanged (the Host header too, so signatures still match).
RULES_FILE holds a JSON list of rules, read again whenever it changes (which restarts the occurrence counts):
  {"method": "PUT", "path": "regex on path?query", "header": "optional header name that must be present",
   "occurrences": [1, 3] (1-based, among matching requests; absent: every one),
   "action": "slowdown" | "reset-before" | "reset-after" | "stall" | "kill-before" | "kill-after",
   "seconds": stall time, "pid_file": file holding the pid to SIGKILL}
slowdown answers 503 SlowDown without forwarding; reset-before closes the connection without forwarding, reset-after
forwards and then closes without answering; stall waits before forwarding; kill-before/kill-after SIGKILL the pid
before forwarding or after the store applied the request (its answer never reaches the killed client).
Each fired rule is logged to LOG_FILE as one JSON line.
"""
import http.client
import http.server
import json
import os
import re
import signal
import socket
import sys
import threading
import time

port, upstream, rules_file, log_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
lock = threading.Lock()
state = {"mtime": None, "rules": [], "counts": {}}


def matching_rule(method, path, headers):
    with lock:
        try:
            mtime = os.stat(rules_file).st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime != state["mtime"]:
            state["mtime"] = mtime
            state["rules"] = json.load(open(rules_file)) if mtime is not None else []
            state["counts"] = {}
        for index, rule in enumerate(state["rules"]):
            if rule.get("method", method) != method or not re.search(rule.get("path", ""), path):
                continue
            if "header" in rule and rule["header"] not in headers:
                continue
            count = state["counts"].get(index, 0) + 1
            state["counts"][index] = count
            if "occurrences" in rule and count not in rule["occurrences"]:
                continue
            with open(log_file, "a") as log:
                log.write(json.dumps({"rule": index, "action": rule["action"], "method": method, "path": path, "occurrence": count}) + "\n")
            return rule
    return None


def kill(rule):
    pid = int(open(rule["pid_file"]).read().strip())
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        rule = matching_rule(self.command, self.path, self.headers)
        action = rule["action"] if rule else None
        if action == "slowdown":
            text = b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
            return
        if action == "reset-before":
            self.abort()
            return
        if action == "kill-before":
            kill(rule)
            self.abort()
            return
        if action == "stall":
            time.sleep(rule.get("seconds", 10))
        connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=120)
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if action == "kill-after":
            kill(rule)
            self.abort()
            return
        if action == "reset-after":
            self.abort()
            return
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            # A HEAD's Content-Length is the object's size, not this answer's.
            if name.lower() not in ("transfer-encoding", "connection") and (name.lower() != "content-length" or self.command == "HEAD"):
                self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a stall rule): its retry is what is tested

    def abort(self):
        """Closes the connection with a reset, no answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_one


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client killed or timed out mid-request (what the tests do on purpose) is not worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


server = Server(("127.0.0.1", port), Proxy)
server.daemon_threads = True
server.serve_forever()
