#!/bin/sh
# The tcp-recv-sched tool on a kernel without the tcp_recv_sched series
# (the upstream boot: pristine 6.12 plus the receive-window fix alone, so no
# tcp_recv_sched_* knobs, no tcp_rcvq_drain_aware, no counters of the
# series): what an operator of a stock kernel gets (tcp-recv-sched(8)).
#
# 0. The kernel has neither $KNOB_ENABLE nor tcp_rcvq_drain_aware (else the
#    rest says nothing: one failed point, stop).
# 1. show, in the initial network namespace: exits 0; its first line is
#    exactly "tcp_recv_sched absent: no /proc/sys/net/ipv4/tcp_recv_sched_enable;
#    boot a kernel with the tcp_recv_sched series"; no line of a knob of
#    the series; net.ipv4.tcp_rmem with its three numbers.
# 2. show -j: exits 0; one line holding one JSON object (braces outside
#    strings close only at its end; no jq in the guest: awk); it contains
#    "supported":false, "netns_initial":true and "missing" naming
#    tcp_recv_sched_enable.
# 3. In a child network namespace (ip netns exec): show exits 0 and its
#    first line says that a kernel with the series has its knobs only in
#    the initial network namespace; show -j has
#    "supported":false,"netns_initial":false. The tool decides by comparing
#    /proc/self/ns/net with /proc/1/ns/net (knobs.c: trs_netns_initial): it
#    cannot read the initial namespace's knobs from a child one.
# 4. busy_read set to 7, then sweep --sysctl net.core.busy_read=0,50 of a
#    command that appends the busy_read it reads to a file and prints it
#    as the metric seen_busy_read: exits 0; two rows; a column
#    net.core.busy_read holding 0 then 50 and no knob columns; the command
#    saw 0 then 50, each row's seen_busy_read its own setting; busy_read is
#    7 again afterwards.
# 5. busy_read 7, the same sweep of a command that records busy_read and
#    sleeps 30 s, sent SIGINT 2 s in: the run had busy_read 0; the tool
#    dies of SIGINT (status 130) within 15 s instead of 60; it says it
#    restored net.core.busy_read=7 and busy_read is 7; the run cut short is
#    not in the table (header only). The signal comes from coreutils
#    `timeout --foreground -s INT` (to the tool alone), not `kill -INT` to a
#    background job: a non-interactive sh starts `cmd &` with SIGINT
#    ignored, and the tool keeps an ignored signal ignored, so the sweep
#    would run its 60 s and exit 0.
# At exit busy_read gets its value from before the test back and the
# namespace is deleted.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
T=$TRS_BIN/tcp-recv-sched
TIMEOUT=/usr/bin/timeout	# coreutils: busybox's has no --foreground
NS=trs-stock
BR=/proc/sys/net/core/busy_read
ABSENT="tcp_recv_sched absent: no $KNOB_ENABLE"
br0=$(cat $BR)
trap '$IP netns del $NS 2>/dev/null; [ -n "$br0" ] && echo "$br0" > $BR' EXIT

# has TEXT ERE: a line of TEXT matches; lacks: none does
has() { printf '%s\n' "$1" | grep -Eq "$2"; }
lacks() { ! has "$@"; }
# contains TEXT STRING: TEXT holds STRING as it is
contains() { printf '%s\n' "$1" | grep -Fq -- "$2"; }
first_line() { printf '%s\n' "$1" | head -n 1; }
# one_object TEXT: one line, one JSON object (strings hold no escaped quotes
# in show's output, so "[^"]*" is a whole string)
one_object() {
	printf '%s\n' "$1" | awk '
		{ n++; s = $0; gsub(/"[^"]*"/, "\"\"", s) }
		END {
			if (n != 1 || s !~ /^[{].*[}]$/) exit 1
			d = 0
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == "{") d++
				if (c == "}") {
					d--
					if (d == 0 && i < length(s)) exit 1
				}
			}
			exit d != 0
		}'
}

# 0
diag "kernel $(uname -r), busy_read at start $br0"
if [ -e $KNOB_ENABLE ] || [ -e $KNOB_DIR/tcp_rcvq_drain_aware ]; then
	fail "kernel without the series: $(ls $KNOB_DIR | grep -E 'tcp_recv_sched|tcp_rcvq' | tr '\n' ' ')exist"
	tap_done
	exit 1
fi
ok "kernel without the series (no $KNOB_ENABLE, no tcp_rcvq_drain_aware)"

# 1
out=$($T show 2>/tmp/stock-show.err); rc=$?
diag "show: $(first_line "$out") / $(printf '%s\n' "$out" | grep tcp_rmem) / stderr: $(cat /tmp/stock-show.err)"
check "show exits 0 ($rc)" [ $rc = 0 ]
check "show: first line says the series is absent and to boot a kernel with it" \
	[ "$(first_line "$out")" = "$ABSENT; boot a kernel with the tcp_recv_sched series" ]
check "show: no line of a knob of the series" \
	lacks "$out" '^(enable|starvation_limit|yield_on_return|rcvq_drain_aware) '
check "show: still prints net.ipv4.tcp_rmem (three numbers)" \
	has "$out" '^net\.ipv4\.tcp_rmem [0-9]+ [0-9]+ [0-9]+$'

# 2
json=$($T show -j 2>/tmp/stock-json.err); rc=$?
diag "show -j: $(printf '%s' "$json" | cut -c 1-200)... stderr: $(cat /tmp/stock-json.err)"
check "show -j exits 0 ($rc)" [ $rc = 0 ]
check "show -j: one line, one JSON object" one_object "$json"
check 'show -j: "supported":false' contains "$json" '"supported":false'
check 'show -j: "netns_initial":true, "missing" names tcp_recv_sched_enable' \
	sh -c 'printf "%s\n" "$1" | grep -Fq "\"netns_initial\":true" &&
		printf "%s\n" "$1" | grep -Fq "\"missing\":\"$2\""' sh "$json" "$KNOB_ENABLE"

# 3
$IP netns del $NS 2>/dev/null
$IP netns add $NS || diag "ip netns add $NS failed"
nsout=$($IP netns exec $NS $T show 2>/tmp/stock-ns.err); rc=$?
diag "show in netns $NS: $(first_line "$nsout") / stderr: $(cat /tmp/stock-ns.err)"
check "show in a child network namespace exits 0 ($rc)" [ $rc = 0 ]
check "show in a child network namespace: the knobs would be in the initial one" \
	[ "$(first_line "$nsout")" = "$ABSENT; not the initial network namespace: a kernel with the series has its knobs only in the initial one (nsenter -t 1 -n)" ]
nsjson=$($IP netns exec $NS $T show -j 2>/dev/null)
check 'show -j in a child network namespace: "supported":false,"netns_initial":false' \
	contains "$nsjson" '{"supported":false,"netns_initial":false,'
$IP netns del $NS

# 4
TSV=/tmp/stock-sweep.tsv SEEN=/tmp/stock-seen
rm -f $TSV $SEEN
echo 7 > $BR
$T sweep --sysctl net.core.busy_read=0,50 --out $TSV -- sh -c \
	'v=$(cat /proc/sys/net/core/busy_read); echo "$v" >> '$SEEN'; echo "seen_busy_read=$v"' \
	2>/tmp/stock-sweep.err; rc=$?
diag "sweep: $(tr '\n' ' ' < /tmp/stock-sweep.err)"
check "sweep --sysctl exits 0 ($rc)" [ $rc = 0 ]
rows=$(($(wc -l 2>/dev/null < $TSV) - 1))
check "sweep wrote 2 rows ($rows)" [ "$rows" = 2 ]
check "column net.core.busy_read holds 0 then 50, no knob columns" awk -F'\t' '
	NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i
		if (!c["net.core.busy_read"] || c["enable"] || c["starvation_limit"] ||
		    c["yield_on_return"] || c["rcvq_drain_aware"]) { bad = 1; exit }
		next
	}
	{ v = v " " $c["net.core.busy_read"] }
	END { exit bad || v != " 0 50" }' $TSV
check "the command saw 0 then 50 ($(tr '\n' ' ' 2>/dev/null < $SEEN))" \
	[ "$(tr '\n' ' ' 2>/dev/null < $SEEN)" = "0 50 " ]
check "each row's seen_busy_read is its setting" awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; bad = !c["seen_busy_read"]; next }
	$c["seen_busy_read"] != $c["net.core.busy_read"] { bad = 1 }
	END { exit bad || NR != 3 }' $TSV
check "busy_read restored to 7 ($(cat $BR))" [ "$(cat $BR)" = 7 ]

# 5
TSV=/tmp/stock-int.tsv SEEN=/tmp/stock-int-seen
rm -f $TSV $SEEN
echo 7 > $BR
c0=$(uptime_cs)
$TIMEOUT --foreground --preserve-status -s INT 2 \
	$T sweep --sysctl net.core.busy_read=0,50 --out $TSV -- sh -c \
	'cat /proc/sys/net/core/busy_read > '$SEEN'; exec sleep 30' \
	2>/tmp/stock-int.err
rc=$?
el=$(($(uptime_cs) - c0))
diag "interrupted sweep: status $rc after ${el}0 ms: $(tr '\n' ' ' < /tmp/stock-int.err)"
check "interrupted sweep: its run had busy_read 0 ($(cat $SEEN 2>/dev/null))" \
	[ "$(cat $SEEN 2>/dev/null)" = 0 ]
check "interrupted sweep exits non-zero: died of SIGINT, 130 ($rc), within 15 s (${el}0 ms)" \
	[ "$rc" = 130 -a "$el" -lt 1500 ]
check "interrupted sweep says it restored net.core.busy_read=7" \
	grep -q 'restored net.core.busy_read=7$' /tmp/stock-int.err
check "interrupted sweep restored busy_read to 7 ($(cat $BR))" [ "$(cat $BR)" = 7 ]
check "the run cut short is not recorded ($(wc -l 2>/dev/null < $TSV) lines)" \
	[ "$(wc -l 2>/dev/null < $TSV)" = 1 ]
tap_done
