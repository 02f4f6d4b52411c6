#!/usr/bin/env python3
"""Parses Prometheus text exposition (format 0.0.4) with prometheus_client's own parser.

Reads the file named as the argument, or standard input, and prints the metric families as
JSON: {"families": [{"name", "type", "help", "samples": [{"name", "labels", "value"}]}]}.
Values that JSON cannot hold (NaN, +Inf, -Inf) are written as strings. Exits 2 when the text
does not parse, 3 when prometheus_client is not installed.
"""
import json
import math
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client is not installed (python3 -m pip install prometheus_client)", file=sys.stderr)
    sys.exit(3)


def number(value):
    return value if math.isfinite(value) else str(value)


def main():
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    try:
        families = [
            {
                "name": family.name,
                "type": family.type,
                "help": family.documentation,
                "samples": [
                    {"name": sample.name, "labels": dict(sample.labels), "value": number(sample.value)}
                    for sample in family.samples
                ],
            }
            for family in text_string_to_metric_families(text)
        ]
    except Exception as error:  # the parser raises ValueError and others on bad input
        print(f"not valid Prometheus text: {error}", file=sys.stderr)
        sys.exit(2)
    json.dump({"families": families}, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
