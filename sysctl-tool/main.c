// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - tcp-recv-sched: show, set and sweep the tcp_recv_sched knobs;
 * list flows whose receive autotuning is trapped.
 * Exit status: 0 ok, 1 runtime failure, 2 usage error (3: flows --check).
 */
#include <getopt.h>
#include <string.h>

#include "trs.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-j] [--proc DIR] show\n"
		"       " PROG " [--proc DIR] set KEY=VALUE...\n"
		"       " PROG " [--proc DIR] sweep [--enable LIST] [--starvation-limit LIST]\n"
		"                  [--yield-on-return LIST] [--repeat N]\n"
		"                  [--order grid|interleave|shuffle] [--seed N]\n"
		"                  [--out FILE] [--fail-fast] -- COMMAND [ARG...]\n"
		"       " PROG " [-j] [--proc DIR] flows [--trapped] [--check] [--port N]\n"
		"                  [--samples N] [--interval MS] [--min-bytes N]\n"
		"                  [--min-fill PCT]\n"
		"KEY is one of:\n");
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		fprintf(f, "  %-18s %lu..%lu%s%s (default %lu)\n",
			trs_knobs[k].key, trs_knobs[k].min, trs_knobs[k].max,
			*trs_knobs[k].unit ? " " : "", trs_knobs[k].unit,
			trs_knobs[k].def);
	fprintf(f, "LIST is comma-separated values. flows --help: its options.\n"
		   "See tcp-recv-sched(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "proc", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *proc = "/proc", *cmd;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			proc = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "show") && optind + 1 == argc)
		return trs_cmd_show(proc, json);
	if (!strcmp(cmd, "set"))
		return trs_cmd_set(proc, argc - optind - 1, argv + optind + 1);
	if (!strcmp(cmd, "sweep"))
		return trs_cmd_sweep(proc, argc - optind, argv + optind);
	if (!strcmp(cmd, "flows"))
		return trs_cmd_flows(proc, json, argc - optind, argv + optind);
	if (!strcmp(cmd, "show"))
		trs_err("show: unexpected argument '%s'", argv[optind + 1]);
	else
		trs_err("unknown command '%s'", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
