#!/bin/sh
# tcp-recv-sched flows against real flows on the 50 ms path (issue 8).
#
# `flows` (sysctl-tool, tcp-recv-sched(8)) flags established TCP sockets
# whose receive-buffer autotuning is frozen at tcp_rmem[1] although the
# application keeps its queue drained, from stock sock_diag data only.
# Here it runs in the receiver's namespace, 25 ms each way, no rate limit.
# The late reader is trs-stream -d 10000 (it sleeps 10 ms before reading
# what is queued: a receiver woken late), 4 streams per transfer. Whether
# one is trapped is not deterministic (about 1 in 3 unfixed runs stays
# trapped, rcvbuf.sh and repro.sh), so the unfixed path gets up to 3
# transfers, 12 flows, and must flag one.
# 1. drain_aware=0 (the code as shipped in 6.12.35+), late readers: by the
#    3rd transfer at least one flow is judged trapped by `flows --check`
#    4.5 s into a 12 s transfer; every flagged flow has rb = tcp_rmem[1]
#    (the tool's, and ss's just before the call: it only grows), growth was withheld from a reader that had
#    drained (TCPRcvqLateReader), --check exits 3 exactly when a flow is
#    trapped, and `--trapped` right after lists only trapped flows. 0.4 s in, with less
#    than min_bytes received, no flow is flagged and those are "short".
# 2. drain_aware=1 (the fix), late readers, 2 transfers: nothing flagged,
#    all 8 flows listed.
# 3. iperf3 at 1 Mbit/s: its control connection (established, no data for
#    seconds) is "idle", the data connection (under 1 MB) "short"; neither
#    flagged. `flows -j` (the option after the command) prints an object
#    whose every line has the keys and shape of tcp-recv-sched(8), checked
#    with awk (no python in the guest).
# 4. A slow reader (trs-stream -R 6 -l 16K: 6 Mbit/s in 16 KB reads; its
#    queue stays full), 2 streams, on both settings, 6.5 s in (over
#    min_bytes): judged (slow-reader, limited or ok) and never flagged.
# Every invocation of the tool exits 0 (3 with --check and a trapped flow).
# A kernel without the switch (the upstream fix alone) runs 2-4 only.
# Transfers: up to 3 x 12 + 2 x 7 + 5 + 2 x 8 s.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
. $TRS_BENCH/lib/load.sh
T=$TRS_BIN/tcp-recv-sched
OUT=/tmp/flows.json
trap topo_down EXIT
topo_up 25 none 0 || { fail "topology"; tap_done; exit 1; }
init_rb=$(in_rx $SYSCTL -n net.ipv4.tcp_rmem | awk '{ print $2 }')
min_bytes=$((32 * init_rb))
port=5600
switch=yes
[ -e /proc/sys/net/ipv4/tcp_rcvq_drain_aware ] || switch=""
diag "kernel $(uname -r), tcp_rmem[1]=$init_rb, $([ -n "$switch" ] && echo "switch tcp_rcvq_drain_aware" || echo "no switch: the upstream fix alone")"

# flows_rx ARGS...: `-j flows ARGS` in the receiver's namespace into $OUT;
# its status in $frc, counted in $tool_bad unless 0 or 3
tool_bad=0
flows_rx() {
	_c0=$(uptime_cs)
	in_rx $T -j flows "$@" > $OUT 2> $OUT.err
	frc=$?
	diag "flows $*: $(( $(uptime_cs) - _c0 ))0 ms, from $(( _c0 - ${t0:-$_c0} ))0 ms after the sender started"
	[ $frc = 0 ] || [ $frc = 3 ] || {
		tool_bad=$((tool_bad + 1))
		diag "flows $* exited $frc: $(cat $OUT.err)"
	}
}
# The flow objects of $OUT, one a line; jget LINE KEY: a value of one.
flow_lines() { grep '^{"local_addr"' $OUT; }
jget() { echo "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
nflows() { flow_lines | wc -l; }
nverdict() { flow_lines | grep -c "\"verdict\":\"$1\""; }
# verdicts: "verdict rb bytes r_min fill" of each flow, for diag lines
verdicts() {
	flow_lines | while read -r _l; do
		printf '%s(rb=%s bytes=%s r_min=%s %s Mbit/s fill=%s%%) ' \
			"$(jget "$_l" verdict)" "$(jget "$_l" rb)" \
			"$(jget "$_l" bytes_received)" "$(jget "$_l" r_min)" \
			"$(jget "$_l" mbps)" "$(jget "$_l" fill_pct)"
	done
}
# ss_snap FILE: every established connection on $port, one a line (ss -O);
# ss_rb FILE PEER_PORT: sk_rcvbuf of the connection $port <- PEER_PORT in it
ss_snap() { in_rx $SS -tnmiO state established "( sport = :$port )" > "$1"; }
ss_rb() {
	grep -E ":$2[[:space:]]" "$1" | sed -n 's/.*skmem:([^)]*rb\([0-9]*\).*/\1/p'
}

# start AWARE SECONDS STREAMS SERVER_OPTS...: trs-stream on a new $port,
# STREAMS connections from tx for SECONDS; AWARE is tcp_rcvq_drain_aware
start() {
	[ -z "$switch" ] || in_rx $SYSCTL -q -w net.ipv4.tcp_rcvq_drain_aware=$1
	_secs=$2 _n=$3
	shift 3
	port=$((port + 1))
	in_rx $TRS_BIN/trs-stream -s -p $port -P $_n "$@" > /tmp/flows-srv.out 2>&1 &
	srv=$!
	wait_listen rx $port
	in_tx $TRS_BIN/trs-stream -c $TOPO_RX_ADDR -p $port -P $_n -t $_secs &
	cli=$!
	t0=$(uptime_cs)
}
# at SECONDS: sleep until SECONDS after the client started
at() {
	sleep "$(awk -v t0=$t0 -v now=$(uptime_cs) -v s=$1 \
		'BEGIN { d = s - (now - t0) / 100; print (d > 0 ? d : 0) }')"
}
finish() { wait $cli; wait $srv; }
# transfer LABEL AWARE SECONDS STREAMS AT SERVER_OPTS...: one transfer
# (start's arguments) judged by `flows --check` AT seconds in; adds its
# flows to $t_listed, the flagged ones (and a --check status not 0) to
# $t_flagged, those not judged (new, idle, short, off) to $t_unjudged
transfer() {
	_label=$1 _aware=$2 _secs=$3 _streams=$4 _at=$5
	shift 5
	start $_aware $_secs $_streams "$@"
	at $_at
	flows_rx --check --port $port
	diag "$_label, $_at s (flows exit $frc): $(verdicts)"
	t_flagged=$((t_flagged + $(nverdict trapped)))
	[ $frc = 0 ] || t_flagged=$((t_flagged + 1))
	t_listed=$((t_listed + $(nflows)))
	t_unjudged=$((t_unjudged + $(flow_lines | grep -Ec '"verdict":"(new|idle|short|off)"')))
	finish
}

# 1
if [ -n "$switch" ]; then
	tries=0 flagged=0 bad_rb=0 bad_rc=0 unwithheld=0 early_bad=0
	while [ $tries -lt 3 ] && [ $flagged = 0 ]; do
		tries=$((tries + 1))
		late0=$(rx_counter TCPRcvqLateReader)
		start 0 12 4 -d 10000
		at 0.4
		flows_rx --port $port
		diag "unfixed $tries, 0.4 s: $(verdicts)"
		[ "$(nverdict trapped)" = 0 ] || early_bad=$((early_bad + 1))
		flow_lines | while read -r l; do
			[ "$(jget "$l" bytes_received)" -ge $min_bytes ] ||
				[ "$(jget "$l" verdict)" = short ] || echo bad
		done | grep -q bad && early_bad=$((early_bad + 1))
		at 4.5
		# one call judges: under TCG a call takes a second or more, and
		# a second call would see the flows later, or closed. ss reads
		# sk_rcvbuf just before it: autotuning only raises it, so a flow
		# the tool finds at tcp_rmem[1] was there then too. Read after
		# the call, a flagged flow may have left it meanwhile (a trapped
		# reader can escape later; the CI run of 2026-12-07 saw one).
		ss_snap /tmp/flows-ss.before
		flows_rx --check --port $port
		ss_snap /tmp/flows-ss.after
		diag "unfixed $tries, 4.5 s (flows exit $frc): $(verdicts)"
		n=$(nverdict trapped)
		{ [ $n -gt 0 ] && [ $frc = 3 ]; } || { [ $n = 0 ] && [ $frc = 0 ]; } ||
			bad_rc=$((bad_rc + 1))
		[ "$(sed -n 's/.*"trapped_flows":\([0-9]*\).*/\1/p' $OUT)" = $n ] ||
			bad_rc=$((bad_rc + 1))
		for peer in $(flow_lines | grep '"verdict":"trapped"' | sed -n 's/.*"peer_port":\([0-9]*\).*/\1/p'); do
			l=$(flow_lines | grep "\"peer_port\":$peer,")
			srb=$(ss_rb /tmp/flows-ss.before $peer)
			diag "unfixed $tries: flagged $peer: rb=$(jget "$l" rb), ss rb=$srb just before, $(ss_rb /tmp/flows-ss.after $peer) just after"
			[ "$(jget "$l" rb)" = $init_rb ] && [ "$srb" = $init_rb ] ||
				bad_rb=$((bad_rb + 1))
		done
		# --trapped lists nothing but trapped flows
		flows_rx --trapped --port $port
		[ "$(nflows)" = "$(nverdict trapped)" ] || bad_rc=$((bad_rc + 1))
		finish
		late=$(($(rx_counter TCPRcvqLateReader) - late0))
		diag "unfixed $tries: $n of 4 flagged trapped, $late measurements withheld growth from a drained reader"
		[ $n = 0 ] || [ $late -gt 0 ] || unwithheld=$((unwithheld + 1))
		flagged=$((flagged + n))
	done
	check "unfixed path (drain_aware=0): $flagged late readers flagged trapped by transfer $tries of up to 3" \
		[ $flagged -gt 0 ]
	check "every flagged flow has rb = tcp_rmem[1] = $init_rb, in the tool's dump and in ss just before it ($bad_rb not)" \
		[ $bad_rb = 0 ]
	check "--check exits 3 exactly when a flow is trapped, trapped_flows counts them, --trapped lists only those ($bad_rc mismatches)" \
		[ $bad_rc = 0 ]
	check "growth withheld from a drained reader (TCPRcvqLateReader) wherever a flow is flagged ($unwithheld transfers without)" \
		[ $unwithheld = 0 ]
	check "0.4 s in, under $min_bytes bytes: nothing flagged, the flows short ($early_bad transfers not)" \
		[ $early_bad = 0 ]
fi

# 2
t_flagged=0 t_listed=0 t_unjudged=0
for i in 1 2; do
	transfer "fix $i" 1 7 4 4.5 -d 10000
done
check "fix (drain_aware=1): no late reader flagged in 2 transfers ($t_flagged)" [ $t_flagged = 0 ]
check "fix: all 8 flows listed and judged past min_bytes ($t_listed listed, $t_unjudged not judged)" \
	[ $t_listed = 8 -a $t_unjudged = 0 ]

# 3
port=$((port + 1))
in_rx $IPERF3 -s -1 -p $port > /tmp/flows-iperf3.out 2>&1 &
srv=$!
wait_listen rx $port
in_tx $IPERF3 -c $TOPO_RX_ADDR -p $port -t 5 -b 1M -l 8K > /dev/null 2>&1 &
cli=$!
t0=$(uptime_cs)
at 3.5
in_rx $T flows -j --port $port > $OUT 2> $OUT.err
frc=$?
diag "iperf3 1 Mbit/s, 3.5 s (flows exit $frc): $(verdicts)"
check "an idle connection (iperf3's control) is idle, not flagged" \
	[ $frc = 0 -a "$(nverdict idle)" = 1 -a "$(nverdict trapped)" = 0 ]
short_ok() {
	_l=$(flow_lines | grep '"verdict":"short"')
	[ "$(nverdict short)" = 1 ] && [ "$(jget "$_l" bytes_received)" -lt 1000000 ] &&
		[ "$(jget "$_l" bytes_received)" -gt 0 ]
}
check "a short flow (1 Mbit/s, under 1 MB received) is short, not flagged" short_ok
# json_shape N: $OUT is a flows -j object with N flows, each on a line
json_shape() {
	awk -v n="$1" '
	NR == 1 {
		if ($0 !~ /^[{]"moderate_rcvbuf":[01],"tcp_rmem":[[][0-9]+,[0-9]+,[0-9]+[]],"min_bytes":[0-9]+,"min_fill_pct":[0-9]+,"samples":5,"interval_ms":200,"trapped_flows":[0-9]+,"flows":[[]$/)
			bad = 1
		next
	}
	/^[]][}]$/ { last = NR; next }
	{
		flows++
		if ($0 !~ /^[{]"local_addr":"[0-9a-f.:]+","local_port":[0-9]+,"peer_addr":"[0-9a-f.:]+","peer_port":[0-9]+,"cookie":[0-9]+,"rb":[0-9]+,"r":[0-9]+,"r_min":[0-9]+,"rcv_space":[0-9]+,"rcv_ssthresh":[0-9]+,"bytes_received":[0-9]+,"rcv_rtt_us":[0-9]+,"min_rtt_us":[0-9]+,"last_data_recv_ms":[0-9]+,"samples":[0-9]+,"mbps":([0-9]+[.][0-9]|null),"fill_pct":([0-9]+|null),"verdict":"[a-z-]+","trapped":(true|false)[}],?$/)
			bad = 1
		if ((flows < n) != ($0 ~ /,$/))
			bad = 1
	}
	END { exit bad || flows != n || last != NR }' $OUT
}
check "flows -j: an object, its rules, 2 flow objects of the documented keys, one a line" json_shape 2
check "flows -j: \"trapped\":false exactly where the verdict is not trapped" \
	[ "$(flow_lines | grep -c '"trapped":false}')" = "$(($(nflows) - $(nverdict trapped)))" ]
wait $cli
wait $srv

# 4
t_flagged=0 t_listed=0 t_unjudged=0
settings="0 1"
[ -n "$switch" ] || settings=1
for aware in $settings; do
	transfer "slow reader 6 Mbit/s, drain_aware=$aware" $aware 8 2 6.5 -R 6 -l 16K
done
check "slow reader (queue full): never flagged, on drain_aware=$settings ($t_flagged)" [ $t_flagged = 0 ]
check "slow reader: all its flows listed and judged past min_bytes ($t_listed listed, $t_unjudged not judged)" \
	[ $t_listed = $((2 * $(echo $settings | wc -w))) -a $t_unjudged = 0 ]

check "every flows invocation exited 0, or 3 with --check and a trapped flow ($tool_bad did not)" [ $tool_bad = 0 ]
tap_done
