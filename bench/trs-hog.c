// SPDX-License-Identifier: GPL-2.0
/*
 * trs-hog - CPU-bound competitors that measure how long they wait.
 *
 *   trs-hog [-n N] [-c CPU] [-N NICE] [-b] [-t SECONDS] [-g US] [-p PREFIX]
 *
 * Starts N busy processes pinned to CPU at nice level NICE (SCHED_BATCH with
 * -b). Each spins reading CLOCK_MONOTONIC; a gap between two consecutive
 * reads longer than the gap threshold (-g, default 50 us) is time the
 * process did not run: it is off the CPU. The longest such gap is its worst
 * wait. After SECONDS (or on SIGINT/SIGTERM) every process stops and the
 * parent prints, as key=value lines for `tcp-recv-sched sweep`:
 *
 *   hog_n, hog_duration_s, hog_cpu_s (sum of CPU time), hog_cpu_share
 *   (sum of CPU time / wall time), hog_worst_wait_us (max over all),
 *   hog_worst_wait_us_median (median over processes) and per process
 *   hog<i>_cpu_s / hog<i>_worst_wait_us.
 *
 * The gap seen by the busy loop also includes time the whole (virtual) CPU
 * did not run, e.g. a vCPU thread descheduled by the host under emulation.
 * With CONFIG_SCHEDSTATS the kernel's own figure is printed too:
 * hog_sched_wait_max_us, the longest time a process waited runnable on the
 * run queue (stats.wait_max in /proc/self/sched), max over processes.
 *
 * Exit status: 0 ok, 1 runtime failure, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trs-util.h"

struct hog_stat {
	double cpu_s;
	long long worst_wait_ns;
	double sched_wait_max_us;	/* -1: not available */
	int done;
};

struct opts {
	int n, cpu, nice, batch;
	double seconds;
	long long gap_ns;
	const char *prefix;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: trs-hog [-n N] [-c CPU] [-N NICE] [-b] [-t SECONDS] [-g US] [-p PREFIX]\n"
		"  -n N        busy processes (default 1; 0 prints zeros)\n"
		"  -c CPU      pin them to CPU (default: no pinning)\n"
		"  -N NICE     nice level (default 0)\n"
		"  -b          SCHED_BATCH instead of SCHED_OTHER\n"
		"  -t SECONDS  run time (default 10; also stops on SIGINT/SIGTERM)\n"
		"  -g US       gap threshold counted as a wait (default 50)\n"
		"  -p PREFIX   prefix of the printed keys (default hog)\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	long v;
	int c;

	*o = (struct opts){ .n = 1, .cpu = -1, .seconds = 10, .gap_ns = 50000,
			    .prefix = "hog" };
	while ((c = getopt(argc, argv, "n:c:N:bt:g:p:h")) != -1) {
		switch (c) {
		case 'n':
			if (parse_long(optarg, 0, 1024, &v))
				goto bad;
			o->n = v;
			break;
		case 'c':
			if (parse_long(optarg, 0, CPU_SETSIZE - 1, &v))
				goto bad;
			o->cpu = v;
			break;
		case 'N':
			if (parse_long(optarg, -20, 19, &v))
				goto bad;
			o->nice = v;
			break;
		case 'b':
			o->batch = 1;
			break;
		case 't':
			if (parse_double(optarg, 0, 1e9, &o->seconds))
				goto bad;
			break;
		case 'g':
			if (parse_long(optarg, 1, 10000000, &v))
				goto bad;
			o->gap_ns = v * 1000LL;
			break;
		case 'p':
			o->prefix = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "trs-hog: invalid value '%s' for -%c\n", optarg, c);
	return -1;
}

static int setup_child(const struct opts *o)
{
	if (o->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("trs-hog: sched_setaffinity");
			return -1;
		}
	}
	if (o->batch) {
		struct sched_param sp = { 0 };

		if (sched_setscheduler(0, SCHED_BATCH, &sp)) {
			perror("trs-hog: sched_setscheduler(SCHED_BATCH)");
			return -1;
		}
	}
	if (setpriority(PRIO_PROCESS, 0, o->nice)) {
		perror("trs-hog: setpriority");
		return -1;
	}
	return 0;
}

/* stats.wait_max of /proc/self/sched in microseconds, or -1. */
static double sched_wait_max_us(void)
{
	FILE *f = fopen("/proc/self/sched", "r");
	char line[256];
	double ms = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (colon && strstr(line, "wait_max") && sscanf(colon + 1, "%lf", &ms) == 1)
			break;
	}
	fclose(f);
	return ms < 0 ? -1 : ms * 1000;
}

/* The busy loop: spin until the deadline, remembering the longest gap. */
static void spin(const struct opts *o, struct hog_stat *st, long long deadline)
{
	long long prev = now_ns(CLOCK_MONOTONIC), worst = 0;

	while (!stop_requested) {
		long long t = now_ns(CLOCK_MONOTONIC);

		if (t - prev > o->gap_ns && t - prev > worst)
			worst = t - prev;
		prev = t;
		if (t >= deadline)
			break;
	}
	st->worst_wait_ns = worst;
	st->sched_wait_max_us = sched_wait_max_us();
	st->cpu_s = now_ns(CLOCK_PROCESS_CPUTIME_ID) / 1e9;
	st->done = 1;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static void report(const struct opts *o, const struct hog_stat *st, double wall)
{
	long long *waits = calloc((size_t)(o->n > 0 ? o->n : 1), sizeof(*waits));
	double cpu = 0, sched_max = -1;
	long long worst = 0;
	int i;

	for (i = 0; i < o->n; i++) {
		cpu += st[i].cpu_s;
		if (st[i].sched_wait_max_us > sched_max)
			sched_max = st[i].sched_wait_max_us;
		waits[i] = st[i].worst_wait_ns;
		if (waits[i] > worst)
			worst = waits[i];
	}
	printf("%s_n=%d\n%s_duration_s=%.3f\n%s_cpu_s=%.3f\n%s_cpu_share=%.4f\n",
	       o->prefix, o->n, o->prefix, wall, o->prefix, cpu, o->prefix,
	       wall > 0 ? cpu / wall : 0);
	printf("%s_worst_wait_us=%.0f\n", o->prefix, worst / 1e3);
	if (sched_max >= 0)
		printf("%s_sched_wait_max_us=%.0f\n", o->prefix, sched_max);
	if (waits) {
		qsort(waits, o->n, sizeof(*waits), cmp_ll);
		printf("%s_worst_wait_us_median=%.0f\n", o->prefix,
		       o->n ? waits[o->n / 2] / 1e3 : 0);
	}
	for (i = 0; i < o->n; i++)
		printf("%s%d_cpu_s=%.3f\n%s%d_worst_wait_us=%.0f\n", o->prefix, i,
		       st[i].cpu_s, o->prefix, i, st[i].worst_wait_ns / 1e3);
	free(waits);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct hog_stat *st;
	long long start, deadline;
	pid_t *pids;
	struct opts o;
	int i, rc = 0;

	if (parse_opts(argc, argv, &o))
		return 2;
	st = mmap(NULL, sizeof(*st) * (o.n ? o.n : 1), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED) {
		perror("trs-hog: mmap");
		return 1;
	}
	pids = calloc((size_t)(o.n > 0 ? o.n : 1), sizeof(*pids));
	if (!pids) {
		perror("trs-hog: calloc");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	start = now_ns(CLOCK_MONOTONIC);
	deadline = start + (long long)(o.seconds * 1e9);
	for (i = 0; i < o.n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("trs-hog: fork");
			stop_requested = 1;
			rc = 1;
			break;
		}
		if (pid == 0) {
			if (setup_child(&o))
				_exit(1);
			spin(&o, &st[i], deadline);
			_exit(0);
		}
		pids[i] = pid;
	}
	/* A signal to the parent alone (not to the group) stops the children. */
	for (;;) {
		int status;
		pid_t pid = wait(&status);

		if (pid < 0) {
			if (errno != EINTR)
				break;
			for (i = 0; i < o.n; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
			continue;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = 1;
	}
	for (i = 0; i < o.n; i++)
		if (!st[i].done)
			rc = 1;
	report(&o, st, (now_ns(CLOCK_MONOTONIC) - start) / 1e9);
	free(pids);
	return rc;
}
