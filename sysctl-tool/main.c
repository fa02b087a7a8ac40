// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - tcp-recv-sched: show, set and sweep the tcp_recv_sched knobs;
 * list flows whose receive autotuning is trapped.
 * Exit status: 0 ok, 1 runtime failure, 2 usage error (3: flows --check).
 *
 * The global options (-j, --proc DIR) go before the command or among its
 * own options; `help [CMD]`, `CMD --help` and --version print on stdout.
 */
#include <getopt.h>
#include <string.h>

#include "trs.h"

#ifndef TRS_VERSION
#error "TRS_VERSION comes from the Makefile (VERSION)"
#endif

static int help(int argc, char **argv)
{
	if (argc == 1) {
		trs_usage(stdout);
		return EXIT_OK;
	}
	if (argc == 2 && trs_is_command(argv[1])) {
		trs_usage_cmd(argv[1]);
		return EXIT_OK;
	}
	if (argc > 2)
		trs_err("help: unexpected argument '%s'", argv[2]);
	else
		trs_err("help: unknown command '%s'", argv[1]);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		TRS_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct trs_opts g = { "/proc", false };
	const char *cmd;
	int c;

	opterr = 0;	/* its messages would start with argv[0] */
	while ((c = getopt_long(argc, argv, "+:jhV", opts, NULL)) != -1) {
		if (trs_opt_global(&g, c))
			continue;
		switch (c) {
		case 'h':
			trs_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf(PROG " " TRS_VERSION "\n");
			return EXIT_OK;
		default:
			trs_opt_error(NULL, c, argv);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		trs_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "show"))
		return trs_cmd_show(&g, argc, argv);
	if (!strcmp(cmd, "set"))
		return trs_cmd_set(&g, argc, argv);
	if (!strcmp(cmd, "sweep"))
		return trs_cmd_sweep(&g, argc, argv);
	if (!strcmp(cmd, "flows"))
		return trs_cmd_flows(&g, argc, argv);
	if (!strcmp(cmd, "help"))
		return help(argc, argv);
	trs_err("unknown command '%s' (try '" PROG " help')", cmd);
	return EXIT_USAGE;
}
