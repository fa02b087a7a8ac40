// SPDX-License-Identifier: GPL-2.0
/*
 * netstat.c - the series' TcpExt counters from DIR/net/netstat.
 *
 * The file holds pairs of lines with the same prefix, names then values:
 *   TcpExt: SyncookiesSent ... TCPRecvSchedGrants ...
 *   TcpExt: 0 ... 42 ...
 * A counter the kernel does not print is left !present, not zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trs.h"

static const char *const series_names[TRS_COUNTER_COUNT] = TRS_COUNTER_NAMES;
static const char *const stock_names[TRS_STOCK_COUNTER_COUNT] =
	TRS_STOCK_COUNTER_NAMES;

const char *trs_counter_name(int i)
{
	return i < TRS_COUNTER_COUNT ? series_names[i] :
				       stock_names[i - TRS_COUNTER_COUNT];
}

#define TCPEXT_PREFIX "TcpExt:"

static int counter_index(const char *name)
{
	for (int i = 0; i < TRS_ALL_COUNTERS; i++)
		if (!strcmp(name, trs_counter_name(i)))
			return i;
	return -1;
}

/* Walks a names line and a values line side by side. */
static int parse_pair(char *names, char *values, struct trs_counters *c)
{
	char *np, *vp;
	char *name = strtok_r(names + strlen(TCPEXT_PREFIX), " \t\n", &np);
	char *val = strtok_r(values + strlen(TCPEXT_PREFIX), " \t\n", &vp);

	for (; name && val; name = strtok_r(NULL, " \t\n", &np),
			    val = strtok_r(NULL, " \t\n", &vp)) {
		int i = counter_index(name);
		unsigned long long v;

		if (i < 0)
			continue;
		if (parse_ulong(val, (unsigned long long)-1, &v))
			return -1;
		c->v[i] = v;
		c->present[i] = true;
	}
	return name || val ? -1 : 0;
}

int trs_parse_netstat(FILE *f, struct trs_counters *c)
{
	char *line = NULL, *names = NULL;
	size_t cap = 0;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	while (!ret && getline(&line, &cap, f) >= 0) {
		if (strncmp(line, TCPEXT_PREFIX, strlen(TCPEXT_PREFIX)))
			continue;
		if (!names) {
			names = xstrdup(line);
			continue;
		}
		ret = parse_pair(names, line, c);
		free(names);
		names = NULL;
	}
	if (names)
		ret = -1;	/* a names line without its values */
	free(names);
	free(line);
	return ret;
}

/* No message: 0, -errno of fopen(), or -EBADMSG for malformed lines. */
int trs_counters_get(const char *proc, struct trs_counters *c)
{
	char *path = xasprintf("%s/%s", proc, TRS_NETSTAT_FILE);
	FILE *f = fopen(path, "re");
	int ret = f ? 0 : -errno;

	free(path);
	memset(c, 0, sizeof(*c));
	if (!f)
		return ret;
	ret = trs_parse_netstat(f, c) ? -EBADMSG : 0;
	fclose(f);
	return ret;
}

/* As trs_counters_get(), with one line on stderr naming the file. */
int trs_read_counters(const char *proc, struct trs_counters *c)
{
	int ret = trs_counters_get(proc, c);
	char *path;

	if (!ret)
		return 0;
	path = xasprintf("%s/%s", proc, TRS_NETSTAT_FILE);
	if (ret == -EBADMSG)
		trs_err("%s: malformed TcpExt lines", path);
	else
		trs_err_errno(path, -ret, NULL);
	free(path);
	return -1;
}
