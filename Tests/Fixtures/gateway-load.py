#!/usr/bin/env python3
"""Requests through the gateway for a given time, from several keep-alive HTTPS connections,
and a count of what came back: the availability figure of the failure tests.

usage: gateway-load.py URL CA_FILE SECONDS CONNECTIONS PAUSE_MS RESULT_JSON

A request succeeds when it is answered 200. Anything else (another status, a reset, a
timeout) is a failure, counted by kind with a few examples. A connection that failed is
opened again for the next request, as a browser would.
"""
import http.client
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

url, ca_file, seconds, connections, pause_ms, result_file = sys.argv[1:7]
seconds, connections, pause = float(seconds), int(connections), int(pause_ms) / 1000.0
target = urllib.parse.urlsplit(url)
path = target.path + (("?" + target.query) if target.query else "")
context = ssl.create_default_context(cafile=ca_file)
lock = threading.Lock()
totals = {"ok": 0, "failed": 0, "kinds": {}, "examples": []}
stop_at = time.monotonic() + seconds


def record(ok, kind=None, example=None):
    with lock:
        if ok:
            totals["ok"] += 1
            return
        totals["failed"] += 1
        totals["kinds"][kind] = totals["kinds"].get(kind, 0) + 1
        if len(totals["examples"]) < 10:
            totals["examples"].append("%.3f %s" % (time.monotonic() - (stop_at - seconds), example))


def worker():
    connection = None
    while time.monotonic() < stop_at:
        try:
            if connection is None:
                connection = http.client.HTTPSConnection(target.hostname, target.port, context=context, timeout=10)
            connection.request("GET", path)
            answer = connection.getresponse()
            body = answer.read()
            if answer.status == 200:
                record(True)
            else:
                record(False, "HTTP %d" % answer.status, body[:600].decode("utf-8", "replace"))
            if answer.will_close:
                connection.close()
                connection = None
        except Exception as error:  # every failure counts, whatever its kind
            record(False, type(error).__name__, str(error)[:200])
            if connection is not None:
                connection.close()
            connection = None
        if pause > 0:
            time.sleep(pause)
    if connection is not None:
        connection.close()


threads = [threading.Thread(target=worker) for _ in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with open(result_file + ".tmp", "w") as out:
    json.dump(totals, out)
os.replace(result_file + ".tmp", result_file)
