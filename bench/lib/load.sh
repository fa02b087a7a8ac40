# lib/load.sh - a receiver beside CPU-bound competitors (needs topology.sh).
#
# flood SECONDS N [READ_LEN] [OUT_PREFIX]
#   Runs for SECONDS: N trs-hog competitors pinned to CPU 1, an iperf3
#   receiver pinned to CPU 1 in namespace rx, an iperf3 sender pinned to
#   CPU 0 in tx, reading READ_LEN (default 128K) per call. Leaves the hogs'
#   key=value report in OUT_PREFIX.hog and the iperf3 JSON in
#   OUT_PREFIX.json (default /tmp/flood). Returns iperf3's status.
flood() {
	_secs=$1 _n=$2 _len=${3:-128K} _out=${4:-/tmp/flood}
	in_rx $TASKSET -c 1 $IPERF3 -s -1 -p 5201 > "$_out.srv" 2>&1 &
	_srv=$!
	wait_listen rx 5201 || { echo "flood: iperf3 -s does not listen" >&2; kill $_srv; return 1; }
	$TRS_BIN/trs-hog -n "$_n" -c 1 -t "$((_secs + 1))" > "$_out.hog" &
	_hog=$!
	in_tx $TASKSET -c 0 $IPERF3 -c $TOPO_RX_ADDR -p 5201 -t "$_secs" -l "$_len" -J > "$_out.json" 2>&1
	_rc=$?
	wait $_hog
	wait $_srv
	return $_rc
}

# goodput_mbps FILE: receiver goodput of an iperf3 JSON report, in Mbit/s.
goodput_mbps() {
	awk -v b="$(iperf3_json_field "$1" sum_received bits_per_second)" \
		'BEGIN { printf "%.1f", b / 1e6 }'
}

# kv FILE KEY: the value of a key=value line.
kv() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# rx_sock_state [PORT]: "rb rcv_space rcv_ssthresh bytes_received r" of the
# established receiver socket on PORT (default 5201) in namespace rx that
# has received the most bytes (the data connection, not iperf3's control);
# r is the memory its receive queue holds (skmem r, sk_rmem_alloc).
rx_sock_state() {
	in_rx $SS -tmi state established "( sport = :${1:-5201} )" | awk '
		/skmem:/ {
			rb = $0; sub(/.*skmem:\([^)]*rb/, "", rb); sub(/[^0-9].*/, "", rb)
			rm = $0; sub(/.*skmem:\(r/, "", rm); sub(/[^0-9].*/, "", rm)
			sp = "-"; th = "-"; by = 0
			if (match($0, /rcv_space:[0-9]+/)) sp = substr($0, RSTART + 10, RLENGTH - 10)
			if (match($0, /rcv_ssthresh:[0-9]+/)) th = substr($0, RSTART + 13, RLENGTH - 13)
			if (match($0, /bytes_received:[0-9]+/)) by = substr($0, RSTART + 15, RLENGTH - 15)
			if (by + 0 >= best) { best = by + 0; out = rb " " sp " " th " " by " " rm }
		}
		END { print out }'
}

# checked_stream PORT FAMILY MODE [-n]: a 3 s, 2-stream trs-stream transfer
# tx -> rx (FAMILY 4 or 6, read MODE, -n non-blocking) with the receiver
# pinned to CPU 1 beside 4 trs-hog processes. Returns the receiver's status
# (0: every byte intact); its key=value report is in /tmp/stream.out and
# "N bytes, N errors" in $stream_res.
checked_stream() {
	_addr=$TOPO_RX_ADDR _v6=""
	[ "$2" = 6 ] && { _addr=$TOPO_RX_ADDR6; _v6=-6; }
	in_rx $TASKSET -c 1 $TRS_BIN/trs-stream -s $_v6 -p "$1" -P 2 -m "$3" ${4:-} > /tmp/stream.out 2>&1 &
	_srv=$!
	wait_listen rx "$1" || { echo "checked_stream: trs-stream -s does not listen" >&2; kill $_srv; return 1; }
	$TRS_BIN/trs-hog -n 4 -c 1 -t 4 > /dev/null &
	in_tx $TASKSET -c 0 $TRS_BIN/trs-stream -c $_addr -p "$1" -P 2 -t 3
	wait $_srv; _rc=$?
	wait
	stream_res="$(kv /tmp/stream.out stream_bytes) bytes, $(kv /tmp/stream.out stream_errors) errors"
	return $_rc
}
