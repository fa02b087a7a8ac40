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
