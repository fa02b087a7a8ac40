// SPDX-License-Identifier: GPL-2.0
/*
 * sweep.c - `sweep`: set each combination, run the command, record a row.
 *
 * A knob without a list keeps its current value. The knobs are restored
 * to their values at start on every way out: end of the plan, --fail-fast,
 * a write error, SIGINT/SIGTERM/SIGHUP (forwarded to the command first;
 * the tool then dies of the same signal). A run cut short by a signal is
 * not recorded.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trs.h"

struct sweep {
	const char *proc;
	const char *out;
	char **cmd;
	bool fail_fast;
	bool seed_given;
	struct trs_plan_spec spec;
	struct trs_values orig;
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

static int parse_args(struct sweep *sw, int argc, char **argv)
{
	enum { OPT_FAIL_FAST = 256 };
	static const struct option opts[] = {
		{ "enable", required_argument, NULL, TRS_KNOB_ENABLE },
		{ "starvation-limit", required_argument, NULL,
		  TRS_KNOB_STARVATION_LIMIT },
		{ "yield-on-return", required_argument, NULL,
		  TRS_KNOB_YIELD_ON_RETURN },
		{ "repeat", required_argument, NULL, 'r' },
		{ "order", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'O' },
		{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long v;
	int c;

	sw->spec.repeat = 1;
	optind = 0;	/* glibc: rescan from argv[1] */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case TRS_KNOB_ENABLE:
		case TRS_KNOB_STARVATION_LIMIT:
		case TRS_KNOB_YIELD_ON_RETURN:
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
		default:
			return -1;	/* getopt said why */
		}
	}
	if (optind >= argc) {
		trs_err("sweep: expected -- COMMAND [ARG...]");
		return -1;
	}
	sw->cmd = argv + optind;
	return 0;
}

/* Knobs without a list stay where they are. */
static void default_lists(struct sweep *sw)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		if (sw->spec.len[k])
			continue;
		sw->spec.list[k] = xcalloc(1, sizeof(unsigned long));
		sw->spec.list[k][0] = sw->orig.v[k];
		sw->spec.len[k] = 1;
	}
	if (sw->spec.order == TRS_ORDER_SHUFFLE && !sw->seed_given) {
		sw->spec.seed = (unsigned long long)time(NULL) ^
				(unsigned long long)getpid();
		trs_err("shuffle seed %llu", sw->spec.seed);
	}
}

static void fmt_hms(char *buf, size_t len, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

/* "run i/n settings elapsed ETA" on a terminal only, rewritten in place. */
static void progress(size_t i, size_t n, const struct trs_run *run,
		     double elapsed)
{
	struct trs_values vals;
	char desc[128], el[32], eta[32] = "?";

	if (!isatty(STDERR_FILENO))
		return;
	memcpy(vals.v, run->set, sizeof(vals.v));
	trs_format_values(&vals, desc, sizeof(desc));
	fmt_hms(el, sizeof(el), elapsed);
	if (i)
		fmt_hms(eta, sizeof(eta), elapsed / (double)i * (double)(n - i));
	fprintf(stderr, "\r\033[Krun %zu/%zu %s elapsed %s eta %s",
		i + 1, n, desc, el, eta);
}

static void progress_done(void)
{
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}

static void export_settings(const struct trs_run *run)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char val[32];

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
	if (trs_write_all(sw->proc, &want, NULL, written))
		return -1;
	export_settings(run);
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
	memcpy(row.set, run->set, sizeof(row.set));
	if (row.exit_status)
		sw->failed++;
	if (trs_tsv_add(sw->tsv, &row)) {
		trs_metrics_free(&row.metrics);
		return -1;
	}
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
		progress(i, n, &runs[i], now_s() - start);
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

static void sweep_free(struct sweep *sw)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		free(sw->spec.list[k]);
	trs_tsv_free(sw->tsv);
}

int trs_cmd_sweep(const char *proc, int argc, char **argv)
{
	struct sweep sw;
	struct trs_run *runs;
	struct trs_counters probe;
	size_t n;
	int ret;

	memset(&sw, 0, sizeof(sw));
	sw.proc = proc;
	if (parse_args(&sw, argc, argv)) {
		sweep_free(&sw);
		return EXIT_USAGE;
	}
	if (trs_check_supported(proc) || trs_read_all(proc, &sw.orig) ||
	    trs_read_counters(proc, &probe)) {
		sweep_free(&sw);
		return EXIT_RUNTIME;
	}
	default_lists(&sw);
	runs = trs_plan(&sw.spec, &n);
	if (!runs) {
		sweep_free(&sw);
		return EXIT_USAGE;
	}
	sw.tsv = trs_tsv_open(sw.out, &sw.next_run);
	if (!sw.tsv) {
		free(runs);
		sweep_free(&sw);
		return EXIT_RUNTIME;
	}

	trs_signals_install(&sw.sigs);
	ret = run_plan(&sw, runs, n);
	progress_done();
	if (trs_restore(proc, &sw.orig, NULL, true) < 0)
		ret = EXIT_RUNTIME;
	if (!sw.out && trs_tsv_print(sw.tsv, stdout))
		ret = EXIT_RUNTIME;
	free(runs);
	sweep_free(&sw);
	if (sw.stop_sig)
		return trs_reraise(sw.stop_sig);
	return ret;
}
