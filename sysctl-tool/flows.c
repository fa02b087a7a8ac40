// SPDX-License-Identifier: GPL-2.0
/*
 * flows.c - `flows`: established TCP sockets whose receive-buffer
 * autotuning is frozen although the application keeps its queue drained
 * (the "late reader" trap of tcp_rcv_space_adjust() since ea33537d8292).
 *
 * The tool takes --samples dumps of the sockets, --interval ms apart,
 * pairs a socket's samples by its sock_diag cookie and hands them to
 * trs_flow_judge(), a pure function: the rules are in its comment and in
 * tcp-recv-sched(8). Only stock interfaces are read (sock_diag and two
 * sysctls), so it runs on any kernel, with or without the series.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "trs.h"

const char *const trs_verdict_names[TRS_V_COUNT] = {
	[TRS_V_OFF] = "off",
	[TRS_V_NEW] = "new",
	[TRS_V_IDLE] = "idle",
	[TRS_V_SHORT] = "short",
	[TRS_V_OK] = "ok",
	[TRS_V_SLOW_READER] = "slow-reader",
	[TRS_V_LIMITED] = "limited",
	[TRS_V_TRAPPED] = "trapped",
};

#define SAMPLES_DEFAULT		5
#define SAMPLES_MAX		1000
#define INTERVAL_MS_DEFAULT	200
#define INTERVAL_MS_MAX		60000
#define FILL_PCT_CAP		999

struct flows_opts {
	bool json, only_trapped, check, help;
	long port;			/* local port, -1 for any */
	unsigned long samples, interval_ms;
	bool min_bytes_set;
	unsigned long long min_bytes;
	unsigned int min_fill_pct;
};

/* One listed socket: its last sample, how many it had, the verdict. */
struct flow {
	const struct trs_sock *s;
	size_t nsamples;
	struct trs_flow_eval ev;
};

/*
 * The rules, first match wins (the samples are one socket's, oldest first;
 * "last" is the newest):
 *   off          tcp_moderate_rcvbuf is 0: the kernel does not autotune
 *   new          fewer than 2 samples: established while sampling
 *   idle         last.last_data_recv >= TRS_FLOW_IDLE_MS: not receiving
 *   short        last.bytes_received < min_bytes: not received for long
 *   ok           rb != tcp_rmem[1] in some sample: autotuning grew the
 *                buffer, or the application set SO_RCVBUF (rb = 2 x value)
 *   slow-reader  min r >= rb / TRS_FLOW_DRAINED_DIV: the queue never
 *                drained, the application is slower than the sender
 *   limited      the bytes received per base RTT over the samples are
 *                under min_fill_pct of rcv_ssthresh (the window's cap):
 *                the buffer is not what limits the flow (the sender, the
 *                network, or a reader that pauses longer than an RTT)
 *   trapped      everything else: rb still at tcp_rmem[1] after
 *                min_bytes, receiving now, the queue drained between
 *                bursts, and about a window per RTT
 * The base RTT is tcpi_min_rtt (the path; for a pure receiver its SYN-ACK
 * sample), else tcpi_rcv_rtt; without either the rate rule is skipped.
 */
enum trs_verdict trs_flow_judge(const struct trs_flow_rules *ru,
				const struct trs_flow_sample *smp, size_t n,
				struct trs_flow_eval *ev)
{
	const struct trs_sock *first, *last;
	bool at_default = true;

	memset(ev, 0, sizeof(*ev));
	ev->mbps = -1;
	ev->fill_pct = -1;
	if (!n)
		return ev->verdict = TRS_V_NEW;
	first = &smp[0].s;
	last = &smp[n - 1].s;
	ev->r_min = last->r;
	for (size_t i = 0; i < n; i++) {
		if (smp[i].s.r < ev->r_min)
			ev->r_min = smp[i].s.r;
		if (smp[i].s.rb != ru->rmem_default)
			at_default = false;
	}
	ev->rtt_us = last->min_rtt_us ? last->min_rtt_us : last->rcv_rtt_us;
	if (n >= 2 && smp[n - 1].t > smp[0].t) {
		double dt = smp[n - 1].t - smp[0].t, bytes = 0;

		if (last->bytes_received > first->bytes_received)
			bytes = (double)(last->bytes_received -
					 first->bytes_received);
		ev->mbps = bytes * 8 / dt / 1e6;
		if (ev->rtt_us && last->rcv_ssthresh) {
			double pct = 100 * bytes / dt * ev->rtt_us / 1e6 /
				     last->rcv_ssthresh;

			ev->fill_pct = pct > FILL_PCT_CAP ? FILL_PCT_CAP :
							    (int)pct;
		}
	}

	if (!ru->moderate_rcvbuf)
		ev->verdict = TRS_V_OFF;
	else if (n < 2)
		ev->verdict = TRS_V_NEW;
	else if (last->last_data_recv_ms >= TRS_FLOW_IDLE_MS)
		ev->verdict = TRS_V_IDLE;
	else if (last->bytes_received < ru->min_bytes)
		ev->verdict = TRS_V_SHORT;
	else if (!at_default)
		ev->verdict = TRS_V_OK;
	else if ((unsigned long long)ev->r_min * TRS_FLOW_DRAINED_DIV >=
		 last->rb)
		ev->verdict = TRS_V_SLOW_READER;
	else if (ev->fill_pct >= 0 &&
		 (unsigned int)ev->fill_pct < ru->min_fill_pct)
		ev->verdict = TRS_V_LIMITED;
	else
		ev->verdict = TRS_V_TRAPPED;
	return ev->verdict;
}

/* The synopsis alone for the tool's usage, all of it for --help. */
void trs_flows_usage(FILE *f, bool full, const char *lead)
{
	fprintf(f,
		"%s" PROG " [-j] [--proc DIR] flows [--trapped] [--check] [--port N]\n"
		"                  [--samples N] [--interval MS] [--min-bytes N]\n"
		"                  [--min-fill PCT]\n", lead);
	if (!full)
		return;
	fprintf(f,
		"Lists established TCP sockets with their receive buffer and a verdict:\n"
		"trapped when autotuning is frozen at tcp_rmem[1] although the application\n"
		"keeps its queue drained. Verdicts: off new idle short ok slow-reader\n"
		"limited trapped.\n"
		"  --trapped       list only trapped sockets\n"
		"  --check         exit %d if a listed socket is trapped\n"
		"  --port N        only sockets with local port N\n"
		"  --samples N     dumps to take, 2..%d (default %d)\n"
		"  --interval MS   between dumps, 1..%d (default %d)\n"
		"  --min-bytes N   bytes received before judging (default %d x tcp_rmem[1])\n"
		"  --min-fill PCT  trapped needs this %% of rcv_ssthresh per RTT, 0..100,\n"
		"                  0 for any (default %d)\n"
		"  -j, --json      JSON output\n"
		"  --proc DIR      the proc tree for the sysctls instead of /proc\n"
		"  -h, --help      this help\n"
		"See tcp-recv-sched(8).\n",
		EXIT_TRAPPED, SAMPLES_MAX, SAMPLES_DEFAULT, INTERVAL_MS_MAX,
		INTERVAL_MS_DEFAULT, TRS_FLOW_MIN_BYTES_X, TRS_FLOW_MIN_FILL_PCT);
}

/* "--NAME: 'ARG' is not an integer MIN..MAX" unless it is one. */
static int opt_number(const char *name, const char *arg,
		      unsigned long long min, unsigned long long max,
		      unsigned long long *out)
{
	if (parse_ulong(arg, max, out) || *out < min) {
		trs_err("--%s: '%s' is not an integer %llu..%llu", name, arg,
			min, max);
		return -1;
	}
	return 0;
}

static int parse_args(struct flows_opts *o, struct trs_opts *g, int argc,
		      char **argv)
{
	enum { OPT_TRAPPED = 256, OPT_CHECK, OPT_PORT, OPT_SAMPLES,
	       OPT_INTERVAL, OPT_MIN_BYTES, OPT_MIN_FILL };
	static const struct option opts[] = {
		{ "trapped", no_argument, NULL, OPT_TRAPPED },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "samples", required_argument, NULL, OPT_SAMPLES },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "min-bytes", required_argument, NULL, OPT_MIN_BYTES },
		{ "min-fill", required_argument, NULL, OPT_MIN_FILL },
		TRS_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long v;
	int c;

	o->port = -1;
	o->samples = SAMPLES_DEFAULT;
	o->interval_ms = INTERVAL_MS_DEFAULT;
	o->min_fill_pct = TRS_FLOW_MIN_FILL_PCT;
	optind = 0;	/* glibc: rescan from argv[1] */
	opterr = 0;	/* its messages would name "flows", not the tool */
	while ((c = getopt_long(argc, argv, "+:jh", opts, NULL)) != -1) {
		if (trs_opt_global(g, c))
			continue;
		switch (c) {
		case OPT_TRAPPED:
			o->only_trapped = true;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_PORT:
			if (opt_number("port", optarg, 1, 65535, &v))
				return -1;
			o->port = (long)v;
			break;
		case OPT_SAMPLES:
			if (opt_number("samples", optarg, 2, SAMPLES_MAX, &v))
				return -1;
			o->samples = (unsigned long)v;
			break;
		case OPT_INTERVAL:
			if (opt_number("interval", optarg, 1, INTERVAL_MS_MAX,
				       &v))
				return -1;
			o->interval_ms = (unsigned long)v;
			break;
		case OPT_MIN_BYTES:
			if (opt_number("min-bytes", optarg, 0,
				       (unsigned long long)-1, &v))
				return -1;
			o->min_bytes = v;
			o->min_bytes_set = true;
			break;
		case OPT_MIN_FILL:
			if (opt_number("min-fill", optarg, 0, 100, &v))
				return -1;
			o->min_fill_pct = (unsigned int)v;
			break;
		case 'h':
			o->help = true;
			return 0;
		default:
			trs_opt_error("flows", c, argv);
			return -1;
		}
	}
	if (optind < argc) {
		trs_err("flows: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* PROC/sys/net/ipv4/NAME holding exactly n numbers. */
static int read_sysctl(const char *proc, const char *name,
		       unsigned long long *vals, size_t n)
{
	char *path = xasprintf("%s/%s/%s", proc, TRS_SYSCTL_DIR, name);
	char line[256], *save, *tok, *p = line;
	FILE *f = fopen(path, "re");
	size_t got = 0;
	int ret = -1;

	if (!f) {
		trs_err_errno(path, errno, NULL);
		free(path);
		return -1;
	}
	if (!fgets(line, sizeof(line), f)) {
		if (ferror(f))
			trs_err_errno(path, errno, NULL);
		else
			trs_err("%s: empty", path);
		goto out;
	}
	line[strcspn(line, "\n")] = '\0';
	while ((tok = strtok_r(p, " \t", &save))) {
		p = NULL;
		if (got == n || parse_ulong(tok, (unsigned long long)-1,
					    &vals[got]))
			break;
		got++;
	}
	if (tok || got != n)
		trs_err("%s: unexpected content '%s'", path, line);
	else
		ret = 0;
out:
	fclose(f);
	free(path);
	return ret;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(const struct timespec *start, unsigned long ms)
{
	struct timespec t = *start;

	t.tv_sec += (time_t)(ms / 1000);
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) ==
	       EINTR)
		;
}

static int cookie_cmp(const void *a, const void *b)
{
	const struct trs_sock *x = a, *y = b;

	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

/* Dump i of o->samples: only the port asked for, sorted by cookie. */
static int take_dump(struct trs_diag *d, const struct flows_opts *o,
		     struct trs_socks *ss)
{
	size_t keep = 0;

	if (trs_diag_dump(d, ss))
		return -1;
	for (size_t i = 0; i < ss->n; i++)
		if (o->port < 0 || ss->s[i].sport == (unsigned int)o->port)
			ss->s[keep++] = ss->s[i];
	ss->n = keep;
	qsort(ss->s, ss->n, sizeof(*ss->s), cookie_cmp);
	return 0;
}

static int sample_all(const struct flows_opts *o, struct trs_socks *dumps,
		      double *t)
{
	struct trs_diag d;
	struct timespec start;
	int ret = 0;

	if (trs_diag_open(&d))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (unsigned long i = 0; i < o->samples && !ret; i++) {
		if (i)
			sleep_until(&start, i * o->interval_ms);
		t[i] = now_s();
		ret = take_dump(&d, o, &dumps[i]);
	}
	trs_diag_close(&d);
	return ret;
}

/* The samples of the sockets of the last dump, judged. */
static struct flow *judge_all(const struct flows_opts *o,
			      const struct trs_flow_rules *ru,
			      const struct trs_socks *dumps, const double *t,
			      size_t *nflows)
{
	const struct trs_socks *last = &dumps[o->samples - 1];
	struct trs_flow_sample *smp = xcalloc(o->samples, sizeof(*smp));
	struct flow *fl = xcalloc(last->n, sizeof(*fl));
	size_t n = 0;

	for (size_t k = 0; k < last->n; k++) {
		size_t ns = 0;

		for (unsigned long i = 0; i < o->samples; i++) {
			const struct trs_sock *hit =
				bsearch(&last->s[k], dumps[i].s, dumps[i].n,
					sizeof(*dumps[i].s), cookie_cmp);

			if (!hit)
				continue;
			smp[ns].t = t[i];
			smp[ns++].s = *hit;
		}
		fl[n].s = &last->s[k];
		fl[n].nsamples = ns;
		trs_flow_judge(ru, smp, ns, &fl[n].ev);
		if (!o->only_trapped || fl[n].ev.verdict == TRS_V_TRAPPED)
			n++;
	}
	free(smp);
	*nflows = n;
	return fl;
}

static void addr_str(const struct trs_sock *s, const unsigned char *a,
		     char *buf, size_t len)
{
	if (!inet_ntop(s->family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static char *endpoint(const struct trs_sock *s, const unsigned char *a,
		      unsigned int port)
{
	char addr[INET6_ADDRSTRLEN];

	addr_str(s, a, addr, sizeof(addr));
	if (s->family == AF_INET6)
		return xasprintf("[%s]:%u", addr, port);
	return xasprintf("%s:%u", addr, port);
}

static void print_text(const struct flow *fl, size_t n)
{
	static const char *const lh = "Local Address:Port";
	static const char *const ph = "Peer Address:Port";
	char **loc = xcalloc(n, sizeof(*loc)), **peer = xcalloc(n, sizeof(*peer));
	int lw = (int)strlen(lh), pw = (int)strlen(ph);

	for (size_t i = 0; i < n; i++) {
		loc[i] = endpoint(fl[i].s, fl[i].s->src, fl[i].s->sport);
		peer[i] = endpoint(fl[i].s, fl[i].s->dst, fl[i].s->dport);
		if ((int)strlen(loc[i]) > lw)
			lw = (int)strlen(loc[i]);
		if ((int)strlen(peer[i]) > pw)
			pw = (int)strlen(peer[i]);
	}
	printf("%-*s %-*s %9s %9s %9s %9s %14s %8s %7s %7s %4s %s\n",
	       lw, lh, pw, ph, "rb", "r", "r_min", "rcv_space",
	       "bytes_received", "rcv_rtt", "lastrcv", "Mbit/s", "fill",
	       "verdict");
	for (size_t i = 0; i < n; i++) {
		const struct trs_sock *s = fl[i].s;
		const struct trs_flow_eval *ev = &fl[i].ev;
		char mbps[16] = "-", fill[16] = "-";

		if (ev->mbps >= 0)
			snprintf(mbps, sizeof(mbps), "%.1f", ev->mbps);
		if (ev->fill_pct >= 0)
			snprintf(fill, sizeof(fill), "%d%%", ev->fill_pct);
		printf("%-*s %-*s %9u %9u %9u %9u %14llu %8.1f %7u %7s %4s %s\n",
		       lw, loc[i], pw, peer[i], s->rb, s->r, ev->r_min,
		       s->rcv_space, s->bytes_received, s->rcv_rtt_us / 1000.0,
		       s->last_data_recv_ms, mbps, fill,
		       trs_verdict_names[ev->verdict]);
		free(loc[i]);
		free(peer[i]);
	}
	free(loc);
	free(peer);
}

/*
 * One object; each flow on a line of its own so that line tools can pick
 * them out. Addresses come from inet_ntop(): nothing to escape.
 */
static void print_json(const struct flows_opts *o,
		       const struct trs_flow_rules *ru,
		       const unsigned long long *rmem, const struct flow *fl,
		       size_t n, size_t ntrapped)
{
	printf("{\"moderate_rcvbuf\":%d,\"tcp_rmem\":[%llu,%llu,%llu],"
	       "\"min_bytes\":%llu,\"min_fill_pct\":%u,\"samples\":%lu,"
	       "\"interval_ms\":%lu,\"trapped_flows\":%zu,\"flows\":[",
	       ru->moderate_rcvbuf, rmem[0], rmem[1], rmem[2], ru->min_bytes,
	       ru->min_fill_pct, o->samples, o->interval_ms, ntrapped);
	for (size_t i = 0; i < n; i++) {
		const struct trs_sock *s = fl[i].s;
		const struct trs_flow_eval *ev = &fl[i].ev;
		char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

		addr_str(s, s->src, src, sizeof(src));
		addr_str(s, s->dst, dst, sizeof(dst));
		printf("%s\n{\"local_addr\":\"%s\",\"local_port\":%u,"
		       "\"peer_addr\":\"%s\",\"peer_port\":%u,\"cookie\":%llu,"
		       "\"rb\":%u,\"r\":%u,\"r_min\":%u,\"rcv_space\":%u,"
		       "\"rcv_ssthresh\":%u,\"bytes_received\":%llu,"
		       "\"rcv_rtt_us\":%u,\"min_rtt_us\":%u,"
		       "\"last_data_recv_ms\":%u,\"samples\":%zu,",
		       i ? "," : "", src, s->sport, dst, s->dport, s->cookie,
		       s->rb, s->r, ev->r_min, s->rcv_space, s->rcv_ssthresh,
		       s->bytes_received, s->rcv_rtt_us, s->min_rtt_us,
		       s->last_data_recv_ms, fl[i].nsamples);
		if (ev->mbps >= 0)
			printf("\"mbps\":%.1f,", ev->mbps);
		else
			printf("\"mbps\":null,");
		if (ev->fill_pct >= 0)
			printf("\"fill_pct\":%d,", ev->fill_pct);
		else
			printf("\"fill_pct\":null,");
		printf("\"verdict\":\"%s\",\"trapped\":%s}",
		       trs_verdict_names[ev->verdict],
		       ev->verdict == TRS_V_TRAPPED ? "true" : "false");
	}
	printf("%s]}\n", n ? "\n" : "");
}

int trs_cmd_flows(struct trs_opts *g, int argc, char **argv)
{
	const char *proc;
	struct flows_opts o;
	struct trs_flow_rules ru;
	unsigned long long rmem[3], moderate;
	struct trs_socks *dumps;
	struct flow *fl;
	double *t;
	size_t n, ntrapped = 0;
	int ret = EXIT_OK;

	memset(&o, 0, sizeof(o));
	if (parse_args(&o, g, argc, argv))
		return EXIT_USAGE;
	if (o.help) {
		trs_flows_usage(stdout, true, "Usage: ");
		return EXIT_OK;
	}
	o.json = g->json;
	proc = g->proc;
	if (read_sysctl(proc, "tcp_rmem", rmem, 3) ||
	    read_sysctl(proc, "tcp_moderate_rcvbuf", &moderate, 1))
		return EXIT_RUNTIME;
	memset(&ru, 0, sizeof(ru));
	ru.moderate_rcvbuf = moderate != 0;
	ru.rmem_default = (unsigned long)rmem[1];
	ru.min_bytes = o.min_bytes_set ? o.min_bytes :
					 TRS_FLOW_MIN_BYTES_X * rmem[1];
	ru.min_fill_pct = o.min_fill_pct;

	dumps = xcalloc(o.samples, sizeof(*dumps));
	t = xcalloc(o.samples, sizeof(*t));
	if (sample_all(&o, dumps, t)) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	fl = judge_all(&o, &ru, dumps, t, &n);
	for (size_t i = 0; i < n; i++)
		ntrapped += fl[i].ev.verdict == TRS_V_TRAPPED;
	if (o.json)
		print_json(&o, &ru, rmem, fl, n, ntrapped);
	else
		print_text(fl, n);
	free(fl);
	if (fflush(stdout)) {
		trs_err_errno("stdout", errno, NULL);
		ret = EXIT_RUNTIME;
	} else if (o.check && ntrapped) {
		ret = EXIT_TRAPPED;
	}
out:
	for (unsigned long i = 0; i < o.samples; i++)
		trs_socks_free(&dumps[i]);
	free(dumps);
	free(t);
	return ret;
}
