#!/bin/sh
# Receive-buffer autotuning of a loaded receiver on a long path (issue 8).
#
# 25 ms each way, no rate limit; the iperf3 receiver is pinned to CPU 1
# beside 16 CPU-bound trs-hog processes. A run is "stuck" when, 5 s into
# the transfer, the data socket's receive buffer is still below 4 times its
# initial size (tcp_rmem[1] = 131072) although data flowed: autotuning
# never took off. That is the state of the collapsed runs (about 12 Mbit/s,
# rb 131072-154232, against rb 6291456 in good runs).
# 1. net.ipv4.tcp_rcvq_drain_aware=0 (the unfixed code path): at least one
#    of up to ATTEMPTS runs is stuck, and TcpExt TCPRcvqLateReader counts
#    the measurements in which the queue held back a reader that kept up.
# 2. tcp_rcvq_drain_aware=1 (the fix): none of ATTEMPTS runs is stuck.
# 3. Unloaded (no hogs), with either setting, the buffer grows past 1 MB.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
. $TRS_BENCH/lib/load.sh
ATTEMPTS=${TRS_RCVBUF_ATTEMPTS:-10}
trap topo_down EXIT
topo_up 25 none 0 || { fail "topology"; tap_done; exit 1; }
init_rb=$(in_rx $SYSCTL -n net.ipv4.tcp_rmem | awk '{ print $2 }')

# attempt AWARE N: one 7 s run; sets rb, state (stuck|grown), late, mbps
attempt() {
	in_rx $SYSCTL -q -w net.ipv4.tcp_rcvq_drain_aware=$1
	late0=$(in_rx sh -c ". /trs/bench/lib/common.sh; netstat_get TCPRcvqLateReader")
	in_rx $TASKSET -c 1 $IPERF3 -s -1 -p 5201 > /dev/null 2>&1 &
	srv=$!
	sleep 0.5
	[ "$2" -gt 0 ] && $TRS_BIN/trs-hog -n "$2" -c 1 -t 9 > /dev/null &
	in_tx $TASKSET -c 0 $IPERF3 -c $TOPO_RX_ADDR -p 5201 -t 7 -J > /tmp/rcvbuf.json 2>&1 &
	cli=$!
	sleep 5.5
	set -- $(rx_sock_state 5201)
	rb=${1:-0} bytes=${4:-0}
	wait $cli; wait $srv; wait
	late=$(($(in_rx sh -c ". /trs/bench/lib/common.sh; netstat_get TCPRcvqLateReader") - late0))
	mbps=$(goodput_mbps /tmp/rcvbuf.json)
	state=grown
	[ "$rb" -lt $((4 * init_rb)) ] && [ "$bytes" -gt 0 ] && state=stuck
	diag "drain_aware=$aware N=$n: rb=$rb bytes=$bytes late_reader=$late goodput=$mbps Mbit/s: $state"
}

# 1
stuck=0 late_sum=0
for i in $(seq $ATTEMPTS); do
	aware=0 n=16
	attempt 0 16
	late_sum=$((late_sum + late))
	[ $state = stuck ] && { stuck=$((stuck + 1)); break; }
done
check "unfixed path: a stuck run within $ATTEMPTS attempts ($stuck after $i)" [ $stuck -ge 1 ]
check "unfixed path: TCPRcvqLateReader counts held-back growth ($late_sum)" [ $late_sum -gt 0 ]

# 2
stuck=0
for i in $(seq $ATTEMPTS); do
	aware=1 n=16
	attempt 1 16
	[ $state = stuck ] && stuck=$((stuck + 1))
done
check "fix: no stuck run in $ATTEMPTS attempts ($stuck)" [ $stuck = 0 ]

# 3
for a in 0 1; do
	aware=$a n=0
	attempt $a 0
	check "unloaded, drain_aware=$a: buffer grows past 1 MB (rb=$rb, $mbps Mbit/s)" [ "$rb" -gt 1048576 ]
done
tap_done
