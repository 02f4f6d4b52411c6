#!/usr/bin/env python3
"""A service for the gateway's tests: an HTTPS server with the certificate the test made.

Every request is answered 200 with JSON saying what arrived: the service's name, the method,
the path with its query exactly as received, the Host header, the subject of the client
certificate (None when none was presented) and the cookie and authorization headers.
`?sleep=S` waits S seconds first; `?close=1` answers with `Connection: close`; `?drop=NAME`
makes the instance of that name read the request and close the connection without a word, as a
process killed in the middle would. A client certificate is asked for but not required, so
that the gateway's verify mode DISABLED (no client certificate) is answered too; its subject and
serial number are in the answer.
"""
import argparse
import http.server
import json
import ssl
import sys
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--host", default="127.0.0.1", help="the address to listen on")
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--ca", help="CA file client certificates are checked against")
arguments = parser.parse_args()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if arguments.name in query.get("drop", []):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if "sleep" in query:
            time.sleep(float(query["sleep"][0]))
        peer = self.connection.getpeercert()
        subject = None
        serial = None
        if peer:
            subject = ",".join("=".join(pair) for part in peer.get("subject", ()) for pair in part)
            serial = peer.get("serialNumber")
        document = {
            "service": arguments.name,
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host"),
            "clientCertificate": subject,
            "clientSerial": serial,
            "cookie": self.headers.get("Cookie"),
            "authorization": self.headers.get("Authorization"),
            "forwardedPrefix": self.headers.get("X-Forwarded-Prefix"),
            "bodyLength": len(body),
        }
        data = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if "close" in query:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self):
        # The headers of the GET answer, with its Content-Length, and no body.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1234")
        self.end_headers()

    do_GET = answer
    do_POST = answer
    do_PUT = answer
    do_DELETE = answer

    def log_message(self, format, *args):
        pass


server = http.server.ThreadingHTTPServer((arguments.host, arguments.port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(arguments.cert, arguments.key)
if arguments.ca:
    context.load_verify_locations(arguments.ca)
    context.verify_mode = ssl.CERT_OPTIONAL
server.socket = context.wrap_socket(server.socket, server_side=True)
print(f"test-service {arguments.name} listening on {arguments.port}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
