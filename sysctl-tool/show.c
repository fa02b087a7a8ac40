// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - `show`: the knobs of the series, the stock sysctls of receive
 * autotuning and the TcpExt counters (the series', then stock ones of the
 * receive path), as "name value" lines or one JSON object with -j.
 *
 * Each file counts on its own. A missing one is what this kernel has, not
 * an error: a kernel without the series still gets its stock values and a
 * line (JSON: "supported":false) that says so and what to do; a missing
 * net/netstat leaves the knobs. Other errors (EACCES, odd content) are one
 * line on stderr each, the rest is still printed, and the exit status
 * is 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trs.h"

/* Stock sysctls of receive autotuning, printed when the kernel has them. */
static const struct {
	const char *name;	/* as sysctl(8) names it */
	const char *file;	/* below the proc root */
} stock_sysctls[] = {
	{ "net.ipv4.tcp_rmem", "sys/net/ipv4/tcp_rmem" },
	{ "net.ipv4.tcp_moderate_rcvbuf", "sys/net/ipv4/tcp_moderate_rcvbuf" },
	{ "net.core.rmem_max", "sys/net/core/rmem_max" },
};
#define NSTOCK (sizeof(stock_sysctls) / sizeof(stock_sysctls[0]))
#define STOCK_VALS_MAX 3

struct show {
	const char *proc;
	bool failed;		/* an error was reported: exit 1 */
	char *missing;		/* first missing knob file of the series */
	int netns_initial;	/* trs_netns_initial() */
	bool knob_ok[TRS_KNOB_COUNT];
	struct trs_values vals;
	size_t sysctl_n[NSTOCK];	/* 0: absent or unreadable */
	unsigned long long sysctl_v[NSTOCK][STOCK_VALS_MAX];
	int counters_err;	/* 0, -errno or -EBADMSG */
	struct trs_counters c;
};

static void read_knobs(struct show *sh)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char raw[64];
		int ret = trs_knob_get(sh->proc, (enum trs_knob)k,
				       &sh->vals.v[k], raw, sizeof(raw));

		sh->knob_ok[k] = !ret;
		if (ret && ret != -ENOENT) {
			trs_knob_report(sh->proc, (enum trs_knob)k, ret, raw);
			sh->failed = true;
		}
	}
}

/* Up to STOCK_VALS_MAX decimal numbers separated by blanks; 0 if not. */
static size_t parse_numbers(char *text, unsigned long long *v)
{
	char *save, *tok, *p = text;
	size_t n = 0;

	while ((tok = strtok_r(p, " \t", &save))) {
		p = NULL;
		if (n == STOCK_VALS_MAX ||
		    parse_ulong(tok, (unsigned long long)-1, &v[n]))
			return 0;
		n++;
	}
	return n;
}

static void read_sysctls(struct show *sh)
{
	for (size_t i = 0; i < NSTOCK; i++) {
		char *path = xasprintf("%s/%s", sh->proc, stock_sysctls[i].file);
		char raw[256], copy[256];
		int ret = trs_read_text(path, raw, sizeof(raw));

		if (!ret) {
			memcpy(copy, raw, sizeof(raw));
			sh->sysctl_n[i] = parse_numbers(copy, sh->sysctl_v[i]);
			if (!sh->sysctl_n[i]) {
				trs_err("%s: unexpected content '%s'", path,
					raw);
				sh->failed = true;
			}
		} else if (ret != -ENOENT) {
			trs_err_errno(path, -ret, NULL);
			sh->failed = true;
		}
		free(path);
	}
}

static void read_counters(struct show *sh)
{
	sh->counters_err = trs_counters_get(sh->proc, &sh->c);
	if (sh->counters_err && sh->counters_err != -ENOENT) {
		trs_read_counters(sh->proc, &sh->c);	/* says why */
		memset(&sh->c, 0, sizeof(sh->c));
		sh->failed = true;
	}
}

static void show_text(const struct show *sh)
{
	bool supported = !sh->missing;

	if (!supported)
		printf("tcp_recv_sched absent: no %s; %s\n", sh->missing,
		       trs_series_hint(sh->proc));
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		if (sh->knob_ok[k])
			printf("%s %lu\n", trs_knobs[k].key, sh->vals.v[k]);
		else if (supported)
			printf("%s -\n", trs_knobs[k].key);
	}
	for (size_t i = 0; i < NSTOCK; i++) {
		if (!sh->sysctl_n[i])
			continue;
		printf("%s", stock_sysctls[i].name);
		for (size_t j = 0; j < sh->sysctl_n[i]; j++)
			printf(" %llu", sh->sysctl_v[i][j]);
		printf("\n");
	}
	if (sh->counters_err == -ENOENT)
		printf("counters unavailable: %s/%s: %s\n", sh->proc,
		       TRS_NETSTAT_FILE, strerror(ENOENT));
	if (sh->counters_err)
		return;
	for (int i = 0; i < TRS_ALL_COUNTERS; i++) {
		if (sh->c.present[i])
			printf("%s %llu\n", trs_counter_name(i), sh->c.v[i]);
		else if (supported && i < TRS_COUNTER_COUNT)
			printf("%s -\n", trs_counter_name(i));
	}
}

/* A JSON string: the proc root is the user's and may hold anything. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* Keys and units are identifiers from the header: nothing to escape. */
static void show_json(const struct show *sh)
{
	printf("{\"supported\":%s,\"netns_initial\":%s",
	       sh->missing ? "false" : "true",
	       sh->netns_initial < 0 ? "null" :
	       sh->netns_initial ? "true" : "false");
	if (sh->missing) {
		printf(",\"missing\":");
		json_str(sh->missing);
		printf(",\"hint\":");
		json_str(trs_series_hint(sh->proc));
	}
	printf(",\"knobs\":{");
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		const struct trs_knob_def *d = &trs_knobs[k];

		printf("%s\"%s\":{\"value\":", k ? "," : "", d->key);
		if (sh->knob_ok[k])
			printf("%lu", sh->vals.v[k]);
		else
			printf("null");
		printf(",\"min\":%lu,\"max\":%lu,\"default\":%lu,\"unit\":\"%s\"}",
		       d->min, d->max, d->def, d->unit);
	}
	printf("},\"sysctls\":{");
	for (size_t i = 0; i < NSTOCK; i++) {
		size_t n = sh->sysctl_n[i];

		printf("%s\"%s\":", i ? "," : "", stock_sysctls[i].name);
		if (!n)
			printf("null");
		else if (n == 1)
			printf("%llu", sh->sysctl_v[i][0]);
		for (size_t j = 0; n > 1 && j < n; j++)
			printf("%s%llu%s", j ? "," : "[", sh->sysctl_v[i][j],
			       j + 1 == n ? "]" : "");
	}
	printf("},\"counters\":");
	if (sh->counters_err) {
		printf("null}\n");
		return;
	}
	for (int i = 0; i < TRS_ALL_COUNTERS; i++) {
		printf("%s\"%s\":", i ? "," : "{", trs_counter_name(i));
		if (sh->c.present[i])
			printf("%llu", sh->c.v[i]);
		else
			printf("null");
	}
	printf("}}\n");
}

/* Only the global options and --help; 1: help printed, -1: usage error. */
static int parse_args(struct trs_opts *g, int argc, char **argv)
{
	int ret = trs_opt_simple(g, "show", argc, argv);

	if (ret)
		return ret;
	if (optind < argc) {
		trs_err("show: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

int trs_cmd_show(struct trs_opts *g, int argc, char **argv)
{
	const char *proc = g->proc;
	struct show sh;
	struct stat st = { 0 };
	bool json;
	int ret = parse_args(g, argc, argv);

	if (ret)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	proc = g->proc;
	json = g->json;
	/* a mistyped --proc is not a kernel without anything */
	if (stat(proc, &st) || !S_ISDIR(st.st_mode)) {
		trs_err_errno(proc, st.st_mode ? ENOTDIR : errno, NULL);
		return EXIT_RUNTIME;
	}
	memset(&sh, 0, sizeof(sh));
	sh.proc = proc;
	sh.missing = trs_series_missing(proc);
	sh.netns_initial = trs_netns_initial(proc);
	read_knobs(&sh);
	read_sysctls(&sh);
	read_counters(&sh);
	if (json)
		show_json(&sh);
	else
		show_text(&sh);
	ret = sh.failed ? EXIT_RUNTIME : EXIT_OK;
	if (fflush(stdout)) {
		trs_err_errno("stdout", errno, NULL);
		ret = EXIT_RUNTIME;
	}
	free(sh.missing);
	return ret;
}
