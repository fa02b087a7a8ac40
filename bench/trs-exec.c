// SPDX-License-Identifier: GPL-2.0
/*
 * trs-exec - run a command under a scheduling policy, and report its CPU time.
 *
 *   trs-exec [-n NICE] [-f PRIO | -b] [-s SLICE_US] [-c CPU] [-r FILE] [-p PREFIX]
 *            -- COMMAND [ARG...]
 *
 * Applies, in this order, the CPU affinity (-c), the policy (-f SCHED_FIFO at
 * PRIO, -b SCHED_BATCH, default SCHED_OTHER), the nice level (-n) and, for
 * SCHED_OTHER/SCHED_BATCH, an EEVDF custom slice (-s: sched_setattr() with
 * sched_runtime = SLICE_US microseconds, Linux 6.12; the kernel clamps it to
 * 0.1-100 ms), then executes COMMAND.
 *
 * Without -r it execs COMMAND in place (same pid). With -r it forks: the child
 * applies the settings and execs COMMAND, the parent waits and writes
 * key=value lines to FILE ("-" for standard output):
 *   PREFIX_cpu_s, PREFIX_utime_s, PREFIX_stime_s (CPU time of COMMAND and its
 *   children), PREFIX_nvcsw, PREFIX_nivcsw (voluntary and involuntary context
 *   switches), PREFIX_wall_s, PREFIX_exit (COMMAND's exit status)
 * and exits with COMMAND's status. SIGINT/SIGTERM are forwarded.
 *
 * Exit status: COMMAND's; 126 if a setting could not be applied; 127 if
 * COMMAND could not be executed; 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trs-util.h"

/* The kernel's struct sched_attr (include/uapi/linux/sched/types.h). */
struct trs_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

struct opts {
	int nice, fifo_prio, batch, cpu;
	long slice_us;
	const char *report, *prefix;
};

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: trs-exec [-n NICE] [-f PRIO | -b] [-s SLICE_US] [-c CPU] [-r FILE] [-p PREFIX]\n"
		"                -- COMMAND [ARG...]\n"
		"  -n NICE      nice level (-20..19, default 0)\n"
		"  -f PRIO      SCHED_FIFO at PRIO (1..99)\n"
		"  -b           SCHED_BATCH\n"
		"  -s SLICE_US  EEVDF custom slice (sched_setattr sched_runtime)\n"
		"  -c CPU       pin to CPU\n"
		"  -r FILE      fork, wait, write CPU time and context switches to FILE (- = stdout)\n"
		"  -p PREFIX    prefix of the reported keys (default recv)\n");
}

static int apply(const struct opts *o)
{
	if (o->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("trs-exec: sched_setaffinity");
			return -1;
		}
	}
	if (o->fifo_prio > 0) {
		struct sched_param sp = { .sched_priority = o->fifo_prio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			perror("trs-exec: sched_setscheduler(SCHED_FIFO)");
			return -1;
		}
		return 0;
	}
	if (o->slice_us > 0) {
		struct trs_sched_attr a = {
			.size = sizeof(a),
			.sched_policy = o->batch ? SCHED_BATCH : SCHED_OTHER,
			.sched_nice = o->nice,
			.sched_runtime = (uint64_t)o->slice_us * 1000,
		};

		if (syscall(SYS_sched_setattr, 0, &a, 0)) {
			perror("trs-exec: sched_setattr(sched_runtime)");
			return -1;
		}
		return 0;
	}
	if (o->batch) {
		struct sched_param sp = { 0 };

		if (sched_setscheduler(0, SCHED_BATCH, &sp)) {
			perror("trs-exec: sched_setscheduler(SCHED_BATCH)");
			return -1;
		}
	}
	if (o->nice && setpriority(PRIO_PROCESS, 0, o->nice)) {
		perror("trs-exec: setpriority");
		return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct opts o = { .cpu = -1, .prefix = "recv" };
	struct sigaction sa = { .sa_handler = forward };
	struct rusage ru;
	double t0;
	long v;
	int c, status, code;
	FILE *f;

	while ((c = getopt(argc, argv, "+n:f:bs:c:r:p:h")) != -1) {
		switch (c) {
		case 'n':
			if (parse_long(optarg, -20, 19, &v))
				goto bad;
			o.nice = v;
			break;
		case 'f':
			if (parse_long(optarg, 1, 99, &v))
				goto bad;
			o.fifo_prio = v;
			break;
		case 'b':
			o.batch = 1;
			break;
		case 's':
			if (parse_long(optarg, 1, 1000000, &v))
				goto bad;
			o.slice_us = v;
			break;
		case 'c':
			if (parse_long(optarg, 0, CPU_SETSIZE - 1, &v))
				goto bad;
			o.cpu = v;
			break;
		case 'r':
			o.report = optarg;
			break;
		case 'p':
			o.prefix = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || (o.fifo_prio && (o.batch || o.slice_us || o.nice))) {
		usage(stderr);
		return 2;
	}
	argv += optind;

	if (!o.report) {
		if (apply(&o))
			return 126;
		execvp(argv[0], argv);
		fprintf(stderr, "trs-exec: %s: %s\n", argv[0], strerror(errno));
		return 127;
	}

	t0 = now_s();
	child = fork();
	if (child < 0) {
		perror("trs-exec: fork");
		return 126;
	}
	if (child == 0) {
		if (apply(&o))
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "trs-exec: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (wait4(child, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("trs-exec: wait4");
			return 126;
		}
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = strcmp(o.report, "-") ? fopen(o.report, "w") : stdout;
	if (!f) {
		fprintf(stderr, "trs-exec: %s: %s\n", o.report, strerror(errno));
		return code ? code : 1;
	}
	fprintf(f, "%s_cpu_s=%.3f\n%s_utime_s=%.3f\n%s_stime_s=%.3f\n",
		o.prefix, tv_s(ru.ru_utime) + tv_s(ru.ru_stime), o.prefix,
		tv_s(ru.ru_utime), o.prefix, tv_s(ru.ru_stime));
	fprintf(f, "%s_nvcsw=%ld\n%s_nivcsw=%ld\n%s_wall_s=%.3f\n%s_exit=%d\n",
		o.prefix, ru.ru_nvcsw, o.prefix, ru.ru_nivcsw, o.prefix,
		now_s() - t0, o.prefix, code);
	if (f != stdout)
		fclose(f);
	return code;
bad:
	fprintf(stderr, "trs-exec: invalid value '%s' for -%c\n", optarg, c);
	return 2;
}
