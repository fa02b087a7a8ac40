#!/bin/sh
# Toggling the knobs under traffic must not break the kernel or the data.
# Meant for the debug kernel (lockdep, DEBUG_ATOMIC_SLEEP, ...).
#
# For TRS_STRESS_SECONDS (default 60): a 4-stream checksummed transfer
# (trs-stream) from tx to a receiver pinned to CPU 1 beside 4 trs-hog
# processes, while a loop sets all three knobs to random valid values
# every ~3 ms. The policy is switched on and off (enable 0 <-> 1..max,
# which flips the static key) every 500 iterations (about 2 s) and moves
# among the modes 1..max in between: under QEMU's software emulation,
# patching kernel text at a 3 ms rate crashes even the stock kernel
# (toggling kernel.sched_schedstats every 3 ms: "Oops: int3" in
# dequeue_entity within 8 s, see docs/testbed.md), an emulator limit, not
# something this test can say anything about.
# 1. The transfer ends by itself (no hang) and every byte arrived intact.
# 2. The kernel log has no WARNING, BUG, lockdep report or
#    sleeping-in-atomic splat.
# 3. The knobs still read back what was last written (no torn state).
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
. $TRS_BENCH/lib/load.sh
secs=${TRS_STRESS_SECONDS:-60}
emax=$(header_define TRS_ENABLE_MAX)
def=$(header_define TRS_STARVATION_LIMIT_DEFAULT)
trap 'knobs 0 $def 1; topo_down' EXIT

topo_up 1 none 0 || { fail "topology"; tap_done; exit 1; }
dmesg -c > /dev/null
diag "lockdep: $([ -e /proc/lockdep ] && echo on || echo off)"

in_rx $TASKSET -c 1 $TRS_BIN/trs-stream -s -p 5401 -P 4 > /tmp/stress.out 2>&1 &
srv=$!
sleep 0.5
$TRS_BIN/trs-hog -n 4 -c 1 -t $((secs + 5)) > /dev/null &
hog=$!
in_tx $TASKSET -c 0 $TRS_BIN/trs-stream -c $TOPO_RX_ADDR -p 5401 -P 4 -t $secs &
cli=$!
n=0 on=1 flips=0
while kill -0 $cli 2>/dev/null; do
	[ $((n % 500)) = 499 ] && { on=$((1 - on)); flips=$((flips + 1)); }
	e=$((on * (1 + RANDOM % emax))) l=$((RANDOM % 10000)) y=$((RANDOM % 2))
	knobs $e $l $y
	n=$((n + 1))
	usleep 3000
done
wait $cli
# 1 (the server exits when all streams ended; give it a bounded time)
for i in $(seq 30); do kill -0 $srv 2>/dev/null || break; sleep 1; done
if kill -0 $srv 2>/dev/null; then
	fail "transfer did not end: receiver hung"
	kill $srv
else
	wait $srv; rc=$?
	check "4 streams intact after $n random knob settings ($flips on/off): $(kv /tmp/stress.out stream_bytes) bytes, $(kv /tmp/stress.out stream_errors) errors" [ $rc = 0 ]
fi
kill $hog 2>/dev/null; wait $hog 2>/dev/null
# 2
splat=$(dmesg | grep -E 'WARNING:|BUG:|INFO: |lockdep|possible circular|sleeping function called|Call Trace' | head -n 5)
[ -z "$splat" ] || diag "$splat"
check "no splat in the kernel log" [ -z "$splat" ]
# 3
knobs 1 1234 0
check "knobs read back the last write" [ "$(cat $KNOB_ENABLE)/$(cat $KNOB_LIMIT)/$(cat $KNOB_YIELD)" = 1/1234/0 ]
tap_done
