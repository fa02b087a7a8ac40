/* SPDX-License-Identifier: GPL-2.0 */
/* tests.h - the test tables test_main.c runs. */
#ifndef TRS_TESTS_H
#define TRS_TESTS_H

extern const struct CMUnitTest unit_tests[];
extern const size_t n_unit_tests;
extern const struct CMUnitTest cli_tests[];
extern const size_t n_cli_tests;
extern const struct CMUnitTest flows_tests[];
extern const size_t n_flows_tests;

#endif
