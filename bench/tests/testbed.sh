#!/bin/sh
# Testbed sanity: the guest and the topology every other claim relies on.
#
# 1. The guest sees TRS_EXPECT_CPUS CPUs (default 2), all online.
# 2. The preemption model chosen on the command line (TRS_EXPECT_PREEMPT)
#    is the one /sys/kernel/debug/sched/preempt marks active.
# 3. The tx/rx namespaces come up and ping each other over IPv4 and IPv6.
# 4. netem is in the path: the ping RTT is at least 2 x 10 ms.
# 5. A 5 s iperf3 flow tx -> rx at a 200 Mbit/s netem rate reaches a sane
#    goodput: at least 100 Mbit/s, and not above the rate (+5%), which also
#    shows the rate limit works.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
trap topo_down EXIT

# 1
want=${TRS_EXPECT_CPUS:-2}
got=$(grep -c ^processor /proc/cpuinfo)
check "guest sees $want CPUs (got $got)" [ "$got" -eq "$want" ]
online=$(cat /sys/devices/system/cpu/online)
check "CPUs 0-$((want - 1)) online (got $online)" [ "$online" = "0-$((want - 1))" ]

# 2
want=${TRS_EXPECT_PREEMPT:-voluntary}
modes=$(cat /sys/kernel/debug/sched/preempt 2>/dev/null)
diag "sched/preempt: $modes"
check "preempt=$want is active" sh -c "echo '$modes' | grep -q '($want)'"

# 3
check "topology comes up" topo_up 10 200mbit 0
check "IPv4 ping tx -> rx" in_tx ping -c 2 -W 2 $TOPO_RX_ADDR
check "IPv6 ping tx -> rx" in_tx ping -c 2 -W 2 $TOPO_RX_ADDR6

# 4
rtt=$(in_tx ping -c 3 -i 0.2 $TOPO_RX_ADDR | sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
diag "ping avg rtt ${rtt:-?} ms"
check "netem delay in path: rtt ${rtt:-?} >= 20 ms" fge "${rtt:-0}" 20

# 5
in_rx $IPERF3 -s -1 -D -I /tmp/iperf3-srv.pid >/dev/null 2>&1
wait_listen rx 5201 || fail "iperf3 -s does not listen"
in_tx $IPERF3 -c $TOPO_RX_ADDR -t 5 -J > /tmp/iperf3.json 2>&1
bps=$(iperf3_json_field /tmp/iperf3.json sum_received bits_per_second)
mbps=$(awk -v b="${bps:-0}" 'BEGIN { printf "%.1f", b / 1e6 }')
diag "iperf3 5 s at netem rate 200 Mbit/s: $mbps Mbit/s"
check "iperf3 goodput $mbps >= 100 Mbit/s" fge "$mbps" 100
check "iperf3 goodput $mbps <= 210 Mbit/s (rate limit holds)" fle "$mbps" 210

tap_done
