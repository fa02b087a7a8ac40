#!/bin/sh
# The policy acts, and only when asked to.
#
# Flooded receiver (1 ms each way, no rate limit, 1 MB reads) pinned to
# CPU 1 beside 4 CPU-bound trs-hog processes, 6 s per run.
# 1. enable=0: TCPRecvSchedGrants, LimitHits and Yields do not move.
# 2. enable=2, yield_on_return=1: grants happen, and yields happen.
# 3. enable=2, yield_on_return=0: grants happen, no yield is counted.
# 4. enable=1 (backlog waiting): grants happen (they are rarer than in
#    mode 2: up to 3 runs are tried before the point fails).
# 5. A tiny starvation_limit (50 us) with enable=2: limit hits are counted.
# 6. Data intact: a checksummed stream (trs-stream) through the same load
#    with enable=2 over IPv4 and IPv6, each read mode, blocking and not.
# 7. Record (not a timed test) enable=0 vs enable=1 goodput under this load.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
. $TRS_BENCH/lib/load.sh
trap 'knobs 0 $(header_define TRS_STARVATION_LIMIT_DEFAULT) 1; topo_down' EXIT

topo_up 1 none 0 || { fail "topology"; tap_done; exit 1; }
def=$(header_define TRS_STARVATION_LIMIT_DEFAULT)

# run ENABLE LIMIT YIELD: one flood; sets g, l, y (counter deltas), mbps
run() {
	knobs "$1" "$2" "$3"
	g0=$(netstat_get TCPRecvSchedGrants); l0=$(netstat_get TCPRecvSchedLimitHits)
	y0=$(netstat_get TCPRecvSchedYields)
	flood 6 4 1M /tmp/policy
	g=$(($(netstat_get TCPRecvSchedGrants) - g0))
	l=$(($(netstat_get TCPRecvSchedLimitHits) - l0))
	y=$(($(netstat_get TCPRecvSchedYields) - y0))
	mbps=$(goodput_mbps /tmp/policy.json)
	diag "enable=$1 limit=$2 yield=$3: grants=$g limit_hits=$l yields=$y goodput=$mbps Mbit/s"
}

# 1
run 0 $def 1
check "enable=0: no grant, limit hit or yield counted" [ "$g$l$y" = 000 ]
m0=$mbps

# 2
run 2 $def 1
check "enable=2: grants happen ($g)" [ "$g" -gt 0 ]
check "enable=2, yield_on_return=1: yields happen ($y)" [ "$y" -gt 0 ]

# 3
run 2 $def 0
check "enable=2, yield_on_return=0: grants happen ($g)" [ "$g" -gt 0 ]
check "enable=2, yield_on_return=0: no yield counted ($y)" [ "$y" = 0 ]

# 4
for try in 1 2 3; do
	run 1 $def 1
	[ "$g" -gt 0 ] && break
done
check "enable=1: grants happen ($g, try $try)" [ "$g" -gt 0 ]
m1=$mbps

# 5
run 2 50 0
check "starvation_limit=50 us: limit hits counted ($l of $g grants)" [ "$l" -gt 0 ]

# 6
knobs 2 $def 1
port=5301
for spec in "4 recv" "4 read" "4 recvmsg" "4 waitall" "4 peek" "4 recv -n" "6 recv" "6 recv -n"; do
	set -- $spec
	port=$((port + 1))
	checked_stream $port $1 $2 ${3:-}; rc=$?
	check "IPv$1 $2 ${3:+non-blocking }stream intact with enable=2: $stream_res" [ $rc = 0 ]
done

# 7
diag "goodput under 4 hogs, $(cat /sys/kernel/debug/sched/preempt): enable=0 $m0, enable=1 $m1 Mbit/s (one run each, not a comparison)"
tap_done
