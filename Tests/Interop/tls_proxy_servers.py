"""An HTTPS account server with a self-signed certificate and a CONNECT proxy, both on 127.0.0.1, for the
transport tests (the key goes to the account's host and nowhere else).

Usage: tls_proxy_servers.py FOLDER
Makes FOLDER/cert.pem and FOLDER/key.pem (openssl, CN and SAN localhost/127.0.0.1), prints
"HTTPS_PORT PROXY_PORT" on one line, then serves until stdin closes.
- The account server answers /api/3/users/me with 200 and a user when an Api-Token header is present.
- The proxy writes what it is asked (request line and headers) as a JSON line to FOLDER/proxy.jsonl, then
  tunnels the bytes of a CONNECT without reading them; any other method is answered 405.
"""
import http.server
import json
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading

FOLDER = sys.argv[1]
CERT, KEY, LOG = f"{FOLDER}/cert.pem", f"{FOLDER}/key.pem", f"{FOLDER}/proxy.jsonl"
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", KEY, "-out", CERT, "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
               check=True, capture_output=True)
USER = json.dumps({"user": {"id": "1", "username": "admin"}}).encode()


class Account(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path.startswith("/api/3/users/me") and self.headers.get("Api-Token")
        body = USER if ok else b""
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Proxy(socketserver.StreamRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.connection.recv(4096)
            if not chunk:
                return
            head += chunk
        text, _, rest = head.partition(b"\r\n\r\n")
        lines = text.decode("latin-1").split("\r\n")
        with open(LOG, "a") as f:
            f.write(json.dumps({"request": lines[0], "headers": lines[1:]}) + "\n")
        method, target = lines[0].split(" ")[:2]
        if method != "CONNECT":
            self.connection.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        self.connection.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        if rest:
            upstream.sendall(rest)
        sockets = [self.connection, upstream]
        while True:
            ready, _, _ = select.select(sockets, [], [], 30)
            if not ready:
                break
            for s in ready:
                data = s.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if s is self.connection else self.connection).sendall(data)


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
account = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Account)
account.socket = context.wrap_socket(account.socket, server_side=True)
proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Proxy)
proxy.daemon_threads = True
for server in (account, proxy):
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(account.server_address[1], proxy.server_address[1], flush=True)
sys.stdin.read()
