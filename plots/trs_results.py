"""trs_results - read a results folder of bench/run-experiment, summarise it.

Also the cells and tables of the analyzers' summaries (rtt, vals,
spread_cell, median_cell, count_cell, median_ci_cell, ratio_cell, md_table,
sort_key). Used by plots/draw, plots/tables and plots/merge-results (merge_grid:
one table from a bench/run-experiment folder, policies by name from each
guest's plan.tsv); read_kv, read_text, boot_ratio and
median_ratio also by plots/rcvbuf-analyze, plots/rcvq-analyze and
plots/backlog-analyze; the collapse rule (collapse_ref, collapsed) and
fisher_less by rcvbuf-analyze and rcvq-analyze, goodput (0 for a failed run)
by rcvbuf-analyze; num and median_ci by rcvq-analyze; exp_rounds (the
rounds of an experiment file, old key names too) by plots/tables. Only the
standard library.
"""
import glob
import math
import os
import random
import re
import statistics
import sys


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


def exp_rounds(exp, default=""):
    """The rounds of an experiment file read with read_kv: rounds=, or for
    runs stored before that key (issue 15) grid's repeat= or rcvbuf's runs=."""
    for k in ("rounds", "repeat", "runs"):
        v = exp.get(k, "").strip()
        if v:
            return v
    return default


def read_text(path):
    """A file's text without surrounding blank space; "" if it is missing."""
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read().strip()


def exp_path(d):
    """The experiment file of a results folder: experiment.exp, or exp in
    the grid runs stored before the one layout (issue 15)."""
    p = os.path.join(d, "experiment.exp")
    return p if os.path.exists(p) else os.path.join(d, "exp")


def read_policies(path):
    """policies.tsv as {name: {column: value}}: whitespace-separated rows,
    the columns named by the comment line that starts with "# name"."""
    cols, out = None, {}
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                words = line[1:].split()
                if words[:1] == ["name"]:
                    cols = words
                continue
            if not line.strip():
                continue
            if cols is None:
                raise SystemExit(f"{path}: no '# name ...' header line before the first policy")
            vals = line.split()
            out[vals[0]] = dict(zip(cols, vals))
    return out


def read_tsv(path):
    """(header, rows as dicts) of a tab-separated table with a header line."""
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        return header, [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]


def merge_grid(d, name):
    """One table from the guests' sweep tables of a bench/run-experiment
    folder d: (header, rows). Reads d/experiment.exp, d/policies.tsv and per model
    d/raw/<model>/raw.tsv with the plan it ran, d/raw/<model>/plan.tsv; a
    row's policy is its plan row's (keyed by the plan_run column), its
    group the policy's in policies.tsv. Columns: exp, model, policy,
    group, then the union of the sweep columns in order of first
    appearance, then the plan's other labels (reader); for overhead
    experiments policy is "enable=<n>"."""
    if not os.path.exists(exp_path(d)):
        raise SystemExit(f"merge_grid: {d}: no experiment.exp")
    exp = read_kv(exp_path(d))
    policies = read_policies(os.path.join(d, "policies.tsv"))
    kind = exp.get("kind", "net")
    cols, rows = [], []
    for model in exp.get("models", "voluntary").split():
        path = os.path.join(d, "raw", model, "raw.tsv")
        if not os.path.exists(path):
            print(f"merge_grid: no {path}", file=sys.stderr)
            continue
        header, raw = read_tsv(path)
        cols += [c for c in header if c not in cols]
        plan = {}
        if kind != "overhead":
            _, prows = read_tsv(os.path.join(d, "raw", model, "plan.tsv"))
            plan = {p["run"]: p for p in prows}
            cols += [c for c in (prows[0] if prows else {}) if c not in cols + ["run", "policy"]]
        for r in raw:
            if kind == "overhead":
                pol, grp = "enable=" + r.get("enable", "?"), "overhead"
            else:
                key = r.get("plan_run", "")
                if key not in plan:
                    raise SystemExit(f"merge_grid: {path}: plan_run '{key}' is not in plan.tsv")
                pol = plan[key]["policy"]
                grp = policies.get(pol, {}).get("group", "-")
                # the plan's labels other than the keys the sweep has
                r = dict({k: v for k, v in plan[key].items() if k not in r and k != "run"}, **r)
            rows.append(dict(r, exp=name, model=model, policy=pol, group=grp))
    return ["exp", "model", "policy", "group"] + cols, rows


class Results:
    """One results folder: NAME.tsv, meta.txt, experiment.exp."""

    def __init__(self, d):
        self.dir = os.path.realpath(d)
        self.meta = read_kv(os.path.join(d, "meta.txt"))
        self.exp = read_kv(exp_path(d))
        self.name = self.meta.get("experiment") or self.exp.get("name", "results")
        self.kind = self.exp.get("kind", "net")
        path = os.path.join(d, self.name + ".tsv")
        if not os.path.exists(path):
            tsvs = glob.glob(os.path.join(d, "*.tsv"))
            tsvs = [t for t in tsvs if not t.endswith("policies.tsv")]
            if not tsvs:
                raise SystemExit(f"no results table in {d}")
            path = tsvs[0]
        self.rows = [r for r in read_tsv(path)[1] if r.get("exit_status", "0") == "0"]
        readers = {r.get("reader", "") for r in self.rows}
        if len(readers) > 1:
            raise SystemExit(f"{path}: runs of several readers ({', '.join(sorted(readers))}): "
                             "draw and tables compare policies for one reader")
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


def fisher_less(a, n, b, m):
    """One-sided Fisher exact test: P(X >= a) for a collapses of n runs in
    the first setting against b of m in the second, under no difference."""
    from math import comb
    k = a + b
    tot = comb(n + m, k)
    return sum(comb(n, x) * comb(m, k - x) for x in range(a, min(n, k) + 1)) / tot if tot else 1.0


def goodput(r):
    """A row's goodput in Mbit/s; 0 for a run that gave none."""
    try:
        return float(r["goodput_mbps"])
    except ValueError:
        return 0.0


def collapsed(g, ref):
    """The issue's rule: under a quarter of the point's good-run median."""
    return g < ref / 4


def collapse_ref(values):
    """The reference a run is compared with: the median of the good runs."""
    best = max(values) if values else 0
    return statistics.median([v for v in values if v >= best / 4] or [0])


def num(v):
    """A cell as a finite float; None when empty, missing or not a number
    (a failed run's cell)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f or f in (float("inf"), float("-inf")) else f


def median_ci(values, level=0.95):
    """(median, lo, hi): the distribution-free order-statistic interval of
    the median, [x(k), x(n+1-k)] of the sorted values with the largest k
    such that P(Binomial(n, 1/2) < k) <= (1 - level) / 2, so that it covers
    the median with at least `level`; lo, hi are None when n is too small
    (under 6 values at 95%). None for no values."""
    from math import comb
    v = sorted(values)
    n = len(v)
    if not n:
        return None
    k, tail = 0, 0.0
    while k < n and tail + comb(n, k) / 2 ** n <= (1 - level) / 2:
        tail += comb(n, k) / 2 ** n
        k += 1
    m = statistics.median(v)
    return (m, v[k - 1], v[n - k]) if k else (m, None, None)


# ---- cells and tables of the summaries (backlog-analyze, rcvq-analyze)

def rtt(delay):
    """The RTT of a one-way netem delay, as a table cell."""
    d = num(delay)
    return "%g" % (2 * d) if d is not None else delay


def vals(rows, col):
    """The values of a column over rows, missing ones (None) left out."""
    return [r[col] for r in rows if r[col] is not None]


def spread_cell(v, f):
    """'median [min-max]' of v, each formatted by f (a % format or a
    function); "-" for no values."""
    if not v:
        return "-"
    g = f if callable(f) else (lambda x: f % x)
    return "%s [%s-%s]" % (g(statistics.median(v)), g(min(v)), g(max(v)))


def median_cell(v, f, scale=1.0):
    """The median of v times scale, formatted by the % format f; "-" for none."""
    return f % (statistics.median(v) * scale) if v else "-"


def count_cell(v):
    """The median of counts: whole when it is, else one decimal; "-" for none."""
    if not v:
        return "-"
    m = statistics.median(v)
    return "%d" % m if m == int(m) else "%.1f" % m


def median_ci_cell(v, f="%.1f"):
    """'median [lo, hi]' of v with median_ci()'s 95% interval, each
    formatted by the % format f; '[n/a: N runs]' when there are too few
    for the interval; "-" for no values."""
    m = median_ci(v)
    if m is None:
        return "-"
    if m[1] is None:
        return (f + " [n/a: %d runs]") % (m[0], len(v))
    return (f + " [" + f + ", " + f + "]") % m


def ratio_cell(m, digits=2, npairs=None):
    """A median_ratio() result as 'r [lo, hi]' (with ' (npairs)' if
    given); "-" for None, '[n/a]' where the interval is missing."""
    if m is None:
        return "-"
    r, lo, hi = m
    f = "%%.%df" % digits
    cell = (f + " [" + f + ", " + f + "]") % (r, lo, hi) if lo is not None else (f + " [n/a]") % r
    return cell + (" (%d)" % npairs if npairs is not None else "")


def md_table(head, body):
    """Markdown table lines of a header and rows of cells."""
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + \
        ["| " + " | ".join(c) + " |" for c in body]


def sort_key(v):
    """Order of a setting's value: numbers (K/M/G suffixes, "max" = no
    limit, QUOTA/BURST part by part) numerically, other words after them."""
    out = []
    for part in str(v).split("/"):
        m = re.fullmatch(r"([0-9.]+)([KMG]?)", part)
        if part == "max":
            out.append((0, math.inf, ""))
        elif m and num(m.group(1)) is not None:
            out.append((0, num(m.group(1)) * 1024 ** " KMG".index(m.group(2) or " "), ""))
        else:
            out.append((1, 0, part))
    return tuple(out)
