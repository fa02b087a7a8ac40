// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - the built tool against a fake proc tree.
 *
 * Verified: show (text, JSON, missing patch), set (quiet, usage errors
 * write nothing, a failed write takes back the others), sweep (TSV columns,
 * metrics, counter deltas, appending, orders, failing commands,
 * --fail-fast) and that the knobs hold their original values after every
 * way out: end, failing command, write error, SIGINT, SIGTERM, SIGHUP.
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

#define ORIGINAL "enable=0 starvation_limit=2000 yield_on_return=1 "
#define RESTORED PROG ": restored enable=0 starvation_limit=2000 yield_on_return=1\n"

static void assert_original(const struct fx *fx)
{
	char *snap = fx_snapshot(fx);

	assert_string_equal(snap, ORIGINAL);
	free(snap);
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

static void test_show_text(void **state)
{
	struct fx_result r;

	fx_run(*state, &r, "show", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out,
			    "enable 0\n"
			    "starvation_limit 2000\n"
			    "yield_on_return 1\n"
			    "TCPRecvSchedGrants 10\n"
			    "TCPRecvSchedLimitHits 20\n"
			    "TCPRecvSchedYields 30\n"
			    "TCPRecvSchedReleases 40\n");
	assert_string_equal(r.err, "");
	fx_result_free(&r);
}

static void test_show_json(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	char *json = fx_path(fx, "show.json");
	char *cmd = xasprintf("python3 -m json.tool %s >/dev/null", json);

	fx_run(fx, &r, "-j", "show", NULL);
	assert_exit(&r, 0);
	assert_int_equal(fx_count_lines(r.out), 1);
	assert_non_null(strstr(r.out, "\"enable\":{\"value\":0,\"min\":0,"));
	assert_non_null(strstr(r.out, "\"TCPRecvSchedYields\":30"));
	fx_write(json, r.out);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(json);
	fx_result_free(&r);
}

static void test_show_missing_patch(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;
	char *path = fx_knob_path(fx, TRS_KNOB_STARVATION_LIMIT);

	unlink(path);
	fx_run(fx, &r, "show", NULL);
	assert_exit(&r, 1);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, path));
	assert_non_null(strstr(r.err, "boot a patched kernel"));
	assert_int_equal(fx_count_lines(r.err), 1);
	fx_result_free(&r);
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
			    "enable=2 starvation_limit=2000 yield_on_return=0 ");
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
	assert_non_null(strstr(r.err, PROG ": restored enable=0 starvation_limit=2000 "));
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
	fx_run(fx, &r, "set", "enable=2", NULL);
	assert_exit(&r, 1);
	assert_non_null(strstr(r.err, "Is a directory"));
	snap = fx_snapshot(fx);
	assert_string_equal(snap,
			    "enable=0 starvation_limit=2000 yield_on_return=? ");
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
		"run repeat enable starvation_limit yield_on_return exit_status "
		"start_time duration_s d_TCPRecvSchedGrants "
		"d_TCPRecvSchedLimitHits d_TCPRecvSchedYields "
		"d_TCPRecvSchedReleases rate ");
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

	fx_run(fx, &r, "sweep", "--yield-on-return", "0,1", "--",
	       "sh", "-c", "echo a=1; [ $TCP_RECV_SCHED_YIELD_ON_RETURN = 1 ] && echo b=2; true",
	       NULL);
	assert_exit(&r, 0);
	fx_table_load(&t, r.out);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(fx_cell(&t, 1, "b"), "");
	assert_string_equal(fx_cell(&t, 2, "b"), "2");
	assert_string_equal(fx_cell(&t, 2, "enable"), "0");	/* kept */
	fx_table_free(&t);
	fx_result_free(&r);
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

/* The commands under valgrind: exit 0 and not a word from it. */
static void test_valgrind(void **state)
{
	struct fx *fx = *state;
	struct fx_result r;

	fx->valgrind = true;
	fx_run(fx, &r, "-j", "show", NULL);
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
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

const struct CMUnitTest cli_tests[] = {
	FX_TEST(test_help),
	FX_TEST(test_show_text),
	FX_TEST(test_show_json),
	FX_TEST(test_show_missing_patch),
	FX_TEST(test_set_quiet),
	FX_TEST(test_set_usage_errors),
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
	FX_TEST(test_sweep_sigint),
	FX_TEST(test_sweep_sigterm),
	FX_TEST(test_sweep_sighup),
	FX_TEST(test_sweep_double_sigint),
	FX_TEST(test_sweep_sigint_ignored),
	FX_TEST(test_flows_help),
	FX_TEST(test_flows_usage_errors),
	FX_TEST(test_flows_proc_errors),
	FX_TEST(test_flows_loopback),
	FX_TEST(test_flows_trapped),
	FX_TEST(test_valgrind),
};
const size_t n_cli_tests = sizeof(cli_tests) / sizeof(cli_tests[0]);
