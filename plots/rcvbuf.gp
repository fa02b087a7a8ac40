# rcvbuf.gp - goodput of every run per setting (tcp_rcvq_drain_aware, and
# tcp_recv_sched_enable when the sweep varied it), per point.
# Called by plots/rcvbuf-analyze with term, out, dat, xlabels, nx, ttl and
# plotcmd (one "dat using ..." clause per setting) set.
set terminal @term noenhanced font "sans,11"
set output out
set title ttl
set ylabel "goodput (Mbit/s)"
set xrange [-0.5:nx]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set grid ytics
eval "set xtics (" . xlabels . ")"
set key below
eval "plot " . plotcmd
