// SPDX-License-Identifier: GPL-2.0
/*
 * trs-lat - how long data waits between the sender's send() and the
 * receiving application's read, at a fixed offered rate.
 *
 *   trs-lat -s [-6] [-p PORT] [-l LEN]
 *   trs-lat -c HOST [-p PORT] -R MBIT [-r RECORD] [-t SECONDS]
 *
 * The client sends records of RECORD bytes (default 16384, at least 32) at
 * MBIT megabit/s for SECONDS (default 10): record k is due at k * RECORD *
 * 8 / MBIT us after the start; the client sleeps until it is due, writes
 * the record and goes on (a record it could not write on time is sent late
 * and counted). Each record starts with a header: a magic word, its number,
 * its length and its due time on CLOCK_MONOTONIC. So the latency of a
 * record is measured from when it was due, not from when a blocked sender
 * got to write it: time the sender spent blocked because the receiver did
 * not read counts (no coordinated omission). Both ends must share
 * CLOCK_MONOTONIC: one host (or one guest, as in bench/).
 *
 * The server accepts one connection and reads it with recv() of up to LEN
 * bytes (default 131072); a record's latency is the time from its due time
 * to the return of the recv() that completes it. It prints key=value lines:
 *   lat_records, lat_bytes, lat_errors (a bad magic word, number or length),
 *   lat_p50_us, lat_p99_us, lat_p999_us, lat_max_us, lat_mean_us,
 *   lat_mbps (bytes received over the time from the first to the last
 *   byte), lat_seconds
 * The client prints key=value lines: lat_sent_records, lat_sent_late (records
 * written more than 1 ms after they were due), lat_offered_mbps, and from
 * TCP_INFO at the end: lat_rwnd_limited_us, lat_sndbuf_limited_us,
 * lat_busy_us (tcpi_rwnd_limited, tcpi_sndbuf_limited, tcpi_busy_time),
 * lat_total_retrans.
 *
 * Exit status: 0 when the stream ended cleanly (server: and every record
 * was whole and in order), 1 otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <linux/tcp.h>		/* struct tcp_info with tcpi_busy_time and the limits */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "trs-util.h"

#define LAT_MAGIC	0x7472736c61740001ULL	/* "trslat", version 1 */
#define LAT_LATE_NS	1000000ULL

struct lat_hdr {
	uint64_t magic;
	uint64_t seq;
	uint64_t len;		/* the whole record, header included */
	uint64_t due_ns;	/* CLOCK_MONOTONIC */
};

struct opts {
	int server, v6;
	const char *host, *port;
	double rate_mbps, seconds;
	size_t record, len;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ULL, .tv_nsec = t % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: trs-lat -s [-6] [-p PORT] [-l LEN]\n"
		"       trs-lat -c HOST [-p PORT] -R MBIT [-r RECORD] [-t SECONDS]\n"
		"  -s           receive one connection, print the records' latency\n"
		"  -c HOST      send records at MBIT megabit/s\n"
		"  -6           the server listens on IPv6\n"
		"  -p PORT      port (default 5201)\n"
		"  -l LEN       server: bytes per recv() (default 131072)\n"
		"  -R MBIT      client: offered rate (required)\n"
		"  -r RECORD    client: bytes per record, >= 32 (default 16384)\n"
		"  -t SECONDS   client: how long to send (default 10)\n");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of n sorted values, nearest rank. */
static double quantile_us(const uint64_t *v, size_t n, double q)
{
	size_t k = (size_t)(q * n + 0.999999);

	if (!n)
		return 0;
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1] / 1e3;
}

static int listen_fd(const struct opts *o)
{
	struct addrinfo hints = { .ai_family = o->v6 ? AF_INET6 : AF_INET,
				  .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *ai;
	int fd, one = 1, rc;

	rc = getaddrinfo(NULL, o->port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "trs-lat: port %s: %s\n", o->port, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
		fprintf(stderr, "trs-lat: listen on port %s: %s\n", o->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int server(const struct opts *o)
{
	uint64_t *lat = NULL, bytes = 0, errors = 0, next_seq = 0, t_first = 0, t_last = 0;
	size_t nlat = 0, cap = 0, got = 0;	/* got: bytes of the current record */
	struct lat_hdr h = { 0 };
	unsigned char *buf;
	int lfd, fd, ok = 1;
	double sum = 0;

	buf = malloc(o->len);
	lfd = listen_fd(o);
	if (!buf || lfd < 0)
		return 1;
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd < 0) {
		fprintf(stderr, "trs-lat: accept: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, o->len, 0);
		uint64_t t = now_ns();
		size_t i = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "trs-lat: recv: %s\n", strerror(errno));
			ok = 0;
			break;
		}
		if (!n)
			break;
		if (!bytes)
			t_first = t;
		t_last = t;
		bytes += n;
		while (i < (size_t)n) {
			size_t take;

			if (got < sizeof(h)) {	/* still in the header */
				take = sizeof(h) - got;
				if (take > (size_t)n - i)
					take = n - i;
				memcpy((unsigned char *)&h + got, buf + i, take);
				got += take;
				i += take;
				if (got == sizeof(h) &&
				    (h.magic != LAT_MAGIC || h.seq != next_seq ||
				     h.len < sizeof(h) || h.len > (1u << 30))) {
					fprintf(stderr, "trs-lat: record %llu: bad header (magic %llx, number %llu, length %llu)\n",
						(unsigned long long)next_seq, (unsigned long long)h.magic,
						(unsigned long long)h.seq, (unsigned long long)h.len);
					errors++;
					ok = 0;
					got = 0;	/* counted once */
					goto out;
				}
			} else {
				take = h.len - got;
				if (take > (size_t)n - i)
					take = n - i;
				got += take;
				i += take;
			}
			if (got >= sizeof(h) && got == h.len) {	/* the record is whole */
				if (nlat == cap) {
					cap = cap ? 2 * cap : 4096;
					lat = realloc(lat, cap * sizeof(*lat));
					if (!lat) {
						fprintf(stderr, "trs-lat: out of memory\n");
						return 1;
					}
				}
				lat[nlat++] = t > h.due_ns ? t - h.due_ns : 0;
				sum += lat[nlat - 1];
				next_seq++;
				got = 0;
			}
		}
	}
out:
	if (got) {
		fprintf(stderr, "trs-lat: the stream ended inside record %llu\n",
			(unsigned long long)next_seq);
		errors++;
		ok = 0;
	}
	close(fd);
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	printf("lat_records=%zu\nlat_bytes=%llu\nlat_errors=%llu\n", nlat,
	       (unsigned long long)bytes, (unsigned long long)errors);
	printf("lat_p50_us=%.1f\nlat_p99_us=%.1f\nlat_p999_us=%.1f\nlat_max_us=%.1f\nlat_mean_us=%.1f\n",
	       quantile_us(lat, nlat, 0.5), quantile_us(lat, nlat, 0.99),
	       quantile_us(lat, nlat, 0.999), nlat ? lat[nlat - 1] / 1e3 : 0.0,
	       nlat ? sum / nlat / 1e3 : 0.0);
	printf("lat_mbps=%.2f\nlat_seconds=%.3f\n",
	       t_last > t_first ? bytes * 8.0 / ((t_last - t_first) / 1e3) : 0.0,
	       (t_last - t_first) / 1e9);
	free(lat);
	free(buf);
	return ok && nlat ? 0 : 1;
}

static int connect_fd(const struct opts *o)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai, *a;
	int fd = -1, rc;

	rc = getaddrinfo(o->host, o->port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "trs-lat: %s: %s\n", o->host, gai_strerror(rc));
		return -1;
	}
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, SOCK_STREAM, 0);
		if (fd >= 0 && !connect(fd, a->ai_addr, a->ai_addrlen))
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (fd < 0)
		fprintf(stderr, "trs-lat: connect to %s port %s: %s\n", o->host, o->port, strerror(errno));
	freeaddrinfo(ai);
	return fd;
}

static int send_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "trs-lat: send: %s\n", strerror(errno));
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

static int client(const struct opts *o)
{
	double ns_per_record = o->record * 8.0 * 1e3 / o->rate_mbps;
	uint64_t t0, end, k = 0, late = 0;
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	unsigned char *rec;
	int fd, ok = 1;

	rec = calloc(1, o->record);
	fd = connect_fd(o);
	if (!rec || fd < 0)
		return 1;
	t0 = now_ns();
	end = t0 + (uint64_t)(o->seconds * 1e9);
	for (;; k++) {
		struct lat_hdr h = { .magic = LAT_MAGIC, .seq = k, .len = o->record };

		h.due_ns = t0 + (uint64_t)(k * ns_per_record);
		if (h.due_ns >= end)
			break;
		sleep_until(h.due_ns);
		if (now_ns() > h.due_ns + LAT_LATE_NS)
			late++;
		memcpy(rec, &h, sizeof(h));
		if (send_all(fd, rec, o->record)) {
			ok = 0;
			break;
		}
	}
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl))
		fprintf(stderr, "trs-lat: TCP_INFO: %s\n", strerror(errno));
	if (shutdown(fd, SHUT_WR))
		ok = 0;
	/* wait for the server to close: every byte was read */
	while (recv(fd, rec, o->record, 0) > 0)
		;
	close(fd);
	printf("lat_sent_records=%llu\nlat_sent_late=%llu\nlat_offered_mbps=%.2f\n",
	       (unsigned long long)k, (unsigned long long)late, o->rate_mbps);
	printf("lat_rwnd_limited_us=%llu\nlat_sndbuf_limited_us=%llu\nlat_busy_us=%llu\nlat_total_retrans=%u\n",
	       (unsigned long long)ti.tcpi_rwnd_limited, (unsigned long long)ti.tcpi_sndbuf_limited,
	       (unsigned long long)ti.tcpi_busy_time, ti.tcpi_total_retrans);
	free(rec);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct opts o = { .port = "5201", .seconds = 10, .record = 16384, .len = 131072 };
	long v;
	int c;

	while ((c = getopt(argc, argv, "sc:6p:l:R:r:t:h")) != -1) {
		switch (c) {
		case 's':
			o.server = 1;
			break;
		case 'c':
			o.host = optarg;
			break;
		case '6':
			o.v6 = 1;
			break;
		case 'p':
			o.port = optarg;
			break;
		case 'l':
			if (parse_long(optarg, 1, 64 << 20, &v))
				goto bad;
			o.len = v;
			break;
		case 'R':
			if (parse_double(optarg, 0, 100000, &o.rate_mbps))
				goto bad;
			break;
		case 'r':
			if (parse_long(optarg, sizeof(struct lat_hdr), 1 << 24, &v))
				goto bad;
			o.record = v;
			break;
		case 't':
			if (parse_double(optarg, 0, 86400, &o.seconds))
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || o.server == !!o.host || (o.host && !o.rate_mbps)) {
		usage(stderr);
		return 2;
	}
	return o.server ? server(&o) : client(&o);
bad:
	fprintf(stderr, "trs-lat: -%c: '%s' is out of range\n", c, optarg);
	return 2;
}
