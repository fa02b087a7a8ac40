// SPDX-License-Identifier: GPL-2.0
/*
 * usage.c - the synopsis of every command, `help`, `CMD --help`.
 */
#include <string.h>

#include "trs.h"

static const char *const commands[] = { "show", "set", "sweep", "flows" };
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void synopsis(FILE *f, const char *cmd, bool first)
{
	const char *lead = first ? "Usage: " : "       ";

	if (!strcmp(cmd, "show"))
		fprintf(f, "%s" PROG " [-j] [--proc DIR] show\n", lead);
	else if (!strcmp(cmd, "set"))
		fprintf(f, "%s" PROG " [--proc DIR] set KEY=VALUE...\n", lead);
	else if (!strcmp(cmd, "sweep"))
		fprintf(f,
			"%s" PROG " [--proc DIR] sweep [--enable LIST] [--starvation-limit LIST]\n"
			"                  [--yield-on-return LIST] [--rcvq-drain-aware LIST]\n"
			"                  [--sysctl NAME=LIST]... [--repeat N]\n"
			"                  [--order grid|interleave|shuffle] [--seed N]\n"
			"                  [--out FILE] [--fail-fast] -- COMMAND [ARG...]\n",
			lead);
	else
		trs_flows_usage(f, false, lead);
}

static void keys(FILE *f)
{
	fprintf(f, "KEY is one of these, or the sysctl name after it:\n");
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char range[64];

		snprintf(range, sizeof(range), "%lu..%lu%s%s (default %lu)",
			 trs_knobs[k].min, trs_knobs[k].max,
			 *trs_knobs[k].unit ? " " : "", trs_knobs[k].unit,
			 trs_knobs[k].def);
		fprintf(f, "  %-17s %-29s net.ipv4.%s\n", trs_knobs[k].key,
			range, trs_knobs[k].file);
	}
}

void trs_usage(FILE *f)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		synopsis(f, commands[i], i == 0);
	fprintf(f, "       " PROG " help [COMMAND] | --version\n");
	keys(f);
	fprintf(f, "LIST is comma-separated values. -j and --proc DIR also go after the\n"
		   "command. " PROG " COMMAND --help: its options. See tcp-recv-sched(8).\n");
}

static const char global_help[] =
	"  -j, --json        JSON output (show, flows)\n"
	"  --proc DIR        the proc tree to use instead of /proc\n"
	"  -h, --help        this help\n";

/* `help CMD` and `CMD --help`: on stdout, exit 0. */
void trs_usage_cmd(const char *cmd)
{
	if (!strcmp(cmd, "flows")) {
		trs_flows_usage(stdout, true, "Usage: ");
		return;
	}
	synopsis(stdout, cmd, true);
	if (!strcmp(cmd, "show")) {
		printf("Prints the knobs of the series, the stock autotuning sysctls and the\n"
		       "TcpExt counters of the receive path, one \"name value\" line each.\n"
		       "On a kernel without the series: a line that says so, then the rest.\n");
	} else if (!strcmp(cmd, "set")) {
		printf("Checks every KEY=VALUE, then writes them all or none. Quiet on success.\n");
		keys(stdout);
	} else {
		printf("Runs COMMAND once per combination of the listed values (times\n"
		       "--repeat) and writes a TSV table; restores the knobs on every way out.\n"
		       "  --enable LIST, --starvation-limit LIST, --yield-on-return LIST,\n"
		       "  --rcvq-drain-aware LIST\n"
		       "                    values of that knob; without one it keeps its value\n"
		       "  --sysctl NAME=LIST\n"
		       "                    any sysctl too (net.core.busy_read=0,50), repeatable;\n"
		       "                    values as written, commas between them\n"
		       "  --repeat N        runs per combination (default 1)\n"
		       "  --order grid|interleave|shuffle\n"
		       "                    run order (default grid)\n"
		       "  --seed N          the shuffle's seed\n"
		       "  --out FILE        the table (default: stdout at the end)\n"
		       "  --fail-fast       stop at the first failing run\n"
		       "A second SIGINT/SIGTERM/SIGHUP sends SIGTERM to COMMAND, a third SIGKILL.\n");
		keys(stdout);
	}
	printf("%sSee tcp-recv-sched(8).\n", global_help);
}

bool trs_is_command(const char *s)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(s, commands[i]))
			return true;
	return false;
}

