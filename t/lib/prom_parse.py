#!/usr/bin/python3
"""Parses a Prometheus text exposition (stdin) with prometheus_client, the
reference parser, and prints it as JSON for the Perl tests:
{"families": {name: type}, "samples": [[name, {labels}, value], ...],
 "problems": [...]}. Histograms are checked here: buckets cumulative and
ordered, +Inf present and equal to _count. A parse error exits non-zero."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def histogram_problems(family):
    problems = []
    series = {}
    for s in family.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        entry = series.setdefault(key, {"buckets": [], "count": None, "sum": None})
        if s.name.endswith("_bucket"):
            entry["buckets"].append((float(s.labels["le"]), s.value))
        elif s.name.endswith("_count"):
            entry["count"] = s.value
        elif s.name.endswith("_sum"):
            entry["sum"] = s.value
    for key, e in series.items():
        where = "%s%s" % (family.name, dict(key))
        bounds = [b for b, _ in e["buckets"]]
        if bounds != sorted(bounds):
            problems.append(where + ": buckets out of order")
        values = [v for _, v in sorted(e["buckets"])]
        if any(b > a for a, b in zip(values[1:], values)):
            problems.append(where + ": buckets not cumulative")
        if not bounds or not math.isinf(bounds[-1]):
            problems.append(where + ": no +Inf bucket")
        elif e["count"] is None or values[-1] != e["count"]:
            problems.append(where + ": +Inf %s != count %s" % (values[-1], e["count"]))
        if e["sum"] is None or e["sum"] < 0:
            problems.append(where + ": no sum")
    return problems


def main():
    text = sys.stdin.read()
    out = {"families": {}, "samples": [], "problems": []}
    for family in text_string_to_metric_families(text):
        out["families"][family.name] = family.type
        for s in family.samples:
            out["samples"].append([s.name, s.labels, s.value])
        if family.type == "histogram":
            out["problems"].extend(histogram_problems(family))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
