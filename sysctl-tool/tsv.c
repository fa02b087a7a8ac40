// SPDX-License-Identifier: GPL-2.0
/*
 * tsv.c - the sweep result table.
 *
 * Columns: run, repeat, the swept settings (the knobs the kernel has,
 * then the --sysctl names), exit_status, start_time, duration_s,
 * d_<counter> for each TcpExt counter of the series, then every metric key
 * seen, in first-seen order. A key that first shows up in a later run would
 * not fit a header already written, so the whole table is kept in memory
 * and the file is rewritten after every run (temporary file + rename(), so
 * it is never half written). Rows of an existing --out file are kept as
 * they were and padded with empty cells for keys added since; its header
 * must start with the same fixed columns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trs.h"

struct trs_tsv {
	char *path;		/* NULL: print to stdout at the end */
	char *fixed;		/* the columns before the metric keys */
	char **keys;
	size_t nkeys;
	char **old_lines;	/* data lines of a pre-existing file */
	size_t *old_cells;
	size_t nold;
	struct trs_row *rows;
	size_t nrows;
};

static char *append_column(char *h, const char *prefix, const char *col)
{
	char *n = xasprintf("%s\t%s%s", h, prefix, col);

	free(h);
	return n;
}

static char *fixed_header(const char *param_header)
{
	char *h = xstrdup("run\trepeat");

	if (*param_header)
		h = append_column(h, "", param_header);
	h = append_column(h, "", "exit_status\tstart_time\tduration_s");
	for (int i = 0; i < TRS_COUNTER_COUNT; i++)
		h = append_column(h, "d_", trs_counter_name(i));
	return h;
}

static size_t count_cells(const char *line)
{
	size_t n = 1;

	for (; *line; line++)
		n += *line == '\t';
	return n;
}

/* A metric named like a fixed column would make the header ambiguous. */
static bool is_fixed_column(const struct trs_tsv *t, const char *key)
{
	char *padded = xasprintf("\t%s\t", t->fixed);
	char *needle = xasprintf("\t%s\t", key);
	bool found = strstr(padded, needle) != NULL;

	free(needle);
	free(padded);
	return found;
}

static void add_key(struct trs_tsv *t, const char *key)
{
	for (size_t i = 0; i < t->nkeys; i++)
		if (!strcmp(t->keys[i], key))
			return;
	t->keys = xrealloc(t->keys, t->nkeys + 1, sizeof(*t->keys));
	t->keys[t->nkeys++] = xstrdup(key);
}

/* Takes the header and the rows of an earlier table at t->path. */
static int load_existing(struct trs_tsv *t, FILE *f)
{
	char *line = NULL, *fixed = t->fixed;
	size_t cap = 0, flen = strlen(fixed);
	ssize_t len;
	int ret = 0;

	len = getline(&line, &cap, f);
	if (len > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, fixed, flen) ||
		    (line[flen] && line[flen] != '\t')) {
			trs_err("%s: not a tcp-recv-sched table (header differs)",
				t->path);
			ret = -1;
		} else if (line[flen]) {
			char *save, *key;

			for (key = strtok_r(line + flen + 1, "\t", &save); key;
			     key = strtok_r(NULL, "\t", &save))
				add_key(t, key);
		}
	}
	while (!ret && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		t->old_lines = xrealloc(t->old_lines, t->nold + 1,
					sizeof(*t->old_lines));
		t->old_cells = xrealloc(t->old_cells, t->nold + 1,
					sizeof(*t->old_cells));
		t->old_lines[t->nold] = xstrdup(line);
		t->old_cells[t->nold++] = count_cells(line);
	}
	free(line);
	return ret;
}

/* param_header: the swept settings' columns, tab-separated ("" none). */
struct trs_tsv *trs_tsv_open(const char *path, const char *param_header,
			     unsigned long *next_run)
{
	struct trs_tsv *t = xcalloc(1, sizeof(*t));
	FILE *f;

	*next_run = 1;
	t->fixed = fixed_header(param_header);
	if (!path)
		return t;
	t->path = xstrdup(path);
	f = fopen(path, "re");
	if (!f && errno != ENOENT) {
		trs_err_errno(path, errno, NULL);
		goto fail;
	}
	if (f) {
		int ret = load_existing(t, f);

		fclose(f);
		if (ret)
			goto fail;
	}
	*next_run = t->nold + 1;
	/* Fail before any knob changes if the table cannot be written. */
	if (trs_tsv_write(t))
		goto fail;
	return t;
fail:
	trs_tsv_free(t);
	return NULL;
}

int trs_tsv_add(struct trs_tsv *t, struct trs_row *row)
{
	for (size_t i = 0; i < row->metrics.n; i++)
		if (!is_fixed_column(t, row->metrics.m[i].key))
			add_key(t, row->metrics.m[i].key);
	t->rows = xrealloc(t->rows, t->nrows + 1, sizeof(*t->rows));
	t->rows[t->nrows++] = *row;
	memset(&row->metrics, 0, sizeof(row->metrics));	/* moved */
	row->params = NULL;
	return t->path ? trs_tsv_write(t) : 0;
}

static const char *row_metric(const struct trs_row *r, const char *key)
{
	for (size_t i = 0; i < r->metrics.n; i++)
		if (!strcmp(r->metrics.m[i].key, key))
			return r->metrics.m[i].value;
	return "";
}

static void print_row(const struct trs_tsv *t, const struct trs_row *r,
		      FILE *f)
{
	time_t start = (time_t)r->start_time;
	struct tm tm;
	char when[32];

	gmtime_r(&start, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "%lu\t%lu", r->run, r->repeat);
	if (r->params && *r->params)
		fprintf(f, "\t%s", r->params);
	fprintf(f, "\t%d\t%s\t%.3f", r->exit_status, when, r->duration_s);
	for (int i = 0; i < TRS_COUNTER_COUNT; i++) {
		if (r->delta.present[i])
			fprintf(f, "\t%llu", r->delta.v[i]);
		else
			fputc('\t', f);
	}
	for (size_t i = 0; i < t->nkeys; i++)
		fprintf(f, "\t%s", row_metric(r, t->keys[i]));
	fputc('\n', f);
}

int trs_tsv_print(const struct trs_tsv *t, FILE *f)
{
	size_t ncols = count_cells(t->fixed) + t->nkeys;

	fputs(t->fixed, f);
	for (size_t i = 0; i < t->nkeys; i++)
		fprintf(f, "\t%s", t->keys[i]);
	fputc('\n', f);
	for (size_t i = 0; i < t->nold; i++) {
		fputs(t->old_lines[i], f);
		for (size_t c = t->old_cells[i]; c < ncols; c++)
			fputc('\t', f);
		fputc('\n', f);
	}
	for (size_t i = 0; i < t->nrows; i++)
		print_row(t, &t->rows[i], f);
	return ferror(f) ? -1 : 0;
}

int trs_tsv_write(const struct trs_tsv *t)
{
	char *tmp = xasprintf("%s.XXXXXX", t->path);
	mode_t mask = umask(0);
	int errnum = 0, fd;
	FILE *f = NULL;

	umask(mask);
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0666 & ~mask) || !(f = fdopen(fd, "w")))
		errnum = errno;
	if (!errnum && trs_tsv_print(t, f))
		errnum = errno ? errno : EIO;
	if (f && fclose(f) && !errnum)
		errnum = errno;
	else if (!f && fd >= 0)
		close(fd);
	if (!errnum && rename(tmp, t->path))
		errnum = errno;
	if (errnum) {
		trs_err_errno(fd < 0 ? t->path : tmp, errnum, NULL);
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	return errnum ? -1 : 0;
}

void trs_tsv_free(struct trs_tsv *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nkeys; i++)
		free(t->keys[i]);
	for (size_t i = 0; i < t->nold; i++)
		free(t->old_lines[i]);
	for (size_t i = 0; i < t->nrows; i++) {
		trs_metrics_free(&t->rows[i].metrics);
		free(t->rows[i].params);
	}
	free(t->keys);
	free(t->old_lines);
	free(t->old_cells);
	free(t->rows);
	free(t->path);
	free(t->fixed);
	free(t);
}
