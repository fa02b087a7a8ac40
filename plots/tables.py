#!/usr/bin/env python3
"""plots/tables.py RESULTS_DIR - markdown tables of a results folder, on stdout.

net experiments, per preemption model: goodput (Mbit/s) per policy and N;
then, per N > 0, one table per policy with goodput relative to the unloaded
goodput, competitors' CPU share relative to stock, receiver CPU share,
competitors' worst wait, retransmits, RTOs, TCPBacklogDrop and the patch's
grants. Every cell: median [min-max] over the runs, with the run count.
overhead experiments: per model and benchmark, the time per operation per
enable value and the change versus enable=0 paired by round.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trs_results as tr  # noqa: E402


def provenance(res):
    m = res.meta
    lines = [f"Results folder `{os.path.basename(res.dir)}`, experiment `{res.name}`, run {m.get('date', '?')}.",
             "",
             "| | |", "|---|---|"]
    for model in res.models:
        lines.append(f"| kernel (preempt={model}) | {m.get(f'{model}_kernel_release', '?')}, "
                     f"`{m.get(f'{model}_cmdline', '?').strip()}` |")
    lines += [
        f"| accelerator | {m.get('accel', '?')} |",
        f"| series | sha256 {m.get('series_sha256_16', '?')} (kernel-patch/6.12, "
        f"{m.get('series_dirty', '?')} uncommitted paths), build stamp {m.get('kernel_build_stamp', '?')[:16]} |",
        f"| commit | {m.get('repo_commit', '?')} ({m.get('repo_dirty_paths', '?')} uncommitted paths in the tree) |",
        f"| machine | {m.get('host_cpu_model', '?')}, {m.get('host_cpus', '?')} CPUs, host kernel {m.get('host_kernel', '?')}; "
        f"guest CPU {m.get(res.models[0] + '_guest_cpu_model', '?') if res.models else '?'} |",
    ]
    e = res.exp
    if res.kind == "net":
        lines.append(f"| testbed | {e.get('delay_ms', '10')} ms each way, rate {e.get('rate', '1gbit')}, "
                     f"loss {e.get('loss', '0')}%, iperf3 -l {e.get('read_len', '128K')}, "
                     f"{e.get('seconds', '10')} s runs, {tr.exp_rounds(e, '3')} interleaved rounds |")
    return "\n".join(lines) + "\n"


def net_tables(res):
    out = [provenance(res)]
    for model in res.models:
        base = tr.med(res.values("goodput_mbps", model, "stock", 0))
        out.append(f"\n### preempt={model}: goodput (Mbit/s), median [min–max]\n")
        ns = res.ns
        out.append("| policy | " + " | ".join(f"N={n}" for n in ns) + " |")
        out.append("|---|" + "---|" * len(ns))
        for p in res.policies:
            cells = [tr.fmt(tr.spread(res.values("goodput_mbps", model, p, n))) for n in ns]
            if all(c == "—" for c in cells):
                continue
            out.append(f"| {p} | " + " | ".join(cells) + " |")
        for n in [n for n in ns if n > 0]:
            stock_share = tr.med(res.values("hog_cpu_share", model, "stock", n))
            out.append(f"\n### preempt={model}, N={n}: every metric, median [min–max] (runs)\n")
            out.append("goodput and competitors' share relative to stock as in the charts; "
                       f"unloaded goodput {base:.0f} Mbit/s (stock, N=0)." if base else "")
            out.append("")
            out.append("| policy | runs | goodput / unloaded (%) | competitors' share / stock (%) | "
                       "competitors' CPU share (%) | receiver CPU share (%) | competitors' worst wait (ms) | "
                       "retransmits | RTOs | TCPBacklogDrop | grants | limit hits |")
            out.append("|---|" + "---|" * 11)
            for p in res.policies:
                g = res.values("goodput_mbps", model, p, n)
                if not g:
                    continue
                hs = res.values("hog_cpu_share", model, p, n)
                row = [p, str(len(g)),
                       tr.fmt(tr.spread([v / base for v in g]), 0, 100) if base else "—",
                       tr.fmt(tr.spread([v / stock_share for v in hs]), 0, 100) if stock_share else "—",
                       tr.fmt(tr.spread(hs), 1, 100),
                       tr.fmt(tr.spread(res.values("recv_cpu_share", model, p, n)), 1, 100),
                       tr.fmt(tr.spread(res.values("hog_worst_wait_us", model, p, n)), 1, 0.001),
                       tr.fmt(tr.spread(res.values("retransmits", model, p, n))),
                       tr.fmt(tr.spread(res.values("rto", model, p, n))),
                       tr.fmt(tr.spread(res.values("rx_TCPBacklogDrop", model, p, n))),
                       tr.fmt(tr.spread(res.values("d_TCPRecvSchedGrants", model, p, n))),
                       tr.fmt(tr.spread(res.values("d_TCPRecvSchedLimitHits", model, p, n)))]
                out.append("| " + " | ".join(row) + " |")
        extra = sorted({k for r in res.rows for k in r
                        if (k.startswith("rx_") or k.startswith("init_"))
                        and k not in ("rx_TCPBacklogDrop",)})
        if extra:
            out.append(f"\n### preempt={model}: other counter deltas per run, median [min–max]\n")
            out.append("| policy | N | " + " | ".join(extra) + " |")
            out.append("|---|---|" + "---|" * len(extra))
            for n in ns:
                for p in res.policies:
                    if not res.values("goodput_mbps", model, p, n):
                        continue
                    out.append(f"| {p} | {n} | " + " | ".join(
                        tr.fmt(tr.spread(res.values(k, model, p, n))) for k in extra) + " |")
    return "\n".join(out) + "\n"


def overhead_tables(res):
    out = [provenance(res)]
    for model in res.models:
        enables = sorted({r["enable"] for r in res.rows if r["model"] == model}, key=int)
        out.append(f"\n### preempt={model}: time per operation, median [min–max]; "
                   "change versus enable=0 in the same round\n")
        out.append("| benchmark | enable | rounds | time (us) | change vs enable=0 (%) |")
        out.append("|---|---|---|---|---|")
        for metric, label in (("pingpong_us_per_roundtrip", "pipe ping-pong (us per round trip)"),
                              ("fanout_us_per_message", "fan-out (us per message)")):
            base = {r["repeat"]: float(r[metric]) for r in res.rows
                    if r["model"] == model and r["enable"] == "0" and r.get(metric)}
            for e in enables:
                vals = [float(r[metric]) for r in res.rows
                        if r["model"] == model and r["enable"] == e and r.get(metric)]
                ratios = [float(r[metric]) / base[r["repeat"]] * 100 - 100 for r in res.rows
                          if r["model"] == model and r["enable"] == e and r.get(metric)
                          and r["repeat"] in base]
                ch = "—" if e == "0" else tr.fmt(tr.spread(ratios), 1)
                out.append(f"| {label} | {e} | {len(vals)} | {tr.fmt(tr.spread(vals), 2)} | {ch} |")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: plots/tables RESULTS_DIR")
    res = tr.Results(sys.argv[1])
    sys.stdout.write(overhead_tables(res) if res.kind == "overhead" else net_tables(res))


if __name__ == "__main__":
    main()
