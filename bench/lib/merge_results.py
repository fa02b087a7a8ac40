#!/usr/bin/env python3
"""merge_results.py RESULTS_DIR NAME - one TSV from the guests' sweep tables.

Reads RESULTS_DIR/raw/<model>/raw.tsv (tables of `tcp-recv-sched sweep`, one
per preemption model) and RESULTS_DIR/exp, RESULTS_DIR/policies.tsv; prints
one tab-separated table on stdout: exp, model, policy, group, then the union
of the sweep columns (in order of first appearance). policy comes from the
policy_id metric (1-based index into the experiment's "policies" list);
for overhead experiments policy is "enable=<n>".
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plots"))
from trs_results import read_kv  # noqa: E402


def read_policies(path):
    groups = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split()
            groups[cols[0]] = cols[7] if len(cols) > 7 else "-"
    return groups


def main():
    d, name = sys.argv[1], sys.argv[2]
    if not os.path.exists(os.path.join(d, "exp")):
        sys.exit("merge_results: %s: no exp file" % d)
    exp = read_kv(os.path.join(d, "exp"))
    groups = read_policies(os.path.join(d, "policies.tsv"))
    policies = exp.get("policies", "").split()
    kind = exp.get("kind", "net")
    models = exp.get("models", "voluntary").split()
    cols, rows = [], []
    for model in models:
        path = os.path.join(d, "raw", model, "raw.tsv")
        if not os.path.exists(path):
            print(f"merge_results: no {path}", file=sys.stderr)
            continue
        with open(path) as f:
            header = f.readline().rstrip("\n").split("\t")
            for c in header:
                if c not in cols:
                    cols.append(c)
            for line in f:
                vals = line.rstrip("\n").split("\t")
                rows.append((model, dict(zip(header, vals))))
    print("\t".join(["exp", "model", "policy", "group"] + cols))
    for model, r in rows:
        if kind == "overhead":
            pol, grp = "enable=" + r.get("enable", "?"), "overhead"
        else:
            try:
                pol = policies[int(float(r.get("policy_id", "0"))) - 1]
            except (ValueError, IndexError):
                pol = "unknown"
            grp = groups.get(pol, "-")
        print("\t".join([name, model, pol, grp] + [r.get(c, "") for c in cols]))


if __name__ == "__main__":
    main()
