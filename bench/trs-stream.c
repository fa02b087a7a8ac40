// SPDX-License-Identifier: GPL-2.0
/*
 * trs-stream - a TCP stream whose every byte is checked.
 *
 *   trs-stream -s [-6] [-p PORT] [-P STREAMS] [-m MODE] [-n] [-S] [-d USEC] [-R MBIT] [-l LEN]
 *   trs-stream -c HOST [-p PORT] [-P STREAMS] [-t SECONDS] [-l LEN] [-o OFFSET]
 *
 * The client sends, on each of STREAMS connections, the byte sequence
 * b[i] = byte (i % 8) of splitmix64(i / 8) for SECONDS. The server accepts
 * STREAMS connections and checks every byte it reads against the same
 * sequence, so a lost, duplicated, reordered or corrupted byte is seen at
 * its offset. MODE is how the server reads:
 *   recv     recv(fd, buf, LEN, 0)            (default)
 *   read     read(fd, buf, LEN)
 *   recvmsg  recvmsg() with one iovec
 *   waitall  recv(..., MSG_WAITALL)
 *   peek     recv(..., MSG_PEEK) then recv() of the same length, both checked
 * -n makes the server socket non-blocking (poll() when it finds no data).
 * -S (implies -n) makes it spin instead: when it finds no data it reads
 * again at once, so it is never woken late.
 * -d USEC (implies -n) makes it a late reader: after each poll() it sleeps
 * USEC before reading, so a burst is already queued when it reads.
 * -R MBIT makes it a slow reader: it reads at most MBIT megabit/s per
 * stream, sleeping after each read of up to LEN bytes until the bytes read
 * so far are due at that rate (counted from the stream's first read: a
 * reader that got less than its rate early on catches up later, reading
 * without sleeping until it is back on schedule).
 * -W (with -R) paces each read on its own instead: after a read of N bytes
 * it sleeps N * 8 / MBIT microseconds, as a consumer that takes that long
 * to process what it read; it never catches up.
 * -o makes the client start at byte OFFSET of the sequence: a deliberately
 * wrong stream, so the tests can show that the check does fail.
 *
 * The server prints key=value lines: stream_bytes, stream_errors,
 * stream_first_error_offset (-1 if none), stream_mbps, stream_seconds.
 * Exit status: 0 when every byte matched and every stream ended cleanly,
 * 1 otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "trs-util.h"

enum mode { M_RECV, M_READ, M_RECVMSG, M_WAITALL, M_PEEK };

struct opts {
	int server, v6, streams, nonblock, spin, per_read;
	unsigned int delay_us;
	double rate_mbps;
	enum mode mode;
	const char *host, *port;
	double seconds;
	size_t len;
	uint64_t offset;
};

struct stream {
	const struct opts *o;
	int fd;
	uint64_t bytes, errors;
	int64_t first_error;
	int failed;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static unsigned char pattern_byte(uint64_t i)
{
	return (unsigned char)(splitmix64(i / 8) >> (8 * (i % 8)));
}

static void fill(unsigned char *buf, size_t n, uint64_t off)
{
	for (size_t k = 0; k < n; k++)
		buf[k] = pattern_byte(off + k);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: trs-stream -s [-6] [-p PORT] [-P STREAMS] [-m recv|read|recvmsg|waitall|peek] [-n] [-S] [-d USEC] [-R MBIT [-W]] [-l LEN]\n"
		"       trs-stream -c HOST [-p PORT] [-P STREAMS] [-t SECONDS] [-l LEN] [-o OFFSET]\n");
}

/* One read in the chosen mode; returns what recv() would. */
static ssize_t read_mode(const struct opts *o, int fd, unsigned char *buf)
{
	struct iovec iov = { buf, o->len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	switch (o->mode) {
	case M_READ:
		return read(fd, buf, o->len);
	case M_RECVMSG:
		return recvmsg(fd, &msg, 0);
	case M_WAITALL:
		return recv(fd, buf, o->len, MSG_WAITALL);
	default:
		return recv(fd, buf, o->len, 0);
	}
}

/*
 * Blocking: one read. Non-blocking: read; when the queue is empty, poll()
 * for more (-S: read again at once), and with -d sleep before reading again, as a reader that is
 * woken late (it waits for a CPU) would.
 */
static ssize_t read_once(const struct opts *o, int fd, unsigned char *buf)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = read_mode(o, fd, buf);

		if (!o->nonblock || n >= 0 || errno != EAGAIN)
			return n;
		if (o->spin)
			continue;
		if (poll(&p, 1, -1) < 0)
			return -1;
		if (o->delay_us)
			usleep(o->delay_us);
	}
}

/*
 * -R: sleep until BYTES read since T0 are due at the reader's rate; with -W
 * for the time the last read of N bytes takes at that rate.
 */
static void pace(const struct opts *o, uint64_t bytes, size_t n, double t0)
{
	double wait = o->per_read ? n * 8 / (o->rate_mbps * 1e6) :
		      t0 + bytes * 8 / (o->rate_mbps * 1e6) - now_s();
	struct timespec ts;

	if (wait <= 0)
		return;
	ts.tv_sec = (time_t)wait;
	ts.tv_nsec = (long)((wait - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void check(struct stream *s, const unsigned char *buf, size_t n, uint64_t off)
{
	for (size_t k = 0; k < n; k++) {
		if (buf[k] == pattern_byte(off + k))
			continue;
		if (!s->errors)
			s->first_error = (int64_t)(off + k);
		s->errors++;
	}
}

static void *serve(void *arg)
{
	struct stream *s = arg;
	const struct opts *o = s->o;
	unsigned char *buf = malloc(o->len), *peek = malloc(o->len);
	double t0 = 0;

	if (!buf || !peek) {
		s->failed = 1;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (o->mode == M_PEEK) {
			n = recv(s->fd, peek, o->len, MSG_PEEK);
			if (n > 0) {
				check(s, peek, n, s->bytes);
				n = recv(s->fd, buf, n, 0);
			}
		} else {
			n = read_once(o, s->fd, buf);
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			fprintf(stderr, "trs-stream: read: %s\n", strerror(errno));
			s->failed = 1;
			break;
		}
		if (n == 0)
			break;
		check(s, buf, n, s->bytes);
		if (!s->bytes)
			t0 = now_s();
		s->bytes += n;
		if (o->rate_mbps > 0)
			pace(o, s->bytes, (size_t)n, t0);
	}
out:
	free(buf);
	free(peek);
	close(s->fd);
	return NULL;
}

static int run_server(const struct opts *o)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = in6addr_any };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, lfd, rc = 0;
	struct stream *st = calloc(o->streams, sizeof(*st));
	pthread_t *th = calloc(o->streams, sizeof(*th));
	uint64_t bytes = 0, errors = 0;
	int64_t first = -1;
	double t0 = 0;

	if (!st || !th)
		return 1;
	lfd = socket(o->v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (lfd < 0) {
		perror("trs-stream: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a6.sin6_port = a4.sin_port = htons(atoi(o->port));
	if ((o->v6 ? bind(lfd, (void *)&a6, sizeof(a6)) : bind(lfd, (void *)&a4, sizeof(a4))) ||
	    listen(lfd, o->streams)) {
		perror("trs-stream: bind/listen");
		return 1;
	}
	for (int i = 0; i < o->streams; i++) {
		st[i].o = o;
		st[i].first_error = -1;
		st[i].fd = accept(lfd, NULL, NULL);
		if (st[i].fd < 0) {
			perror("trs-stream: accept");
			return 1;
		}
		if (i == 0)
			t0 = now_s();
		if (o->nonblock &&
		    fcntl(st[i].fd, F_SETFL, fcntl(st[i].fd, F_GETFL) | O_NONBLOCK)) {
			perror("trs-stream: fcntl");
			return 1;
		}
		pthread_create(&th[i], NULL, serve, &st[i]);
	}
	for (int i = 0; i < o->streams; i++) {
		pthread_join(th[i], NULL);
		bytes += st[i].bytes;
		errors += st[i].errors;
		if (st[i].first_error >= 0 && first < 0)
			first = st[i].first_error;
		if (st[i].failed)
			rc = 1;
	}
	t0 = now_s() - t0;
	printf("stream_bytes=%llu\nstream_errors=%llu\nstream_first_error_offset=%lld\n"
	       "stream_seconds=%.3f\nstream_mbps=%.1f\n",
	       (unsigned long long)bytes, (unsigned long long)errors, (long long)first,
	       t0, t0 > 0 ? bytes * 8 / t0 / 1e6 : 0);
	close(lfd);
	free(st);
	free(th);
	return rc || errors || !bytes;
}

struct sender {
	const struct opts *o;
	const struct addrinfo *ai;
	int failed;
};

static void *send_stream(void *arg)
{
	struct sender *sd = arg;
	const struct opts *o = sd->o;
	unsigned char *buf = malloc(o->len);
	double end = now_s() + o->seconds;
	uint64_t off = o->offset;
	int fd;

	fd = socket(sd->ai->ai_family, SOCK_STREAM, 0);
	if (!buf || fd < 0 || connect(fd, sd->ai->ai_addr, sd->ai->ai_addrlen)) {
		fprintf(stderr, "trs-stream: connect: %s\n", strerror(errno));
		sd->failed = 1;
		goto out;
	}
	while (now_s() < end) {
		size_t done = 0;

		fill(buf, o->len, off);
		while (done < o->len) {
			ssize_t n = send(fd, buf + done, o->len - done, MSG_NOSIGNAL);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				fprintf(stderr, "trs-stream: send: %s\n", strerror(errno));
				sd->failed = 1;
				goto out;
			}
			done += n;
		}
		off += o->len;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int run_client(const struct opts *o)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct sender *sd = calloc(o->streams, sizeof(*sd));
	pthread_t *th = calloc(o->streams, sizeof(*th));
	int err, rc = 0;

	if (!sd || !th)
		return 1;
	err = getaddrinfo(o->host, o->port, &hints, &ai);
	if (err) {
		fprintf(stderr, "trs-stream: %s: %s\n", o->host, gai_strerror(err));
		return 1;
	}
	for (int i = 0; i < o->streams; i++) {
		sd[i] = (struct sender){ .o = o, .ai = ai };
		pthread_create(&th[i], NULL, send_stream, &sd[i]);
	}
	for (int i = 0; i < o->streams; i++) {
		pthread_join(th[i], NULL);
		rc |= sd[i].failed;
	}
	freeaddrinfo(ai);
	free(sd);
	free(th);
	return rc;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const char *const modes[] = { "recv", "read", "recvmsg", "waitall", "peek" };
	char *end;
	int c;

	*o = (struct opts){ .streams = 1, .port = "5301", .seconds = 10, .len = 131072 };
	while ((c = getopt(argc, argv, "sc:6p:P:m:nSd:R:Wl:t:o:h")) != -1) {
		switch (c) {
		case 's':
			o->server = 1;
			break;
		case 'c':
			o->host = optarg;
			break;
		case '6':
			o->v6 = 1;
			break;
		case 'p':
			o->port = optarg;
			break;
		case 'P':
			o->streams = strtol(optarg, &end, 10);
			if (*end || o->streams < 1 || o->streams > 64)
				goto bad;
			break;
		case 'm':
			for (c = 0; c < 5 && strcmp(optarg, modes[c]); c++)
				;
			if (c == 5) {
				c = 'm';
				goto bad;
			}
			o->mode = c;
			break;
		case 'n':
			o->nonblock = 1;
			break;
		case 'S':
			o->spin = o->nonblock = 1;
			break;
		case 'd':
			o->delay_us = strtoul(optarg, &end, 10);
			if (*end || o->delay_us > 10000000)
				goto bad;
			o->nonblock = 1;
			break;
		case 'R':
			if (parse_double(optarg, 0, 1e6, &o->rate_mbps))
				goto bad;
			break;
		case 'W':
			o->per_read = 1;
			break;
		case 'l':
			o->len = strtoul(optarg, &end, 10);
			if (*end == 'K' || *end == 'k')
				o->len <<= 10, end++;
			else if (*end == 'M' || *end == 'm')
				o->len <<= 20, end++;
			if (*end || !o->len || o->len > (64 << 20))
				goto bad;
			break;
		case 't':
			if (parse_double(optarg, 0, 1e9, &o->seconds))
				goto bad;
			break;
		case 'o':
			o->offset = strtoull(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || o->server == !!o->host) {
		usage(stderr);
		return -1;
	}
	if (o->per_read && !(o->rate_mbps > 0)) {
		fprintf(stderr, "trs-stream: -W needs -R MBIT\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "trs-stream: invalid value '%s' for -%c\n", optarg, c);
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (parse_opts(argc, argv, &o))
		return 2;
	return o.server ? run_server(&o) : run_client(&o);
}
