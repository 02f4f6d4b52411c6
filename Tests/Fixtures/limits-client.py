#!/usr/bin/env python3
"""Clients and a service for the tests of the HTTPS servers' limits (loopback only).

  slowloris  N TLS connections that send a partial request head, a byte every --interval
             seconds, reopened when the server closes them, for --seconds; prints JSON with
             how long the server let each one live.
  idle       N TLS connections that each make one keep-alive request, then stay idle for up
             to --hold seconds; prints JSON with how many were answered, refused, and closed
             by the server, and how long they were idle before that.
  raw        sends the bytes of --send (Python escapes) on one TLS connection and prints what
             comes back until the server closes or --wait seconds pass.
  sink       an HTTPS service that reads request bodies in small pieces, keeps nothing, and
             answers {"bodyLength": n}.
"""
import argparse
import asyncio
import http.server
import json
import ssl
import statistics
import sys
import time


def client_context(ca):
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    return context


def summary(values):
    if not values:
        return {"count": 0}
    return {"count": len(values), "min": round(min(values), 3), "max": round(max(values), 3),
            "median": round(statistics.median(values), 3)}


async def slowloris(arguments):
    context = client_context(arguments.ca)
    lifetimes = []
    failures = 0
    end = time.monotonic() + arguments.seconds

    async def one():
        nonlocal failures
        while time.monotonic() < end:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", arguments.port, ssl=context)
            except (OSError, ssl.SSLError):
                failures += 1
                await asyncio.sleep(0.2)
                continue
            opened = time.monotonic()
            writer.write(b"GET /application/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            closed = False
            try:
                while time.monotonic() < end:
                    await writer.drain()
                    try:
                        data = await asyncio.wait_for(reader.read(1024), timeout=arguments.interval)
                        if not data:
                            closed = True
                            break
                    except asyncio.TimeoutError:
                        writer.write(b"x")
            except (OSError, ssl.SSLError):
                closed = True
            if closed:
                lifetimes.append(time.monotonic() - opened)
            writer.close()

    await asyncio.gather(*(one() for _ in range(arguments.connections)))
    print(json.dumps({"closedByServer": summary(lifetimes), "connectFailures": failures}))


async def idle(arguments):
    context = client_context(arguments.ca)
    answered = 0
    refused = 0
    idle_times = []
    still_open = 0
    writers = []
    gate = asyncio.Semaphore(100)

    async def one():
        nonlocal answered, refused, still_open
        async with gate:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", arguments.port, ssl=context)
                writer.write(b"GET /application/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
            except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.TimeoutError, asyncio.LimitOverrunError):
                refused += 1
                return
            answered += 1
            writers.append(writer)
        since = time.monotonic()
        try:
            data = await asyncio.wait_for(reader.read(1), timeout=arguments.hold)
            if not data:
                idle_times.append(time.monotonic() - since)
            else:
                still_open += 1
        except asyncio.TimeoutError:
            still_open += 1
        except (OSError, ssl.SSLError):
            idle_times.append(time.monotonic() - since)

    await asyncio.gather(*(one() for _ in range(arguments.connections)))
    for writer in writers:
        writer.close()
    print(json.dumps({"answered": answered, "refused": refused, "closedByServer": summary(idle_times),
                      "stillOpen": still_open}))


def raw(arguments):
    import socket
    context = client_context(arguments.ca)
    data = arguments.send.encode("latin-1").decode("unicode_escape").encode("latin-1")
    received = b""
    with socket.create_connection(("127.0.0.1", arguments.port), timeout=arguments.wait) as plain:
        with context.wrap_socket(plain, server_hostname="localhost") as connection:
            connection.sendall(data)
            deadline = time.monotonic() + arguments.wait
            try:
                while time.monotonic() < deadline:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            except (socket.timeout, OSError, ssl.SSLError):
                pass
    sys.stdout.write(received.decode("latin-1"))


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        remaining = int(self.headers.get("Content-Length") or 0)
        total = 0
        while remaining > 0:
            piece = self.rfile.read(min(remaining, 65536))
            if not piece:
                break
            total += len(piece)
            remaining -= len(piece)
        data = json.dumps({"bodyLength": total}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_PUT = do_POST

    def do_GET(self):
        self.do_POST()

    def log_message(self, format, *args):
        pass


def sink(arguments):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", arguments.port), Sink)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(arguments.cert, arguments.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"sink listening on {arguments.port}", flush=True)
    server.serve_forever()


parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["slowloris", "idle", "raw", "sink"])
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--ca")
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--connections", type=int, default=200)
parser.add_argument("--seconds", type=float, default=30)
parser.add_argument("--interval", type=float, default=2)
parser.add_argument("--hold", type=float, default=10)
parser.add_argument("--send", default="")
parser.add_argument("--wait", type=float, default=5)
arguments = parser.parse_args()
if arguments.mode == "slowloris":
    asyncio.run(slowloris(arguments))
elif arguments.mode == "idle":
    asyncio.run(idle(arguments))
elif arguments.mode == "raw":
    raw(arguments)
else:
    sink(arguments)
