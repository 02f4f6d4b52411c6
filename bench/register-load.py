#!/usr/bin/env python3
"""Loads a discovery service with Eureka registrations, then times full-registry reads.

Used by bench/scale.sh (P8). Registers INSTANCES instances spread over APPS applications
(POST /eureka/apps/APP, Eureka's JSON body, as Zowe's services register) over keep-alive
HTTPS connections presenting the client certificate, from several threads, and records each
registration's latency. Then, on one keep-alive connection, GET /eureka/apps in JSON and in
XML: once to check that the body holds every instance (counted after parsing it), then
GETS timed reads in a row (the registry unchanged: its cached answer), then GETS timed reads
each after one registration changed the registry (the answer rebuilt), then one read after
every instance renewed its lease and one changed (the answer rebuilt from instances that
all changed). Prints one JSON object with the figures in milliseconds.
"""
import argparse
import http.client
import json
import ssl
import statistics
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree

PREFIX = "LOADAPP"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="discovery's HTTPS port on localhost")
    parser.add_argument("--cert", required=True, help="client certificate (PEM)")
    parser.add_argument("--key", required=True, help="its private key (PEM)")
    parser.add_argument("--ca", required=True, help="the CA that signed discovery's certificate (PEM)")
    parser.add_argument("--instances", type=int, default=10000)
    parser.add_argument("--apps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument("--gets", type=int, default=20, help="timed reads per format and case")
    return parser.parse_args()


def connect(args, context):
    return http.client.HTTPSConnection("localhost", args.port, context=context, timeout=30)


def instance_body(n, args, dirty):
    app = f"{PREFIX}{n % args.apps:03d}"
    service = app.lower()
    port = 20000 + n
    base = f"https://localhost:{port}"
    # Shaped as a Zowe service's registration (its API ML metadata included). The lease is
    # long so that no instance expires while the load is measured without renewals.
    return app, json.dumps({"instance": {
        "instanceId": f"localhost:{service}:{port}",
        "hostName": "localhost",
        "app": app,
        "ipAddr": "127.0.0.1",
        "status": "UP",
        "overriddenstatus": "UNKNOWN",
        "port": {"$": port, "@enabled": "false"},
        "securePort": {"$": port, "@enabled": "true"},
        "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 3600},
        "metadata": {
            "apiml.catalog.tile.id": "loadtest",
            "apiml.catalog.tile.title": "Load test services",
            "apiml.routes.api-v1.gatewayUrl": "api/v1",
            "apiml.routes.api-v1.serviceUrl": f"/{service}/api/v1",
            "apiml.service.title": f"Load test service {n}",
            "apiml.authentication.scheme": "bypass",
            "version": "1.0.0",
        },
        "homePageUrl": f"{base}/",
        "statusPageUrl": f"{base}/application/info",
        "healthCheckUrl": f"{base}/application/health",
        "secureHealthCheckUrl": f"{base}/application/health",
        "vipAddress": service,
        "secureVipAddress": service,
        "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": str(dirty),
        "lastDirtyTimestamp": str(dirty),
    }}).encode()


def register(connection, n, args, dirty):
    app, body = instance_body(n, args, dirty)
    t0 = time.perf_counter()
    connection.request("POST", f"/eureka/apps/{app}", body=body,
                       headers={"Content-Type": "application/json", "Accept": "application/json"})
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status != 204:
        raise RuntimeError(f"registering instance {n} answered {response.status}")
    return elapsed


def renew(connection, n, args, dirty):
    app = f"{PREFIX}{n % args.apps:03d}"
    connection.request("PUT", f"/eureka/apps/{app}/localhost:{app.lower()}:{20000 + n}?status=UP")
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"renewing instance {n} answered {response.status}")
    return 0.0


def register_all(args, context, call=register):
    """Calls `call` for every instance from several threads; (sorted latencies, seconds)."""
    latencies = [[] for _ in range(args.threads)]
    failures = []
    dirty = int(time.time() * 1000)

    def work(worker):
        try:
            connection = connect(args, context)
            for n in range(worker, args.instances, args.threads):
                latencies[worker].append(call(connection, n, args, dirty))
            connection.close()
        except Exception as error:  # reported once all threads ended
            failures.append(f"thread {worker}: {error}")

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(args.threads)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - t0
    if failures:
        sys.exit("registration failed: " + "; ".join(failures))
    return sorted(x for part in latencies for x in part), seconds


def percentile(values, p):
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def get_registry(connection, accept):
    t0 = time.perf_counter()
    connection.request("GET", "/eureka/apps", headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status != 200:
        raise RuntimeError(f"GET /eureka/apps ({accept}) answered {response.status}")
    return elapsed, body


def count(body, accept):
    """Instances of the load's applications in a full-registry body, and all instances."""
    ours = total = 0
    if accept == "application/json":
        for application in json.loads(body)["applications"]["application"]:
            total += len(application["instance"])
            if application["name"].startswith(PREFIX):
                ours += len(application["instance"])
    else:
        for instance in ElementTree.fromstring(body).iter("instance"):
            total += 1
            if instance.findtext("app", "").startswith(PREFIX):
                ours += 1
    return ours, total


def main():
    args = parse_arguments()
    context = ssl.create_default_context(cafile=args.ca)
    context.load_cert_chain(args.cert, args.key)

    latencies, seconds = register_all(args, context)
    result = {
        "instances": args.instances, "apps": args.apps, "threads": args.threads,
        "register_seconds": seconds,
        "register_p50_ms": percentile(latencies, 50), "register_p99_ms": percentile(latencies, 99),
        "register_max_ms": latencies[-1],
    }

    connection = connect(args, context)
    changer = connect(args, context)
    for name, accept in (("json", "application/json"), ("xml", "application/xml")):
        first, body = get_registry(connection, accept)
        ours, total = count(body, accept)
        if ours != args.instances:
            sys.exit(f"GET /eureka/apps ({accept}) holds {ours} of the {args.instances} instances registered")
        steady = [get_registry(connection, accept)[0] for _ in range(args.gets)]
        changed = []
        for i in range(args.gets):
            # A new lastDirtyTimestamp: the instance is replaced, the registry's version moves on.
            register(changer, i, args, int(time.time() * 1000) + 1)
            changed.append(get_registry(connection, accept)[0])
        # Every instance renewed (as each does every 30 s), then one change: the answer is
        # rebuilt from instances that all changed since the last one.
        register_all(args, context, renew)
        register(changer, 0, args, int(time.time() * 1000) + 2)
        renewed = get_registry(connection, accept)[0]
        result[name] = {
            "bytes": len(body), "instances": total, "first_ms": first,
            "steady_median_ms": statistics.median(steady), "steady_max_ms": max(steady),
            "changed_median_ms": statistics.median(changed), "changed_max_ms": max(changed),
            "renewed_ms": renewed,
        }
    connection.close()
    changer.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
