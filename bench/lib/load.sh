# lib/load.sh - a receiver beside CPU-bound competitors (needs topology.sh).
#
# run_point PREFIX SECONDS N PORT RECEIVER...
#   The one measurement step of every guest driver and test: the receiver
#   command RECEIVER... (listening on PORT) in namespace rx, pinned to CPU 1,
#   under trs-exec (its CPU time and context switches, RP_RECV_OPTS: trs-exec
#   options such as -n NICE); once it listens (checked), N trs-hog
#   competitors on CPU 1 for SECONDS + 1 s (RP_HOG_OPTS: more trs-hog
#   options); then the sender command line RP_CLIENT in namespace tx,
#   pinned to CPU 0. While the sender runs, the command RP_DURING (if set)
#   runs in this shell and sees rp_t0 (uptime_cs at the sender's start) and
#   rp_cli (the sender's pid). With RP_CGROUP (a cgroup v2 directory) the
#   receiver joins it before it starts. The receiver gets 10 s after the
#   sender to exit, then is killed.
#   Leaves PREFIX.srv (the receiver's output), PREFIX.recv (trs-exec's
#   key=value report: recv_cpu_s, recv_nvcsw, recv_nivcsw, ...), PREFIX.hog
#   (trs-hog's report) and PREFIX.cli (the sender's output); rp_srv_rc is
#   the receiver's status (124 if it was killed). Returns the sender's
#   status, or 1 if the receiver did not listen (rp_listened=0; then
#   nothing else ran).
run_point() {
	_pfx=$1 _secs=$2 _n=$3 _port=$4
	shift 4
	rm -f "$_pfx.srv" "$_pfx.recv" "$_pfx.hog" "$_pfx.cli"
	rp_srv_rc=1 rp_listened=0
	if [ -n "${RP_CGROUP:-}" ]; then
		# join the cgroup before ip netns exec remounts /sys
		sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' rp "$RP_CGROUP" \
			$IP netns exec rx $TASKSET -c 1 $TRS_BIN/trs-exec ${RP_RECV_OPTS:-} \
			-r "$_pfx.recv" -- "$@" > "$_pfx.srv" 2>&1 &
	else
		in_rx $TASKSET -c 1 $TRS_BIN/trs-exec ${RP_RECV_OPTS:-} -r "$_pfx.recv" -- \
			"$@" > "$_pfx.srv" 2>&1 &
	fi
	_srv=$!
	# a client that comes too early fails and can leave the receiver
	# waiting for ever
	wait_listen rx "$_port" || {
		echo "run_point: the receiver ($1) does not listen on port $_port" >&2
		kill $_srv 2>/dev/null; wait $_srv; return 1
	}
	rp_listened=1
	$TRS_BIN/trs-hog -n "$_n" -c 1 -t "$((_secs + 1))" ${RP_HOG_OPTS:-} > "$_pfx.hog" &
	_hog=$!
	in_tx $TASKSET -c 0 $RP_CLIENT > "$_pfx.cli" 2>&1 &
	rp_cli=$! rp_t0=$(uptime_cs)
	[ -n "${RP_DURING:-}" ] && $RP_DURING
	wait $rp_cli
	_rc=$?
	wait $_hog
	_k=0
	while [ $_k -lt 100 ] && kill -0 $_srv 2>/dev/null; do sleep 0.1; _k=$((_k + 1)); done
	if kill -0 $_srv 2>/dev/null; then
		echo "run_point: the receiver ($1) did not exit 10 s after the sender; killed" >&2
		kill $_srv 2>/dev/null
		wait $_srv
		rp_srv_rc=124
	else
		wait $_srv
		rp_srv_rc=$?
	fi
	return $_rc
}

# reader_check READER: 0 if READER is one of the readers below, else a
# message on stderr and 1.
# reader_cmds READER SECONDS [READ_LEN]: the receiver's command line in
# $rp_recv_cmd and the matching sender's in $RP_CLIENT (port 5201), for
# run_point. READ_LEN (default 128K) is iperf3's -l. The readers:
#   iperf3       iperf3 -s / -c (goodput: its receiver sum)
#   plain        trs-stream -s, every byte checked (goodput: its stream_mbps)
#   late:USEC    trs-stream -s -d USEC: sleeps USEC after each wakeup, then
#                reads everything queued (a reader that drains every few RTTs)
#   rate:MBIT    trs-stream -s -R MBIT: reads at a fixed rate, a slow reader
#   rate:MBIT:LEN the same reading up to LEN bytes a call (default 128K)
#   work:MBIT    trs-stream -s -R MBIT -W: a slow reader paced per read (it
#                sleeps as long as each read's bytes take at MBIT, as a
#                consumer busy with what it read; rate: keeps a schedule
#                from the first read and catches up after a slow start)
#                (work:MBIT:LEN as rate:)
#   spin:MBIT    trs-stream -s -R MBIT -S: the same slow reader, but when it
#                finds no data it reads again at once instead of sleeping
#                (spin:MBIT:LEN as rate:)
#   iperf3w:SIZE iperf3 with -w SIZE: the application sets SO_RCVBUF (and
#                so turns autotuning off for its socket); the kernel caps
#                SIZE at net.core.rmem_max and doubles it
#   iperf3w:SIZE:MAX the same; the driver sets net.core.rmem_max and
#                wmem_max to MAX for the run
#   lat:MBIT     trs-lat: records offered at MBIT, their delivery latency
#                (lat_p50_us ... lat_max_us; goodput: lat_mbps)
#   lat:MBIT:RECORD the same with RECORD-byte records (default 16384)
# reader_goodput READER PREFIX: the goodput in Mbit/s of a run_point run of
# READER whose files start with PREFIX.
reader_check() {
	case $1 in
	iperf3|plain|late:[0-9]*|rate:[0-9]*|rate:[0-9]*:[0-9]*|spin:[0-9]*|spin:[0-9]*:[0-9]*|work:[0-9]*|work:[0-9]*:[0-9]*|iperf3w:[0-9]*|iperf3w:[0-9]*:[0-9]*|lat:[0-9]*|lat:[0-9]*:[0-9]*) ;;
	*) echo "reader: '$1' is not iperf3, plain, late:USEC, rate:MBIT, work:MBIT, spin:MBIT, iperf3w:SIZE[:MAX] or lat:MBIT[:RECORD]" >&2; return 1 ;;
	esac
}

reader_cmds() {
	_r=${1#*:} _o= _l=${3:-128K}
	case $1 in
	iperf3) rp_recv_cmd="$IPERF3 -s -1 -p 5201"
		RP_CLIENT="$IPERF3 -c $TOPO_RX_ADDR -p 5201 -t $2 -l $_l -J" ;;
	iperf3w:*) rp_recv_cmd="$IPERF3 -s -1 -p 5201"
		RP_CLIENT="$IPERF3 -c $TOPO_RX_ADDR -p 5201 -t $2 -w ${_r%%:*} -J" ;;
	lat:*) _o=
		case $_r in *:*) _o="-r ${_r#*:}" ;; esac
		rp_recv_cmd="$TRS_BIN/trs-lat -s -p 5201"
		RP_CLIENT="$TRS_BIN/trs-lat -c $TOPO_RX_ADDR -p 5201 -t $2 -R ${_r%%:*} $_o" ;;
	*)	case $1 in
		plain) rp_recv_cmd="$TRS_BIN/trs-stream -s -p 5201" ;;
		late:*) rp_recv_cmd="$TRS_BIN/trs-stream -s -p 5201 -d $_r" ;;
		*)	case $1 in spin:*) _o=-S ;; work:*) _o=-W ;; esac
			case $_r in *:*) _o="$_o -l ${_r#*:}" ;; esac
			rp_recv_cmd="$TRS_BIN/trs-stream -s $_o -p 5201 -R ${_r%%:*}" ;;
		esac
		RP_CLIENT="$TRS_BIN/trs-stream -c $TOPO_RX_ADDR -p 5201 -t $2" ;;
	esac
}

reader_goodput() {
	case $1 in
	iperf3*) goodput_mbps "$2.cli" ;;
	lat:*) kv "$2.srv" lat_mbps ;;
	*) kv "$2.srv" stream_mbps ;;
	esac
}

# flood SECONDS N [READ_LEN] [OUT_PREFIX]
#   run_point with an iperf3 receiver and sender (port 5201) reading
#   READ_LEN (default 128K) per call. Leaves the hogs' key=value report in
#   OUT_PREFIX.hog and the iperf3 JSON in OUT_PREFIX.json (default
#   /tmp/flood). Returns iperf3's status.
flood() {
	_out=${4:-/tmp/flood}
	RP_CLIENT="$IPERF3 -c $TOPO_RX_ADDR -p 5201 -t $1 -l ${3:-128K} -J" \
		run_point "$_out" "$1" "$2" 5201 $IPERF3 -s -1 -p 5201
	_rc=$?
	mv "$_out.cli" "$_out.json" 2>/dev/null
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
# pinned to CPU 1 beside 4 trs-hog processes (run_point). Returns the
# receiver's status (0: every byte intact); its key=value report is in
# /tmp/stream.srv and "N bytes, N errors" in $stream_res.
checked_stream() {
	_addr=$TOPO_RX_ADDR _v6=""
	[ "$2" = 6 ] && { _addr=$TOPO_RX_ADDR6; _v6=-6; }
	RP_CLIENT="$TRS_BIN/trs-stream -c $_addr -p $1 -P 2 -t 3" \
		run_point /tmp/stream 3 4 "$1" $TRS_BIN/trs-stream -s $_v6 -p "$1" -P 2 -m "$3" ${4:-}
	_rc=$rp_srv_rc
	stream_res="$(kv /tmp/stream.srv stream_bytes) bytes, $(kv /tmp/stream.srv stream_errors) errors"
	return $_rc
}
