"""trs_results - read a results folder of bench/run-experiment, summarise it.

Used by plots/draw and plots/tables; read_kv, read_text, boot_ratio and
median_ratio also by plots/rcvbuf-analyze and plots/backlog-analyze. Only the
standard library.
"""
import glob
import os
import random
import statistics


def read_kv(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if "=" in line and not line.startswith("#"):
                    k, v = line.split("=", 1)
                    out[k] = v
    return out


def read_text(path):
    """A file's text without surrounding blank space; "" if it is missing."""
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read().strip()


class Results:
    """One results folder: NAME.tsv, meta.txt, exp."""

    def __init__(self, d):
        self.dir = os.path.realpath(d)
        self.meta = read_kv(os.path.join(d, "meta.txt"))
        self.exp = read_kv(os.path.join(d, "exp"))
        self.name = self.meta.get("experiment") or self.exp.get("name", "results")
        self.kind = self.exp.get("kind", "net")
        path = os.path.join(d, self.name + ".tsv")
        if not os.path.exists(path):
            tsvs = glob.glob(os.path.join(d, "*.tsv"))
            tsvs = [t for t in tsvs if not t.endswith("policies.tsv")]
            if not tsvs:
                raise SystemExit(f"no results table in {d}")
            path = tsvs[0]
        self.rows = []
        with open(path) as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                r = dict(zip(header, line.rstrip("\n").split("\t")))
                if r.get("exit_status", "0") != "0":
                    continue
                self.rows.append(r)
        self.policies = self.exp.get("policies", "").split()
        self.models = [m for m in self.exp.get("models", "").split()
                       if any(r["model"] == m for r in self.rows)]
        self.ns = sorted({int(float(r["n"])) for r in self.rows if r.get("n")})
        self.groups = {r["policy"]: r["group"] for r in self.rows}
        self.knobs = {r["policy"]: (r.get("enable"), r.get("starvation_limit"),
                                    r.get("yield_on_return")) for r in self.rows}

    def values(self, metric, model, policy, n=None):
        out = []
        for r in self.rows:
            if r["model"] != model or r["policy"] != policy:
                continue
            if n is not None and int(float(r.get("n", -1))) != n:
                continue
            v = r.get(metric, "")
            if v != "":
                out.append(float(v))
        return out

    def paired(self, metric, model, policy, n):
        """(round, value) pairs, for ratios against another policy's same round."""
        out = {}
        for r in self.rows:
            if r["model"] == model and r["policy"] == policy and \
                    int(float(r.get("n", -1))) == n and r.get(metric, "") != "":
                out[r.get("round", r.get("repeat"))] = float(r[metric])
        return out


def med(v):
    return statistics.median(v) if v else None


def spread(v):
    """median, min, max, count (None if empty)."""
    if not v:
        return None
    return statistics.median(v), min(v), max(v), len(v)


def fmt(s, digits=0, scale=1.0):
    if s is None:
        return "—"
    m, lo, hi, _ = s
    f = "{:.%df}" % digits
    return f"{f.format(m * scale)} [{f.format(lo * scale)}–{f.format(hi * scale)}]"


def boot_ratio(pairs, n=2000, seed=1):
    """95% bootstrap interval (lo, hi) of median(b) / median(a) over pairs
    [(a, b), ...] (e.g. one pair per round): resample the pairs with
    replacement, keeping each pair together, n times with a fixed seed.
    Resamples whose median(a) is 0 are left out; (None, None) if all are."""
    rnd = random.Random(seed)
    ratios = []
    for _ in range(n):
        s = [pairs[rnd.randrange(len(pairs))] for _ in pairs]
        den = statistics.median(p[0] for p in s)
        if den > 0:
            ratios.append(statistics.median(p[1] for p in s) / den)
    ratios.sort()
    if not ratios:
        return None, None
    return ratios[int(0.025 * len(ratios))], ratios[int(0.975 * len(ratios)) - 1]


def median_ratio(pairs):
    """(median(b) / median(a), lo, hi) over pairs [(a, b), ...], with the
    boot_ratio interval (lo, hi may be None); None if there are no pairs or
    median(a) is 0."""
    if not pairs:
        return None
    den = statistics.median(p[0] for p in pairs)
    if den == 0:
        return None
    return (statistics.median(p[1] for p in pairs) / den,) + boot_ratio(pairs)
