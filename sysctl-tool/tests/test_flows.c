// SPDX-License-Identifier: GPL-2.0
/*
 * test_flows.c - `flows` in-process: the verdict of trs_flow_judge() on
 * synthetic samples (trapped, grown, idle, short, slow reader, rate
 * limited, SO_RCVBUF, autotuning off, one sample) and trs_diag_parse() on
 * sock_diag replies built in memory, including every truncation of one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <cmocka.h>

#include "fixture.h"
#include "tests.h"
#include "trs.h"

#define NSAMPLES 5
#define RMEM FX_RMEM_DEFAULT
#define SSTHRESH 95412	/* a trapped flow's, docs/rcvbuf.md */

static const struct trs_flow_rules rules = {
	.moderate_rcvbuf = true,
	.rmem_default = RMEM,
	.min_bytes = TRS_FLOW_MIN_BYTES_X * (unsigned long long)RMEM,
	.min_fill_pct = TRS_FLOW_MIN_FILL_PCT,
};

/*
 * A flow on a 50 ms path sampled every 200 ms: rb, the queue of each
 * sample, its rate, and bytes received at the first sample. The defaults
 * are those of a trapped flow as ss showed it: 12 Mbit/s, rb at tcp_rmem[1],
 * the queue empty but for one burst, 6 MB received, data 4 ms ago.
 */
struct flow_spec {
	unsigned int rb;
	unsigned int r[NSAMPLES];
	double mbps;
	unsigned long long bytes0;
	unsigned int last_recv_ms, min_rtt_us, rcv_rtt_us;
};

static const struct flow_spec trapped = {
	.rb = RMEM, .r = { 0, 46080, 0, 0, 2304 }, .mbps = 12.1,
	.bytes0 = 6000000, .last_recv_ms = 4, .min_rtt_us = 50200,
	.rcv_rtt_us = 51000,
};

static enum trs_verdict judge(const struct flow_spec *f,
			      const struct trs_flow_rules *ru, size_t n,
			      struct trs_flow_eval *ev)
{
	struct trs_flow_sample smp[NSAMPLES];

	memset(smp, 0, sizeof(smp));
	for (size_t i = 0; i < n; i++) {
		struct trs_sock *s = &smp[i].s;

		smp[i].t = 1000 + 0.2 * (double)i;
		s->cookie = 7;
		s->family = AF_INET;
		s->rb = f->rb;
		s->r = f->r[i];
		s->rcv_space = 14480;
		s->rcv_ssthresh = SSTHRESH;
		s->rcv_rtt_us = f->rcv_rtt_us;
		s->min_rtt_us = f->min_rtt_us;
		s->last_data_recv_ms = f->last_recv_ms;
		s->bytes_received = f->bytes0 +
			(unsigned long long)(f->mbps * 1e6 / 8 * 0.2 * (double)i);
	}
	return trs_flow_judge(ru, smp, n, ev);
}

static enum trs_verdict verdict(const struct flow_spec *f)
{
	struct trs_flow_eval ev;

	return judge(f, &rules, NSAMPLES, &ev);
}

static void test_verdict_trapped(void **state)
{
	struct trs_flow_eval ev;

	(void)state;
	assert_int_equal(judge(&trapped, &rules, NSAMPLES, &ev),
			 TRS_V_TRAPPED);
	assert_int_equal(ev.verdict, TRS_V_TRAPPED);
	assert_int_equal(ev.r_min, 0);
	assert_true(ev.mbps > 12.0 && ev.mbps < 12.2);
	assert_int_equal(ev.rtt_us, 50200);	/* min_rtt before rcv_rtt */
	/* 12.1 Mbit/s x 50.2 ms = 75.9 KB of a 95.4 KB window */
	assert_int_equal(ev.fill_pct, 79);
	assert_string_equal(trs_verdict_names[ev.verdict], "trapped");
}

/* Autotuning did its job: rb grew, whatever the rest says. */
static void test_verdict_grown(void **state)
{
	struct flow_spec f = trapped;

	(void)state;
	f.rb = 6291456;
	f.mbps = 400;
	assert_int_equal(verdict(&f), TRS_V_OK);
	f.rb = RMEM + 1;
	assert_int_equal(verdict(&f), TRS_V_OK);
}

/* rb grew during the sampling: one sample off tcp_rmem[1] is enough. */
static void test_verdict_grown_meanwhile(void **state)
{
	struct trs_flow_sample smp[3];
	struct trs_flow_eval ev;

	(void)state;
	memset(smp, 0, sizeof(smp));
	for (size_t i = 0; i < 3; i++) {
		smp[i].t = (double)i / 5;
		smp[i].s.rb = i == 2 ? 262144 : RMEM;
		smp[i].s.bytes_received = 6000000 + 300000 * i;
		smp[i].s.rcv_ssthresh = SSTHRESH;
		smp[i].s.min_rtt_us = 50000;
	}
	assert_int_equal(trs_flow_judge(&rules, smp, 3, &ev), TRS_V_OK);
}

static void test_verdict_idle(void **state)
{
	struct flow_spec f = trapped;

	(void)state;
	f.mbps = 0;
	f.last_recv_ms = 2500;
	assert_int_equal(verdict(&f), TRS_V_IDLE);
	f.last_recv_ms = TRS_FLOW_IDLE_MS;
	assert_int_equal(verdict(&f), TRS_V_IDLE);
	/* receiving, by a hair: judged on */
	f = trapped;
	f.last_recv_ms = TRS_FLOW_IDLE_MS - 1;
	assert_int_equal(verdict(&f), TRS_V_TRAPPED);
	/* idle comes first: a short flow gone quiet is idle */
	f.bytes0 = 1000;
	f.last_recv_ms = 5000;
	assert_int_equal(verdict(&f), TRS_V_IDLE);
}

/* Fewer than min_bytes: every flow starts at tcp_rmem[1]. */
static void test_verdict_short(void **state)
{
	struct flow_spec f = trapped;
	struct trs_flow_rules ru = rules;
	struct trs_flow_eval ev;

	(void)state;
	f.bytes0 = 500000;
	assert_int_equal(verdict(&f), TRS_V_SHORT);
	/* the last sample counts: exactly min_bytes is enough */
	f.mbps = 0;
	f.bytes0 = rules.min_bytes - 1;
	assert_int_equal(verdict(&f), TRS_V_SHORT);
	f.bytes0 = rules.min_bytes;
	f.mbps = 12.1;
	assert_int_equal(verdict(&f), TRS_V_TRAPPED);
	/* --min-bytes */
	f.bytes0 = 500000;
	ru.min_bytes = 400000;
	assert_int_equal(judge(&f, &ru, NSAMPLES, &ev), TRS_V_TRAPPED);
}

/* A reader slower than the sender: its queue stays near full. */
static void test_verdict_slow_reader(void **state)
{
	struct flow_spec f = trapped;
	struct trs_flow_eval ev;

	(void)state;
	f.mbps = 5;
	memcpy(f.r, (unsigned int[NSAMPLES]){ 129024, 110592, 96768, 124416,
					      119808 }, sizeof(f.r));
	assert_int_equal(judge(&f, &rules, NSAMPLES, &ev),
			 TRS_V_SLOW_READER);
	assert_int_equal(ev.r_min, 96768);
	/* one sample below rb / 4 drains it; r_min == rb / 4 does not */
	f.mbps = 12.1;
	f.r[3] = RMEM / TRS_FLOW_DRAINED_DIV;
	assert_int_equal(verdict(&f), TRS_V_SLOW_READER);
	f.r[3] = RMEM / TRS_FLOW_DRAINED_DIV - 1;
	assert_int_equal(verdict(&f), TRS_V_TRAPPED);
}

/*
 * Less than half a window per RTT: not limited by the buffer. A 5 Mbit/s
 * reader of 128 KB reads empties its queue at each read and then pauses;
 * a sender or a network at 5 Mbit/s looks the same.
 */
static void test_verdict_limited(void **state)
{
	struct flow_spec f = trapped;
	struct trs_flow_rules ru = rules;
	struct trs_flow_eval ev;

	(void)state;
	f.mbps = 5;
	memcpy(f.r, (unsigned int[NSAMPLES]){ 0, 18432, 98304, 0, 13824 },
	       sizeof(f.r));
	assert_int_equal(judge(&f, &rules, NSAMPLES, &ev), TRS_V_LIMITED);
	assert_int_equal(ev.fill_pct, 32);
	ru.min_fill_pct = 0;	/* the rule off */
	assert_int_equal(judge(&f, &ru, NSAMPLES, &ev), TRS_V_TRAPPED);
	/* 7.6 Mbit/s is exactly half a window per 50.2 ms */
	f.mbps = 7.61;
	assert_int_equal(verdict(&f), TRS_V_TRAPPED);
	f.mbps = 7.5;
	assert_int_equal(verdict(&f), TRS_V_LIMITED);
	/* no rate at all while receiving: limited, not trapped */
	f.mbps = 0;
	assert_int_equal(judge(&f, &rules, NSAMPLES, &ev), TRS_V_LIMITED);
	assert_int_equal(ev.fill_pct, 0);
}

/* Which RTT: min_rtt, else rcv_rtt, else the rate rule cannot be judged. */
static void test_verdict_rtt(void **state)
{
	struct flow_spec f = trapped;
	struct trs_flow_eval ev;

	(void)state;
	f.mbps = 5;
	f.min_rtt_us = 0;
	f.rcv_rtt_us = 200000;	/* 5 Mbit/s x 200 ms = 1.3 windows */
	assert_int_equal(judge(&f, &rules, NSAMPLES, &ev), TRS_V_TRAPPED);
	assert_int_equal(ev.rtt_us, 200000);
	assert_int_equal(ev.fill_pct, 131);
	f.rcv_rtt_us = 0;
	assert_int_equal(judge(&f, &rules, NSAMPLES, &ev), TRS_V_TRAPPED);
	assert_int_equal(ev.rtt_us, 0);
	assert_int_equal(ev.fill_pct, -1);
}

/*
 * SO_RCVBUF: the kernel doubles the value and stops autotuning. Any other
 * size is "ok"; 65536 gives exactly tcp_rmem[1] and cannot be told from
 * a trapped flow (tcp-recv-sched(8), BUGS).
 */
static void test_verdict_so_rcvbuf(void **state)
{
	struct flow_spec f = trapped;

	(void)state;
	f.rb = 2 * 100000;
	assert_int_equal(verdict(&f), TRS_V_OK);
	f.rb = 2 * 4096;
	assert_int_equal(verdict(&f), TRS_V_OK);
	f.rb = 2 * 65536;
	assert_int_equal(verdict(&f), TRS_V_TRAPPED);
}

/* tcp_moderate_rcvbuf=0: nothing autotunes, so nothing is trapped. */
static void test_verdict_moderate_off(void **state)
{
	struct trs_flow_rules ru = rules;
	struct trs_flow_eval ev;

	(void)state;
	ru.moderate_rcvbuf = false;
	assert_int_equal(judge(&trapped, &ru, NSAMPLES, &ev), TRS_V_OFF);
	assert_int_equal(ev.fill_pct, 79);	/* the numbers are still there */
}

/* One sample (a socket established during the sampling), or none. */
static void test_verdict_new(void **state)
{
	struct trs_flow_eval ev;

	(void)state;
	assert_int_equal(judge(&trapped, &rules, 1, &ev), TRS_V_NEW);
	assert_true(ev.mbps < 0);
	assert_int_equal(ev.fill_pct, -1);
	assert_int_equal(judge(&trapped, &rules, 2, &ev), TRS_V_TRAPPED);
	assert_int_equal(trs_flow_judge(&rules, NULL, 0, &ev), TRS_V_NEW);
}

/* Two samples at the same instant, a counter going back: no rate. */
static void test_verdict_odd_samples(void **state)
{
	struct trs_flow_sample smp[2];
	struct trs_flow_eval ev;

	(void)state;
	memset(smp, 0, sizeof(smp));
	for (size_t i = 0; i < 2; i++) {
		smp[i].t = 5;
		smp[i].s.rb = RMEM;
		smp[i].s.rcv_ssthresh = SSTHRESH;
		smp[i].s.min_rtt_us = 50000;
		smp[i].s.bytes_received = 9000000 - 1000 * i;
	}
	trs_flow_judge(&rules, smp, 2, &ev);
	assert_true(ev.mbps < 0);
	assert_int_equal(ev.fill_pct, -1);
	smp[1].t = 5.2;
	trs_flow_judge(&rules, smp, 2, &ev);
	assert_true(ev.mbps == 0);
	assert_int_equal(ev.verdict, TRS_V_LIMITED);
}

static void test_verdict_names(void **state)
{
	(void)state;
	for (int v = 0; v < TRS_V_COUNT; v++) {
		assert_non_null(trs_verdict_names[v]);
		for (int w = 0; w < v; w++)
			assert_string_not_equal(trs_verdict_names[v],
						trs_verdict_names[w]);
	}
}

/* A sock_diag reply assembled in memory. */
struct nlbuf {
	unsigned char b[4096] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *nl_put(struct nlbuf *nb, uint16_t type,
			       uint32_t seq, const void *data, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(nb->b + nb->len);

	assert_true(nb->len + NLMSG_SPACE(len) <= sizeof(nb->b));
	memset(nlh, 0, NLMSG_SPACE(len));
	nlh->nlmsg_len = NLMSG_LENGTH(len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	memcpy(NLMSG_DATA(nlh), data, len);
	nb->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

/* Appends an attribute to the last message, nlh. */
static void nl_attr(struct nlbuf *nb, struct nlmsghdr *nlh, uint16_t type,
		    const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((unsigned char *)nlh +
					     NLMSG_ALIGN(nlh->nlmsg_len));

	assert_true((unsigned char *)a + RTA_SPACE(len) <=
		    nb->b + sizeof(nb->b));
	memset(a, 0, RTA_SPACE(len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_SPACE(len);
	nb->len = (size_t)((unsigned char *)nlh - nb->b) +
		  NLMSG_ALIGN(nlh->nlmsg_len);
}

struct sock_spec {
	int family;
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t state;
	uint32_t cookie[2];
	bool info, mem, no_min_rtt;
	size_t info_len;	/* 0: sizeof(struct tcp_info) */
	size_t mem_len;		/* 0: SK_MEMINFO_VARS values */
};

static struct nlmsghdr *put_sock(struct nlbuf *nb, uint32_t seq,
				 const struct sock_spec *sp)
{
	struct inet_diag_msg m;
	unsigned char info[sizeof(struct tcp_info) + 64];
	struct tcp_info *ti = (struct tcp_info *)info;
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	struct nlmsghdr *nlh;

	memset(&m, 0, sizeof(m));
	m.idiag_family = (uint8_t)sp->family;
	m.idiag_state = sp->state;
	m.id.idiag_sport = htons(sp->sport);
	m.id.idiag_dport = htons(sp->dport);
	m.id.idiag_cookie[0] = sp->cookie[0];
	m.id.idiag_cookie[1] = sp->cookie[1];
	assert_int_equal(inet_pton(sp->family, sp->src, m.id.idiag_src), 1);
	assert_int_equal(inet_pton(sp->family, sp->dst, m.id.idiag_dst), 1);
	nlh = nl_put(nb, SOCK_DIAG_BY_FAMILY, seq, &m, sizeof(m));

	memset(info, 0xee, sizeof(info));	/* a newer kernel's tail */
	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = sp->state;
	ti->tcpi_rcv_space = 14480;
	ti->tcpi_rcv_ssthresh = SSTHRESH;
	ti->tcpi_rcv_rtt = 50125;
	ti->tcpi_min_rtt = sp->no_min_rtt ? 0xffffffffU : 50100;
	ti->tcpi_last_data_recv = 12;
	ti->tcpi_bytes_received = 6000000000ULL + sp->sport;
	mem[SK_MEMINFO_RMEM_ALLOC] = 2304;
	mem[SK_MEMINFO_RCVBUF] = RMEM;
	mem[SK_MEMINFO_SNDBUF] = 87040;
	if (sp->info)
		nl_attr(nb, nlh, INET_DIAG_INFO, info,
			sp->info_len ? sp->info_len : sizeof(*ti));
	if (sp->mem)
		nl_attr(nb, nlh, INET_DIAG_SKMEMINFO, mem,
			sp->mem_len ? sp->mem_len : sizeof(mem));
	return nlh;
}

static const struct sock_spec v4 = {
	AF_INET, "192.0.2.2", "192.0.2.1", 5501, 40312, 1,
	{ 0x89abcdef, 0x1234 }, true, true, false, 0, 0,
};
static const struct sock_spec v6 = {
	AF_INET6, "2001:db8::2", "2001:db8::1", 5502, 40313, 1,
	{ 42, 0 }, true, true, false, sizeof(struct tcp_info) + 64, 0,
};

static void put_done(struct nlbuf *nb, uint32_t seq, int status)
{
	nl_put(nb, NLMSG_DONE, seq, &status, sizeof(status));
}

/* Parses nb into ss (freed first); the return value of the parser. */
static int parse(const struct nlbuf *nb, size_t len, struct trs_socks *ss,
		 bool *done)
{
	trs_socks_free(ss);
	*done = false;
	return trs_diag_parse(nb->b, len, 9, ss, done);
}

static void test_diag_parse(void **state)
{
	struct nlbuf nb = { .len = 0 };
	struct trs_socks ss = { NULL, 0, 0 };
	struct sock_spec sp;
	char addr[INET6_ADDRSTRLEN];
	bool done;

	(void)state;
	put_sock(&nb, 9, &v4);
	put_sock(&nb, 8, &v4);		/* an older request's: skipped */
	sp = v4;
	sp.state = 8;			/* CLOSE_WAIT: not listed */
	put_sock(&nb, 9, &sp);
	sp = v4;
	sp.mem = false;			/* no SKMEMINFO: not listed */
	put_sock(&nb, 9, &sp);
	put_sock(&nb, 9, &v6);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), 0);
	assert_false(done);		/* multipart: more to come */
	assert_int_equal(ss.n, 2);

	assert_int_equal(ss.s[0].family, AF_INET);
	assert_true(ss.s[0].cookie == 0x123489abcdefULL);
	assert_int_equal(ss.s[0].sport, 5501);
	assert_int_equal(ss.s[0].dport, 40312);
	assert_non_null(inet_ntop(AF_INET, ss.s[0].src, addr, sizeof(addr)));
	assert_string_equal(addr, "192.0.2.2");
	assert_non_null(inet_ntop(AF_INET, ss.s[0].dst, addr, sizeof(addr)));
	assert_string_equal(addr, "192.0.2.1");
	assert_int_equal(ss.s[0].rb, RMEM);
	assert_int_equal(ss.s[0].r, 2304);
	assert_int_equal(ss.s[0].rcv_space, 14480);
	assert_int_equal(ss.s[0].rcv_ssthresh, SSTHRESH);
	assert_int_equal(ss.s[0].rcv_rtt_us, 50125);
	assert_int_equal(ss.s[0].min_rtt_us, 50100);
	assert_int_equal(ss.s[0].last_data_recv_ms, 12);
	assert_true(ss.s[0].bytes_received == 6000005501ULL);

	assert_int_equal(ss.s[1].family, AF_INET6);
	assert_true(ss.s[1].cookie == 42);
	assert_non_null(inet_ntop(AF_INET6, ss.s[1].src, addr, sizeof(addr)));
	assert_string_equal(addr, "2001:db8::2");
	assert_true(ss.s[1].bytes_received == 6000005502ULL);

	put_done(&nb, 9, 0);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), 0);
	assert_true(done);
	assert_int_equal(ss.n, 2);
	trs_socks_free(&ss);
}

/* An older kernel's short tcp_info: the fields it lacks read as 0. */
static void test_diag_short_info(void **state)
{
	struct nlbuf nb = { .len = 0 };
	struct trs_socks ss = { NULL, 0, 0 };
	struct sock_spec sp = v4;
	bool done;

	(void)state;
	sp.info_len = offsetof(struct tcp_info, tcpi_rcv_rtt);
	put_sock(&nb, 9, &sp);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), 0);
	assert_int_equal(ss.n, 1);
	assert_int_equal(ss.s[0].rcv_ssthresh, SSTHRESH);
	assert_int_equal(ss.s[0].last_data_recv_ms, 12);
	assert_int_equal(ss.s[0].rcv_rtt_us, 0);
	assert_int_equal(ss.s[0].rcv_space, 0);
	assert_true(ss.s[0].bytes_received == 0);

	nb.len = 0;
	sp = v4;
	sp.no_min_rtt = true;	/* min_rtt ~0U: no sample */
	put_sock(&nb, 9, &sp);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), 0);
	assert_int_equal(ss.s[0].min_rtt_us, 0);
	trs_socks_free(&ss);
}

static void test_diag_errors(void **state)
{
	struct nlbuf nb = { .len = 0 };
	struct trs_socks ss = { NULL, 0, 0 };
	struct nlmsgerr e;
	bool done;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.error = -EPERM;
	put_sock(&nb, 9, &v4);
	nl_put(&nb, NLMSG_ERROR, 9, &e, sizeof(e));
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EPERM);
	assert_false(done);

	/* the stale request's error is not ours */
	nb.len = 0;
	nl_put(&nb, NLMSG_ERROR, 3, &e, sizeof(e));
	put_done(&nb, 9, 0);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), 0);
	assert_true(done);

	/* a dump that failed says so in NLMSG_DONE */
	nb.len = 0;
	put_done(&nb, 9, -ENOBUFS);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -ENOBUFS);
	assert_false(done);

	/* an ACK has no place in a dump; nor a cut nlmsgerr */
	nb.len = 0;
	e.error = 0;
	nl_put(&nb, NLMSG_ERROR, 9, &e, sizeof(e));
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);
	nb.len = 0;
	nl_put(&nb, NLMSG_ERROR, 9, &e, 4);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);

	/* NLMSG_NOOP is skipped */
	nb.len = 0;
	nl_put(&nb, NLMSG_NOOP, 9, &e, 0);
	put_done(&nb, 9, 0);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), 0);
	assert_true(done);
	trs_socks_free(&ss);
}

/* Lengths that lie: rejected, never read past the buffer. */
static void test_diag_malformed(void **state)
{
	struct nlbuf nb = { .len = 0 };
	struct trs_socks ss = { NULL, 0, 0 };
	struct sock_spec sp = v4;
	unsigned char cut[8] = { AF_INET };
	struct nlmsghdr *nlh;
	struct rtattr *a;
	bool done;

	(void)state;
	/* an attribute longer than its message */
	nlh = put_sock(&nb, 9, &v4);
	a = (struct rtattr *)((unsigned char *)NLMSG_DATA(nlh) +
			      NLMSG_ALIGN(sizeof(struct inet_diag_msg)));
	a->rta_len = (unsigned short)(a->rta_len + 400);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);
	assert_int_equal(ss.n, 0);

	/* an attribute shorter than its own header */
	a->rta_len = 2;
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);

	/* a message longer than the datagram */
	nb.len = 0;
	nlh = put_sock(&nb, 9, &v4);
	nlh->nlmsg_len += 4;
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);

	/* a message too short for struct inet_diag_msg */
	nb.len = 0;
	nl_put(&nb, SOCK_DIAG_BY_FAMILY, 9, cut, sizeof(cut));
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);

	/* SKMEMINFO without the rcvbuf value */
	nb.len = 0;
	sp.mem_len = 4;
	put_sock(&nb, 9, &sp);
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);

	/* an address family inet_diag does not have */
	nb.len = 0;
	sp = v4;
	nlh = put_sock(&nb, 9, &sp);
	((struct inet_diag_msg *)NLMSG_DATA(nlh))->idiag_family = AF_UNIX;
	assert_int_equal(parse(&nb, nb.len, &ss, &done), -EBADMSG);
	trs_socks_free(&ss);
}

/*
 * Every prefix of a valid reply, in a buffer of exactly that size: a cut
 * at a message boundary parses the messages before it, any other cut is
 * malformed. (Run the test binary under valgrind to see no read past.)
 */
static void test_diag_truncations(void **state)
{
	struct nlbuf nb = { .len = 0 };
	struct trs_socks ss = { NULL, 0, 0 };
	size_t bound[3];
	bool done;

	(void)state;
	put_sock(&nb, 9, &v4);
	bound[0] = nb.len;
	put_sock(&nb, 9, &v6);
	bound[1] = nb.len;
	put_done(&nb, 9, 0);
	bound[2] = nb.len;
	for (size_t len = 0; len <= nb.len; len++) {
		unsigned char *copy = xcalloc(1, len);
		int ret;

		memcpy(copy, nb.b, len);
		trs_socks_free(&ss);
		done = false;
		ret = trs_diag_parse(copy, len, 9, &ss, &done);
		if (len == 0 || len == bound[0] || len == bound[1] ||
		    len == bound[2]) {
			assert_int_equal(ret, 0);
			assert_int_equal(ss.n, len >= bound[1] ? 2 :
					 len >= bound[0] ? 1 : 0);
			assert_int_equal(done, len == bound[2]);
		} else {
			assert_int_equal(ret, -EBADMSG);
		}
		free(copy);
	}
	trs_socks_free(&ss);
}

const struct CMUnitTest flows_tests[] = {
	cmocka_unit_test(test_verdict_trapped),
	cmocka_unit_test(test_verdict_grown),
	cmocka_unit_test(test_verdict_grown_meanwhile),
	cmocka_unit_test(test_verdict_idle),
	cmocka_unit_test(test_verdict_short),
	cmocka_unit_test(test_verdict_slow_reader),
	cmocka_unit_test(test_verdict_limited),
	cmocka_unit_test(test_verdict_rtt),
	cmocka_unit_test(test_verdict_so_rcvbuf),
	cmocka_unit_test(test_verdict_moderate_off),
	cmocka_unit_test(test_verdict_new),
	cmocka_unit_test(test_verdict_odd_samples),
	cmocka_unit_test(test_verdict_names),
	cmocka_unit_test(test_diag_parse),
	cmocka_unit_test(test_diag_short_info),
	cmocka_unit_test(test_diag_errors),
	cmocka_unit_test(test_diag_malformed),
	cmocka_unit_test(test_diag_truncations),
};
const size_t n_flows_tests = sizeof(flows_tests) / sizeof(flows_tests[0]);
