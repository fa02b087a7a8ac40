#!/usr/bin/env python3
"""plots/draw.py RESULTS_DIR OUT_DIR - the charts of one results folder (gnuplot).

For a net experiment (per preemption model M):
  fairness-M-nN.{png,svg}   competitors' CPU share relative to stock (same N)
                            versus goodput relative to the unloaded goodput,
                            one labelled point per policy, bars = min-max
  goodput-vs-n-M            median goodput per policy versus N, bars = min-max
  worstwait-vs-limit-M      competitors' worst wait versus starvation_limit
  retrans-vs-n-M            retransmits and RTOs versus N per policy
For an overhead experiment: overhead-M (relative time of trs-ctxsw versus
enable=0, paired by round). The data files and gnuplot scripts stay beside
the charts (OUT_DIR/data/), so each chart can be redrawn by hand.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trs_plot as tp  # noqa: E402
import trs_results as tr  # noqa: E402

GROUP_COLOURS = tp.GROUP_COLOURS
SERIES_COLOURS = tp.PALETTE


def run_gnuplot(out_dir, stem, body, size="1000,700"):
    w, h = (int(x) for x in size.split(","))
    tp.chart(os.path.join(out_dir, "data"), stem, body, size=(w, h), who="plots/draw", out_dir=out_dir)
    return stem


def footer(res, model):
    return tp.footer(res.meta, res.name, model)


def esc(s):
    return s.replace("_", "\\_")


def interval(v):
    """(median, lo, hi, what) of the values v: the 95% interval of the
    median (order statistics) with 6 or more values, min-max with fewer."""
    m = tr.median_ci(v)
    if m and m[1] is not None:
        return m[0], m[1], m[2], "95"
    return tr.med(v), min(v), max(v), "minmax"


def bars_said(kinds):
    """The legend's words for the bars of a chart."""
    if kinds == {"95"}:
        return "bars: 95% interval of the median (order statistics)"
    if kinds == {"minmax"}:
        return "bars: min-max (under 6 runs: too few for a 95% interval of the median)"
    return "bars: 95% interval of the median with 6+ runs, min-max with fewer"


def fairness(res, out, model, n):
    """One point per policy, in its group's colour with a point type of its
    own, named in the key (no labels inside the plot, where the patch's
    settings sit on top of each other)."""
    stock_share = tr.med(res.values("hog_cpu_share", model, "stock", n))
    base = tr.med(res.values("goodput_mbps", model, "stock", 0))
    if not stock_share or not base:
        return None
    stem = f"fairness-{model}-n{n}"
    plots, kinds, reps, k = [], set(), 0, 0
    for p in res.policies:
        xs = [v / stock_share for v in res.values("hog_cpu_share", model, p, n)]
        ys = [v / base for v in res.values("goodput_mbps", model, p, n)]
        if not xs or not ys:
            continue
        reps = max(reps, len(ys))
        x, y = interval(xs), interval(ys)
        kinds |= {x[3], y[3]}
        g = res.groups.get(p, "-")
        path = os.path.join(out, "data", f"{stem}-{p}.dat")
        with open(path, "w") as f:
            f.write("# x_median y_median x_lo x_hi y_lo y_hi (%s, %s)\n" % (x[3], y[3]))
            f.write("%.4f %.4f %.4f %.4f %.4f %.4f\n" % (x[0], y[0], x[1], x[2], y[1], y[2]))
        plots.append(f"'{path}' using 1:2:3:4:5:6 with xyerrorbars pt {k % 13 + 1} ps 1.4 lw 1.2 "
                     f"lc rgb '{GROUP_COLOURS.get(g, '#555555')}' title '{esc(p)} ({g})'")
        k += 1
    if not plots:
        return None
    body = f"""
set title "Fairness versus throughput: preempt={model}, N={n} competitors\\n{{/*0.8 median of {reps} runs per policy; {bars_said(kinds)}}}\\n{{/*0.8 unloaded goodput {base:.0f} Mbit/s, stock competitors' share {stock_share:.3f} CPU}}"
set xlabel "competitors' CPU share / their share under stock at N={n}"
set ylabel "goodput / unloaded goodput (stock, N=0)"
set grid
set key outside right top title 'policy (group: colour)' font ',9'
set arrow from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 lc rgb '#888888'
set label "90% of unloaded" at graph 0.01, first 0.9 offset 0,0.6 font ',9' tc rgb '#666666'
set arrow from first 1, graph 0 to first 1, graph 1 nohead dt 3 lc rgb '#888888'
set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08
set label 99 "{esc(footer(res, model))}" at screen 0.01, screen 0.015 font ',8' tc rgb '#666666'
set bmargin 5
plot {', '.join(plots)}
"""
    return run_gnuplot(out, stem, body, size="1150,700")


def by_n(res, out, model, metric, stem, ylabel, title, scale=1.0):
    """The metric per policy at each measured N: N as categories (evenly
    spaced, whatever their values), the policies side by side within each,
    points with bars and no lines, so nothing is drawn between two N."""
    plots, kinds = [], set()
    pols = [p for p in res.policies if any(res.values(metric, model, p, n) for n in res.ns)]
    # within each N, the policies measured there side by side, centred
    at = {n: [p for p in pols if res.values(metric, model, p, n)] for n in res.ns}
    for k, p in enumerate(pols):
        pts = []
        for i, n in enumerate(res.ns):
            v = [x * scale for x in res.values(metric, model, p, n)]
            if v:
                m = interval(v)
                kinds.add(m[3])
                w = 0.7 / len(at[n])
                pts.append((i - 0.35 + w * (at[n].index(p) + 0.5), m[0], m[1], m[2]))
        path = os.path.join(out, "data", f"{stem}-{p}.dat")
        with open(path, "w") as f:
            for pt in pts:
                f.write("%g %g %g %g\n" % pt)
        c = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        plots.append(f"'{path}' using 1:2:3:4 with yerrorbars pt {k % 13 + 1} ps 1.1 lw 1.2 "
                     f"lc rgb '{c}' title '{esc(p)}'")
    if not plots:
        return None
    xt = ", ".join(f"'N={n}' {i}" for i, n in enumerate(res.ns))
    seps = "\n".join(f"set arrow from {i + 0.5}, graph 0 to {i + 0.5}, graph 1 nohead lc rgb '#cccccc'"
                      for i in range(len(res.ns) - 1))
    return f"""
set title "{title}\\n{{/*0.8 median per policy; {bars_said(kinds)}}}\\n{{/*0.8 N only where measured}}"
set xlabel "N: competitors (busy loops) on the receiver's CPU"
set ylabel "{ylabel}"
set grid ytics
set xtics ({xt})
set xrange [-0.5:{len(res.ns) - 0.5}]
{seps}
set key outside right top font ',9'
set label 99 "{esc(footer(res, model))}" at screen 0.01, screen 0.015 font ',8' tc rgb '#666666'
set bmargin 5
plot {', '.join(plots)}
"""


def goodput_vs_n(res, out, model):
    body = by_n(res, out, model, "goodput_mbps", f"goodput-vs-n-{model}",
                "goodput (Mbit/s)",
                f"Goodput versus N, preempt={model}")
    if body:
        body = body.replace("set grid ytics", "set grid ytics\nset yrange [0:*]")
        return run_gnuplot(out, f"goodput-vs-n-{model}", body)


def retrans_vs_n(res, out, model):
    top = by_n(res, out, model, "retransmits", f"retrans-vs-n-{model}-r",
               "retransmits per run", f"Retransmits versus N, preempt={model}")
    bot = by_n(res, out, model, "rto", f"retrans-vs-n-{model}-t",
               "RTOs per run (TcpExt TCPTimeouts, sender)", f"RTOs versus N, preempt={model}")
    if not top or not bot:
        return None
    bot = bot.replace("set label 99", "unset label 99\nset label 98")
    body = ("set multiplot layout 2,1\nset yrange [0:*]\n" + top +
            "set yrange [-0.2:*]\n" + bot + "unset multiplot\n")
    return run_gnuplot(out, f"retrans-vs-n-{model}", body, size="1000,900")


def worstwait_vs_limit(res, out, model):
    pols = [p for p in res.policies if res.groups.get(p) == "patch"]
    limits = sorted({int(res.knobs[p][1]) for p in pols if res.knobs[p][1] not in (None, "")})
    if not pols or len(limits) < 2:
        return None
    order = [l for l in limits if l != 0] + ([0] if 0 in limits else [])
    xpos = {l: i for i, l in enumerate(order)}
    plots, k = [], 0
    for n in [n for n in res.ns if n > 0]:
        for enable in sorted({res.knobs[p][0] for p in pols}):
            for yld in sorted({res.knobs[p][2] for p in pols}):
                pts = []
                for p in pols:
                    e, l, y = res.knobs[p]
                    if e != enable or y != yld:
                        continue
                    v = res.values("hog_worst_wait_us", model, p, n)
                    if v:
                        s = tr.spread([x / 1000 for x in v])
                        pts.append((xpos[int(l)], s[0], s[1], s[2]))
                if len(pts) < 2:
                    continue
                pts.sort()
                path = os.path.join(out, "data", f"worstwait-{model}-n{n}-e{enable}-y{yld}.dat")
                with open(path, "w") as f:
                    for pt in pts:
                        f.write("%d %g %g %g\n" % pt)
                c = SERIES_COLOURS[(k + 1) % len(SERIES_COLOURS)]
                plots.append(f"'{path}' using 1:2:3:4 with yerrorlines pt 7 lw 1.5 lc rgb '{c}' "
                             f"title 'enable={enable}, yield={yld}, N={n}'")
                k += 1
            s = res.values("hog_worst_wait_us", model, "stock", n)
            if s and enable == sorted({res.knobs[p][0] for p in pols})[-1]:
                sm = tr.med(s) / 1000
                plots.append(f"{sm} with lines dt 2 lw 2 lc rgb '#000000' "
                             f"title 'stock, N={n} (median {sm:.1f} ms)'")
    if not plots:
        return None
    xt = ", ".join(f"'{l if l else 'none'}' {xpos[l]}" for l in order)
    body = f"""
set title "Competitors' worst wait versus starvation\\\\_limit, preempt={model}\\n{{/*0.8 worst wait: longest gap between two runs of any competitor in a run; median, bars: min-max}}"
set xlabel "tcp\\\\_recv\\\\_sched\\\\_starvation\\\\_limit (us; none = 0, no bound)"
set ylabel "competitors' worst wait (ms)"
set grid
set xtics ({xt})
set xrange [-0.5:{len(order) - 0.5}]
set yrange [0:*]
set key outside right top
set label 99 "{esc(footer(res, model))}" at screen 0.01, screen 0.015 font ',8' tc rgb '#666666'
set bmargin 5
plot {', '.join(plots)}
"""
    return run_gnuplot(out, f"worstwait-vs-limit-{model}", body)


def overhead(res, out, model):
    """Time per operation with enable=E against enable=0: the ratio of the
    medians paired by round, in %, with its 95% paired bootstrap interval
    (trs_results.median_ratio), the numbers docs/results.md quotes."""
    enables = sorted({r["enable"] for r in res.rows if r["model"] == model}, key=int)
    if "0" not in enables:
        return None
    plots = []
    for j, (metric, label) in enumerate((("pingpong_us_per_roundtrip", "pipe ping-pong"),
                                         ("fanout_us_per_message", "fan-out (hackbench-like)"))):
        base = {}
        for r in res.rows:
            if r["model"] == model and r["enable"] == "0" and r.get(metric):
                base[r["repeat"]] = float(r[metric])
        pts = []
        for e in enables:
            if e == "0":
                continue
            pairs = [(base[r["repeat"]], float(r[metric])) for r in res.rows
                     if r["model"] == model and r["enable"] == e and r.get(metric)
                     and r["repeat"] in base]
            m = tr.median_ratio(pairs)
            if m and m[1] is not None:
                pts.append((int(e) + (j - 0.5) * 0.25, (m[0] - 1) * 100, (m[1] - 1) * 100, (m[2] - 1) * 100))
        path = os.path.join(out, "data", f"overhead-{model}-{j}.dat")
        with open(path, "w") as f:
            f.write("# enable(+offset) change_% lo_% hi_% (ratio of medians to enable=0, paired by round, "
                    "95% bootstrap interval)\n")
            for pt in pts:
                f.write("%g %g %g %g\n" % pt)
        plots.append(f"'{path}' using 1:2:3:4 with yerrorbars pt 7 ps 1.5 lw 2 "
                     f"lc rgb '{SERIES_COLOURS[j + 1]}' title '{label}'")
    reps = len(base)
    xt = ", ".join(f"'enable={e}' {e}" for e in enables if e != "0")
    body = f"""
set title "Cost of the hook without network traffic, preempt={model}\\n{{/*0.8 time per operation, ratio of the medians to enable=0 paired by round ({reps} rounds); bars: 95% paired bootstrap interval}}"
set ylabel "change versus enable=0 (%)"
set grid
set xtics ({xt})
set xrange [0.4:{int(enables[-1]) + 0.6}]
set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#000000'
set arrow from graph 0, first 2 to graph 1, first 2 nohead dt 2 lc rgb '#888888'
set label "+2% (target bound)" at graph 0.01, first 2 offset 0,0.6 font ',9' tc rgb '#666666'
set key outside right top
set label 99 "{esc(footer(res, model))}" at screen 0.01, screen 0.015 font ',8' tc rgb '#666666'
set bmargin 5
plot {', '.join(plots)}
"""
    return run_gnuplot(out, f"overhead-{model}", body)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: plots/draw RESULTS_DIR OUT_DIR")
    res = tr.Results(sys.argv[1])
    out = os.path.abspath(sys.argv[2])  # the scripts run in OUT_DIR/data
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    made = []
    for model in res.models:
        if res.kind == "overhead":
            made.append(overhead(res, out, model))
            continue
        for n in res.ns:
            if n > 0:
                made.append(fairness(res, out, model, n))
        made.append(goodput_vs_n(res, out, model))
        made.append(worstwait_vs_limit(res, out, model))
        made.append(retrans_vs_n(res, out, model))
    made = [m for m in made if m]
    for m in made:
        print(os.path.join(out, m + ".png"))
    if not made:
        raise SystemExit("draw: nothing to draw (no rows?)")


if __name__ == "__main__":
    main()
