#!/bin/sh
# repro-rcvbuf-collapse.sh - reproduce the frozen receive-buffer autotuning of
# a loaded TCP receiver on a long path.
#
# The bug: since "tcp: add receive queue awareness in tcp_rcv_space_adjust()"
# (ea33537d8292, mainline 6.16, stable 6.12.35+), tcp_rcv_space_adjust()
# subtracts the bytes still queued (copied -= inq) before deciding to grow
# sk_rcvbuf. A receiver that shares its CPU with busy tasks is woken late, finds
# a whole RTT's burst queued, and at its measurement the queued burst cancels
# the copied one: sk_rcvbuf can stay at tcp_rmem[1] (131072) for the whole
# transfer, and the flow runs at about 12 Mbit/s on a 50 ms path instead of
# hundreds. Whether a given flow gets trapped is random (a trap entered in the
# first RTTs); so the script runs several transfers and counts.
#
# What it does: two network namespaces joined by a veth pair (198.51.100.1
# sender, 198.51.100.2 receiver), netem delay RTT/2 on both egress sides
# (optionally a rate on the data direction), an iperf3 server in the receiver
# namespace pinned to one CPU beside N CPU-bound busy loops pinned to the same
# CPU, the iperf3 client on another CPU. Every interval it samples the
# receiver's data socket with `ss -tmi` (the connection with most
# bytes_received; the other is iperf3's control connection): skmem rb
# (sk_rcvbuf), rcv_space and the receive queue (Recv-Q).
#
# A run "collapsed" when, in every sample from 2 s on in which data flowed
# (the data socket received more than 64 KB since the previous sample), rb
# stayed below LIMIT (-m; default 4 x tcp_rmem[1] of the receiver namespace,
# 524288 with the defaults): autotuning never took off. Collapsed flows sit
# at exactly tcp_rmem[1] or one step above it (131072-154232 seen); flows
# that autotune reach megabytes within about a second. The goodput is
# printed beside it but is not the criterion. A run is "trapped at 1 s" when
# rb is still <= tcp_rmem[1] at the first sample from 1 s on with data: the
# early state from which a collapse starts (most unfixed runs, no fixed run
# in our measurements), reported for information.
#
# Requirements: root, Linux with network namespaces, veth and the netem
# qdisc (sch_netem; the kernel loads the module on demand), iproute2 (ip, tc,
# ss; busybox's ip has no netns), iperf3, taskset (util-linux), at least 2
# CPUs (the sender must not share the receiver's CPU). Tool paths can be set
# with the environment variables IP, TC, SS, IPERF3 and TASKSET.
#
# It changes nothing outside its two namespaces (named rcvrepro-PID-tx and
# -rx): no host interface, route, qdisc or sysctl is touched; -S writes
# sysctls inside the receiver namespace only. The namespaces, the busy loops
# and the iperf3 processes are removed on every exit, including Ctrl-C. The
# script pins itself to the CPUs other than the receiver's.
#
# Exit status: 0 all runs done and none collapsed, 1 at least one run
# collapsed, 2 usage or setup error (or a run failed and none collapsed).

IP=${IP:-ip}
TC=${TC:-tc}
SS=${SS:-ss}
IPERF3=${IPERF3:-iperf3}
TASKSET=${TASKSET:-taskset}

me=repro-rcvbuf-collapse
usage() {
	cat <<EOF
usage: $me [options]
  -n RUNS      transfers (default 10)
  -b N         busy loops beside the receiver (default 16)
  -r RTT_MS    round-trip delay in ms, netem RTT/2 each way (default 50;
               0: no netem, only to test the script - the bug needs a long path)
  -t SECONDS   length of each transfer (default 15, at least 3)
  -i SECONDS   sampling interval (default 1)
  -R RATE      netem rate on the data direction, e.g. 1gbit (default none)
  -c CPU       receiver's CPU (default: the last CPU this script may use)
  -s CPU       sender's CPU (default: the first other one)
  -m BYTES     collapse limit: collapsed when rb stays below BYTES in every
               sample from 2 s on (default 4 x tcp_rmem[1])
  -S NAME=VAL  set sysctl net.NAME... in the receiver namespace (repeatable),
               e.g. -S net.ipv4.tcp_moderate_rcvbuf=1
  -k           machine-readable output: lines "TYPE key=value..." with TYPE
               config, sample (with -v), run, summary, system
  -v           print every sample
  -h           this help
environment: IP TC SS IPERF3 TASKSET (tool paths; default: from PATH)
exit status: 0 no run collapsed, 1 at least one collapsed, 2 usage/setup error
EOF
}
die() { echo "$me: $*" >&2; exit 2; }
uerr() { echo "$me: $*" >&2; usage >&2; exit 2; }
isint() { case $1 in ''|*[!0-9]*) return 1;; esac; }
isnum() { awk -v v="$1" 'BEGIN { exit !(v ~ /^[0-9]+(\.[0-9]+)?$/) }'; }

runs=10 busy=16 rtt=50 secs=15 interval=1 rate=none rxcpu="" txcpu="" limit=""
kv=0 verbose=0 sysctls=""
nl='
'
while getopts n:b:r:t:i:R:c:s:m:S:kvh opt; do
	case $opt in
	n) runs=$OPTARG;; b) busy=$OPTARG;; r) rtt=$OPTARG;; t) secs=$OPTARG;;
	i) interval=$OPTARG;; R) rate=$OPTARG;; c) rxcpu=$OPTARG;; s) txcpu=$OPTARG;;
	m) limit=$OPTARG;;
	S) case $OPTARG in
	   net.*=*) sysctls="$sysctls$OPTARG$nl";;
	   *) uerr "-S $OPTARG: expected net.NAME=VALUE (receiver namespace sysctls only)";;
	   esac;;
	k) kv=1;; v) verbose=1;; h) usage; exit 0;;
	*) usage >&2; exit 2;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || uerr "unexpected argument: $1"
isint "$runs" && [ "$runs" -ge 1 ] || uerr "-n $runs: a positive integer"
isint "$busy" || uerr "-b $busy: a number of busy loops"
isnum "$rtt" || uerr "-r $rtt: a delay in ms"
isint "$secs" && [ "$secs" -ge 3 ] || uerr "-t $secs: whole seconds, at least 3"
isnum "$interval" && awk -v v="$interval" 'BEGIN { exit !(v >= 0.1) }' ||
	uerr "-i $interval: seconds, at least 0.1"
[ -z "$limit" ] || isint "$limit" || uerr "-m $limit: bytes"
case $rate in none|[0-9]*) ;; *) uerr "-R $rate: a netem rate such as 1gbit";; esac
ivl_cs=$(awk -v v="$interval" 'BEGIN { printf "%d", v * 100 + 0.5 }')

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, qdiscs)"
for v in IP TC SS IPERF3 TASKSET; do
	eval "t=\$$v"
	command -v "$t" > /dev/null 2>&1 ||
		die "$v: $t not found (needs iproute2's ip, tc and ss, iperf3, util-linux taskset; set $v=PATH)"
done

# CPUs this script may run on (its affinity), expanded: "0-2,5" -> "0 1 2 5"
cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$$/status | awk -F, '{
	for (i = 1; i <= NF; i++) {
		n = split($i, r, "-"); lo = r[1]; hi = (n > 1) ? r[2] : r[1]
		for (c = lo; c <= hi; c++) printf "%s%d", (out++ ? " " : ""), c
	} }')
ncpu=$(echo $cpus | wc -w)
[ "$ncpu" -ge 2 ] || die "needs at least 2 CPUs (allowed here: ${cpus:-none}); the sender must not share the receiver's CPU"
incpus() { case " $cpus " in *" $1 "*) return 0;; esac; return 1; }
[ -n "$rxcpu" ] || for c in $cpus; do rxcpu=$c; done
[ -n "$txcpu" ] || for c in $cpus; do [ "$c" != "$rxcpu" ] && { txcpu=$c; break; }; done
incpus "$rxcpu" || uerr "-c $rxcpu: not one of the CPUs allowed here ($cpus)"
incpus "$txcpu" || uerr "-s $txcpu: not one of the CPUs allowed here ($cpus)"
[ "$rxcpu" != "$txcpu" ] || uerr "-c and -s: the sender must not share the receiver's CPU ($rxcpu)"
ctlcpus=""
for c in $cpus; do [ "$c" = "$rxcpu" ] || ctlcpus="$ctlcpus${ctlcpus:+,}$c"; done

NS_TX=rcvrepro-$$-tx NS_RX=rcvrepro-$$-rx
ADDR_TX=198.51.100.1 ADDR_RX=198.51.100.2 PORT=5201
tmp="" pids="" made_ns=""

cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	for ns in $made_ns; do
		for p in $("$IP" netns pids "$ns" 2> /dev/null); do kill "$p" 2> /dev/null; done
	done
	for p in $pids; do wait "$p" 2> /dev/null; done
	for ns in $made_ns; do "$IP" netns del "$ns" 2> /dev/null; done
	[ -n "$tmp" ] && rm -rf "$tmp"
	pids="" made_ns="" tmp=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rcvrepro.XXXXXX") || die "mktemp failed"
in_tx() { "$IP" netns exec "$NS_TX" "$@"; }
in_rx() { "$IP" netns exec "$NS_RX" "$@"; }

# the script itself (sampling, timing) stays off the receiver's CPU
"$TASKSET" -pc "$ctlcpus" $$ > /dev/null 2>&1

for ns in $NS_TX $NS_RX; do
	"$IP" netns add "$ns" 2> "$tmp/err" ||
		die "ip netns add $ns failed: $(head -n 1 "$tmp/err") (needs iproute2's ip with netns; busybox ip has none: set IP=/usr/sbin/ip)"
	made_ns="$made_ns $ns"
done
"$IP" link add rr-tx netns "$NS_TX" type veth peer name rr-rx netns "$NS_RX" 2> "$tmp/err" ||
	die "veth pair: $(head -n 1 "$tmp/err") (needs CONFIG_VETH)"
for ns in $NS_TX $NS_RX; do "$IP" -n "$ns" link set lo up || die "lo up in $ns"; done
"$IP" -n "$NS_TX" addr add $ADDR_TX/24 dev rr-tx && "$IP" -n "$NS_RX" addr add $ADDR_RX/24 dev rr-rx &&
	"$IP" -n "$NS_TX" link set rr-tx up && "$IP" -n "$NS_RX" link set rr-rx up || die "veth addresses"
if [ "$rtt" != 0 ] || [ "$rate" != none ]; then
	half=$(awk -v r="$rtt" 'BEGIN { printf "%g", r / 2 }')
	ropt=""
	[ "$rate" = none ] || ropt="rate $rate"
	# queues long enough for the bandwidth-delay product at any tested RTT
	in_tx "$TC" qdisc add dev rr-tx root netem limit 100000 delay "${half}ms" $ropt 2> "$tmp/err" &&
		in_rx "$TC" qdisc add dev rr-rx root netem limit 100000 delay "${half}ms" 2>> "$tmp/err" ||
		die "netem qdisc: $(head -n 1 "$tmp/err") (needs the netem qdisc: modprobe sch_netem / CONFIG_NET_SCH_NETEM)"
fi

# sysctls of the receiver namespace (where autotuning is decided)
rxsys() { in_rx cat "/proc/sys/$(echo "$1" | tr . /)" 2> /dev/null | tr -s '\t ' '  '; }
printf %s "$sysctls" | while IFS= read -r s; do
	[ -n "$s" ] || continue
	name=${s%%=*} val=${s#*=}
	f=/proc/sys/$(echo "$name" | tr . /)
	in_rx sh -c '[ -f "$1" ] && echo "$2" > "$1"' sh "$f" "$val" 2> "$tmp/err" ||
		{ echo "$me: -S $s: cannot set $name in the receiver namespace (not present or not writable there) $(head -n 1 "$tmp/err")" >&2; exit 2; }
done || exit 2
rmem=$(rxsys net.ipv4.tcp_rmem)
rmem1=$(echo $rmem | awk '{ print $2 }')
isint "$rmem1" || die "cannot read net.ipv4.tcp_rmem in the receiver namespace"
[ -n "$limit" ] || limit=$((4 * rmem1))
moderate=$(rxsys net.ipv4.tcp_moderate_rcvbuf)
aware=$(rxsys net.ipv4.tcp_rcvq_drain_aware)
preempt=$(sed -n 's/.*(\(.*\)).*/\1/p' /sys/kernel/debug/sched/preempt 2> /dev/null)
kernel=$(uname -r)

now_cs() { read -r _u _ < /proc/uptime; echo "${_u%.*}${_u#*.}"; }
# csfmt CS: centiseconds as seconds with two decimals
csfmt() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
sleep_until_cs() {
	_d=$(($1 - $(now_cs)))
	[ "$_d" -gt 0 ] && { sleep "$(csfmt "$_d")" 2> /dev/null || sleep 1; }
	return 0
}
# data_sock: "recvq rb rcv_space bytes_received" of the receiver's established
# socket on PORT with the most bytes_received (the data connection)
data_sock() {
	in_rx "$SS" -tmin state established "( sport = :$PORT )" 2> /dev/null | awk '
		function flush() {
			if (sock && by + 0 > best) { best = by + 0; out = q " " rb " " sp " " by }
			sock = 0
		}
		BEGIN { best = -1 }
		/^(Recv-Q|State)/ { next }
		/^[^ \t]/ {
			flush(); sock = 1; rb = "-"; sp = "-"; by = 0
			q = ($1 ~ /^[0-9]+$/) ? $1 : $2
		}
		{
			if (match($0, /skmem:\([^)]*\)/)) {
				s = substr($0, RSTART, RLENGTH)
				if (match(s, /[(,]rb[0-9]+/)) rb = substr(s, RSTART + 3, RLENGTH - 3)
			}
			if (match($0, /rcv_space:[0-9]+/)) sp = substr($0, RSTART + 10, RLENGTH - 10)
			if (match($0, /bytes_received:[0-9]+/)) by = substr($0, RSTART + 15, RLENGTH - 15)
		}
		END { flush(); print out }'
}
# json_num FILE SECTION KEY: the first "KEY" number after "SECTION" in iperf3 -J
json_num() {
	awk -v sec="\"$2\"" -v key="\"$3\"" '
		index($0, sec) { insec = 1 }
		insec && index($0, key) { sub(/.*: */, ""); sub(/,.*/, ""); print $1 + 0; exit }' "$1"
}
say() { [ $kv = 1 ] || echo "$@"; }
b01() { [ "$1" = yes ] && echo 1 || echo 0; }
kvl() { [ $kv = 0 ] || echo "$@"; }

rmem_c=$(echo $rmem | tr ' ' ,)
kvl "config runs=$runs busy=$busy rtt_ms=$rtt seconds=$secs interval=$interval rate=$rate rx_cpu=$rxcpu tx_cpu=$txcpu limit=$limit"
say "$me: $runs runs of $secs s, RTT $rtt ms, rate $rate; receiver on CPU $rxcpu beside $busy busy loops, sender on CPU $txcpu"
say "collapsed = rb below $limit bytes in every sample from 2 s on (tcp_rmem[1] = $rmem1)"

collapsed=0 trapped=0 failed=0
run=0
while [ $run -lt "$runs" ]; do
	run=$((run + 1))
	err=""
	# background jobs as simple commands (no shell function), so that $! is
	# the process itself: ip netns exec and taskset exec iperf3
	"$IP" netns exec "$NS_RX" "$TASKSET" -c "$rxcpu" "$IPERF3" -s -1 -p $PORT > "$tmp/srv.out" 2>&1 &
	srv=$!
	pids="$pids $srv"
	i=0
	until in_rx "$SS" -tln "( sport = :$PORT )" 2> /dev/null | grep -q ":$PORT "; do
		i=$((i + 1))
		[ $i -le 100 ] && kill -0 $srv 2> /dev/null ||
			die "iperf3 server did not start: $(cat "$tmp/srv.out")"
		sleep 0.1
	done
	bpids=""
	i=0
	while [ $i -lt "$busy" ]; do
		i=$((i + 1))
		"$TASKSET" -c "$rxcpu" sh -c 'while :; do :; done' rcvrepro-busy > /dev/null 2>&1 &
		bpids="$bpids $!"
	done
	pids="$pids $bpids"
	sleep 0.2
	"$IP" netns exec "$NS_TX" "$TASKSET" -c "$txcpu" "$IPERF3" -c $ADDR_RX -p $PORT -t "$secs" -J \
		> "$tmp/cli.json" 2> "$tmp/cli.err" &
	cli=$!
	pids="$pids $cli"
	t0=$(now_cs)
	k=0 prev=0 n=0 rbmax=0 rbfin="-" spfin="-" spmax=0 qmax=0 rb1="-" t1="-"
	while :; do
		k=$((k + 1))
		sleep_until_cs $((t0 + k * ivl_cs))
		kill -0 $cli 2> /dev/null || break
		t=$(($(now_cs) - t0))
		if [ $t -gt $(((secs + 30) * 100)) ]; then
			kill $cli 2> /dev/null; err=client_timeout; break
		fi
		set -- $(data_sock)
		[ $# = 4 ] || continue
		q=$1 rb=$2 sp=$3 by=$4
		[ $verbose = 1 ] && {
			kvl "sample run=$run t=$(csfmt $t) recvq=$q rb=$rb rcv_space=$sp bytes_received=$by"
			say "  t=$(csfmt $t) s  rb $rb  rcv_space $sp  recvq $q  bytes_received $by"
		}
		isint "$rb" && isint "$by" || continue
		flowed=0
		[ $((by - prev)) -gt 65536 ] && flowed=1
		prev=$by
		[ $flowed = 1 ] || continue
		[ $t -ge 100 ] && [ "$rb1" = - ] && { rb1=$rb t1=$(csfmt $t); }
		[ $t -ge 200 ] || continue
		n=$((n + 1)) rbfin=$rb spfin=$sp
		[ "$rb" -gt $rbmax ] && rbmax=$rb
		isint "$sp" && [ "$sp" -gt $spmax ] && spmax=$sp
		isint "$q" && [ "$q" -gt $qmax ] && qmax=$q
	done
	wait $cli
	crc=$?
	i=0
	while kill -0 $srv 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	for p in $srv $bpids; do kill "$p" 2> /dev/null; done
	for p in $srv $bpids; do wait "$p" 2> /dev/null; done
	pids=""
	bps=$(json_num "$tmp/cli.json" sum_received bits_per_second)
	retr=$(json_num "$tmp/cli.json" sum_sent retransmits)
	if [ -z "$err" ] && { [ $crc != 0 ] || grep -q '"error"' "$tmp/cli.json" || [ -z "$bps" ]; }; then
		err=iperf3_failed
		echo "$me: run $run: iperf3 client failed (status $crc): $(sed -n 's/.*"error":[[:space:]]*//p' "$tmp/cli.json") $(cat "$tmp/cli.err")" >&2
	fi
	[ -n "$err" ] || [ $n -gt 0 ] || err=no_samples_after_2s
	mbps=$(awk -v b="${bps:-0}" 'BEGIN { printf "%.1f", b / 1e6 }')
	tr1=no
	[ "$rb1" != - ] && [ "$rb1" -le "$rmem1" ] && tr1=yes
	col=no
	if [ -n "$err" ]; then
		col=error failed=$((failed + 1))
	else
		[ $rbmax -lt "$limit" ] && { col=yes; collapsed=$((collapsed + 1)); }
		[ $tr1 = yes ] && trapped=$((trapped + 1))
	fi
	kvl "run run=$run ok=$([ -z "$err" ] && echo 1 || echo 0) goodput_mbps=$mbps retransmits=${retr:-} rb_final=$rbfin rb_max=$rbmax rcv_space=$spfin rcv_space_max=$spmax recvq_max=$qmax rb_1s=$rb1 t_1s=$t1 trapped_1s=$(b01 $tr1) collapsed=$(b01 $col) samples=$n error=$err"
	say "run $run/$runs: $mbps Mbit/s  rb final $rbfin max $rbmax  rcv_space $spfin  recvq max $qmax  rb at ${t1}s $rb1 (trapped: $tr1)  collapsed: $col${err:+ ($err)}"
done

kvl "summary runs=$runs collapsed=$collapsed trapped_1s=$trapped failed=$failed"
kvl "system kernel=$kernel tcp_rmem=$rmem_c tcp_moderate_rcvbuf=$moderate tcp_rcvq_drain_aware=${aware:-absent} preempt=${preempt:-unknown}"
fl=""
[ $failed = 0 ] || fl="; $failed failed"
say "$collapsed of $runs runs collapsed (trapped at 1 s: $trapped of $runs$fl)"
say "kernel $kernel${preempt:+ (preempt=$preempt)}; receiver namespace: net.ipv4.tcp_rmem = $rmem, tcp_moderate_rcvbuf = $moderate, tcp_rcvq_drain_aware = ${aware:-not present}"
[ $collapsed -gt 0 ] && exit 1
[ $failed -gt 0 ] && exit 2
exit 0
