// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - the "key=value" lines a sweep command prints on stdout.
 *
 * A metric line is KEY=NUMBER: KEY starts with a letter or '_' and holds
 * letters, digits, '_', '.' or '-'; NUMBER is what strtod() takes whole
 * (finite). Any other line is not a metric. A key printed twice keeps
 * its last value.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trs.h"

#define METRIC_KEY_MAX 64

bool trs_metric_key_valid(const char *key)
{
	size_t len = strlen(key);

	if (!len || len > METRIC_KEY_MAX ||
	    !(isalpha((unsigned char)key[0]) || key[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)key[i]) && !strchr("_.-", key[i]))
			return false;
	return true;
}

static bool number_valid(const char *s)
{
	char *end;
	double d;

	if (!*s || isspace((unsigned char)*s))
		return false;
	d = strtod(s, &end);
	return !*end && isfinite(d);
}

static void metrics_put(struct trs_metrics *ms, const char *key,
			const char *value)
{
	for (size_t i = 0; i < ms->n; i++) {
		if (!strcmp(ms->m[i].key, key)) {
			free(ms->m[i].value);
			ms->m[i].value = xstrdup(value);
			return;
		}
	}
	ms->m = xrealloc(ms->m, ms->n + 1, sizeof(*ms->m));
	ms->m[ms->n].key = xstrdup(key);
	ms->m[ms->n].value = xstrdup(value);
	ms->n++;
}

/* Returns 1 when line was a metric (now in ms), 0 otherwise. */
int trs_metrics_parse_line(struct trs_metrics *ms, const char *line)
{
	char *copy = xstrdup(line), *eq, *val;
	size_t len = strlen(copy);
	int ret = 0;

	while (len && isspace((unsigned char)copy[len - 1]))
		copy[--len] = '\0';
	eq = strchr(copy, '=');
	if (eq) {
		*eq = '\0';
		for (val = eq + 1; isspace((unsigned char)*val); val++)
			;
		if (trs_metric_key_valid(copy) && number_valid(val)) {
			metrics_put(ms, copy, val);
			ret = 1;
		}
	}
	free(copy);
	return ret;
}

void trs_metrics_free(struct trs_metrics *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		free(ms->m[i].key);
		free(ms->m[i].value);
	}
	free(ms->m);
	ms->m = NULL;
	ms->n = 0;
}
