// SPDX-License-Identifier: GPL-2.0
/*
 * set.c - `set KEY=VALUE...`: every value is checked before anything is
 * written, and a failed write takes back the ones already written, so the
 * knobs end up all set or as they were. Quiet on success.
 */

#include "trs.h"

int trs_cmd_set(const char *proc, int argc, char **argv)
{
	struct trs_values want = { { 0 } }, orig;
	bool given[TRS_KNOB_COUNT] = { false };
	bool written[TRS_KNOB_COUNT] = { false };
	sigset_t block, old;
	int ret = EXIT_OK;

	if (argc < 1) {
		trs_err("set: expected KEY=VALUE...");
		return EXIT_USAGE;
	}
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

	if (trs_check_supported(proc) || trs_read_all(proc, &orig))
		return EXIT_RUNTIME;

	/* A signal must not split the writes from their undo. */
	trs_stop_sigset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (trs_write_all(proc, &want, given, written)) {
		trs_restore(proc, &orig, written, false);
		ret = EXIT_RUNTIME;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
