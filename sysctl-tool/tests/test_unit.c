// SPDX-License-Identifier: GPL-2.0
/*
 * test_unit.c - the tool's parts in-process: value, assignment and list
 * parsing with their range checks, the netstat parser, metric lines, the
 * run plan and the table file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "tests.h"
#include "trs.h"

static void test_parse_ulong(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(parse_ulong("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_ulong("10", 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_ulong("11", 10, &v), -ERANGE);
	assert_int_equal(parse_ulong("99999999999999999999999", -1ULL, &v),
			 -ERANGE);
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.5", "abc", "1,2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_ulong(bad[i], 100, &v), -EINVAL);
	assert_int_equal(parse_ulong(NULL, 100, &v), -EINVAL);
}

/* Ranges come from the header: nothing here assumes enable stops at 2. */
static void test_parse_value_ranges(void **state)
{
	unsigned long v;
	char *s;

	(void)state;
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		s = xasprintf("%lu", trs_knobs[k].max);
		assert_int_equal(trs_parse_value(k, s, &v), 0);
		assert_int_equal(v, trs_knobs[k].max);
		free(s);
		s = xasprintf("%lu", trs_knobs[k].max + 1);
		assert_int_equal(trs_parse_value(k, s, &v), -1);
		free(s);
		assert_int_equal(trs_parse_value(k, "0", &v), 0);
		assert_int_equal(trs_parse_value(k, "-1", &v), -1);
		assert_int_equal(trs_parse_value(k, "", &v), -1);
		assert_int_equal(trs_parse_value(k, "18446744073709551616",
						 &v), -1);
	}
}

static void test_parse_assignment(void **state)
{
	enum trs_knob k;
	unsigned long v;

	(void)state;
	assert_int_equal(trs_parse_assignment("starvation_limit=500", &k, &v),
			 0);
	assert_int_equal(k, TRS_KNOB_STARVATION_LIMIT);
	assert_int_equal(v, 500);
	assert_int_equal(trs_parse_assignment("yield_on_return=0", &k, &v), 0);
	assert_int_equal(k, TRS_KNOB_YIELD_ON_RETURN);
	assert_int_equal(trs_parse_assignment("rcvq_drain_aware=2", &k, &v), 0);
	assert_int_equal(k, TRS_KNOB_RCVQ_DRAIN_AWARE);
	assert_int_equal(v, 2);
	/* full sysctl names, as sysctl(8) takes them */
	assert_int_equal(trs_parse_assignment("net.ipv4.tcp_recv_sched_enable=3",
					      &k, &v), 0);
	assert_int_equal(k, TRS_KNOB_ENABLE);
	assert_int_equal(v, 3);
	assert_int_equal(trs_parse_assignment("net/ipv4/tcp_rcvq_drain_aware=0",
					      &k, &v), 0);
	assert_int_equal(k, TRS_KNOB_RCVQ_DRAIN_AWARE);
	assert_int_equal(v, 0);
	static const char *const bad[] = {
		"enable", "enable=", "=1", "bogus=1", "enable =1", "enable= 1",
		"enable=1=2", "Enable=1", "enable=garbage", "",
		"rcvq_drain_aware=3", "net.ipv4.tcp_rcvq_drain_aware=3",
		"net.ipv4.enable=1", "tcp_recv_sched_enable=1",
		"net.ipv6.tcp_recv_sched_enable=1",
		"net.ipv4.tcp_recv_sched_enable.=1", "net/ipv4.tcp_rcvq_drain_aware=1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(trs_parse_assignment(bad[i], &k, &v), -1);
}

static void test_parse_list(void **state)
{
	unsigned long *vals = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(trs_parse_list(TRS_KNOB_STARVATION_LIMIT,
					"0,100,2000", &vals, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(vals[2], 2000);
	assert_int_equal(trs_parse_list(TRS_KNOB_ENABLE, "1", &vals, &n), 0);
	assert_int_equal(n, 1);
	static const char *const bad[] = {
		"", ",", "0,", ",0", "0,,1", "0,x", "0,-1", "0, 1", "0;1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(trs_parse_list(TRS_KNOB_ENABLE, bad[i],
						&vals, &n), -1);
		assert_int_equal(n, 1);	/* left as it was */
	}
	char *over = xasprintf("0,%lu", TRS_ENABLE_MAX + 1);
	assert_int_equal(trs_parse_list(TRS_KNOB_ENABLE, over, &vals, &n), -1);
	free(over);
	free(vals);
}

static int parse_netstat_text(const char *text, struct trs_counters *c)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret = trs_parse_netstat(f, c);

	fclose(f);
	return ret;
}

static void test_netstat_parse(void **state)
{
	struct trs_counters c;

	(void)state;
	/* Counters spread over two TcpExt pairs, between other MIBs. */
	assert_int_equal(parse_netstat_text(
		"IpExt: A B\nIpExt: 1 2\n"
		"TcpExt: X TCPRecvSchedYields\nTcpExt: 5 18446744073709551615\n"
		"TcpExt: TCPRecvSchedGrants\nTcpExt: 42\n", &c), 0);
	assert_true(c.present[0]);
	assert_int_equal(c.v[0], 42);
	assert_false(c.present[1]);	/* LimitHits not printed */
	assert_true(c.present[2]);
	assert_true(c.v[2] == 18446744073709551615ULL);

	assert_int_equal(parse_netstat_text("", &c), 0);
	assert_false(c.present[0]);
	assert_int_equal(parse_netstat_text(
		"TcpExt: TCPRecvSchedGrants X\nTcpExt: 1\n", &c), -1);
	assert_int_equal(parse_netstat_text(
		"TcpExt: TCPRecvSchedGrants\nTcpExt: -4\n", &c), -1);
	assert_int_equal(parse_netstat_text(
		"TcpExt: TCPRecvSchedGrants\n", &c), -1);
}

static void test_metric_lines(void **state)
{
	struct trs_metrics ms = { NULL, 0 };

	(void)state;
	assert_int_equal(trs_metrics_parse_line(&ms, "rate=12.5\n"), 1);
	assert_int_equal(trs_metrics_parse_line(&ms, "p99_us=1e3"), 1);
	assert_int_equal(trs_metrics_parse_line(&ms, "lat.mean= -3"), 1);
	assert_int_equal(trs_metrics_parse_line(&ms, "rate=13"), 1);
	static const char *const not_metrics[] = {
		"hello", "rate=", "rate=fast", "=1", "1x=2", "a b=1",
		"rate=1 2", "rate=nan", "rate=inf", "tab\t=1", "",
	};
	for (size_t i = 0; i < sizeof(not_metrics) / sizeof(not_metrics[0]);
	     i++)
		assert_int_equal(trs_metrics_parse_line(&ms, not_metrics[i]),
				 0);
	assert_int_equal(ms.n, 3);
	assert_string_equal(ms.m[0].key, "rate");
	assert_string_equal(ms.m[0].value, "13");	/* last one wins */
	assert_string_equal(ms.m[2].value, "-3");
	trs_metrics_free(&ms);
}

static struct trs_run *plan3(enum trs_order order, unsigned long long seed,
			     size_t *n)
{
	static unsigned long en[] = { 0, 1, 2 }, lim[] = { 10, 20 },
			     y[] = { 1 }, dr[] = { 1 };
	struct trs_plan_spec spec = {
		.ndims = 4,
		.list = { en, lim, y, dr }, .len = { 3, 2, 1, 1 },
		.repeat = 2, .order = order, .seed = seed,
	};

	return trs_plan(&spec, n);
}

static int run_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct trs_run));
}

static void test_plan_orders(void **state)
{
	struct trs_run *grid, *inter, *s1, *s2, *s3;
	size_t n;

	(void)state;
	grid = plan3(TRS_ORDER_GRID, 0, &n);
	assert_int_equal(n, 12);
	/* grid: enable slowest, repeats of a combination back to back */
	assert_int_equal(grid[0].set[0], 0);
	assert_int_equal(grid[0].set[1], 10);
	assert_int_equal(grid[0].repeat, 1);
	assert_int_equal(grid[1].set[1], 10);
	assert_int_equal(grid[1].repeat, 2);
	assert_int_equal(grid[2].set[1], 20);
	assert_int_equal(grid[11].set[0], 2);
	assert_int_equal(grid[11].repeat, 2);

	inter = plan3(TRS_ORDER_INTERLEAVE, 0, &n);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(inter[i].repeat, 1);
		assert_int_equal(inter[i + 6].repeat, 2);
		assert_memory_equal(inter[i].set, inter[i + 6].set,
				    sizeof(inter[i].set));
	}

	s1 = plan3(TRS_ORDER_SHUFFLE, 42, &n);
	s2 = plan3(TRS_ORDER_SHUFFLE, 42, &n);
	s3 = plan3(TRS_ORDER_SHUFFLE, 43, &n);
	assert_memory_equal(s1, s2, n * sizeof(*s1));
	assert_memory_not_equal(s1, s3, n * sizeof(*s1));
	qsort(s1, n, sizeof(*s1), run_cmp);	/* a permutation of grid */
	qsort(grid, n, sizeof(*grid), run_cmp);
	assert_memory_equal(s1, grid, n * sizeof(*s1));
	free(grid);
	free(inter);
	free(s1);
	free(s2);
	free(s3);
}

static void test_plan_limits(void **state)
{
	unsigned long one[] = { 0 };
	struct trs_plan_spec spec = {
		.ndims = 4,
		.list = { one, one, one, one }, .len = { 1, 1, 1, 1 },
		.repeat = 0,
	};
	size_t n;

	(void)state;
	assert_null(trs_plan(&spec, &n));
	spec.repeat = (unsigned long)-1;
	assert_null(trs_plan(&spec, &n));
}

#define KNOB_COLUMNS "enable\tstarvation_limit\tyield_on_return\trcvq_drain_aware"

static void add_row(struct trs_tsv *t, unsigned long run, const char *line)
{
	struct trs_row row;

	memset(&row, 0, sizeof(row));
	row.run = run;
	row.repeat = 1;
	row.params = xstrdup("0\t2000\t1\t1");
	row.delta.present[0] = true;
	row.delta.v[0] = 7;
	trs_metrics_parse_line(&row.metrics, line);
	assert_int_equal(trs_tsv_add(t, &row), 0);
}

/* A key first seen in a later run gets a column; earlier rows an empty cell. */
static void test_tsv_union_of_keys(void **state)
{
	struct fx *fx = *state;
	char *path = fx_path(fx, "t.tsv"), *text;
	struct fx_table tab;
	unsigned long next;
	struct trs_tsv *t = trs_tsv_open(path, KNOB_COLUMNS, &next);

	assert_non_null(t);
	assert_int_equal(next, 1);
	add_row(t, 1, "a=1");
	add_row(t, 2, "b=2");
	add_row(t, 3, "run=5");	/* a fixed column's name: not a metric */
	trs_tsv_free(t);

	text = fx_read(path);
	fx_table_load(&tab, text);
	assert_int_equal(tab.nrows, 4);
	assert_string_equal(fx_cell(&tab, 1, "a"), "1");
	assert_string_equal(fx_cell(&tab, 1, "b"), "");
	assert_string_equal(fx_cell(&tab, 2, "b"), "2");
	assert_string_equal(fx_cell(&tab, 3, "run"), "3");
	assert_string_equal(fx_cell(&tab, 1, "d_TCPRecvSchedGrants"), "7");
	assert_string_equal(fx_cell(&tab, 1, "d_TCPRecvSchedYields"), "");
	assert_string_equal(fx_cell(&tab, 1, "start_time"),
			    "1970-01-01T00:00:00Z");
	for (size_t i = 1; i < tab.nrows; i++)
		assert_int_equal(tab.ncells[i], tab.ncells[0]);
	fx_table_free(&tab);
	free(text);

	/* reopened: old rows kept, numbering goes on */
	t = trs_tsv_open(path, KNOB_COLUMNS, &next);
	assert_non_null(t);
	assert_int_equal(next, 4);
	trs_tsv_free(t);
	free(path);
}

static void test_tsv_foreign_header(void **state)
{
	struct fx *fx = *state;
	char *path = fx_path(fx, "other.tsv"), *text;
	unsigned long next;

	fx_write(path, "x\ty\n1\t2\n");
	assert_null(trs_tsv_open(path, KNOB_COLUMNS, &next));
	text = fx_read(path);
	assert_string_equal(text, "x\ty\n1\t2\n");	/* untouched */
	free(text);
	free(path);
}

const struct CMUnitTest unit_tests[] = {
	cmocka_unit_test(test_parse_ulong),
	cmocka_unit_test(test_parse_value_ranges),
	cmocka_unit_test(test_parse_assignment),
	cmocka_unit_test(test_parse_list),
	cmocka_unit_test(test_netstat_parse),
	cmocka_unit_test(test_metric_lines),
	cmocka_unit_test(test_plan_orders),
	cmocka_unit_test(test_plan_limits),
	cmocka_unit_test_setup_teardown(test_tsv_union_of_keys, fx_setup,
					fx_teardown),
	cmocka_unit_test_setup_teardown(test_tsv_foreign_header, fx_setup,
					fx_teardown),
};
const size_t n_unit_tests = sizeof(unit_tests) / sizeof(unit_tests[0]);
