// SPDX-License-Identifier: GPL-2.0
/*
 * diag.c - established TCP sockets of the current network namespace from
 * NETLINK_SOCK_DIAG, as ss(8) gets them: one SOCK_DIAG_BY_FAMILY dump per
 * family (AF_INET, AF_INET6) with struct inet_diag_req_v2, asking for
 * INET_DIAG_INFO (struct tcp_info) and INET_DIAG_SKMEMINFO.
 *
 * trs_diag_parse() reads one datagram of the reply without trusting it:
 * every length is checked against the bytes received, and a message or
 * attribute that runs past its container is a malformed reply (-EBADMSG),
 * not a read past the buffer. It has no I/O, so the unit tests feed it
 * synthetic buffers. Only stock interfaces are used: no patch needed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "trs.h"

/* include/net/tcp_states.h, not exported to user space */
#define TRS_TCP_ESTABLISHED 1

/* What the kernel reports when it has no RTT sample (minmax ~0U). */
#define TRS_NO_RTT 0xffffffffU

static struct trs_sock *socks_add(struct trs_socks *ss)
{
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 64;
		ss->s = xrealloc(ss->s, ss->cap, sizeof(*ss->s));
	}
	memset(&ss->s[ss->n], 0, sizeof(ss->s[ss->n]));
	return &ss->s[ss->n++];
}

void trs_socks_free(struct trs_socks *ss)
{
	free(ss->s);
	memset(ss, 0, sizeof(*ss));
}

static void take_info(struct trs_sock *s, const void *data, size_t len)
{
	struct tcp_info ti;

	/* An older kernel sends less, a newer one more: zero is "unknown". */
	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, data, len < sizeof(ti) ? len : sizeof(ti));
	s->rcv_space = ti.tcpi_rcv_space;
	s->rcv_ssthresh = ti.tcpi_rcv_ssthresh;
	s->rcv_rtt_us = ti.tcpi_rcv_rtt;
	s->min_rtt_us = ti.tcpi_min_rtt == TRS_NO_RTT ? 0 : ti.tcpi_min_rtt;
	s->last_data_recv_ms = ti.tcpi_last_data_recv;
	s->bytes_received = ti.tcpi_bytes_received;
}

/*
 * One SOCK_DIAG_BY_FAMILY message. Returns 0 (the socket is added to out
 * if it is established and both attributes came) or -EBADMSG.
 */
static int parse_sock(const struct nlmsghdr *nlh, struct trs_socks *out)
{
	const struct inet_diag_msg *m = NLMSG_DATA(nlh);
	const struct rtattr *a;
	const void *info = NULL, *mem = NULL;
	__u32 meminfo[SK_MEMINFO_RCVBUF + 1];
	struct trs_sock *s;
	size_t info_len = 0;
	int alen;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return -EBADMSG;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;
	a = (const struct rtattr *)((const char *)m + NLMSG_ALIGN(sizeof(*m)));
	alen = (int)(nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		size_t plen = RTA_PAYLOAD(a);

		if (a->rta_type == INET_DIAG_INFO) {
			info = RTA_DATA(a);
			info_len = plen;
		} else if (a->rta_type == INET_DIAG_SKMEMINFO) {
			if (plen < (SK_MEMINFO_RCVBUF + 1) * sizeof(__u32))
				return -EBADMSG;
			mem = RTA_DATA(a);
		}
	}
	/* Bytes left that do not hold a whole attribute: cut short. */
	if (alen > 0)
		return -EBADMSG;
	if (m->idiag_state != TRS_TCP_ESTABLISHED || !info || !mem)
		return 0;

	s = socks_add(out);
	s->family = m->idiag_family;
	s->cookie = (unsigned long long)m->id.idiag_cookie[1] << 32 |
		    m->id.idiag_cookie[0];
	memcpy(s->src, m->id.idiag_src, sizeof(s->src));
	memcpy(s->dst, m->id.idiag_dst, sizeof(s->dst));
	s->sport = ntohs(m->id.idiag_sport);
	s->dport = ntohs(m->id.idiag_dport);
	memcpy(meminfo, mem, sizeof(meminfo));	/* RTA_DATA: 4-aligned */
	s->r = meminfo[SK_MEMINFO_RMEM_ALLOC];
	s->rb = meminfo[SK_MEMINFO_RCVBUF];
	take_info(s, info, info_len);
	return 0;
}

/*
 * One datagram of a dump reply. Messages of another sequence number are
 * stale and skipped. Returns 0 with *done set at NLMSG_DONE, -errno of an
 * NLMSG_ERROR or of a failed dump, -EBADMSG for a malformed datagram.
 */
int trs_diag_parse(const void *buf, size_t len, unsigned int seq,
		   struct trs_socks *out, bool *done)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > (size_t)1 << 30 ? -1 : (int)len;

	if (left < 0)
		return -EBADMSG;
	for (; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
		int ret = 0;

		if (nlh->nlmsg_seq != seq)
			continue;
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			/* the dump's own status, when the kernel sends one */
			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
				int st;

				memcpy(&st, NLMSG_DATA(nlh), sizeof(st));
				if (st < 0)
					return st;
			}
			*done = true;
			return 0;
		case NLMSG_ERROR: {
			struct nlmsgerr e;

			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(e)))
				return -EBADMSG;
			memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
			if (e.error >= 0)	/* an ACK: not in a dump */
				return -EBADMSG;
			return e.error;
		}
		case SOCK_DIAG_BY_FAMILY:
			ret = parse_sock(nlh, out);
			break;
		default:	/* NLMSG_NOOP and the like */
			break;
		}
		if (ret)
			return ret;
	}
	return left > 0 ? -EBADMSG : 0;
}

int trs_diag_open(struct trs_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (d->fd < 0) {
		trs_err_errno("NETLINK_SOCK_DIAG socket", errno, NULL);
		return -1;
	}
	return 0;
}

void trs_diag_close(struct trs_diag *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->buf);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
}

static int send_request(struct trs_diag *d, int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = ++d->seq;
	msg.req.sdiag_family = (__u8)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = 1U << TRS_TCP_ESTABLISHED;
	msg.req.idiag_ext = 1U << (INET_DIAG_INFO - 1) |
			    1U << (INET_DIAG_SKMEMINFO - 1);
	do {
		n = sendto(d->fd, &msg, sizeof(msg), 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(msg) ? 0 : -EIO;
}

/* The next datagram, into a buffer as large as it needs. */
static ssize_t receive(struct trs_diag *d)
{
	ssize_t n;

	/* MSG_TRUNC makes a peek return the datagram's full length. */
	do {
		n = recv(d->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n > d->cap) {
		d->cap = (size_t)n;
		d->buf = xrealloc(d->buf, d->cap, 1);
	}
	do {
		n = recv(d->fd, d->buf, d->cap, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n > d->cap)
		return -EMSGSIZE;	/* grew between peek and read */
	return n;
}

static int dump_family(struct trs_diag *d, int family, struct trs_socks *out)
{
	bool done = false;
	int ret = send_request(d, family);

	while (!ret && !done) {
		ssize_t n = receive(d);

		if (n < 0)
			ret = (int)n;
		else if (n == 0)
			ret = -EBADMSG;
		else
			ret = trs_diag_parse(d->buf, (size_t)n, d->seq, out,
					     &done);
	}
	return ret;
}

int trs_diag_dump(struct trs_diag *d, struct trs_socks *out)
{
	static const struct {
		int family;
		const char *obj;
	} fam[] = {
		{ AF_INET, "sock_diag dump of AF_INET TCP sockets" },
		{ AF_INET6, "sock_diag dump of AF_INET6 TCP sockets" },
	};

	out->n = 0;
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		int ret = dump_family(d, fam[i].family, out);

		/* A kernel without IPv6 has no AF_INET6 handler. */
		if (ret == -ENOENT && fam[i].family == AF_INET6)
			continue;
		if (ret) {
			trs_err_errno(fam[i].obj, -ret, ret == -ENOENT ?
				      "kernel without tcp_diag (CONFIG_INET_TCP_DIAG)?" :
				      ret == -EBADMSG ? "malformed reply" : NULL);
			return -1;
		}
	}
	return 0;
}
