#!/bin/sh
# The stand-alone reproducer of the receive-window collapse
# (kernel-patch/upstream/repro-rcvbuf-collapse.sh, in the guest as
# /trs/repro/repro-rcvbuf-collapse.sh), run in the booted kernel as an
# operator would run it: its own namespaces, netem 25 ms each way, the
# iperf3 receiver on the last CPU beside 16 busy loops, 8 s transfers.
#
# The reproducer knows nothing of our switch; the test selects the code path
# with its -S option, which sets a sysctl in the reproducer's receiver
# namespace (a new namespace starts at tcp_rcvq_drain_aware=1).
# 1. Every invocation runs end to end: one "run" line per run without error,
#    a summary and a system line that agree with them (and report the switch
#    as set), exit status 1 exactly when a run collapsed, else 0. A usage
#    error exits 2; killed (TERM) mid-run it exits 143 and leaves no
#    namespace or busy loop behind.
# 2. Kernel with net.ipv4.tcp_rcvq_drain_aware (default variant):
#    a. 0, the 6.12.35+ code: up to 6 single runs, stopping at the first
#       that is trapped at 1 s (rb still tcp_rmem[1] at the first sample
#       from 1 s on) or collapsed; one must be. A collapse itself is random
#       (about 1 in 3 unfixed runs beside 16 busy loops): 6 runs would miss
#       it about 1 time in 10. The trap at 1 s, the state a collapse starts
#       from, held in about 60% of unfixed runs and in no fixed one
#       (docs/rcvbuf.md): 6 runs miss it about 1 time in 250.
#    b. 1, the fix: 4 runs, none collapsed (trapped runs reported only: at
#       1 s a slow guest may not have grown yet).
# 3. Kernel without the switch (upstream variant, the fix unconditionally):
#    6 runs, none collapsed.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
R=/trs/repro/repro-rcvbuf-collapse.sh
# busybox applets shadow ip and tc: the reproducer takes Debian's tools
export IP TC SS IPERF3 TASKSET
SWITCH=/proc/sys/net/ipv4/tcp_rcvq_drain_aware
OUT=/tmp/repro.out
ARGS="-k -b 16 -r 50 -t 8"

# repro ARGS...: run the reproducer into $OUT; its status in $rc
repro() { sh $R "$@" > $OUT 2> $OUT.err; rc=$?; }
# rkv TYPE KEY: the values of KEY on the lines of record TYPE in $OUT
rkv() {
	awk -v t="$1" -v k="$2=" '$1 == t {
		for (i = 2; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1)
	}' $OUT
}
nruns() { rkv run "$1" | grep -c "^$2\$"; }
# output_ok N SWITCH: $OUT holds N good runs, a summary and a system line
# that agree with them (SWITCH: the value it must report, "absent" if none),
# and $rc is 1 exactly when a run collapsed
output_ok() {
	_want=0
	[ "$(nruns collapsed 1)" -gt 0 ] && _want=1
	[ "$(grep -c '^run ' $OUT)" = "$1" ] && [ "$(nruns ok 1)" = "$1" ] &&
		[ "$(rkv summary runs)" = "$1" ] &&
		[ "$(rkv summary collapsed)" = "$(nruns collapsed 1)" ] &&
		[ "$(rkv system kernel)" = "$(uname -r)" ] &&
		[ "$(rkv system tcp_rcvq_drain_aware)" = "$2" ] && [ "$rc" = "$_want" ]
}
show() { sed 's/^/# | /' $OUT $OUT.err; }
# runs_diag LABEL: one diag line per run
runs_diag() {
	grep '^run ' $OUT | awk -v l="$1" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "# %s: %s Mbit/s, rb max %s, rb at %s s %s, rcv_space %s, trapped %s, collapsed %s\n",
			l, v["goodput_mbps"], v["rb_max"], v["t_1s"], v["rb_1s"], v["rcv_space"],
			v["trapped_1s"], v["collapsed"]
	}'
}
leftovers() {
	_ns=$($IP netns list | grep -c rcvrepro)
	_busy=$(grep -l 'rcvrepro-bus[y]' /proc/[0-9]*/cmdline 2> /dev/null | wc -l)
	echo "$_ns namespaces, $_busy busy loops"
	[ "$_ns" = 0 ] && [ "$_busy" = 0 ]
}
clean() { leftovers > /dev/null; }

# 1: usage error and TERM
sh $R -n 0 > /dev/null 2>&1
urc=$?
check "usage error exits 2 (got $urc)" [ $urc = 2 ]
sh $R $ARGS -n 1 > /tmp/repro-term.out 2>&1 &
p=$!
sleep 5
kill -TERM $p
wait $p
trc=$?
left=$(leftovers)
term_clean() { [ $trc = 143 ] && clean; }
check "killed mid-run: exit 143 (got $trc), left behind: $left" term_clean

if [ -e $SWITCH ]; then
	# 2a
	tries=0 hits=0 col=0 bad=0
	while [ $tries -lt 6 ] && [ $hits = 0 ]; do
		tries=$((tries + 1))
		repro $ARGS -n 1 -S net.ipv4.tcp_rcvq_drain_aware=0
		output_ok 1 0 || { bad=$((bad + 1)); diag "incomplete output (status $rc):"; show; }
		runs_diag "unfixed run $tries"
		[ "$(nruns collapsed 1)" = 1 ] && col=$((col + 1))
		[ "$(nruns collapsed 1)" = 1 ] || [ "$(nruns trapped_1s 1)" = 1 ] && hits=$((hits + 1))
	done
	check "unfixed path (drain_aware=0): output complete in $((tries - bad)) of $tries invocations" [ $bad = 0 ]
	check "unfixed path: trapped at 1 s or collapsed by run $tries of up to 6 ($col collapsed)" [ $hits -ge 1 ]
	# 2b
	repro $ARGS -n 4 -S net.ipv4.tcp_rcvq_drain_aware=1
	output_ok 4 1 || { diag "incomplete output (status $rc):"; show; }
	check "fix (drain_aware=1): output of 4 runs complete, status $rc" output_ok 4 1
	runs_diag "fix"
	check "fix: $(rkv summary collapsed) of 4 runs collapsed ($(rkv summary trapped_1s) trapped at 1 s)" \
		[ "$(rkv summary collapsed)" = 0 ]
else
	# 3
	repro $ARGS -n 6
	output_ok 6 absent || { diag "incomplete output (status $rc):"; show; }
	check "kernel without the switch: output of 6 runs complete, status $rc" output_ok 6 absent
	runs_diag "no switch"
	check "kernel without the switch (upstream fix): $(rkv summary collapsed) of 6 runs collapsed ($(rkv summary trapped_1s) trapped at 1 s)" \
		[ "$(rkv summary collapsed)" = 0 ]
fi
diag "$(rkv system kernel) preempt=$(rkv system preempt) tcp_rmem=$(rkv system tcp_rmem)"
left=$(leftovers)
check "nothing left behind: $left" clean
tap_done
