// SPDX-License-Identifier: GPL-2.0
/*
 * set.c - `set KEY=VALUE...` (KEY: the tool's name or the sysctl's, as
 * net.ipv4.tcp_recv_sched_enable or net/ipv4/...): every value is checked
 * before anything is written, only the knobs given must exist, and a
 * failed write takes back the ones already written, so the knobs end up
 * all set or as they were. Quiet on success.
 */
#include <getopt.h>

#include "trs.h"

/*
 * The global options and --help among the assignments; 1: help printed,
 * -1: usage error. On return argv[optind..] are the assignments.
 */
static int parse_args(struct trs_opts *g, int argc, char **argv)
{
	int ret = trs_opt_simple(g, "set", argc, argv);

	if (ret)
		return ret;
	if (optind >= argc) {
		trs_err("set: expected KEY=VALUE... (see '" PROG " set --help')");
		return -1;
	}
	return 0;
}

int trs_cmd_set(struct trs_opts *g, int argc, char **argv)
{
	struct trs_values want = { { 0 } }, orig = { { 0 } };
	bool given[TRS_KNOB_COUNT] = { false };
	bool written[TRS_KNOB_COUNT] = { false };
	const char *proc;
	sigset_t block, old;
	int ret = parse_args(g, argc, argv);

	if (ret)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	proc = g->proc;
	argc -= optind;
	argv += optind;
	for (int i = 0; i < argc; i++) {
		enum trs_knob k;
		unsigned long v;

		if (trs_parse_assignment(argv[i], &k, &v))
			return EXIT_USAGE;
		if (given[k]) {
			trs_err("%s given twice", trs_knobs[k].key);
			return EXIT_USAGE;
		}
		given[k] = true;
		want.v[k] = v;
	}

	/* Only the knobs given: rcvq_drain_aware is in every namespace. */
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		if (given[k] && trs_read_knob(proc, (enum trs_knob)k,
					      &orig.v[k]))
			return EXIT_RUNTIME;

	/* A signal must not split the writes from their undo. */
	trs_stop_sigset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (trs_write_all(proc, &want, given, written)) {
		trs_restore(proc, &orig, written, 0);
		ret = EXIT_RUNTIME;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
