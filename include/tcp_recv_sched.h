/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_recv_sched.h - names shared by the kernel series, the tool and the
 * benchmarks: the sysctls of the series (file names and ranges) and the
 * TcpExt counters it adds to /proc/net/netstat.
 *
 * Keep in sync with kernel-patch/6.12/ (sysctl_net_ipv4.c table rows and
 * the snmp.h / proc.c MIB entries); the guest tests compare both.
 */
#ifndef TCP_RECV_SCHED_H
#define TCP_RECV_SCHED_H

/* Relative to the proc root (default "/proc"). */
#define TRS_SYSCTL_DIR "sys/net/ipv4"
#define TRS_NETSTAT_FILE "net/netstat"

enum trs_knob {
	TRS_KNOB_ENABLE,
	TRS_KNOB_STARVATION_LIMIT,
	TRS_KNOB_YIELD_ON_RETURN,
	TRS_KNOB_RCVQ_DRAIN_AWARE,
	TRS_KNOB_COUNT
};

struct trs_knob_def {
	const char *key;	/* name used by the tool: enable, ... */
	const char *file;	/* file below TRS_SYSCTL_DIR */
	const char *env;	/* exported to sweep commands */
	unsigned long min, max, def;
	const char *unit;
	int init_net_only;	/* registered for the initial netns only */
};

/*
 * enable: 0 stock, 1 defer while the owned socket has a backlog,
 *         2 defer while inside tcp_recvmsg() with the socket owned,
 *         3 as 2 but only to the next safe point of the copy loop, where
 *           the task releases the socket and lets the scheduler run.
 * starvation_limit: microseconds an extra run may last past the point of
 *         preemption; 0 disables the override (unbounded).
 * yield_on_return: 1 hands the CPU back when leaving tcp_recvmsg().
 * These three are registered for the initial network namespace only.
 *
 * rcvq_drain_aware (net.ipv4.tcp_rcvq_drain_aware, per network namespace):
 *         how receive autotuning accounts for the bytes still queued:
 *         0 always subtract them (as shipped since ea33537d8292),
 *         1 only for a reader that did not find its queue empty since the
 *           last measurement (the fix, default), 2 never (as before).
 */
#define TRS_ENABLE_MAX			3UL
#define TRS_STARVATION_LIMIT_MAX	1000000UL
#define TRS_STARVATION_LIMIT_DEFAULT	2000UL
#define TRS_RCVQ_DRAIN_AWARE_MAX	2UL
#define TRS_RCVQ_DRAIN_AWARE_DEFAULT	1UL

#define TRS_KNOB_DEFS {							\
	{ "enable", "tcp_recv_sched_enable",				\
	  "TCP_RECV_SCHED_ENABLE", 0, TRS_ENABLE_MAX, 0, "", 1 },	\
	{ "starvation_limit", "tcp_recv_sched_starvation_limit",	\
	  "TCP_RECV_SCHED_STARVATION_LIMIT", 0,				\
	  TRS_STARVATION_LIMIT_MAX, TRS_STARVATION_LIMIT_DEFAULT, "us", 1 }, \
	{ "yield_on_return", "tcp_recv_sched_yield_on_return",		\
	  "TCP_RECV_SCHED_YIELD_ON_RETURN", 0, 1, 1, "", 1 },		\
	{ "rcvq_drain_aware", "tcp_rcvq_drain_aware",			\
	  "TCP_RCVQ_DRAIN_AWARE", 0, TRS_RCVQ_DRAIN_AWARE_MAX,		\
	  TRS_RCVQ_DRAIN_AWARE_DEFAULT, "", 0 },			\
}

/*
 * TcpExt counters added by the series, as named in /proc/net/netstat.
 * RecvSched*: the policy (grants, grants cut by the limit, yields,
 * mode 3 safe-point releases).
 * Rcvq*: autotuning measurements in which subtracting the queued bytes
 * withheld growth, for a reader that had not found its queue empty since
 * the last one (SlowReader) and for one that had (LateReader: the freeze
 * the fix removes, only with rcvq_drain_aware 0).
 * Backlog*: socket backlog episodes (a segment parked while the owner held
 * the socket), the packets, bytes and microseconds parked, and the
 * episodes in which the owner was preempted, with their microseconds.
 */
#define TRS_COUNTER_NAMES {			\
	"TCPRecvSchedGrants",			\
	"TCPRecvSchedLimitHits",		\
	"TCPRecvSchedYields",			\
	"TCPRecvSchedReleases",			\
	"TCPRcvqSlowReader",			\
	"TCPRcvqLateReader",			\
	"TCPBacklogEpisodes",			\
	"TCPBacklogParkedPkts",			\
	"TCPBacklogParkedBytes",		\
	"TCPBacklogParkedUsecs",		\
	"TCPBacklogPreemptedEpisodes",		\
	"TCPBacklogPreemptedUsecs",		\
}
#define TRS_COUNTER_COUNT 12

#endif /* TCP_RECV_SCHED_H */
