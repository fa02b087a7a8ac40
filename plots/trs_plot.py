"""trs_plot - drawing for every chart script: one gnuplot runner, one
palette, one footer naming where the numbers come from.

Used by plots/draw.py, backlog-analyze and rcvq-analyze. A chart is a
gnuplot body (no terminal, no output) written by chart() into STEM.gp
twice, for PNG and SVG, beside the data it reads, and run there, so that
`cd DIR && gnuplot STEM.gp` redraws it by hand. Only the standard library.
"""
import math
import os
import shutil
import subprocess
import sys

# One colour per group of policies (draw.py) and a series palette for
# everything else (the n-th series, model or setting of a chart).
GROUP_COLOURS = {
    "stock": "#000000", "patch": "#d62728", "renice": "#1f77b4",
    "loadnice": "#2ca02c", "rt": "#9467bd", "busypoll": "#8c564b",
    "slice": "#ff7f0e", "overhead": "#444444",
}
PALETTE = ["#000000", "#d62728", "#1f77b4", "#2ca02c", "#9467bd",
           "#8c564b", "#ff7f0e", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#aec7e8", "#ff9896", "#98df8a", "#c5b0d5"]


def colour(i):
    """The i-th series colour."""
    return PALETTE[i % len(PALETTE)]


def gp_str(s):
    """s as a gnuplot single-quoted string."""
    return "'" + s.replace("'", "''") + "'"


def log_tics(lo, hi):
    """1-2-5 ticks between lo and hi, for a log axis of goodput."""
    t, out = 10.0 ** math.floor(math.log10(max(lo, 1e-3))), []
    while t <= hi * 1.01:
        for m in (1, 2, 5):
            if lo / 1.01 <= t * m <= hi * 1.01:
                out.append('"%g" %g' % (t * m, t * m))
        t *= 10
    return "set ytics (%s)" % ", ".join(out) if out else ""


def footer(meta, name=None, model=None):
    """Where a chart's numbers come from, from a results folder's meta.txt
    (bench/lib/provenance.sh): run, date, kernel, series hash, commit,
    accelerator, host CPU. Runs stored before that writer used commit= and
    series= (sweep-run), which are read too."""
    def get(*keys):
        for k in keys:
            if meta.get(k):
                return meta[k]
        return None
    kernel = get(*([f"{model}_kernel_release"] if model else []),
                 "kernel_release_built", "kernel")
    commit = get("repo_commit", "commit")
    parts = [("%s run %s" % (name or get("experiment") or "?", get("date") or "?")),
             kernel and "kernel " + kernel,
             get("series_sha256_16", "series") and "series " + get("series_sha256_16", "series"),
             commit and "commit " + commit[:10],
             get(*([f"accel_{model}"] if model else []), "accel"),
             get("host_cpu_model", "cpu")]
    return ", ".join(p for p in parts if p)


def footer_label(text):
    """The gnuplot label that prints a footer at the bottom left."""
    return "set label 99 %s at screen 0.01, screen 0.015 noenhanced font ',8' tc rgb '#666666'" % gp_str(text)


def chart(d, stem, body, size=(1000, 700), font="DejaVu Sans,11", who="plots", out_dir=None,
          enhanced=True):
    """Write d/STEM.gp (PNG and SVG of body, into out_dir, default d; text
    in gnuplot's enhanced mode unless enhanced is False) and
    run gnuplot in d. Returns the PNG's path, or None (with a line on
    stderr) when gnuplot is missing; exits when gnuplot fails."""
    path = os.path.join(d, stem + ".gp")
    out = os.path.relpath(out_dir or d, d)
    out = "" if out == "." else out
    with open(path, "w") as f:
        f.write(f"# {stem}.gp - written by {who}; cd to this folder and run gnuplot {stem}.gp\n")
        for term, ext in (("pngcairo", "png"), ("svg dynamic", "svg")):
            f.write("reset\nset terminal %s %s size %d,%d font %s\n" % (
                term, "enhanced" if enhanced else "noenhanced", size[0], size[1], gp_str(font)))
            f.write(f"set output '{os.path.join(out, stem + '.' + ext)}'\n{body}\nunset output\n")
    if shutil.which("gnuplot") is None:
        print(f"{who}: gnuplot not found, no chart {stem} (data and script in {d})", file=sys.stderr)
        return None
    if subprocess.run(["gnuplot", stem + ".gp"], cwd=d).returncode != 0:
        sys.exit(f"{who}: gnuplot failed on {path}")
    return os.path.join(out_dir or d, stem + ".png")
