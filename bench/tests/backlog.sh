#!/bin/sh
# Backlog episodes are accounted (patch "tcp: account socket backlog episodes").
#
# Flooded receiver (1 ms each way, no rate limit) pinned to CPU 1, sender
# on CPU 0; counters are read in the receiver's namespace (rx).
# 1. TcpExt has the six counters (TCPBacklogEpisodes, ParkedPkts,
#    ParkedBytes, ParkedUsecs, PreemptedEpisodes, PreemptedUsecs).
# 2. No competitors, 128 KB reads, 6 s: episodes, packets, bytes and usecs
#    all move; every episode parks at least one packet (pkts >= episodes);
#    parked packets are a subset of received ones (pkts <= Tcp InSegs);
#    parked bytes <= bytes received (+ 1 MB for the control connection);
#    the mean park time is > 0 and below 1 s.
# 3. Beside 4 CPU-bound trs-hog processes on CPU 1, 1 MB reads, 6 s (up to
#    3 runs): the owner is off the CPU during some episodes
#    (PreemptedEpisodes > 0, <= Episodes, PreemptedUsecs <= ParkedUsecs), and
#    a preempted episode lasts longer on average than one whose owner kept
#    running (it waits for the hogs' slices; the other only for a copy).
# 4. Tracepoint tcp:tcp_backlog_drain, 4 hogs, 3 s, 16 MB trace buffer:
#    it fires; with no buffer overrun its events for the receiver's port
#    5201 are exactly the rx namespace's episodes (count, packets, bytes,
#    preempted count), else at most as many. A log2 histogram of
#    duration_ns is printed as diagnostics.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
. $TRS_BENCH/lib/load.sh
. $TRS_BENCH/lib/measure.sh
T=/sys/kernel/tracing
EV=$T/events/tcp/tcp_backlog_drain
trap 'echo 0 > $EV/enable 2>/dev/null; topo_down' EXIT

topo_up 1 none 0 || { fail "topology"; tap_done; exit 1; }
CNT="TCPBacklogEpisodes TCPBacklogParkedPkts TCPBacklogParkedBytes TCPBacklogParkedUsecs"
CNT="$CNT TCPBacklogPreemptedEpisodes TCPBacklogPreemptedUsecs"

# insegs: Tcp InSegs of namespace rx
insegs() {
	in_rx awk '$1 == "Tcp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		print $c["InSegs"] }' /proc/net/snmp
}

# run N LEN SECS: one flood; sets ep pk by us pep pus (counter deltas in
# rx), ins (InSegs delta), rcvd (iperf3 bytes received), mbps
run() {
	netstat_snap rx /tmp/bl.old; i0=$(insegs)
	flood "$3" "$1" "$2" /tmp/backlog
	netstat_snap rx /tmp/bl.new; ins=$(($(insegs) - i0))
	netstat_delta /tmp/bl.old /tmp/bl.new "" $CNT > /tmp/bl.delta
	ep=$(kv /tmp/bl.delta TCPBacklogEpisodes); pk=$(kv /tmp/bl.delta TCPBacklogParkedPkts)
	by=$(kv /tmp/bl.delta TCPBacklogParkedBytes); us=$(kv /tmp/bl.delta TCPBacklogParkedUsecs)
	pep=$(kv /tmp/bl.delta TCPBacklogPreemptedEpisodes)
	pus=$(kv /tmp/bl.delta TCPBacklogPreemptedUsecs)
	rcvd=$(iperf3_json_field /tmp/backlog.json sum_received bytes | tr -d ' \t')
	mbps=$(goodput_mbps /tmp/backlog.json)
	mean=$(awk -v u="${us:-0}" -v e="${ep:-0}" 'BEGIN { printf "%.1f", e ? u / e : 0 }')
	diag "N=$1 len=$2: episodes=$ep pkts=$pk bytes=$by usecs=$us preempted=$pep/${pus}us" \
		"insegs=$ins received=$rcvd mean=${mean}us goodput=$mbps Mbit/s"
}

# 1
netstat_snap rx /tmp/bl.old
missing=""
for c in $CNT; do grep -qw "$c" /tmp/bl.old || missing="$missing $c"; done
check "TcpExt has the backlog counters${missing:+ (missing:$missing)}" [ -z "$missing" ]
[ -z "$missing" ] || { tap_done; exit 1; }

# 2
run 0 128K 6
check "unloaded: episodes counted ($ep)" [ "$ep" -gt 0 ]
check "unloaded: packets, bytes and usecs move ($pk, $by, $us)" \
	[ "$pk" -gt 0 -a "$by" -gt 0 -a "$us" -gt 0 ]
check "unloaded: each episode parks a packet ($pk >= $ep)" [ "$pk" -ge "$ep" ]
check "unloaded: parked packets within received ($pk <= InSegs $ins)" [ "$pk" -le "$ins" ]
check "unloaded: parked bytes within received ($by <= $rcvd + 1 MB)" \
	[ "$by" -le $((rcvd + 1048576)) ]
check "unloaded: mean park time in (0, 1 s) (${mean} us)" fge "$mean" 0.001
check "unloaded: mean park time below 1 s" fle "$mean" 1000000

# 3
for try in 1 2 3; do
	run 4 1M 6
	[ "$pep" -gt 0 ] && break
done
check "4 hogs: preempted episodes happen ($pep of $ep, try $try)" [ "$pep" -gt 0 ]
check "4 hogs: preempted within totals ($pep <= $ep, $pus <= $us us)" \
	[ "$pep" -le "$ep" -a "$pus" -le "$us" ]
pm=$(awk -v u="$pus" -v e="$pep" 'BEGIN { printf "%.1f", e ? u / e : 0 }')
rm_=$(awk -v u="$((us - pus))" -v e="$((ep - pep))" 'BEGIN { printf "%.1f", e ? u / e : 0 }')
check "4 hogs: preempted episodes last longer (mean $pm us vs $rm_ us running)" \
	awk -v a="$pm" -v b="$rm_" 'BEGIN { exit !(a > b) }'

# 4
if [ ! -d $EV ]; then
	fail "tracepoint tcp:tcp_backlog_drain exists in $T"
else
	echo 0 > $T/tracing_on; echo > $T/trace
	trace_no_cmdline_probes
	echo 16384 > $T/buffer_size_kb
	echo 1 > $EV/enable; echo 1 > $T/tracing_on
	run 4 1M 3
	echo 0 > $T/tracing_on; echo 0 > $EV/enable
	over=$(cat $T/per_cpu/cpu*/stats | awk '/^overrun:/ { s += $2 } END { print s + 0 }')
	grep 'tcp_backlog_drain:' $T/trace > /tmp/bl.trace
	echo > $T/trace; echo 1 > $T/tracing_on	# as found, for the tests after this one
	all=$(wc -l < /tmp/bl.trace)
	set -- $(awk '/ sport=5201 / {
		n++; for (i = 1; i <= NF; i++) { split($i, kv, "=")
			if (kv[1] == "packets") p += kv[2]; if (kv[1] == "bytes") b += kv[2]
			if (kv[1] == "preempted") q += kv[2] } }
		END { print n + 0, p + 0, b + 0, q + 0 }' /tmp/bl.trace)
	tn=$1 tp=$2 tb=$3 tq=$4
	check "tracepoint fires ($all events, $tn for port 5201)" [ "$tn" -gt 0 ]
	if [ "$over" = 0 ]; then
		check "trace matches counters: episodes $tn=$ep packets $tp=$pk bytes $tb=$by preempted $tq=$pep" \
			[ "$tn" = "$ep" -a "$tp" = "$pk" -a "$tb" = "$by" -a "$tq" = "$pep" ]
	else
		check "trace within counters ($over overruns): episodes $tn <= $ep" [ "$tn" -le "$ep" ]
	fi
	diag "duration_ns histogram (log2 buckets, port 5201): bucket count [preempted]"
	awk '/ sport=5201 / { for (i = 1; i <= NF; i++) { split($i, kv, "=")
			if (kv[1] == "duration_ns") d = kv[2]; if (kv[1] == "preempted") q = kv[2] }
		b = 0; while (d >= 2) { d /= 2; b++ }; h[b]++; if (q) hq[b]++
		if (b > max) max = b; if (!seen || b < min) { min = b; seen = 1 } }
		END { for (b = min; b <= max; b++) printf "# 2^%d ns: %d [%d]\n", b, h[b], hq[b] }' /tmp/bl.trace
fi
tap_done
