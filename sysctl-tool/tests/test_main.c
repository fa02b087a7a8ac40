// SPDX-License-Identifier: GPL-2.0
/*
 * test_main.c - runs the unit and command-line tests with cmocka and ends
 * with the one line CI reads: "N passed, N failed". Exit 1 on any failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tests.h"

int main(void)
{
	size_t total = n_unit_tests + n_flows_tests + n_cli_tests;
	int failed;

	failed = _cmocka_run_group_tests("unit", unit_tests, n_unit_tests,
					 NULL, NULL);
	failed += _cmocka_run_group_tests("flows", flows_tests, n_flows_tests,
					  NULL, NULL);
	failed += _cmocka_run_group_tests("cli", cli_tests, n_cli_tests,
					  NULL, NULL);
	fflush(stderr);
	printf("%zu passed, %d failed\n", total - (size_t)failed, failed);
	return failed ? 1 : 0;
}
