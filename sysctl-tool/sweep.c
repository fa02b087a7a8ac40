// SPDX-License-Identifier: GPL-2.0
/*
 * sweep.c - `sweep`: set each combination, run the command, record a row.
 *
 * The dimensions are the knobs of the series the kernel has (one without
 * a list keeps its current value; one with a list must exist) and any
 * sysctl named with --sysctl NAME=V1,V2,... (which must exist and be
 * writable; its values are written as given and checked by the kernel
 * when their run comes). Everything the sweep writes is restored to its
 * value at start on every way out: end of the plan, --fail-fast, a write
 * error, SIGINT/SIGTERM/SIGHUP (forwarded to the command first, escalated
 * to SIGTERM and SIGKILL on repeats; the tool then dies of the first). A
 * run cut short by a signal is not recorded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trs.h"

/* A --sysctl dimension: its values by index, as the user wrote them. */
struct sysctl_dim {
	char *name;	/* as given: the column name */
	char *path;
	char **vals;
	size_t n;
	char orig[4096];	/* as read at start, for the restore */
};

struct sweep {
	const char *proc;
	const char *out;
	char **cmd;
	bool fail_fast;
	bool seed_given;
	struct trs_plan_spec spec;
	bool present[TRS_KNOB_COUNT];	/* the knob is a dimension */
	struct trs_values orig;
	struct sysctl_dim sys[TRS_SYSCTL_MAX];
	size_t nsys;
	struct trs_sigs sigs;
	struct trs_tsv *tsv;
	unsigned long next_run;
	int stop_sig;
	unsigned long failed;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits a --sysctl value list at commas; -1 (said) if one is empty. */
static int split_values(struct sysctl_dim *d, const char *list)
{
	char *copy = xstrdup(list), *item = copy, *comma;

	do {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (!*item || strpbrk(item, "\t\n")) {
			trs_err("--sysctl %s: %s value in list '%s'", d->name,
				*item ? "a tab or newline in a" : "empty",
				list);
			free(copy);
			return -1;
		}
		d->vals = xrealloc(d->vals, d->n + 1, sizeof(*d->vals));
		d->vals[d->n++] = xstrdup(item);
		item = comma + 1;
	} while (comma);
	free(copy);
	return 0;
}

/*
 * --sysctl NAME=V1,V2,...: a knob of the series by its sysctl name is the
 * same as its own option (values range-checked); any other sysctl becomes
 * a dimension whose file is checked when the sweep starts; its path gets
 * the proc root then, as --proc may still follow.
 */
static int parse_sysctl(struct sweep *sw, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct sysctl_dim *d = &sw->sys[sw->nsys];
	char *name;
	int k;

	if (!eq || eq == arg) {
		trs_err("--sysctl: '%s': expected NAME=V1,V2,...", arg);
		return -1;
	}
	name = xcalloc(1, (size_t)(eq - arg) + 1);
	memcpy(name, arg, (size_t)(eq - arg));
	k = trs_knob_by_key(name);
	if (k >= 0 && strcmp(name, trs_knobs[k].key)) {
		free(name);
		return trs_parse_list((enum trs_knob)k, eq + 1,
				      &sw->spec.list[k], &sw->spec.len[k]);
	}
	if (sw->nsys == TRS_SYSCTL_MAX) {
		trs_err("--sysctl: at most %d sysctls", TRS_SYSCTL_MAX);
		free(name);
		return -1;
	}
	/* a file below sys/ (and "x" alone is no sysctl name either) */
	d->path = strpbrk(name, "./") ? trs_sysctl_path("", name) : NULL;
	if (!d->path) {
		trs_err("--sysctl: '%s' is not a sysctl name (like net.core.busy_read)",
			name);
		free(name);
		return -1;
	}
	for (size_t i = 0; i < sw->nsys; i++) {
		if (!strcmp(sw->sys[i].path, d->path)) {	/* a.b or a/b */
			trs_err("--sysctl: %s given twice", name);
			free(d->path);
			d->path = NULL;
			free(name);
			return -1;
		}
	}
	d->name = name;
	sw->nsys++;
	return split_values(d, eq + 1);
}

/* 1: --help printed, -1: usage error (said), 0: go. */
static int parse_args(struct sweep *sw, struct trs_opts *g, int argc,
		      char **argv)
{
	enum { OPT_FAIL_FAST = 256, OPT_SYSCTL };
	static const struct option opts[] = {
		{ "enable", required_argument, NULL, TRS_KNOB_ENABLE },
		{ "starvation-limit", required_argument, NULL,
		  TRS_KNOB_STARVATION_LIMIT },
		{ "yield-on-return", required_argument, NULL,
		  TRS_KNOB_YIELD_ON_RETURN },
		{ "rcvq-drain-aware", required_argument, NULL,
		  TRS_KNOB_RCVQ_DRAIN_AWARE },
		{ "repeat", required_argument, NULL, 'r' },
		{ "order", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'O' },
		{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
		{ "sysctl", required_argument, NULL, OPT_SYSCTL },
		TRS_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long v;
	int c;

	sw->spec.repeat = 1;
	optind = 0;	/* glibc: rescan from argv[1] */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jh", opts, NULL)) != -1) {
		if (trs_opt_global(g, c))
			continue;
		switch (c) {
		case TRS_KNOB_ENABLE:
		case TRS_KNOB_STARVATION_LIMIT:
		case TRS_KNOB_YIELD_ON_RETURN:
		case TRS_KNOB_RCVQ_DRAIN_AWARE:
			if (trs_parse_list((enum trs_knob)c, optarg,
					   &sw->spec.list[c], &sw->spec.len[c]))
				return -1;
			break;
		case 'r':
			if (parse_ulong(optarg, (unsigned long)-1, &v) || !v) {
				trs_err("--repeat: '%s' is not a positive integer",
					optarg);
				return -1;
			}
			sw->spec.repeat = (unsigned long)v;
			break;
		case 'o':
			if (trs_parse_order(optarg, &sw->spec.order))
				return -1;
			break;
		case 's':
			if (parse_ulong(optarg, (unsigned long long)-1, &v)) {
				trs_err("--seed: '%s' is not a non-negative integer",
					optarg);
				return -1;
			}
			sw->spec.seed = v;
			sw->seed_given = true;
			break;
		case 'O':
			sw->out = optarg;
			break;
		case OPT_FAIL_FAST:
			sw->fail_fast = true;
			break;
		case OPT_SYSCTL:
			if (parse_sysctl(sw, optarg))
				return -1;
			break;
		case 'h':
			trs_usage_cmd("sweep");
			return 1;
		default:
			trs_opt_error("sweep", c, argv);
			return -1;
		}
	}
	if (optind >= argc) {
		trs_err("sweep: expected -- COMMAND [ARG...] (see '" PROG " sweep --help')");
		return -1;
	}
	sw->cmd = argv + optind;
	return 0;
}

/*
 * Reads what the sweep will touch and fills the dimensions: a knob with a
 * list must be readable; one without is a dimension (kept at its value)
 * if the kernel has it, left out if not; a --sysctl file must exist and
 * be writable. Nothing is written yet.
 */
static int setup(struct sweep *sw)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char raw[64];
		int ret;

		if (sw->spec.len[k]) {
			if (trs_read_knob(sw->proc, (enum trs_knob)k,
					  &sw->orig.v[k]))
				return -1;
			sw->present[k] = true;
			continue;
		}
		ret = trs_knob_get(sw->proc, (enum trs_knob)k, &sw->orig.v[k],
				   raw, sizeof(raw));
		if (ret && ret != -ENOENT) {
			trs_knob_report(sw->proc, (enum trs_knob)k, ret, raw);
			return -1;
		}
		sw->present[k] = !ret;
		sw->spec.list[k] = xcalloc(1, sizeof(unsigned long));
		sw->spec.list[k][0] = sw->orig.v[k];
		sw->spec.len[k] = 1;
	}
	for (size_t i = 0; i < sw->nsys; i++) {
		struct sysctl_dim *d = &sw->sys[i];
		char *path = xasprintf("%s%s", sw->proc, d->path);
		size_t dim = TRS_KNOB_COUNT + i;
		int ret;

		free(d->path);
		d->path = path;
		ret = trs_read_text(path, d->orig, sizeof(d->orig));
		if (!ret && strlen(d->orig) >= sizeof(d->orig) - 2)
			ret = -EFBIG;	/* could not be restored whole */
		if (!ret && access(path, W_OK))
			ret = -errno;
		if (ret) {
			trs_err_errno(path, -ret, ret == -ENOENT ?
				      "no such sysctl in this kernel" :
				      ret == -EACCES || ret == -EPERM ?
				      "not writable: read-only, or needs root (CAP_NET_ADMIN) in the owning network namespace" :
				      NULL);
			return -1;
		}
		sw->spec.list[dim] = xcalloc(d->n, sizeof(unsigned long));
		for (size_t v = 0; v < d->n; v++)
			sw->spec.list[dim][v] = v;
		sw->spec.len[dim] = d->n;
	}
	sw->spec.ndims = TRS_KNOB_COUNT + sw->nsys;
	if (sw->spec.order == TRS_ORDER_SHUFFLE && !sw->seed_given) {
		sw->spec.seed = (unsigned long long)time(NULL) ^
				(unsigned long long)getpid();
		trs_err("shuffle seed %llu", sw->spec.seed);
	}
	return 0;
}

/* The settings' column names, tab-separated: the table's header part. */
static char *param_header(const struct sweep *sw)
{
	char *h = xstrdup("");

	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *n;

		if (!sw->present[k])
			continue;
		n = xasprintf("%s%s%s", h, *h ? "\t" : "", trs_knobs[k].key);
		free(h);
		h = n;
	}
	for (size_t i = 0; i < sw->nsys; i++) {
		char *n = xasprintf("%s%s%s", h, *h ? "\t" : "",
				    sw->sys[i].name);

		free(h);
		h = n;
	}
	return h;
}

/* The settings of a run joined by sep, as "key=value" if named. */
static char *describe(const struct sweep *sw, const unsigned long *set,
		      const char *sep, bool named)
{
	char *s = xstrdup("");

	for (size_t k = 0; k < sw->spec.ndims; k++) {
		bool knob = k < TRS_KNOB_COUNT;
		char num[32], *n;
		const char *val = num;

		if (knob && !sw->present[k])
			continue;
		if (knob)
			snprintf(num, sizeof(num), "%lu", set[k]);
		else
			val = sw->sys[k - TRS_KNOB_COUNT].vals[set[k]];
		n = xasprintf("%s%s%s%s%s", s, *s ? sep : "",
			      !named ? "" : knob ? trs_knobs[k].key :
			      sw->sys[k - TRS_KNOB_COUNT].name,
			      named ? "=" : "", val);
		free(s);
		s = n;
	}
	return s;
}

static void fmt_hms(char *buf, size_t len, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

/* "run i/n settings elapsed ETA" on a terminal only, rewritten in place. */
static void progress(const struct sweep *sw, size_t i, size_t n,
		     const struct trs_run *run, double elapsed)
{
	char *desc, el[32], eta[32] = "?";

	if (!isatty(STDERR_FILENO))
		return;
	desc = describe(sw, run->set, " ", true);
	fmt_hms(el, sizeof(el), elapsed);
	if (i)
		fmt_hms(eta, sizeof(eta), elapsed / (double)i * (double)(n - i));
	fprintf(stderr, "\r\033[Krun %zu/%zu %s elapsed %s eta %s",
		i + 1, n, desc, el, eta);
	free(desc);
}

static void progress_done(void)
{
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}

static void export_settings(const struct sweep *sw, const struct trs_run *run)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char val[32];

		if (!sw->present[k])
			continue;
		snprintf(val, sizeof(val), "%lu", run->set[k]);
		setenv(trs_knobs[k].env, val, 1);
	}
}

static void counter_delta(const struct trs_counters *before,
			  const struct trs_counters *after,
			  struct trs_counters *d)
{
	for (int i = 0; i < TRS_COUNTER_COUNT; i++) {
		d->present[i] = before->present[i] && after->present[i];
		d->v[i] = after->v[i] - before->v[i];	/* wraps like the kernel */
	}
}

/* One run; -1 when the sweep must stop with a runtime error. */
static int do_run(struct sweep *sw, const struct trs_run *run)
{
	struct trs_values want;
	struct trs_counters before, after;
	struct trs_row row;
	bool written[TRS_KNOB_COUNT] = { false };
	double t0;

	memset(&row, 0, sizeof(row));
	memcpy(want.v, run->set, sizeof(want.v));
	if (trs_write_all(sw->proc, &want, sw->present, written))
		return -1;
	for (size_t i = 0; i < sw->nsys; i++)
		if (trs_write_text(sw->sys[i].path,
				   sw->sys[i].vals[run->set[TRS_KNOB_COUNT + i]]))
			return -1;
	export_settings(sw, run);
	if (trs_read_counters(sw->proc, &before))
		memset(&before, 0, sizeof(before));

	row.start_time = (long long)time(NULL);
	t0 = now_s();
	if (trs_run_command(sw->cmd, &sw->sigs, &row.metrics,
			    &row.exit_status, &sw->stop_sig)) {
		trs_metrics_free(&row.metrics);
		return -1;
	}
	row.duration_s = now_s() - t0;
	if (sw->stop_sig) {
		trs_metrics_free(&row.metrics);
		return 0;
	}
	if (trs_read_counters(sw->proc, &after))
		memset(&after, 0, sizeof(after));
	counter_delta(&before, &after, &row.delta);
	row.run = sw->next_run++;
	row.repeat = run->repeat;
	row.params = describe(sw, run->set, "\t", false);
	if (row.exit_status)
		sw->failed++;
	if (trs_tsv_add(sw->tsv, &row))
		return -1;	/* the table owns the row's parts now */
	return 0;
}

static int run_plan(struct sweep *sw, const struct trs_run *runs, size_t n)
{
	double start = now_s();

	for (size_t i = 0; i < n; i++) {
		if (!sw->stop_sig)
			sw->stop_sig = trs_signals_take(&sw->sigs);
		if (sw->stop_sig)
			break;
		progress(sw, i, n, &runs[i], now_s() - start);
		if (do_run(sw, &runs[i]))
			return EXIT_RUNTIME;
		if (sw->fail_fast && sw->failed) {
			trs_err("run %lu failed, stopping (--fail-fast)",
				sw->next_run - 1);
			return EXIT_RUNTIME;
		}
	}
	if (sw->failed) {
		trs_err("%lu of %zu runs failed", sw->failed, n);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/*
 * Writes back what differs from the start, knobs and --sysctl names, with
 * the stop signals blocked; then one line: what it restored, or what it
 * wanted if a write failed. -1 if one did.
 */
static int restore(struct sweep *sw)
{
	char *desc = xstrdup(""), *n;
	int failed = 0;
	sigset_t block, old;

	trs_stop_sigset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (trs_restore(sw->proc, &sw->orig, sw->present, -1) < 0)
		failed++;
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		if (!sw->present[k])
			continue;
		n = xasprintf("%s%s%s=%lu", desc, *desc ? " " : "",
			      trs_knobs[k].key, sw->orig.v[k]);
		free(desc);
		desc = n;
	}
	for (size_t i = 0; i < sw->nsys; i++) {
		struct sysctl_dim *d = &sw->sys[i];
		char cur[sizeof(d->orig)];

		if (trs_read_text(d->path, cur, sizeof(cur)) ||
		    strcmp(cur, d->orig))
			failed += trs_write_text(d->path, d->orig) != 0;
		for (char *p = d->orig; *p; p++)	/* tcp_rmem has tabs */
			if (*p == '\t')
				*p = ' ';
		n = xasprintf("%s%s%s=%s", desc, *desc ? " " : "", d->name,
			      d->orig);
		free(desc);
		desc = n;
	}
	if (failed)
		trs_err("knobs NOT fully restored, wanted %s", desc);
	else if (*desc)
		trs_err("restored %s", desc);
	free(desc);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return failed ? -1 : 0;
}

static void sweep_free(struct sweep *sw)
{
	for (size_t k = 0; k < TRS_DIM_MAX; k++)
		free(sw->spec.list[k]);
	for (size_t i = 0; i < sw->nsys; i++) {
		for (size_t v = 0; v < sw->sys[i].n; v++)
			free(sw->sys[i].vals[v]);
		free(sw->sys[i].vals);
		free(sw->sys[i].name);
		free(sw->sys[i].path);
	}
	trs_tsv_free(sw->tsv);
}

int trs_cmd_sweep(struct trs_opts *g, int argc, char **argv)
{
	const char *proc;
	struct sweep sw;
	struct trs_run *runs;
	struct trs_counters probe;
	char *header;
	size_t n;
	int ret;

	memset(&sw, 0, sizeof(sw));
	ret = parse_args(&sw, g, argc, argv);
	if (ret) {
		sweep_free(&sw);
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	}
	proc = sw.proc = g->proc;
	if (setup(&sw) || trs_read_counters(proc, &probe)) {
		sweep_free(&sw);
		return EXIT_RUNTIME;
	}
	runs = trs_plan(&sw.spec, &n);
	if (!runs) {
		sweep_free(&sw);
		return EXIT_USAGE;
	}
	header = param_header(&sw);
	sw.tsv = trs_tsv_open(sw.out, header, &sw.next_run);
	free(header);
	if (!sw.tsv) {
		free(runs);
		sweep_free(&sw);
		return EXIT_RUNTIME;
	}

	trs_signals_install(&sw.sigs);
	ret = run_plan(&sw, runs, n);
	progress_done();
	if (restore(&sw))
		ret = EXIT_RUNTIME;
	if (!sw.out && trs_tsv_print(sw.tsv, stdout))
		ret = EXIT_RUNTIME;
	free(runs);
	sweep_free(&sw);
	if (sw.stop_sig)
		return trs_reraise(sw.stop_sig);
	return ret;
}
