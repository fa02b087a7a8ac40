# lib/common.sh - paths and small helpers shared by guest tests and benchmarks.
#
# busybox sh prefers its own applets, so Debian's iproute2/procps/util-linux
# tools are always called through these absolute paths.
IP=/usr/sbin/ip
TC=/usr/sbin/tc
SS=/usr/bin/ss
NSTAT=/usr/bin/nstat
SYSCTL=/usr/sbin/sysctl
TASKSET=/usr/bin/taskset
CHRT=/usr/bin/chrt
SETPRIV=/usr/bin/setpriv
UNSHARE=/usr/bin/unshare
IPERF3=/usr/bin/iperf3
TRS_BENCH=${TRS_BENCH:-/trs/bench}
TRS_BIN=${TRS_BIN:-/trs/bin}
# the series' knobs are set through the tool (values checked, one error form)
TOOL=$TRS_BIN/tcp-recv-sched

# iperf3_json_field FILE SECTION KEY: the first "KEY" number after "SECTION"
# in an iperf3 --json report (e.g. sum_received bits_per_second).
iperf3_json_field() {
	awk -v sec="\"$2\"" -v key="\"$3\"" '
		index($0, sec) { insec = 1 }
		insec && index($0, key) {
			sub(/.*: */, ""); sub(/,.*/, ""); print; exit
		}' "$1"
}

# float comparisons for busy box sh: fge A B is true when A >= B.
fge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
fle() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# uptime_cs: the time since boot in centiseconds (/proc/uptime has two
# decimals), for shell arithmetic on elapsed times.
uptime_cs() { local u; read -r u _ < /proc/uptime; echo "${u%.*}${u#*.}"; }

# netstat_get NAME: the TcpExt counter NAME of this namespace's
# /proc/net/netstat (empty if the kernel has no such counter).
netstat_get() {
	awk -v n="$1" '$1 == "TcpExt:" {
		if (!hdr) { for (i = 2; i <= NF; i++) col[i] = $i; hdr = 1; next }
		for (i = 2; i <= NF; i++) if (col[i] == n) print $i
	}' /proc/net/netstat
}

# The three knobs of the patch, and their defaults from the shared header.
KNOB_DIR=/proc/sys/net/ipv4
KNOB_ENABLE=$KNOB_DIR/tcp_recv_sched_enable
KNOB_LIMIT=$KNOB_DIR/tcp_recv_sched_starvation_limit
KNOB_YIELD=$KNOB_DIR/tcp_recv_sched_yield_on_return
header_define() { sed -n "s/^#define $1[[:space:]]*\([0-9]*\).*/\1/p" /trs/include/tcp_recv_sched.h; }

# need_enable WHO VALUES: exit with a message unless this kernel has the
# tcp_recv_sched_enable knob, when the values asked for are more than "0".
need_enable() {
	if [ "$2" != 0 ] && [ ! -w "$KNOB_ENABLE" ]; then
		echo "$1: enable=$2 needs $KNOB_ENABLE" >&2
		exit 1
	fi
}

# knobs ENABLE LIMIT YIELD: set all three (fails if any write fails).
knobs() {
	echo "$1" > $KNOB_ENABLE && echo "$2" > $KNOB_LIMIT && echo "$3" > $KNOB_YIELD
}

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# trace_no_cmdline_probes: enabling a trace event normally also registers
# the sched_switch/sched_wakeup probes that record task names, which flips
# those tracepoints' static keys in __schedule() and try_to_wake_up(); under
# multi-threaded TCG a vCPU can then run a stale translation of the patched
# text ("Oops: int3", docs/testbed.md; seen in backlog.sh's full boot on
# 2026-12-07). The guest tests read no task names from the trace, so they
# turn the recording off; the guest is thrown away after its tests.
trace_no_cmdline_probes() {
	for _o in record-cmd record-tgid; do
		[ -w /sys/kernel/tracing/options/$_o ] && echo 0 > /sys/kernel/tracing/options/$_o
	done
	return 0
}
