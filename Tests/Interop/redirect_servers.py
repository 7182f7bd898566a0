"""Two plain HTTP servers on 127.0.0.1 for the key-confinement tests (issue: the key stays home).

Usage: redirect_servers.py LOG
Prints "ACCOUNT_PORT OTHER_PORT" on one line, then serves until stdin closes.
- The account server answers /api/3/users/me with 302 to http://localhost:OTHER/api/3/users/me (another origin),
  /same/api/3/users/me with 302 to /ok/api/3/users/me (the same origin), and that with 200 and a user.
- The other server writes every request it gets (path and headers) as a JSON line to LOG and answers 200.
"""
import http.server
import json
import sys
import threading

USER = json.dumps({"user": {"id": "1", "username": "admin"}}).encode()


class Account(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/api/3/users/me"):
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{OTHER_PORT}/api/3/users/me")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/same/api/3/users/me"):
            self.send_response(302)
            self.send_header("Location", "/ok/api/3/users/me")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/ok/api/3/users/me") and self.headers.get("Api-Token"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(USER)))
            self.end_headers()
            self.wfile.write(USER)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


class Other(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(LOG, "a") as f:
            f.write(json.dumps({"path": self.path, "headers": dict(self.headers)}) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(USER)))
        self.end_headers()
        self.wfile.write(USER)

    def log_message(self, *args):
        pass


LOG = sys.argv[1]
other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Other)
OTHER_PORT = other.server_address[1]
account = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Account)
for server in (other, account):
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(account.server_address[1], OTHER_PORT, flush=True)
sys.stdin.read()
