/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trs.h - internal interfaces of the tcp-recv-sched tool.
 *
 * knobs.c    parse, read, write and restore the knobs; any sysctl by name
 * netstat.c  the TcpExt counters: the series', stock ones of the receive path
 * show.c     `show` (text and JSON)
 * flows.c    `flows`: sampling, the trapped-autotuning verdict, output
 * diag.c     established TCP sockets from NETLINK_SOCK_DIAG
 * set.c      `set`
 * sweep.c    `sweep`: options and the run loop
 * plan.c     the order of a sweep's runs
 * child.c    running a sweep command, signals
 * metrics.c  key=value lines printed by a sweep command
 * tsv.c      the sweep result table
 * usage.c    the synopsis, help and CMD --help
 * util.c     messages, allocation, proc files, the global options
 */
#ifndef TRS_TOOL_H
#define TRS_TOOL_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "tcp_recv_sched.h"

#define PROG "tcp-recv-sched"

/* Exit statuses: scripts rely on them. */
#define EXIT_OK		0
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define EXIT_TRAPPED	3	/* flows --check found a trapped socket */

/* The global options, before the command or among its own options. */
struct trs_opts {
	const char *proc;	/* --proc DIR, "/proc" */
	bool json;		/* -j, --json */
};

#define TRS_OPT_PROC 1000	/* getopt value of --proc */
#define TRS_GLOBAL_OPTIONS					\
	{ "json", no_argument, NULL, 'j' },			\
	{ "proc", required_argument, NULL, TRS_OPT_PROC }

/* util.c */
bool trs_opt_global(struct trs_opts *g, int c);
void trs_opt_error(const char *cmd, int c, char **argv);
int trs_opt_simple(struct trs_opts *g, const char *cmd, int argc, char **argv);
void trs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void trs_err_errno(const char *obj, int errnum, const char *hint);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_ulong(const char *s, unsigned long long max, unsigned long long *out);
int trs_read_text(const char *path, char *buf, size_t len);

/* knobs.c */
extern const struct trs_knob_def trs_knobs[TRS_KNOB_COUNT];

struct trs_values {
	unsigned long v[TRS_KNOB_COUNT];
};

int trs_knob_by_key(const char *key);
int trs_parse_value(enum trs_knob k, const char *s, unsigned long *out);
int trs_parse_assignment(const char *arg, enum trs_knob *k, unsigned long *v);
int trs_parse_list(enum trs_knob k, const char *s,
		   unsigned long **vals, size_t *n);
char *trs_knob_path(const char *proc, enum trs_knob k);
int trs_netns_initial(const char *proc);
const char *trs_series_hint(const char *proc);
char *trs_series_missing(const char *proc);
int trs_knob_get(const char *proc, enum trs_knob k, unsigned long *v,
		 char *raw, size_t rawlen);
void trs_knob_report(const char *proc, enum trs_knob k, int ret,
		     const char *raw);
int trs_read_knob(const char *proc, enum trs_knob k, unsigned long *v);
int trs_write_knob(const char *proc, enum trs_knob k, unsigned long v);
int trs_write_all(const char *proc, const struct trs_values *want,
		  const bool *which, bool *written);
int trs_restore(const char *proc, const struct trs_values *orig,
		const bool *only, int say);
char *trs_sysctl_path(const char *proc, const char *name);
int trs_write_text(const char *path, const char *val);

/*
 * netstat.c: the series' counters (the header's, index 0 ..
 * TRS_COUNTER_COUNT - 1: sweep records their deltas) and after them stock
 * TcpExt counters of the receive path that `show` prints too.
 */
#define TRS_STOCK_COUNTER_NAMES {	\
	"TCPRcvQDrop",			\
	"TCPRcvCollapsed",		\
	"TCPRcvCoalesce",		\
	"TCPBacklogCoalesce",		\
	"TCPBacklogDrop",		\
	"PruneCalled",			\
	"RcvPruned",			\
}
#define TRS_STOCK_COUNTER_COUNT 7
#define TRS_ALL_COUNTERS (TRS_COUNTER_COUNT + TRS_STOCK_COUNTER_COUNT)

struct trs_counters {
	unsigned long long v[TRS_ALL_COUNTERS];
	bool present[TRS_ALL_COUNTERS];
};

const char *trs_counter_name(int i);
int trs_parse_netstat(FILE *f, struct trs_counters *c);
int trs_counters_get(const char *proc, struct trs_counters *c);
int trs_read_counters(const char *proc, struct trs_counters *c);

/* metrics.c */
struct trs_metric {
	char *key;
	char *value;	/* the number as the command printed it */
};

struct trs_metrics {
	struct trs_metric *m;
	size_t n;
};

bool trs_metric_key_valid(const char *key);
int trs_metrics_parse_line(struct trs_metrics *ms, const char *line);
void trs_metrics_free(struct trs_metrics *ms);

/* tsv.c */
struct trs_row {
	unsigned long run, repeat;
	char *params;		/* the swept settings' cells, tab-separated */
	int exit_status;
	long long start_time;	/* unix seconds */
	double duration_s;
	struct trs_counters delta;
	struct trs_metrics metrics;
};

struct trs_tsv;

struct trs_tsv *trs_tsv_open(const char *path, const char *param_header,
			     unsigned long *next_run);
int trs_tsv_add(struct trs_tsv *t, struct trs_row *row);
int trs_tsv_write(const struct trs_tsv *t);
int trs_tsv_print(const struct trs_tsv *t, FILE *f);
void trs_tsv_free(struct trs_tsv *t);

/* show.c, set.c, sweep.c, flows.c: argv starts at the subcommand name */
int trs_cmd_show(struct trs_opts *g, int argc, char **argv);
int trs_cmd_set(struct trs_opts *g, int argc, char **argv);
int trs_cmd_sweep(struct trs_opts *g, int argc, char **argv);
int trs_cmd_flows(struct trs_opts *g, int argc, char **argv);
void trs_flows_usage(FILE *f, bool full, const char *lead);
/* usage.c */
void trs_usage(FILE *f);
void trs_usage_cmd(const char *cmd);	/* help CMD, CMD --help: stdout */
bool trs_is_command(const char *s);

/* diag.c: one established TCP socket as sock_diag reports it */
struct trs_sock {
	unsigned long long cookie;	/* inet_diag_sockid: pairs samples */
	int family;			/* AF_INET or AF_INET6 */
	unsigned char src[16], dst[16];	/* network order; AF_INET: 4 bytes */
	unsigned int sport, dport;
	unsigned int rb;		/* SK_MEMINFO_RCVBUF: sk_rcvbuf */
	unsigned int r;			/* SK_MEMINFO_RMEM_ALLOC */
	unsigned int rcv_space, rcv_ssthresh;	/* tcp_info, bytes */
	unsigned int rcv_rtt_us, min_rtt_us;	/* 0: no sample */
	unsigned int last_data_recv_ms;
	unsigned long long bytes_received;
};

struct trs_socks {
	struct trs_sock *s;
	size_t n, cap;
};

struct trs_diag {
	int fd;
	unsigned int seq;	/* of the last request */
	char *buf;		/* receive buffer, grown to the datagrams */
	size_t cap;
};

int trs_diag_parse(const void *buf, size_t len, unsigned int seq,
		   struct trs_socks *out, bool *done);
int trs_diag_open(struct trs_diag *d);
int trs_diag_dump(struct trs_diag *d, struct trs_socks *out);
void trs_diag_close(struct trs_diag *d);
void trs_socks_free(struct trs_socks *ss);

/* flows.c: the verdict on one socket from its samples, oldest first */
enum trs_verdict {
	TRS_V_OFF,		/* tcp_moderate_rcvbuf is 0: no autotuning */
	TRS_V_NEW,		/* in one sample only */
	TRS_V_IDLE,		/* no data for TRS_FLOW_IDLE_MS */
	TRS_V_SHORT,		/* fewer than min_bytes received */
	TRS_V_OK,		/* rb is not tcp_rmem[1]: grown or set */
	TRS_V_SLOW_READER,	/* the queue never drained below rb / 4 */
	TRS_V_LIMITED,		/* under min_fill_pct of a window per RTT */
	TRS_V_TRAPPED,		/* autotuning frozen, the reader keeps up */
	TRS_V_COUNT
};

extern const char *const trs_verdict_names[TRS_V_COUNT];

#define TRS_FLOW_IDLE_MS	1000	/* "receiving now": less than this */
#define TRS_FLOW_MIN_BYTES_X	32	/* default min_bytes: x tcp_rmem[1] */
#define TRS_FLOW_DRAINED_DIV	4	/* drained: min r < rb / this */
#define TRS_FLOW_MIN_FILL_PCT	50	/* default min_fill_pct */

struct trs_flow_rules {
	bool moderate_rcvbuf;		/* net.ipv4.tcp_moderate_rcvbuf */
	unsigned long rmem_default;	/* net.ipv4.tcp_rmem[1] */
	unsigned long long min_bytes;
	unsigned int min_fill_pct;	/* 0: the rate rule is off */
};

struct trs_flow_sample {
	double t;		/* when its dump started, seconds */
	struct trs_sock s;
};

struct trs_flow_eval {
	enum trs_verdict verdict;
	unsigned int r_min;	/* smallest r of the samples */
	double mbps;		/* over the samples; < 0: one sample */
	unsigned int rtt_us;	/* base RTT: min_rtt, else rcv_rtt; 0 none */
	int fill_pct;		/* bytes per base RTT / rcv_ssthresh; -1 */
};

enum trs_verdict trs_flow_judge(const struct trs_flow_rules *rules,
				const struct trs_flow_sample *smp, size_t n,
				struct trs_flow_eval *ev);

/* child.c */
struct trs_sigs {
	sigset_t orig;	/* mask the tool started with (and children get) */
	sigset_t wait;	/* mask while waiting: stop signals let in */
};

void trs_stop_sigset(sigset_t *set);
void trs_signals_install(struct trs_sigs *s);
int trs_signals_take(const struct trs_sigs *s);
int trs_reraise(int sig);
int trs_run_command(char **cmd, const struct trs_sigs *s,
		    struct trs_metrics *ms, int *status, int *stop_sig);

/*
 * plan.c: a sweep's dimensions are the knobs (index = enum trs_knob), then
 * the --sysctl names in the order given (their values by index).
 */
#define TRS_SYSCTL_MAX	8	/* --sysctl options in one sweep */
#define TRS_DIM_MAX	(TRS_KNOB_COUNT + TRS_SYSCTL_MAX)

enum trs_order { TRS_ORDER_GRID, TRS_ORDER_INTERLEAVE, TRS_ORDER_SHUFFLE };

struct trs_run {
	unsigned long set[TRS_DIM_MAX];
	unsigned long repeat;	/* 1-based */
};

struct trs_plan_spec {
	size_t ndims;
	unsigned long *list[TRS_DIM_MAX];
	size_t len[TRS_DIM_MAX];
	unsigned long repeat;
	enum trs_order order;
	unsigned long long seed;
};

int trs_parse_order(const char *s, enum trs_order *o);
struct trs_run *trs_plan(const struct trs_plan_spec *spec, size_t *n);

#endif /* TRS_TOOL_H */
