/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_recv_sched.h - names shared by the kernel series, the tool and the
 * benchmarks: the three sysctls (file names and ranges) and the TcpExt
 * counters the series adds to /proc/net/netstat.
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
	TRS_KNOB_COUNT
};

struct trs_knob_def {
	const char *key;	/* name used by the tool: enable, ... */
	const char *file;	/* file below TRS_SYSCTL_DIR */
	const char *env;	/* exported to sweep commands */
	unsigned long min, max, def;
	const char *unit;
};

/*
 * enable: 0 stock, 1 defer while the owned socket has a backlog,
 *         2 defer while inside tcp_recvmsg() with the socket owned,
 *         3 as 2 but only to the next safe point of the copy loop, where
 *           the task releases the socket and lets the scheduler run.
 * starvation_limit: microseconds an extra run may last past the point of
 *         preemption; 0 disables the override (unbounded).
 * yield_on_return: 1 hands the CPU back when leaving tcp_recvmsg().
 */
#define TRS_ENABLE_MAX			3UL
#define TRS_STARVATION_LIMIT_MAX	1000000UL
#define TRS_STARVATION_LIMIT_DEFAULT	2000UL

#define TRS_KNOB_DEFS {							\
	{ "enable", "tcp_recv_sched_enable",				\
	  "TCP_RECV_SCHED_ENABLE", 0, TRS_ENABLE_MAX, 0, "" },		\
	{ "starvation_limit", "tcp_recv_sched_starvation_limit",	\
	  "TCP_RECV_SCHED_STARVATION_LIMIT", 0,				\
	  TRS_STARVATION_LIMIT_MAX, TRS_STARVATION_LIMIT_DEFAULT, "us" }, \
	{ "yield_on_return", "tcp_recv_sched_yield_on_return",		\
	  "TCP_RECV_SCHED_YIELD_ON_RETURN", 0, 1, 1, "" },		\
}

/*
 * TcpExt counters added by the series, as named in /proc/net/netstat.
 * RecvSched*: the policy (grants, grants cut by the limit, yields,
 * mode 3 safe-point releases).
 */
#define TRS_COUNTER_NAMES {			\
	"TCPRecvSchedGrants",			\
	"TCPRecvSchedLimitHits",		\
	"TCPRecvSchedYields",			\
	"TCPRecvSchedReleases",			\
}
#define TRS_COUNTER_COUNT 4

#endif /* TCP_RECV_SCHED_H */
