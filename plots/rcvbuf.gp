# rcvbuf.gp - goodput of every run, 6.12 as shipped vs the fix, per point.
# Called by plots/rcvbuf-analyze with term, out, dat, xlabels, nx set.
set terminal @term noenhanced font "sans,11"
set output out
set title "Loaded receiver, 50 ms RTT: goodput of each run (one dot per run)"
set ylabel "goodput (Mbit/s)"
set xrange [-0.5:nx]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set grid ytics
eval "set xtics (" . xlabels . ")"
set key top left
plot dat using ($3 == 0 ? $7 : 1/0):5 with points pt 7 ps 0.8 lc rgb "#c0392b" title "tcp_rcvq_drain_aware=0 (6.12 as shipped)", \
     dat using ($3 == 1 ? $7 : 1/0):5 with points pt 5 ps 0.8 lc rgb "#2471a3" title "tcp_rcvq_drain_aware=1 (fix)"
