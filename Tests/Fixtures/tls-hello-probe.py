#!/usr/bin/env python3
"""Offers a TLS server exactly the given cipher suites in a hand-built ClientHello and says
which one it chose, if any. OpenSSL as Debian builds it cannot even offer 3DES or RC4, so a
refusal seen through `openssl s_client` would be the client's own; this probe always sends
what it is told to, and only the server's answer decides the result.

usage: tls-hello-probe.py HOST PORT VERSION SUITE... (VERSION and SUITEs in hex, e.g.
0303 000a c012)

Prints `accepted VERSION SUITE` for a ServerHello (exit 0), `refused alert N` for an alert,
or `refused closed` when the server closes the connection (exit 1).
"""
import os
import socket
import struct
import sys

host, port, version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 16)
suites = [int(suite, 16) for suite in sys.argv[4:]]


def extension(kind, body):
    return struct.pack("!HH", kind, len(body)) + body


name = host.encode()
extensions = b"".join([
    extension(0x0000, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name),  # server_name
    extension(0x000A, struct.pack("!H", 6) + struct.pack("!HHH", 0x001D, 0x0017, 0x0018)),  # groups
    extension(0x000B, b"\x01\x00"),  # ec_point_formats: uncompressed
    extension(0x000D, struct.pack("!H", 12) + struct.pack("!6H", 0x0401, 0x0403, 0x0804, 0x0501, 0x0503, 0x0601)),
    extension(0xFF01, b"\x00"),  # renegotiation_info, empty
])
hello = (struct.pack("!H", version) + os.urandom(32) + b"\x00"
         + struct.pack("!H", 2 * len(suites)) + b"".join(struct.pack("!H", s) for s in suites)
         + b"\x01\x00" + struct.pack("!H", len(extensions)) + extensions)
handshake = b"\x01" + struct.pack("!I", len(hello))[1:] + hello
record = b"\x16" + struct.pack("!HH", 0x0301, len(handshake)) + handshake


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        part = connection.recv(count - len(data))
        if not part:
            return None
        data += part
    return data


with socket.create_connection((host, port), timeout=10) as connection:
    connection.sendall(record)
    header = read_exactly(connection, 5)
    if header is None:
        print("refused closed")
        sys.exit(1)
    kind, _, length = struct.unpack("!BHH", header)
    body = read_exactly(connection, length) or b""
    if kind == 0x15 and len(body) >= 2:
        print("refused alert %d" % body[1])
        sys.exit(1)
    if kind == 0x16 and body[:1] == b"\x02" and len(body) >= 41:
        chosen_version = struct.unpack("!H", body[4:6])[0]
        session_length = body[38]
        chosen_suite = struct.unpack("!H", body[39 + session_length:41 + session_length])[0]
        print("accepted %04x %04x" % (chosen_version, chosen_suite))
        sys.exit(0)
    print("refused unexpected record type %d" % kind)
    sys.exit(1)
