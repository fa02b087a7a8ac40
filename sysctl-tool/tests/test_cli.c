// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - the built tool against a fake proc tree.
 *
 * Verified: help, CMD --help, --version, global options after the
 * command, one error prefix on every line; show (text, JSON; a kernel
 * without the series, in the initial network namespace or another; each
 * missing file on its own; unreadable files), set (quiet, usage errors
 * write nothing, sysctl names as keys, rcvq_drain_aware, only the knobs
 * given must exist, a failed write takes back the others), sweep (TSV
 * columns, metrics, counter deltas, appending, orders, failing commands,
 * --fail-fast, --sysctl on kernels with and without the series) and that
 * the knobs and --sysctl names hold their original values after every way
 * out: end, failing command, write error, SIGINT, SIGTERM, SIGHUP, and
 * the escalation to SIGTERM and SIGKILL. make install and the top-level
 * tool/install targets.
 * flows: --help, usage errors, unreadable sysctls, and real loopback
 * connections of this process (text, JSON, --trapped, --check; a buffer
 * pinned at the fake tcp_rmem[1] and drained to show "trapped").
 * The same under valgrind for show, set, sweep and flows.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fixture.h"
#include "tests.h"
#include "trs.h"

#define ORIGINAL "enable=0 starvation_limit=2000 yield_on_return=1 rcvq_drain_aware=1 "
#define RESTORED PROG ": restored enable=0 starvation_limit=2000 yield_on_return=1 rcvq_drain_aware=1\n"

static void assert_original(const struct fx *fx)
{
	char *snap = fx_snapshot(fx);

	assert_string_equal(snap, ORIGINAL);
	free(snap);
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static void assert_exit(const struct fx_result *r, int code)
{
	if (fx_exit_code(r) != code)
		print_error("status %#x, stderr:\n%s", r->status, r->err);
	assert_int_equal(fx_exit_code(r), code);
}

static void test_help(void **state)
{
	struct fx_result r;

	fx_run(*state, &r, "--help", NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.out, "Usage: " PROG));
	fx_result_free(&r);
	fx_run(*state, &r, "frobnicate", NULL);
	assert_exit(&r, 2);
	fx_result_free(&r);
	fx_run(*state, &r, NULL);
	assert_exit(&r, 2);
	fx_result_free(&r);
}

/* Every line of text starts with the program name: one error prefix. */
static void assert_prefixed(const char *text)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') + 1) {
		if (!starts_with(l, PROG ": "))
			print_error("line without the prefix: %s", l);
		assert_true(starts_with(l, PROG ": "));
		if (!strchr(l, '\n'))
			break;
	}
}

/*
 * help, help CMD, CMD --help and CMD -h: usage on stdout, exit 0, nothing
 * on stderr, nothing written; help of an unknown command is a usage error.
 */
static void test_help_commands(void **state)
{
	static const char *const cmds[] = { "show", "set", "sweep", "flows" };
	static const char *const forms[] = { "--help", "-h" };
	struct fx *fx = *state;
	struct fx_result r;

	fx_run(fx, &r, "help", NULL);
	assert_exit(&r, 0);
	assert_true(starts_with(r.out, "Usage: " PROG " [-j] [--proc DIR] show\n"));
	assert_non_null(strstr(r.out, PROG " help [COMMAND] | --version\n"));
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *want = xasprintf("] %s", cmds[i]);

		fx_run(fx, &r, "help", cmds[i], NULL);
		assert_exit(&r, 0);
		assert_true(starts_with(r.out, "Usage: " PROG " ["));
		assert_non_null(strstr(r.out, want));
		assert_string_equal(r.err, "");
		fx_result_free(&r);
		for (size_t j = 0; j < 2; j++) {
			/* the same for set, whose other arguments do not count */
			fx_run(fx, &r, cmds[i], "enable=3", forms[j], NULL);
			if (strcmp(cmds[i], "set")) {
				fx_result_free(&r);
				fx_run(fx, &r, cmds[i], forms[j], NULL);
			}
			assert_exit(&r, 0);
			assert_true(starts_with(r.out, "Usage: " PROG " ["));
			assert_non_null(strstr(r.out, want));
			assert_string_equal(r.err, "");
			fx_result_free(&r);
		}
		free(want);
	}
	fx_run(fx, &r, "sweep", "--help", NULL);
	assert_non_null(strstr(r.out, "--rcvq-drain-aware LIST"));
	assert_non_null(strstr(r.out, "  rcvq_drain_aware  0..2 (default 1)"));
	fx_result_free(&r);
	assert_original(fx);

	fx_run(fx, &r, "help", "bogus", NULL);
	assert_exit(&r, 2);
	assert_string_equal(r.err, PROG ": help: unknown command 'bogus'\n");
	assert_string_equal(r.out, "");
	fx_result_free(&r);
}

/* --version and -V: one line, the Makefile's VERSION. */
static void test_version(void **state)
{
	struct fx_result r;

	fx_run(*state, &r, "--version", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, PROG " " TRS_VERSION "\n");
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(*state, &r, "-V", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, PROG " " TRS_VERSION "\n");
	fx_result_free(&r);
}

/* -j and --proc after the command, for every command. */
static void test_global_options_after(void **state)
{
	struct fx *fx = *state;
	char *proc2 = fx_path(fx, "proc2"), *rmem2;
	struct fx_result a, b;
	char *cmd;

	fx_run(fx, &a, "-j", "show", NULL);
	fx_run(fx, &b, "show", "-j", NULL);
	assert_exit(&b, 0);
	assert_string_equal(a.out, b.out);
	fx_result_free(&a);
	fx_result_free(&b);
	fx_run(fx, &b, "show", "--json", NULL);
	assert_exit(&b, 0);
	assert_true(starts_with(b.out, "{\"supported\":true,"));
	fx_result_free(&b);

	/* a second tree given after the command wins */
	cmd = xasprintf("cp -r %s %s", fx->proc, proc2);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	rmem2 = xasprintf("%s/" TRS_SYSCTL_DIR "/tcp_rmem", proc2);
	fx_write(rmem2, "1 2 3\n");
	fx_run(fx, &b, "show", "--proc", proc2, NULL);
	assert_exit(&b, 0);
	assert_non_null(strstr(b.out, "\nnet.ipv4.tcp_rmem 1 2 3\n"));
	fx_result_free(&b);
	cmd = xasprintf("--proc=%s", proc2);
	fx_run(fx, &b, "set", "enable=2", cmd, NULL);
	assert_exit(&b, 0);
	fx_result_free(&b);
	assert_original(fx);	/* the first tree untouched */
	fx_run(fx, &b, "show", "-j", cmd, NULL);
	assert_non_null(strstr(b.out, "\"enable\":{\"value\":2,"));
	fx_result_free(&b);
	fx_run(fx, &b, "sweep", "-j", cmd, "--enable", "1", "--", "sh", "-c",
	       "echo x=1", NULL);
	assert_exit(&b, 0);
	assert_non_null(strstr(b.err, PROG ": restored enable=2 "));
	fx_result_free(&b);
	fx_write(rmem2, "x\n");
	fx_run(fx, &b, "flows", cmd, "--samples", "2", "--interval", "1",
	       NULL);
	assert_exit(&b, 1);	/* it read the second tree's tcp_rmem */
	assert_non_null(strstr(b.err, rmem2));
	fx_result_free(&b);
	free(cmd);
	free(rmem2);
	free(proc2);
}

/*
 * One error prefix: every line on stderr starts with the program name,
 * whatever went wrong and whoever noticed (getopt included).
 */
static void test_error_prefix(void **state)
{
	struct fx *fx = *state;
	char *cases[][8] = {
		{ "--bogus" }, { "-x" }, { "-jx" }, { "--proc" }, { "frob" },
		{ "help", "bogus" }, { "help", "show", "x" },
		{ "show", "--bogus" }, { "show", "-x" }, { "show", "extra" },
		{ "set" }, { "set", "--bogus" }, { "set", "-q", "enable=1" },
		{ "set", "enable=9" }, { "set", "bogus=1" },
		{ "sweep", "--bogus", "--", "true" }, { "sweep", "-x", "--", "true" },
		{ "sweep", "--enable" }, { "sweep", "--enable", "1" },
		{ "sweep", "--enable=1", "--json=1", "--", "true" },
		{ "flows", "--bogus" }, { "flows", "-x" }, { "flows", "--port" },
		{ "sweep", "--enable", "1", "--", "/nonexistent/cmd" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx_result r;

		fx_runv(fx, &r, cases[i]);
		assert_true(fx_exit_code(&r) == 1 || fx_exit_code(&r) == 2);
		assert_true(*r.err);
		assert_prefixed(r.err);
		if (fx_exit_code(&r) == 2)
			assert_int_equal(fx_count_lines(r.err), 1);
		assert_original(fx);
		fx_result_free(&r);
	}
}

static void test_show_text(void **state)
{
	struct fx_result r;

	fx_run(*state, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out,
			    "enable 0\n"
			    "starvation_limit 2000\n"
			    "yield_on_return 1\n"
			    "rcvq_drain_aware 1\n"
			    "net.ipv4.tcp_rmem 4096 131072 6291456\n"
			    "net.ipv4.tcp_moderate_rcvbuf 1\n"
			    "net.core.rmem_max " FX_RMEM_MAX "\n"
			    "TCPRecvSchedGrants 10\n"
			    "TCPRecvSchedLimitHits 20\n"
			    "TCPRecvSchedYields 30\n"
			    "TCPRecvSchedReleases 40\n"
			    "TCPRcvqSlowReader 50\n"
			    "TCPRcvqLateReader 60\n"
			    "TCPBacklogEpisodes 70\n"
			    "TCPBacklogParkedPkts -\n"
			    "TCPBacklogParkedBytes -\n"
			    "TCPBacklogParkedUsecs -\n"
			    "TCPBacklogPreemptedEpisodes -\n"
			    "TCPBacklogPreemptedUsecs -\n"
			    "TCPRcvQDrop 5\n"
			    "TCPRcvCollapsed 6\n"
			    "TCPBacklogCoalesce 7\n");
	assert_string_equal(r.err, "");
	fx_result_free(&r);
}

static void assert_json(const struct fx *fx, const char *text);

static void test_show_json(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;

	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 0);
	assert_int_equal(fx_count_lines(r.out), 1);
	assert_true(starts_with(r.out, "{\"supported\":true,\"netns_initial\":true,\"knobs\":{"));
	assert_non_null(strstr(r.out, "\"enable\":{\"value\":0,\"min\":0,"));
	assert_non_null(strstr(r.out, ",\"rcvq_drain_aware\":{\"value\":1,\"min\":0,\"max\":2,\"default\":1,\"unit\":\"\"}},"));
	assert_non_null(strstr(r.out, "\"TCPRcvqLateReader\":60,\"TCPBacklogEpisodes\":70,\"TCPBacklogParkedPkts\":null,"));
	assert_non_null(strstr(r.out, "\"sysctls\":{\"net.ipv4.tcp_rmem\":[4096,131072,6291456],\"net.ipv4.tcp_moderate_rcvbuf\":1,\"net.core.rmem_max\":" FX_RMEM_MAX "}"));
	assert_non_null(strstr(r.out, "\"TCPRecvSchedYields\":30"));
	assert_non_null(strstr(r.out, "\"TCPRcvQDrop\":5,"));
	assert_non_null(strstr(r.out, "\"TCPBacklogDrop\":null,"));
	assert_json(fx, r.out);
	fx_result_free(&r);
}

/* A stock kernel: no knob files of the series, none of its counters. */
static void remove_series(const struct fx *fx)
{
	char *netstat = fx_path(fx, "proc/" TRS_NETSTAT_FILE);

	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *path = fx_knob_path(fx, k);

		unlink(path);
		free(path);
	}
	if (!access(netstat, F_OK))
		fx_write(netstat, "TcpExt: SyncookiesSent TCPRcvQDrop TCPRcvCollapsed TCPBacklogCoalesce\n"
				  "TcpExt: 3 5 6 7\n");
	free(netstat);
}

/*
 * A kernel without the series: one line says so and what to do, then
 * what the stock kernel has; exit 0, nothing on stderr. JSON: supported
 * false and the stock values. In another network namespace the line says
 * where the knobs are instead.
 */
static void test_show_no_series(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_ENABLE);
	char *want = xasprintf("tcp_recv_sched absent: no %s; boot a kernel with the tcp_recv_sched series\n"
			       "net.ipv4.tcp_rmem 4096 131072 6291456\n"
			       "net.ipv4.tcp_moderate_rcvbuf 1\n"
			       "net.core.rmem_max " FX_RMEM_MAX "\n"
			       "TCPRcvQDrop 5\n"
			       "TCPRcvCollapsed 6\n"
			       "TCPBacklogCoalesce 7\n", path);
	struct fx_result r;

	remove_series(fx);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
	fx_result_free(&r);

	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	assert_int_equal(fx_count_lines(r.out), 1);
	assert_json(fx, r.out);
	assert_true(starts_with(r.out, "{\"supported\":false,\"netns_initial\":true,\"missing\":\""));
	assert_non_null(strstr(r.out, "\"enable\":{\"value\":null,"));
	assert_non_null(strstr(r.out, "\"net.ipv4.tcp_rmem\":[4096,131072,6291456]"));
	assert_non_null(strstr(r.out, "\"TCPRecvSchedGrants\":null,"));
	assert_non_null(strstr(r.out, "\"TCPRcvQDrop\":5,"));
	fx_result_free(&r);

	fx_set_netns(fx, false);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_true(starts_with(r.out, "tcp_recv_sched absent: "));
	assert_non_null(strstr(r.out, "; not the initial network namespace: a kernel with the series has its knobs only in the initial one"));
	assert_null(strstr(r.out, "boot"));
	assert_non_null(strstr(r.out, "\nTCPRcvQDrop 5\n"));
	fx_result_free(&r);
	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 0);
	assert_json(fx, r.out);
	assert_non_null(strstr(r.out, "\"supported\":false,\"netns_initial\":false,"));
	fx_result_free(&r);
	free(want);
	free(path);
}

/* Only one knob file of the series missing: absent too, that file named. */
static void test_show_partial_series(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_STARVATION_LIMIT);
	char *want = xasprintf("tcp_recv_sched absent: no %s; boot a kernel with the tcp_recv_sched series\n"
			       "enable 0\nyield_on_return 1\n", path);
	struct fx_result r;

	unlink(path);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_true(starts_with(r.out, want));
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	free(want);
	free(path);
}

/*
 * Each file on its own: no net/netstat leaves the knobs and sysctls and
 * says the counters are unavailable (JSON: null); a missing stock sysctl
 * is left out (JSON: null). Still exit 0.
 */
static void test_show_degrades(void **state)
{
	struct fx *fx = *state;
	char *netstat = fx_path(fx, "proc/" TRS_NETSTAT_FILE);
	char *rmem_max = fx_path(fx, "proc/sys/net/core/rmem_max");
	char *want = xasprintf("enable 0\n"
			       "starvation_limit 2000\n"
			       "yield_on_return 1\n"
			       "rcvq_drain_aware 1\n"
			       "net.ipv4.tcp_rmem 4096 131072 6291456\n"
			       "net.ipv4.tcp_moderate_rcvbuf 1\n"
			       "counters unavailable: %s/" TRS_NETSTAT_FILE ": No such file or directory\n",
			       fx->proc);
	struct fx_result r;

	unlink(netstat);
	unlink(rmem_max);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 0);
	assert_json(fx, r.out);
	assert_non_null(strstr(r.out, "\"net.core.rmem_max\":null},\"counters\":null}\n"));
	fx_result_free(&r);

	/* and without the series either: still the stock sysctls */
	remove_series(fx);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_int_equal(fx_count_lines(r.out), 4);
	assert_non_null(strstr(r.out, "\nnet.ipv4.tcp_moderate_rcvbuf 1\ncounters unavailable: "));
	fx_result_free(&r);
	free(want);
	free(rmem_max);
	free(netstat);
}

/*
 * A file that is there but cannot be read, or holds garbage, is an error:
 * one line naming it, exit 1, everything else still printed.
 */
static void test_show_errors(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_YIELD_ON_RETURN);
	char *netstat = fx_path(fx, "proc/" TRS_NETSTAT_FILE);
	struct fx_result r;

	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	fx_sysctl(fx, "tcp_moderate_rcvbuf", "x\n");
	fx_write(netstat, "TcpExt: TCPRcvQDrop\n");
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 1);
	assert_string_equal(r.out,
			    "enable 0\n"
			    "starvation_limit 2000\n"
			    "yield_on_return -\n"
			    "rcvq_drain_aware 1\n"
			    "net.ipv4.tcp_rmem 4096 131072 6291456\n"
			    "net.core.rmem_max " FX_RMEM_MAX "\n");
	assert_int_equal(fx_count_lines(r.err), 3);
	assert_non_null(strstr(r.err, PROG ": "));
	assert_non_null(strstr(r.err, "yield_on_return: Is a directory\n"));
	assert_non_null(strstr(r.err, "tcp_moderate_rcvbuf: unexpected content 'x'\n"));
	assert_non_null(strstr(r.err, "netstat: malformed TcpExt lines\n"));
	fx_result_free(&r);
	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 1);
	assert_json(fx, r.out);
	fx_result_free(&r);
	free(netstat);
	free(path);
}

static void test_set_quiet(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	char *snap;

	fx_run(fx, &r, "set", "enable=2", "yield_on_return=0", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	snap = fx_snapshot(fx);
	assert_string_equal(snap,
			    "enable=2 starvation_limit=2000 yield_on_return=0 rcvq_drain_aware=1 ");
	free(snap);
	fx_result_free(&r);
}

/* Usage errors: exit 2, one message line, nothing written. */
static void test_set_usage_errors(void **state)
{
	struct fx *fx = *state;
	char *over = xasprintf("enable=%lu", TRS_ENABLE_MAX + 1);
	char *cases[][3] = {
		{ "enable=x" }, { "enable=-1" }, { "enable=" }, { "enable" },
		{ "=1" }, { "bogus=1" }, { over }, { "enable= 1" },
		{ "starvation_limit=1000001" }, { "yield_on_return=2" },
		{ "enable=99999999999999999999999" },
		{ "enable=1", "enable=2" },
		{ "enable=1", "yield_on_return=5" },	/* first one valid */
		{ NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *args[4] = { "set", cases[i][0], cases[i][1], NULL };
		struct fx_result r;

		fx_runv(fx, &r, args);
		assert_exit(&r, 2);
		assert_int_equal(strncmp(r.err, PROG ": ", strlen(PROG) + 2),
				 0);
		assert_original(fx);
		fx_result_free(&r);
	}
	free(over);
}

/*
 * rcvq_drain_aware: set like the others, by the tool's key or the sysctl
 * name (either spelling of sysctl(8)); out of range is a usage error that
 * quotes the value and writes nothing; the same knob twice under two
 * names is one knob given twice.
 */
static void test_set_drain_aware(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	char *snap;

	fx_run(fx, &r, "set", "rcvq_drain_aware=2", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	snap = fx_snapshot(fx);
	assert_string_equal(snap, "enable=0 starvation_limit=2000 yield_on_return=1 rcvq_drain_aware=2 ");
	free(snap);
	fx_run(fx, &r, "set", "net.ipv4.tcp_rcvq_drain_aware=0",
	       "net/ipv4/tcp_recv_sched_enable=3",
	       "net.ipv4.tcp_recv_sched_starvation_limit=7", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	snap = fx_snapshot(fx);
	assert_string_equal(snap, "enable=3 starvation_limit=7 yield_on_return=1 rcvq_drain_aware=0 ");
	free(snap);

	fx_run(fx, &r, "set", "enable=0", "rcvq_drain_aware=3", NULL);
	assert_exit(&r, 2);
	assert_string_equal(r.err, PROG ": rcvq_drain_aware: '3' out of range 0..2\n");
	fx_result_free(&r);
	fx_run(fx, &r, "set", "net.ipv4.tcp_rcvq_drain_aware=1",
	       "rcvq_drain_aware=1", NULL);
	assert_exit(&r, 2);
	assert_string_equal(r.err, PROG ": rcvq_drain_aware given twice\n");
	fx_result_free(&r);
	snap = fx_snapshot(fx);
	assert_string_equal(snap, "enable=3 starvation_limit=7 yield_on_return=1 rcvq_drain_aware=0 ");
	free(snap);
}

/*
 * In a network namespace other than the initial one a patched kernel has
 * rcvq_drain_aware (every namespace has it) but not the policy knobs: set
 * writes the first, and for the others says where they are.
 */
static void test_set_other_netns(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_ENABLE);
	struct fx_result r;
	char *v;

	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *p = fx_knob_path(fx, k);

		if (trs_knobs[k].init_net_only)
			unlink(p);
		free(p);
	}
	fx_set_netns(fx, false);
	fx_run(fx, &r, "set", "rcvq_drain_aware=0", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	v = fx_knob(fx, TRS_KNOB_RCVQ_DRAIN_AWARE);
	assert_string_equal(v, "0");
	free(v);

	fx_run(fx, &r, "set", "rcvq_drain_aware=2", "enable=1", NULL);
	assert_exit(&r, 1);
	assert_int_equal(fx_count_lines(r.err), 1);
	assert_true(starts_with(r.err, PROG ": "));
	assert_non_null(strstr(r.err, path));
	assert_non_null(strstr(r.err, "No such file or directory (not the initial network namespace: a kernel with the series has its knobs only in the initial one"));
	fx_result_free(&r);
	v = fx_knob(fx, TRS_KNOB_RCVQ_DRAIN_AWARE);
	assert_string_equal(v, "0");	/* nothing written */
	free(v);

	/* show: absent, with the namespace's own knob */
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.out, "not the initial network namespace"));
	assert_non_null(strstr(r.out, "\nrcvq_drain_aware 0\n"));
	assert_null(strstr(r.out, "\nenable "));
	fx_result_free(&r);
	free(path);
}

/*
 * Root writes any file in the fake tree, so the failing knob is a symlink
 * into the real /proc: a read-only sysctl (EACCES, or EROFS in a container)
 * or a proc file without a write handler (EINVAL). Both read as numbers.
 */
static void set_with_failing_yield(void **state, const char *target,
				   const char *errtext)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_YIELD_ON_RETURN);
	struct fx_result r;
	char *v;

	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	fx_run(fx, &r, "set", "enable=2", "starvation_limit=5",
	       "yield_on_return=0", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, path));
	if (!strstr(r.err, errtext))
		assert_non_null(strstr(r.err, "Read-only file system"));
	/* only what it took back, with the values it had */
	assert_non_null(strstr(r.err, PROG ": restored enable=0 starvation_limit=2000\n"));
	v = fx_knob(fx, TRS_KNOB_ENABLE);
	assert_string_equal(v, "0");
	free(v);
	v = fx_knob(fx, TRS_KNOB_STARVATION_LIMIT);
	assert_string_equal(v, "2000");
	free(v);
	fx_result_free(&r);
	free(path);
}

static void test_set_rollback_eacces(void **state)
{
	set_with_failing_yield(state, "/proc/sys/kernel/cap_last_cap",
			       "Permission denied (needs root");
}

static void test_set_rollback_einval(void **state)
{
	set_with_failing_yield(state, "/proc/self/oom_score",
			       "Invalid argument (value rejected by the kernel)");
}

/* A knob that cannot even be read: nothing is written at all. */
static void test_set_unreadable(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_YIELD_ON_RETURN);
	struct fx_result r;
	char *snap;

	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	fx_run(fx, &r, "set", "enable=2", "yield_on_return=0", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "Is a directory"));
	snap = fx_snapshot(fx);
	assert_string_equal(snap,
			    "enable=0 starvation_limit=2000 yield_on_return=? rcvq_drain_aware=1 ");
	free(snap);
	fx_result_free(&r);
	/* a knob not given does not matter */
	fx_run(fx, &r, "set", "enable=2", NULL);
	assert_exit(&r, 0);
	snap = fx_snapshot(fx);
	assert_string_equal(snap,
			    "enable=2 starvation_limit=2000 yield_on_return=? rcvq_drain_aware=1 ");
	free(snap);
	fx_result_free(&r);
	free(path);
}

/*
 * The sweep command: adds 7 to TCPRecvSchedGrants and the enable value to
 * TCPRecvSchedYields in the fake netstat, prints rate=<enable*10>.5 and a
 * line that is not a metric, and exits with $FAIL_ON == enable ? 3 : 0.
 */
static char *bump_script(const struct fx *fx)
{
	char *path = fx_path(fx, "bump.sh");
	char *body = xasprintf(
		"f=%s/net/netstat\n"
		"awk -v e=\"$TCP_RECV_SCHED_ENABLE\" '\n"
		"/^TcpExt:/ && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; print; next }\n"
		"/^TcpExt:/ { $c[\"TCPRecvSchedGrants\"] += 7; $c[\"TCPRecvSchedYields\"] += e; h = 0 }\n"
		"{ print }' \"$f\" > \"$f.new\" && mv \"$f.new\" \"$f\"\n"
		"echo \"rate=$((TCP_RECV_SCHED_ENABLE * 10)).5\"\n"
		"echo 'not a metric'\n"
		"[ -n \"$EXTRA\" ] && echo \"$EXTRA\"\n"
		"[ \"$FAIL_ON\" = \"$TCP_RECV_SCHED_ENABLE\" ] && exit 3\n"
		"exit 0\n", fx->proc);

	fx_write(path, body);
	free(body);
	return path;
}

static void load_out(const struct fx *fx, struct fx_table *t)
{
	char *path = fx_path(fx, "out.tsv");
	char *text = fx_read(path);

	assert_non_null(text);
	fx_table_load(t, text);
	free(text);
	free(path);
}

/* sweep --out DIR/out.tsv OPTIONS... -- sh bump.sh; options NULL-ended */
static void sweep(const struct fx *fx, struct fx_result *r, ...)
{
	char *script = bump_script(fx), *out = fx_path(fx, "out.tsv");
	char *args[16] = { "sweep", "--out", out };
	size_t n;
	va_list ap;

	va_start(ap, r);
	n = fx_take_args(args, 3, 12, ap);
	va_end(ap);
	args[n++] = "--";
	args[n++] = "sh";
	args[n++] = script;
	args[n] = NULL;
	fx_runv(fx, r, args);
	free(script);
	free(out);
}

static void test_sweep_tsv(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	struct fx_table t;

	sweep(fx, &r, "--enable=0,1,2", "--starvation-limit=100,200",
	      "--repeat=2", NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.err, RESTORED));
	assert_non_null(strstr(r.err, "not a metric\n"));
	assert_string_equal(r.out, "");
	assert_original(fx);

	load_out(fx, &t);
	assert_int_equal(t.nrows, 13);
	assert_string_equal(t.cells[0][0], "run");
	char *header = xstrdup("");
	for (size_t c = 0; c < t.ncells[0]; c++) {
		char *n = xasprintf("%s%s ", header, t.cells[0][c]);

		free(header);
		header = n;
	}
	assert_string_equal(header,
		"run repeat enable starvation_limit yield_on_return "
		"rcvq_drain_aware exit_status start_time duration_s "
		"d_TCPRecvSchedGrants d_TCPRecvSchedLimitHits "
		"d_TCPRecvSchedYields d_TCPRecvSchedReleases "
		"d_TCPRcvqSlowReader d_TCPRcvqLateReader d_TCPBacklogEpisodes "
		"d_TCPBacklogParkedPkts d_TCPBacklogParkedBytes "
		"d_TCPBacklogParkedUsecs d_TCPBacklogPreemptedEpisodes "
		"d_TCPBacklogPreemptedUsecs rate ");
	free(header);
	for (size_t i = 1; i < t.nrows; i++) {
		const char *en = fx_cell(&t, i, "enable");
		char *rate = xasprintf("%d.5", atoi(en) * 10);
		char *run = xasprintf("%zu", i);

		assert_int_equal(t.ncells[i], t.ncells[0]);
		assert_string_equal(fx_cell(&t, i, "run"), run);
		assert_string_equal(fx_cell(&t, i, "yield_on_return"), "1");
		assert_string_equal(fx_cell(&t, i, "exit_status"), "0");
		assert_string_equal(fx_cell(&t, i, "d_TCPRecvSchedGrants"), "7");
		assert_string_equal(fx_cell(&t, i, "d_TCPRecvSchedLimitHits"),
				    "0");
		assert_string_equal(fx_cell(&t, i, "d_TCPRecvSchedYields"), en);
		assert_string_equal(fx_cell(&t, i, "rate"), rate);
		assert_int_equal(strlen(fx_cell(&t, i, "start_time")), 20);
		assert_non_null(strchr(fx_cell(&t, i, "duration_s"), '.'));
		free(rate);
		free(run);
	}
	/* grid: enable slowest, then starvation_limit, repeats together */
	assert_string_equal(fx_cell(&t, 2, "enable"), "0");
	assert_string_equal(fx_cell(&t, 2, "starvation_limit"), "100");
	assert_string_equal(fx_cell(&t, 2, "repeat"), "2");
	assert_string_equal(fx_cell(&t, 3, "starvation_limit"), "200");
	assert_string_equal(fx_cell(&t, 12, "enable"), "2");
	fx_table_free(&t);
	fx_result_free(&r);
}

/* Appending: header once, numbering goes on, a new key pads old rows. */
static void test_sweep_append(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	struct fx_table t;

	sweep(fx, &r, "--enable=0,1", NULL);
	assert_exit(&r, 0);
	fx_result_free(&r);
	setenv("EXTRA", "lat_us=4", 1);
	sweep(fx, &r, "--enable=2", NULL);
	unsetenv("EXTRA");
	assert_exit(&r, 0);
	assert_original(fx);

	load_out(fx, &t);
	assert_int_equal(t.nrows, 4);
	for (size_t i = 1; i < t.nrows; i++) {
		assert_int_equal(t.ncells[i], t.ncells[0]);
		assert_string_not_equal(t.cells[i][0], "run");
	}
	assert_string_equal(fx_cell(&t, 3, "run"), "3");
	assert_string_equal(fx_cell(&t, 3, "lat_us"), "4");
	assert_string_equal(fx_cell(&t, 1, "lat_us"), "");
	assert_string_equal(fx_cell(&t, 1, "rate"), "0.5");
	fx_table_free(&t);
	fx_result_free(&r);
}

/* Without --out the table goes to stdout at the end. */
static void test_sweep_stdout(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	struct fx_table t;
	char *knob = fx_knob_path(fx, TRS_KNOB_RCVQ_DRAIN_AWARE);

	setenv("KNOB", knob, 1);
	free(knob);

	fx_run(fx, &r, "sweep", "--yield-on-return", "0,1",
	       "--rcvq-drain-aware", "2", "--",
	       "sh", "-c", "echo a=1; [ $TCP_RECV_SCHED_YIELD_ON_RETURN = 1 ] && echo b=2; echo d=$TCP_RCVQ_DRAIN_AWARE$(cat $KNOB); true",
	       NULL);
	assert_exit(&r, 0);
	fx_table_load(&t, r.out);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(fx_cell(&t, 1, "b"), "");
	assert_string_equal(fx_cell(&t, 2, "b"), "2");
	assert_string_equal(fx_cell(&t, 2, "enable"), "0");	/* kept */
	assert_string_equal(fx_cell(&t, 1, "rcvq_drain_aware"), "2");
	assert_string_equal(fx_cell(&t, 2, "d"), "22");	/* env, file */
	fx_table_free(&t);
	fx_result_free(&r);
	unsetenv("KNOB");
	assert_original(fx);
}

static void test_sweep_failing_command(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	struct fx_table t;

	setenv("FAIL_ON", "1", 1);
	sweep(fx, &r, "--enable=0,1,2", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "1 of 3 runs failed"));
	assert_non_null(strstr(r.err, RESTORED));
	assert_original(fx);
	load_out(fx, &t);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(fx_cell(&t, 2, "exit_status"), "3");
	assert_string_equal(fx_cell(&t, 3, "exit_status"), "0");
	fx_table_free(&t);
	fx_result_free(&r);

	sweep(fx, &r, "--enable=0,1,2", "--fail-fast", NULL);
	unsetenv("FAIL_ON");
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "--fail-fast"));
	assert_non_null(strstr(r.err, RESTORED));
	assert_original(fx);
	load_out(fx, &t);
	assert_int_equal(t.nrows, 6);	/* 3 before + 2 */
	assert_string_equal(fx_cell(&t, 5, "exit_status"), "3");
	fx_table_free(&t);
	fx_result_free(&r);
}

/* "enable/repeat" of each row, e.g. "0/1 1/1 0/2 1/2 ". */
static char *sequence(const struct fx *fx)
{
	struct fx_table t;
	char *seq = xstrdup("");

	load_out(fx, &t);
	for (size_t i = 1; i < t.nrows; i++) {
		char *n = xasprintf("%s%s/%s/%s ", seq,
				    fx_cell(&t, i, "enable"),
				    fx_cell(&t, i, "starvation_limit"),
				    fx_cell(&t, i, "repeat"));

		free(seq);
		seq = n;
	}
	fx_table_free(&t);
	return seq;
}

/* Sequence of a fresh sweep over enable 0,1 with repeat 2 and options. */
static char *sweep_sequence(const struct fx *fx, const char *order,
			    const char *more, const char *seed)
{
	char *out = fx_path(fx, "out.tsv");
	struct fx_result r;

	unlink(out);
	free(out);
	/* without more: the fixture's own starvation_limit, a no-op */
	sweep(fx, &r, "--enable=0,1", "--repeat=2", order,
	      more ? more : "--starvation-limit=2000", seed, NULL);
	assert_exit(&r, 0);
	/* a shuffle without --seed says which one it drew */
	if (strstr(order, "shuffle") && !seed)
		assert_non_null(strstr(r.err, PROG ": shuffle seed "));
	else
		assert_null(strstr(r.err, "shuffle seed"));
	fx_result_free(&r);
	return sequence(fx);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s in sorted order: equal for two orders of the same runs. */
static char *sorted_words(const char *s)
{
	char *copy = xstrdup(s), *save, *w, *words[64], *out = xstrdup("");
	size_t n = 0;

	for (w = strtok_r(copy, " ", &save); w && n < 64;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(*words), str_cmp);
	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%s ", out, words[i]);

		free(out);
		out = next;
	}
	free(copy);
	return out;
}

static void test_sweep_orders(void **state)
{
	struct fx *fx = *state;
	const char *lim = "--starvation-limit=1,2,3,4";
	char *s, *s2, *s3, *grid, *a, *b;

	s = sweep_sequence(fx, "--order=grid", NULL, NULL);
	assert_string_equal(s, "0/2000/1 0/2000/2 1/2000/1 1/2000/2 ");
	free(s);
	s = sweep_sequence(fx, "--order=interleave", NULL, NULL);
	assert_string_equal(s, "0/2000/1 1/2000/1 0/2000/2 1/2000/2 ");
	free(s);

	/* 16 runs: the same seed gives the same order, another seed not */
	grid = sweep_sequence(fx, "--order=grid", lim, NULL);
	s = sweep_sequence(fx, "--order=shuffle", lim, "--seed=7");
	s2 = sweep_sequence(fx, "--order=shuffle", lim, "--seed=7");
	s3 = sweep_sequence(fx, "--order=shuffle", lim, "--seed=8");
	assert_string_equal(s, s2);
	assert_string_not_equal(s, s3);
	assert_string_not_equal(s, grid);
	a = sorted_words(s);
	b = sorted_words(grid);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(s);
	free(s2);
	free(s3);
	free(grid);
	s = sweep_sequence(fx, "--order=shuffle", lim, NULL);
	free(s);
}

static void test_sweep_usage_errors(void **state)
{
	struct fx *fx = *state;
	char *out = fx_path(fx, "out.tsv");
	char *cases[][4] = {
		{ "--enable", "0,,1" }, { "--enable", "" },
		{ "--enable", "0,9" }, { "--starvation-limit", "-5" },
		{ "--yield-on-return", "2" }, { "--repeat", "0" },
		{ "--repeat", "x" }, { "--order", "random" },
		{ "--seed", "-1" }, { "--bogus" }, { "--out" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *args[] = { "sweep", cases[i][0], cases[i][1],
				 cases[i][1] ? "--" : NULL, "true", NULL };
		struct fx_result r;

		fx_runv(fx, &r, args);
		assert_exit(&r, 2);
		assert_original(fx);
		fx_result_free(&r);
	}
	/* no command */
	struct fx_result r;
	fx_run(fx, &r, "sweep", "--enable", "1", NULL);
	assert_exit(&r, 2);
	fx_result_free(&r);
	fx_run(fx, &r, "sweep", "--enable", "1", "--", NULL);
	assert_exit(&r, 2);
	fx_result_free(&r);
	assert_int_equal(access(out, F_OK), -1);
	free(out);
}

static void test_sweep_missing_patch(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_ENABLE);
	struct fx_result r;

	unlink(path);
	fx_run(fx, &r, "sweep", "--enable", "1", "--", "true", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, path));
	fx_result_free(&r);
	free(path);
}

/*
 * A write error in run 2: run 1's command swaps yield_on_return for a
 * directory. enable and starvation_limit are written before it fails and
 * must be restored; the directory cannot be, and the tool must say so.
 */
static void test_sweep_write_error(void **state)
{
	struct fx *fx = *state;
	char *path = fx_knob_path(fx, TRS_KNOB_YIELD_ON_RETURN);
	char *swap = xasprintf("rm %s && mkdir %s", path, path);
	struct fx_result r;
	char *v;

	fx_run(fx, &r, "sweep", "--enable", "1,2", "--starvation-limit", "7",
	       "--", "sh", "-c", swap, NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "Is a directory"));
	assert_non_null(strstr(r.err, "NOT fully restored"));
	v = fx_knob(fx, TRS_KNOB_ENABLE);
	assert_string_equal(v, "0");
	free(v);
	v = fx_knob(fx, TRS_KNOB_STARVATION_LIMIT);
	assert_string_equal(v, "2000");
	free(v);
	assert_int_equal(fx_count_lines(r.out), 2);	/* header + run 1 */
	fx_result_free(&r);
	free(swap);
	free(path);
}

/* DIR/proc/sys/net/core/busy_read, a sysctl for --sysctl, holding 7 */
static char *busy_read(const struct fx *fx)
{
	char *path = fx_path(fx, "proc/sys/net/core/busy_read");

	fx_write(path, "7\n");
	return path;
}

static char *read_trimmed(const char *path)
{
	char *s = fx_read(path);

	if (s)
		s[strcspn(s, "\n")] = '\0';
	return s;
}

/*
 * --sysctl: any sysctl, a column each named by it, values as given (with
 * spaces for tcp_rmem), interleaved with a knob given by its sysctl name;
 * everything restored at the end, the sysctls to what they held.
 */
static void test_sweep_sysctl(void **state)
{
	struct fx *fx = *state;
	char *br = busy_read(fx), *out = fx_path(fx, "out.tsv");
	char *rmem = fx_path(fx, "proc/" TRS_SYSCTL_DIR "/tcp_rmem");
	char *script = xasprintf("echo br=$(cat %s); echo rm=$(awk '{ print $2 }' %s)",
				 br, rmem);
	struct fx_result r;
	struct fx_table t;
	char *header = xstrdup(""), *v;
	static const char *const want[] = {	/* interleave: one round */
		"0 0 4096 131072 6291456", "0 0 4096 1048576 6291456",
		"0 50 4096 131072 6291456", "0 50 4096 1048576 6291456",
		"2 0 4096 131072 6291456", "2 0 4096 1048576 6291456",
		"2 50 4096 131072 6291456", "2 50 4096 1048576 6291456",
	};

	fx_run(fx, &r, "sweep", "--out", out, "--order", "interleave",
	       "--repeat", "2",
	       "--sysctl", "net.ipv4.tcp_recv_sched_enable=0,2",
	       "--sysctl", "net.core.busy_read=0,50",
	       "--sysctl=net/ipv4/tcp_rmem=4096 131072 6291456,4096 1048576 6291456",
	       "--", "sh", "-c", script, NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.err, PROG ": restored enable=0 starvation_limit=2000 yield_on_return=1 rcvq_drain_aware=1 net.core.busy_read=7 net/ipv4/tcp_rmem=4096 131072 6291456\n"));
	fx_result_free(&r);
	assert_original(fx);
	v = read_trimmed(br);
	assert_string_equal(v, "7");
	free(v);
	v = fx_read(rmem);
	assert_string_equal(v, FX_TCP_RMEM);	/* as it was, tabs and all */
	free(v);

	load_out(fx, &t);
	for (size_t c = 0; c < t.ncells[0]; c++) {
		char *n = xasprintf("%s%s ", header, t.cells[0][c]);

		free(header);
		header = n;
	}
	assert_true(starts_with(header, "run repeat enable starvation_limit yield_on_return rcvq_drain_aware net.core.busy_read net/ipv4/tcp_rmem exit_status start_time duration_s d_TCPRecvSchedGrants "));
	assert_int_equal(t.nrows, 17);
	for (size_t i = 1; i < t.nrows; i++) {
		char *row = xasprintf("%s %s %s", fx_cell(&t, i, "enable"),
				      fx_cell(&t, i, "net.core.busy_read"),
				      fx_cell(&t, i, "net/ipv4/tcp_rmem"));

		assert_int_equal(t.ncells[i], t.ncells[0]);
		assert_string_equal(row, want[(i - 1) % 8]);
		assert_string_equal(fx_cell(&t, i, "repeat"), i <= 8 ? "1" : "2");
		/* what the command saw is what the row says */
		assert_string_equal(fx_cell(&t, i, "br"),
				    fx_cell(&t, i, "net.core.busy_read"));
		assert_non_null(strstr(fx_cell(&t, i, "net/ipv4/tcp_rmem"),
				       fx_cell(&t, i, "rm")));
		free(row);
	}
	fx_table_free(&t);
	free(header);
	free(script);
	free(rmem);
	free(out);
	free(br);
}

/* A kernel without the series: only --sysctl, no knob columns. */
static void test_sweep_sysctl_no_series(void **state)
{
	struct fx *fx = *state;
	char *br = busy_read(fx), *v;
	struct fx_result r;
	struct fx_table t;

	remove_series(fx);
	fx_run(fx, &r, "sweep", "--sysctl", "net.core.busy_read=1,2", "--",
	       "sh", "-c", "echo x=1", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, PROG ": restored net.core.busy_read=7\n");
	fx_table_load(&t, r.out);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(t.cells[0][2], "net.core.busy_read");
	assert_string_equal(t.cells[0][3], "exit_status");
	assert_string_equal(fx_cell(&t, 2, "net.core.busy_read"), "2");
	assert_string_equal(fx_cell(&t, 2, "d_TCPRecvSchedGrants"), "");
	fx_table_free(&t);
	fx_result_free(&r);
	v = read_trimmed(br);
	assert_string_equal(v, "7");
	free(v);

	/* a knob with a list still has to be there */
	fx_run(fx, &r, "sweep", "--enable", "1", "--sysctl",
	       "net.core.busy_read=1", "--", "true", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "tcp_recv_sched_enable: No such file or directory (boot a kernel with the tcp_recv_sched series"));
	fx_result_free(&r);
	free(br);
}

/*
 * Mistakes in --sysctl: usage errors (exit 2) and files that are not
 * there or cannot be written (exit 1), all before anything is written.
 */
static void test_sweep_sysctl_errors(void **state)
{
	struct fx *fx = *state;
	char *br = busy_read(fx), *v;
	char *ro = fx_path(fx, "proc/sys/net/core/ro");
	char *cases[][4] = {
		{ "net.core.busy_read" }, { "=1" }, { "net.core.busy_read=" },
		{ "net.core.busy_read=1,,2" }, { "net.core.busy_read=1," },
		{ "net.core.busy_read=1\t2" }, { "../etc/passwd=1" },
		{ "/etc/passwd=1" }, { "net..core=1" }, { "net.core.=1" },
		{ "busy_read=1" }, { "enable=1" },
		{ "net.ipv4.tcp_recv_sched_enable=9" },
		{ "net.core.busy_read=1", "--sysctl", "net.core.busy_read=2" },
		{ "net.core.busy_read=1", "--sysctl", "net/core/busy_read=2" },
		{ "net.core.busy read=1" },
	};
	struct fx_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *args[] = { "sweep", "--sysctl", cases[i][0], cases[i][1],
				 cases[i][2], "--", "true", NULL };

		if (!cases[i][1])
			args[3] = "--", args[4] = "true", args[5] = NULL;
		fx_runv(fx, &r, args);
		assert_exit(&r, 2);
		assert_int_equal(fx_count_lines(r.err), 1);
		assert_prefixed(r.err);
		fx_result_free(&r);
	}
	fx_run(fx, &r, "sweep", "--sysctl", "net.core.nope=1", "--", "true",
	       NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "/sys/net/core/nope: No such file or directory (no such sysctl in this kernel)\n"));
	fx_result_free(&r);
	assert_int_equal(symlink("/proc/sys/kernel/cap_last_cap", ro), 0);
	fx_run(fx, &r, "sweep", "--enable", "2", "--sysctl",
	       "net.core.busy_read=1", "--sysctl", "net.core.ro=1", "--",
	       "true", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "/sys/net/core/ro: "));
	assert_int_equal(fx_count_lines(r.err), 1);
	fx_result_free(&r);
	assert_original(fx);
	v = read_trimmed(br);
	assert_string_equal(v, "7");
	free(v);
	free(ro);
	free(br);
}

/*
 * Restored on the other ways out: a write that fails in run 2 (the
 * command swaps busy_read for a directory: it cannot be restored either,
 * the tool says so, the rest is), and a SIGTERM.
 */
static void test_sweep_sysctl_restore(void **state)
{
	struct fx *fx = *state;
	char *br = busy_read(fx), *v;
	char *dir = fx_path(fx, "proc/sys/net/core/rmem_max");
	char *swap = xasprintf("rm %s && mkdir %s", dir, dir);
	char *marker = fx_path(fx, "marker"), *err = fx_path(fx, "sig.err");
	char *script = xasprintf("echo $$ > %s.tmp && mv %s.tmp %s && exec sleep 30",
				 marker, marker, marker);
	char *args[] = { "sweep", "--sysctl", "net.core.busy_read=1,2",
			 "--", "sh", "-c", script, NULL };
	struct fx_result r;
	int status;
	pid_t tool;

	fx_run(fx, &r, "sweep", "--enable", "1", "--sysctl",
	       "net.core.busy_read=3", "--sysctl", "net.core.rmem_max=1,2",
	       "--", "sh", "-c", swap, NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "rmem_max: writing '2': Is a directory\n"));
	assert_non_null(strstr(r.err, PROG ": knobs NOT fully restored, wanted enable=0 starvation_limit=2000 yield_on_return=1 rcvq_drain_aware=1 net.core.busy_read=7 net.core.rmem_max=" FX_RMEM_MAX "\n"));
	fx_result_free(&r);
	assert_original(fx);
	v = read_trimmed(br);
	assert_string_equal(v, "7");
	free(v);

	tool = fx_spawn(fx, args, err);
	assert_true(fx_wait_file(marker, 20));
	v = read_trimmed(br);
	assert_string_equal(v, "1");
	free(v);
	assert_int_equal(kill(tool, SIGTERM), 0);
	status = fx_wait(tool, 20);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	v = read_trimmed(br);
	assert_string_equal(v, "7");
	free(v);
	v = fx_read(err);
	assert_non_null(strstr(v, "restored enable=0 starvation_limit=2000 yield_on_return=1 rcvq_drain_aware=1 net.core.busy_read=7\n"));
	free(v);
	free(script);
	free(err);
	free(marker);
	free(swap);
	free(dir);
	free(br);
}

/*
 * 1. start a sweep whose command records the enable value it sees and its
 *    pid, then sleeps; 2. send sig (twice if asked) to the tool;
 * 3. expect the tool to die of sig, the sleeper gone, the knobs original.
 * With ignored set, the tool is started with that signal ignored (nohup,
 * "cmd &" from a script) and is sent it first: it must keep running.
 */
static void interrupt_sweep(void **state, int sig, bool twice, int ignored)
{
	struct fx *fx = *state;
	char *marker = fx_path(fx, "marker"), *err = fx_path(fx, "sig.err");
	char *enable = fx_knob_path(fx, TRS_KNOB_ENABLE);
	char *script = xasprintf("{ cat %s; echo $$; } > %s.tmp && mv %s.tmp %s && exec sleep 30",
				 enable, marker, marker, marker);
	char *args[] = { "sweep", "--enable", "2", "--yield-on-return", "0",
			 "--repeat", "3", "--", "sh", "-c", script, NULL };
	pid_t tool;
	char *seen, *errtext;
	int status, child;

	fx->ignored_sig = ignored;
	tool = fx_spawn(fx, args, err);
	assert_true(fx_wait_file(marker, 20));
	seen = fx_read(marker);
	assert_int_equal(sscanf(seen, "2 %d", &child), 1);
	if (ignored) {
		struct timespec grace = { 0, 300 * 1000 * 1000 };

		assert_int_equal(kill(tool, ignored), 0);
		nanosleep(&grace, NULL);
		assert_int_equal(waitpid(tool, &status, WNOHANG), 0);	/* still running */
	}
	assert_int_equal(kill(tool, sig), 0);
	if (twice)
		kill(tool, sig);
	status = fx_wait(tool, 20);
	assert_true(status != -1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	assert_int_equal(kill(child, 0), -1);	/* reaped by the tool */
	assert_int_equal(errno, ESRCH);
	assert_original(fx);
	errtext = fx_read(err);
	assert_non_null(strstr(errtext, RESTORED));
	free(errtext);
	free(seen);
	free(script);
	free(enable);
	free(err);
	free(marker);
}

/* Waits until the file at path holds text; false after timeout_s. */
static bool wait_text(const char *path, const char *text, int timeout_s)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < timeout_s * 100; i++) {
		char *s = fx_read(path);
		bool found = s && strstr(s, text);

		free(s);
		if (found)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

/*
 * A command that survives SIGINT and SIGTERM (it only notes them): the
 * first Ctrl-C is forwarded as it is, the second becomes SIGTERM, the
 * third SIGKILL, each escalation one line on stderr; then the knobs are
 * restored and the tool dies of SIGINT.
 */
static void test_sweep_escalation(void **state)
{
	struct fx *fx = *state;
	char *marker = fx_path(fx, "marker"), *err = fx_path(fx, "sig.err");
	char *got = fx_path(fx, "got");
	/* (its stderr away: sh reports the sleep SIGTERM killed) */
	char *script = xasprintf("exec 2>/dev/null; trap 'echo INT >> %s' INT; trap 'echo TERM >> %s' TERM; "
				 "echo $$ > %s.tmp && mv %s.tmp %s; "
				 "while :; do sleep 0.05; done",
				 got, got, marker, marker, marker);
	char *args[] = { "sweep", "--enable", "2", "--rcvq-drain-aware", "0",
			 "--", "sh", "-c", script, NULL };
	pid_t tool;
	char *seen, *errtext;
	int status, child;

	tool = fx_spawn(fx, args, err);
	assert_true(fx_wait_file(marker, 20));
	seen = fx_read(marker);
	assert_int_equal(sscanf(seen, "%d", &child), 1);

	assert_int_equal(kill(tool, SIGINT), 0);
	assert_true(wait_text(got, "INT\n", 20));
	assert_int_equal(waitpid(tool, &status, WNOHANG), 0);	/* running */
	errtext = fx_read(err);
	assert_string_equal(errtext, "");	/* the first one quietly */
	free(errtext);

	assert_int_equal(kill(tool, SIGINT), 0);
	assert_true(wait_text(got, "TERM\n", 20));
	assert_true(wait_text(err, PROG ": second signal: sending SIGTERM to the command (process group ", 20));
	assert_int_equal(waitpid(tool, &status, WNOHANG), 0);

	assert_int_equal(kill(tool, SIGINT), 0);
	status = fx_wait(tool, 20);
	assert_true(status != -1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	assert_int_equal(kill(child, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_original(fx);
	errtext = fx_read(err);
	assert_non_null(strstr(errtext, PROG ": third signal: sending SIGKILL to the command (process group "));
	assert_non_null(strstr(errtext, RESTORED));
	if (fx_count_lines(errtext) != 3)
		print_error("stderr:\n%s", errtext);
	assert_int_equal(fx_count_lines(errtext), 3);
	assert_prefixed(errtext);
	free(errtext);
	free(seen);
	free(script);
	free(got);
	free(err);
	free(marker);
}

static void test_sweep_sigint(void **state)
{
	interrupt_sweep(state, SIGINT, false, 0);
}

static void test_sweep_sigterm(void **state)
{
	interrupt_sweep(state, SIGTERM, false, 0);
}

static void test_sweep_sighup(void **state)
{
	interrupt_sweep(state, SIGHUP, false, 0);
}

static void test_sweep_double_sigint(void **state)
{
	interrupt_sweep(state, SIGINT, true, 0);
}

/*
 * Started with SIGINT ignored, the tool keeps ignoring it, as its command
 * does: the SIGTERM sent after it is what stops the sweep.
 */
static void test_sweep_sigint_ignored(void **state)
{
	interrupt_sweep(state, SIGTERM, false, SIGINT);
}

static void assert_json(const struct fx *fx, const char *text)
{
	char *json = fx_path(fx, "out.json");
	char *cmd = xasprintf("python3 -m json.tool %s >/dev/null", json);

	fx_write(json, text);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(json);
}

static void test_flows_help(void **state)
{
	static const char *const forms[] = { "--help", "-h" };
	struct fx_result r;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		fx_run(*state, &r, "flows", forms[i], NULL);
		assert_exit(&r, 0);
		assert_non_null(strstr(r.out, "Usage: " PROG " [-j] [--proc DIR] flows"));
		assert_non_null(strstr(r.out, "--min-fill PCT"));
		assert_string_equal(r.err, "");
		fx_result_free(&r);
	}
	/* the tool's own usage names the command */
	fx_run(*state, &r, "--help", NULL);
	assert_non_null(strstr(r.out, " flows [--trapped]"));
	fx_result_free(&r);
}

/* Usage errors: exit 2, a message naming the tool, nothing on stdout. */
static void test_flows_usage_errors(void **state)
{
	char *cases[][3] = {
		{ "--bogus" }, { "-x" }, { "--port" }, { "--port", "0" },
		{ "--port", "65536" }, { "--port", "-1" }, { "--port", "x" },
		{ "--samples", "1" }, { "--samples", "1001" },
		{ "--samples", "" }, { "--interval", "0" },
		{ "--interval", "60001" }, { "--min-bytes", "-1" },
		{ "--min-fill", "101" }, { "--min-fill", "5%" },
		{ "extra" }, { "--trapped", "show" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *args[4] = { "flows", cases[i][0], cases[i][1], NULL };
		struct fx_result r;

		fx_runv(*state, &r, args);
		assert_exit(&r, 2);
		assert_int_equal(strncmp(r.err, PROG ": ", strlen(PROG) + 2),
				 0);
		assert_string_equal(r.out, "");
		fx_result_free(&r);
	}
}

/* A missing or odd sysctl: exit 1, one line naming the file. */
static void test_flows_proc_errors(void **state)
{
	struct fx *fx = *state;
	char *rmem = fx_path(fx, "proc/" TRS_SYSCTL_DIR "/tcp_rmem");
	static const char *const odd[] = {
		"4096 x 6291456\n", "4096 131072\n", "4096 131072 6291456 1\n",
		"\n",
	};
	struct fx_result r;

	unlink(rmem);
	fx_run(fx, &r, "flows", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, rmem));
	assert_non_null(strstr(r.err, "No such file or directory"));
	assert_int_equal(fx_count_lines(r.err), 1);
	assert_string_equal(r.out, "");
	fx_result_free(&r);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		fx_write(rmem, odd[i]);
		fx_run(fx, &r, "flows", NULL);
		assert_exit(&r, 1);
		assert_non_null(strstr(r.err, "unexpected content"));
		assert_int_equal(fx_count_lines(r.err), 1);
		fx_result_free(&r);
	}
	fx_write(rmem, FX_TCP_RMEM);
	fx_sysctl(fx, "tcp_moderate_rcvbuf", "");
	fx_run(fx, &r, "flows", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "tcp_moderate_rcvbuf: empty"));
	fx_result_free(&r);
	free(rmem);
}

/* A loopback connection of this process: cfd sends to afd on port. */
struct tcp_pair {
	int cfd, afd;
	unsigned int port;
	unsigned int rb;	/* the receiver's sk_rcvbuf */
};

static void pair_open(struct tcp_pair *p, int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	assert_true(lfd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (rcvbuf)	/* inherited by the accepted socket */
		assert_int_equal(setsockopt(lfd, SOL_SOCKET, SO_RCVBUF,
					    &rcvbuf, sizeof(rcvbuf)), 0);
	assert_int_equal(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof(one)), 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	p->port = ntohs(a.sin_port);
	p->cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(p->cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	p->afd = accept(lfd, NULL, NULL);
	assert_true(p->afd >= 0);
	close(lfd);
	len = sizeof(p->rb);
	assert_int_equal(getsockopt(p->afd, SOL_SOCKET, SO_RCVBUF, &p->rb,
				    &len), 0);
}

/* Sends n bytes from cfd and reads them on afd. */
static void pair_move(const struct tcp_pair *p, size_t n)
{
	char buf[4096];

	memset(buf, 'x', sizeof(buf));
	for (size_t sent = 0; sent < n;) {
		size_t k = n - sent < sizeof(buf) ? n - sent : sizeof(buf);
		ssize_t w = send(p->cfd, buf, k, 0), got = 0;

		assert_true(w > 0);
		sent += (size_t)w;
		while (got < w) {
			ssize_t rd = recv(p->afd, buf, (size_t)(w - got), 0);

			assert_true(rd > 0);
			got += rd;
		}
	}
}

static void pair_close(struct tcp_pair *p)
{
	close(p->cfd);
	close(p->afd);
}

/*
 * A child that keeps the pair busy, 4 KB each 10 ms read at once, so the
 * flow is "receiving now" with its queue drained; it gives up by itself
 * after 20 s or when the test (its parent) is gone.
 */
static pid_t pair_keep_busy(const struct tcp_pair *p)
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid)
		return pid;
	for (int i = 0; i < 2000 && getppid() == parent; i++) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		char buf[4096] = { 0 };
		ssize_t w = send(p->cfd, buf, sizeof(buf), 0);

		for (ssize_t got = 0; w > 0 && got < w;) {
			ssize_t rd = recv(p->afd, buf, sizeof(buf), 0);

			if (rd <= 0)
				_exit(1);
			got += rd;
		}
		nanosleep(&tick, NULL);
	}
	_exit(0);
}

static void stop_child(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* A copy of the JSON line of the flow on port, or NULL. */
static char *json_flow(const char *out, unsigned int port)
{
	char *key = xasprintf("\"local_port\":%u,", port), *line;
	const char *hit = strstr(out, key), *start;

	free(key);
	if (!hit)
		return NULL;
	for (start = hit; start > out && start[-1] != '\n'; start--)
		;
	line = xstrdup(start);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static void test_flows_loopback(void **state)
{
	struct fx *fx = *state;
	struct tcp_pair p;
	struct fx_result r;
	char port[16], *want, *line;

	pair_open(&p, 0);
	pair_move(&p, 262144);
	snprintf(port, sizeof(port), "%u", p.port);

	fx_run(fx, &r, "-j", "flows", "--port", port, "--samples", "2",
	       "--interval", "20", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	assert_json(fx, r.out);
	assert_int_equal(strncmp(r.out, "{\"moderate_rcvbuf\":1,\"tcp_rmem\":[4096,131072,6291456],", 54), 0);
	assert_non_null(strstr(r.out, "\"samples\":2,\"interval_ms\":20,\"trapped_flows\":0,"));
	assert_int_equal(fx_count_lines(r.out), 3);	/* head, 1 flow, end */
	line = json_flow(r.out, p.port);
	assert_non_null(line);
	assert_non_null(strstr(line, "\"local_addr\":\"127.0.0.1\""));
	assert_non_null(strstr(line, "\"bytes_received\":262144,"));
	assert_non_null(strstr(line, "\"samples\":2,"));
	assert_non_null(strstr(line, "\"verdict\":\"short\",\"trapped\":false}"));
	free(line);
	fx_result_free(&r);

	/*
	 * Text: a header and one line. More data first, or a slow host
	 * could make the flow idle (a second without data) by now.
	 */
	pair_move(&p, 4096);
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "10", "--check", NULL);
	assert_exit(&r, 0);
	assert_int_equal(fx_count_lines(r.out), 2);
	assert_int_equal(strncmp(r.out, "Local Address:Port", 18), 0);
	want = xasprintf("127.0.0.1:%u ", p.port);
	assert_non_null(strstr(r.out, want));
	free(want);
	assert_non_null(strstr(r.out, " 266240 "));
	assert_non_null(strstr(r.out, " short\n"));
	fx_result_free(&r);

	/* -j after the command is the same */
	fx_run(fx, &r, "flows", "-j", "--port", port, "--samples", "2",
	       "--interval", "10", NULL);
	assert_exit(&r, 0);
	assert_json(fx, r.out);
	assert_non_null(strstr(r.out, "\"bytes_received\":266240,"));
	fx_result_free(&r);

	/* nothing trapped: --trapped lists nothing, JSON an empty array */
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "10", "--trapped", NULL);
	assert_exit(&r, 0);
	assert_int_equal(fx_count_lines(r.out), 1);
	fx_result_free(&r);
	fx_run(fx, &r, "-j", "flows", "--port", port, "--samples", "2",
	       "--interval", "10", "--trapped", NULL);
	assert_exit(&r, 0);
	assert_json(fx, r.out);
	assert_non_null(strstr(r.out, "\"flows\":[]}\n"));
	fx_result_free(&r);
	pair_close(&p);
}

/*
 * A receiver with SO_RCVBUF and the fake tcp_rmem[1] set to its rb, kept
 * busy and drained: every rule of "trapped" holds but the rate one, which
 * a loopback RTT of microseconds fails; --min-fill 0 drops it. One
 * connection, each rule in turn.
 */
static void test_flows_trapped(void **state)
{
	struct fx *fx = *state;
	struct tcp_pair p;
	struct fx_result r;
	char port[16], *rmem, *want, *line;
	pid_t busy;

	pair_open(&p, 40000);
	rmem = xasprintf("4096 %u 6291456\n", p.rb);
	fx_sysctl(fx, "tcp_rmem", rmem);
	free(rmem);
	pair_move(&p, 1048576);
	snprintf(port, sizeof(port), "%u", p.port);
	busy = pair_keep_busy(&p);

	fx_run(fx, &r, "-j", "flows", "--port", port, "--samples", "3",
	       "--interval", "50", "--min-bytes", "1000000", "--min-fill", "0",
	       "--check", NULL);
	assert_exit(&r, 3);
	assert_json(fx, r.out);
	assert_non_null(strstr(r.out, "\"min_bytes\":1000000,\"min_fill_pct\":0,"));
	assert_non_null(strstr(r.out, "\"trapped_flows\":1,"));
	line = json_flow(r.out, p.port);
	assert_non_null(line);
	want = xasprintf("\"rb\":%u,", p.rb);
	assert_non_null(strstr(line, want));
	free(want);
	assert_non_null(strstr(line, "\"verdict\":\"trapped\",\"trapped\":true}"));
	free(line);
	fx_result_free(&r);

	/* --trapped lists it; without --check the exit status is 0 */
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "50", "--min-bytes", "1000000", "--min-fill", "0",
	       "--trapped", NULL);
	assert_exit(&r, 0);
	assert_int_equal(fx_count_lines(r.out), 2);
	assert_non_null(strstr(r.out, " trapped\n"));
	fx_result_free(&r);

	/* microseconds of RTT: far less than a window per RTT */
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "50", "--min-bytes", "1000000", "--check", NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.out, " limited\n"));
	fx_result_free(&r);

	/* the default min_bytes, 32 x rb, is more than it received */
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "50", "--min-fill", "0", NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.out, " short\n"));
	fx_result_free(&r);

	/* another tcp_rmem[1]: the buffer is the application's */
	fx_sysctl(fx, "tcp_rmem", FX_TCP_RMEM);
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "50", "--min-bytes", "1000000", "--min-fill", "0",
	       NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.out, " ok\n"));
	fx_result_free(&r);

	fx_sysctl(fx, "tcp_moderate_rcvbuf", "0\n");
	fx_run(fx, &r, "flows", "--port", port, "--samples", "2",
	       "--interval", "50", NULL);
	assert_exit(&r, 0);
	assert_non_null(strstr(r.out, " off\n"));
	fx_result_free(&r);

	stop_child(busy);
	pair_close(&p);
}

/* A shell command's exit status, make's environment left out. */
static int shell(const char *cmd)
{
	char *full = xasprintf("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL sh -c '%s'",
			       cmd);
	int st = system(full);

	free(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * make install PREFIX=/usr/local DESTDIR=D: the binary, 0755, in
 * D/usr/local/sbin (and it runs), the man page, 0644, in
 * D/usr/local/share/man/man8, the same as the source's.
 */
static void test_install(void **state)
{
	struct fx *fx = *state;
	char *build = xstrdup(TRS_TOOL), *dest = fx_path(fx, "dest");
	char *bin = xasprintf("%s/usr/local/sbin/tcp-recv-sched", dest);
	char *man = xasprintf("%s/usr/local/share/man/man8/tcp-recv-sched.8",
			      dest);
	char *cmd, *a, *b;
	struct stat st;

	*strrchr(build, '/') = '\0';	/* BUILD/sysctl-tool */
	*strrchr(build, '/') = '\0';	/* BUILD */
	cmd = xasprintf("make -s -C %s BUILD=%s install PREFIX=/usr/local DESTDIR=%s >/dev/null",
			TRS_SRCDIR, build, dest);
	assert_int_equal(shell(cmd), 0);
	free(cmd);
	assert_int_equal(stat(bin, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(stat(man, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	a = fx_read(man);
	cmd = xasprintf("%s/tcp-recv-sched.8", TRS_SRCDIR);
	b = fx_read(cmd);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(cmd);
	cmd = xasprintf("%s --version > %s/v.out", bin, fx->dir);
	assert_int_equal(shell(cmd), 0);
	free(cmd);
	cmd = fx_path(fx, "v.out");
	a = fx_read(cmd);
	assert_string_equal(a, PROG " " TRS_VERSION "\n");
	free(a);
	free(cmd);
	free(man);
	free(bin);
	free(dest);
	free(build);
}

/*
 * The top-level Makefile (a dry run): `tool` needs no deps (no apt-get),
 * `install` installs to DESTDIR/PREFIX through sysctl-tool's Makefile.
 */
static void test_top_makefile(void **state)
{
	struct fx *fx = *state;
	char *out = fx_path(fx, "make.out"), *cmd, *text;

	cmd = xasprintf("make -n -C %s/.. tool > %s 2>&1", TRS_SRCDIR, out);
	assert_int_equal(shell(cmd), 0);
	free(cmd);
	text = fx_read(out);
	assert_null(strstr(text, "deps.sh"));
	assert_non_null(strstr(text, "-C sysctl-tool"));
	free(text);
	cmd = xasprintf("make -n -C %s/.. install PREFIX=/opt/trs DESTDIR=/nowhere > %s 2>&1",
			TRS_SRCDIR, out);
	assert_int_equal(shell(cmd), 0);
	free(cmd);
	text = fx_read(out);
	assert_null(strstr(text, "deps.sh"));
	assert_non_null(strstr(text, "-m 0755 "));
	assert_non_null(strstr(text, " /nowhere/opt/trs/sbin/tcp-recv-sched\n"));
	assert_non_null(strstr(text, " /nowhere/opt/trs/share/man/man8/tcp-recv-sched.8\n"));
	free(text);
	free(out);
}

/* The commands under valgrind: exit 0 and not a word from it. */
static void test_valgrind(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	char *netstat;

	fx->valgrind = true;
	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(fx, &r, "set", "enable=1", "starvation_limit=10", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(fx, &r, "set", "enable=1", "bogus=1", NULL);
	assert_exit(&r, 2);
	fx_result_free(&r);
	sweep(fx, &r, "--enable=0,2", "--repeat=2", "--order=shuffle", NULL);
	assert_exit(&r, 0);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	fx_run(fx, &r, "sweep", "--enable=2", "--", "sh", "-c", "echo x=1; exit 1",
	       NULL);
	assert_exit(&r, 1);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	/* every socket of this namespace, whatever they are */
	fx_run(fx, &r, "-j", "flows", "--samples", "2", "--interval", "10",
	       NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(fx, &r, "flows", "--samples", "2", "--interval", "10", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	fx_result_free(&r);
	fx_run(fx, &r, "flows", "--port", "x", NULL);
	assert_exit(&r, 2);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	/* --sysctl, and its usage errors */
	free(busy_read(fx));
	fx_run(fx, &r, "sweep", "--sysctl", "net.core.busy_read=1,2",
	       "--sysctl", "net.ipv4.tcp_rmem=1 2 3", "--", "true", NULL);
	assert_exit(&r, 0);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	fx_run(fx, &r, "sweep", "--sysctl", "net.core.busy_read=1",
	       "--sysctl", "net.core.busy_read=1,,2", "--", "true", NULL);
	assert_exit(&r, 2);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	fx_run(fx, &r, "sweep", "--sysctl", "net.core.nope=1", "--", "true",
	       NULL);
	assert_exit(&r, 1);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	/* show with pieces missing, and one unreadable */
	netstat = fx_path(fx, "proc/" TRS_NETSTAT_FILE);
	unlink(netstat);
	free(netstat);
	remove_series(fx);
	fx_sysctl(fx, "tcp_rmem", "x\n");
	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 1);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 1);
	assert_null(strstr(r.err, "=="));
	fx_result_free(&r);
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

const struct CMUnitTest cli_tests[] = {
	FX_TEST(test_help),
	FX_TEST(test_help_commands),
	FX_TEST(test_version),
	FX_TEST(test_global_options_after),
	FX_TEST(test_error_prefix),
	FX_TEST(test_show_text),
	FX_TEST(test_show_json),
	FX_TEST(test_show_no_series),
	FX_TEST(test_show_partial_series),
	FX_TEST(test_show_degrades),
	FX_TEST(test_show_errors),
	FX_TEST(test_set_quiet),
	FX_TEST(test_set_usage_errors),
	FX_TEST(test_set_drain_aware),
	FX_TEST(test_set_other_netns),
	FX_TEST(test_set_rollback_eacces),
	FX_TEST(test_set_rollback_einval),
	FX_TEST(test_set_unreadable),
	FX_TEST(test_sweep_tsv),
	FX_TEST(test_sweep_append),
	FX_TEST(test_sweep_stdout),
	FX_TEST(test_sweep_failing_command),
	FX_TEST(test_sweep_orders),
	FX_TEST(test_sweep_usage_errors),
	FX_TEST(test_sweep_missing_patch),
	FX_TEST(test_sweep_write_error),
	FX_TEST(test_sweep_sysctl),
	FX_TEST(test_sweep_sysctl_no_series),
	FX_TEST(test_sweep_sysctl_errors),
	FX_TEST(test_sweep_sysctl_restore),
	FX_TEST(test_sweep_sigint),
	FX_TEST(test_sweep_sigterm),
	FX_TEST(test_sweep_sighup),
	FX_TEST(test_sweep_double_sigint),
	FX_TEST(test_sweep_sigint_ignored),
	FX_TEST(test_sweep_escalation),
	FX_TEST(test_flows_help),
	FX_TEST(test_flows_usage_errors),
	FX_TEST(test_flows_proc_errors),
	FX_TEST(test_flows_loopback),
	FX_TEST(test_flows_trapped),
	FX_TEST(test_install),
	FX_TEST(test_top_makefile),
	FX_TEST(test_valgrind),
};
const size_t n_cli_tests = sizeof(cli_tests) / sizeof(cli_tests[0]);
