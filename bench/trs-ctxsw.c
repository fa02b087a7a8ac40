// SPDX-License-Identifier: GPL-2.0
/*
 * trs-ctxsw - context-switch microbenchmarks, to price the scheduler hook.
 *
 *   trs-ctxsw pingpong [-c CPU[,CPU]] [-i ITERATIONS]
 *   trs-ctxsw fanout [-c CPU] [-g GROUPS] [-f FANOUT] [-i MESSAGES] [-s SIZE]
 *
 * pingpong: two processes pass one byte back and forth over two pipes,
 * ITERATIONS round trips (default 200000). Both are pinned to the CPUs of -c
 * (default 1,1: the same CPU, so every hand-over is a context switch).
 * Prints pingpong_iterations, pingpong_s, pingpong_us_per_roundtrip.
 *
 * fanout (hackbench-like): GROUPS groups (default 4) of one writer and FANOUT
 * readers (default 8), one pipe per reader; each writer sends MESSAGES
 * (default 2000) messages of SIZE bytes (default 100) to each of its readers.
 * All processes are pinned to CPU (default 1). Prints fanout_groups,
 * fanout_readers, fanout_messages, fanout_s, fanout_us_per_message.
 *
 * Key=value lines for `tcp-recv-sched sweep`. Exit status 0, 1 on a runtime
 * failure, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trs-util.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("trs-ctxsw: sched_setaffinity");
		return -1;
	}
	return 0;
}

static int xread(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static int xwrite(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, (const char *)buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static int wait_all(void)
{
	int status, rc = 0;

	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = 1;
	return rc;
}

static int pingpong(int cpu_a, int cpu_b, long iters)
{
	int ab[2], ba[2];
	char c = 'x';
	double t0, t;
	pid_t pid;
	long i;

	if (pipe(ab) || pipe(ba)) {
		perror("trs-ctxsw: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("trs-ctxsw: fork");
		return 1;
	}
	if (pid == 0) {
		if (pin(cpu_b))
			_exit(1);
		for (i = 0; i < iters; i++)
			if (xread(ab[0], &c, 1) || xwrite(ba[1], &c, 1))
				_exit(1);
		_exit(0);
	}
	if (pin(cpu_a))
		return 1;
	t0 = now_s();
	for (i = 0; i < iters; i++)
		if (xwrite(ab[1], &c, 1) || xread(ba[0], &c, 1)) {
			fprintf(stderr, "trs-ctxsw: pingpong pipe failed\n");
			return 1;
		}
	t = now_s() - t0;
	if (wait_all())
		return 1;
	printf("pingpong_iterations=%ld\npingpong_s=%.4f\npingpong_us_per_roundtrip=%.3f\n",
	       iters, t, t / iters * 1e6);
	return 0;
}

static int fanout(int cpu, int groups, int readers, long msgs, size_t size)
{
	char *buf = calloc(1, size);
	int (*fds)[2] = calloc((size_t)groups * readers, sizeof(*fds));
	int start[2];
	double t0, t;
	int g, r, k;
	long m;
	char go = 'g';

	if (!buf || !fds || pipe(start)) {
		perror("trs-ctxsw: setup");
		return 1;
	}
	if (pin(cpu))
		return 1;
	for (k = 0; k < groups * readers; k++) {
		if (pipe(fds[k])) {
			perror("trs-ctxsw: pipe");
			return 1;
		}
	}
	/* Readers: each reads msgs messages from its pipe. */
	for (k = 0; k < groups * readers; k++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("trs-ctxsw: fork");
			return 1;
		}
		if (pid == 0) {
			for (m = 0; m < msgs; m++)
				if (xread(fds[k][0], buf, size))
					_exit(1);
			_exit(0);
		}
	}
	/* Writers wait for the start byte, then write round-robin. */
	for (g = 0; g < groups; g++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("trs-ctxsw: fork");
			return 1;
		}
		if (pid == 0) {
			if (xread(start[0], &go, 1))
				_exit(1);
			for (m = 0; m < msgs; m++)
				for (r = 0; r < readers; r++)
					if (xwrite(fds[g * readers + r][1], buf, size))
						_exit(1);
			_exit(0);
		}
	}
	for (k = 0; k < groups * readers; k++) {
		close(fds[k][0]);
		close(fds[k][1]);
	}
	t0 = now_s();
	for (g = 0; g < groups; g++)
		if (xwrite(start[1], &go, 1))
			return 1;
	if (wait_all()) {
		fprintf(stderr, "trs-ctxsw: a fanout process failed\n");
		return 1;
	}
	t = now_s() - t0;
	printf("fanout_groups=%d\nfanout_readers=%d\nfanout_messages=%ld\nfanout_s=%.4f\n"
	       "fanout_us_per_message=%.3f\n", groups, groups * readers,
	       msgs * groups * readers, t, t / (msgs * groups * readers) * 1e6);
	free(fds);
	free(buf);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: trs-ctxsw pingpong [-c CPU[,CPU]] [-i ITERATIONS]\n"
		"       trs-ctxsw fanout [-c CPU] [-g GROUPS] [-f FANOUT] [-i MESSAGES] [-s SIZE]\n");
}

int main(int argc, char **argv)
{
	int cpu_a = 1, cpu_b = 1, groups = 4, readers = 8, is_ping, c;
	long iters = -1, size = 100, v;
	char *comma;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "pingpong"))
		is_ping = 1;
	else if (!strcmp(argv[1], "fanout"))
		is_ping = 0;
	else {
		usage(stderr);
		return 2;
	}
	optind = 2;
	while ((c = getopt(argc, argv, "c:i:g:f:s:")) != -1) {
		switch (c) {
		case 'c':
			comma = strchr(optarg, ',');
			if (comma)
				*comma = 0;
			if (parse_long(optarg, -1, CPU_SETSIZE - 1, &v))
				goto bad;
			cpu_a = cpu_b = v;
			if (comma) {
				if (parse_long(comma + 1, -1, CPU_SETSIZE - 1, &v))
					goto bad;
				cpu_b = v;
			}
			break;
		case 'i':
			if (parse_long(optarg, 1, 1000000000L, &iters))
				goto bad;
			break;
		case 'g':
			if (parse_long(optarg, 1, 64, &v))
				goto bad;
			groups = v;
			break;
		case 'f':
			if (parse_long(optarg, 1, 64, &v))
				goto bad;
			readers = v;
			break;
		case 's':
			if (parse_long(optarg, 1, 65536, &size))
				goto bad;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (is_ping)
		return pingpong(cpu_a, cpu_b, iters > 0 ? iters : 200000);
	return fanout(cpu_a, groups, readers, iters > 0 ? iters : 2000, (size_t)size);
bad:
	fprintf(stderr, "trs-ctxsw: invalid value '%s' for -%c\n", optarg, c);
	return 2;
}
