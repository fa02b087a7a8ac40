// SPDX-License-Identifier: GPL-2.0
/*
 * plan.c - the order of a sweep's runs.
 *
 * A combination takes one value from each dimension's list (the knobs,
 * then the --sysctl names), enable varying slowest. grid: each combination's repeats back to back. interleave: one
 * run of every combination, then the next round, so that drift over time
 * spreads evenly. shuffle: all runs in a random order drawn from --seed
 * with splitmix64, which gives the same order on any libc.
 */
#include <string.h>

#include "trs.h"

/* Far beyond any sweep that ends; it keeps the product from overflowing. */
#define TRS_MAX_RUNS 1000000UL

int trs_parse_order(const char *s, enum trs_order *o)
{
	static const char *const names[] = { "grid", "interleave", "shuffle" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*o = (enum trs_order)i;
			return 0;
		}
	}
	trs_err("--order: '%s' is not grid, interleave or shuffle", s);
	return -1;
}

static unsigned long long splitmix64(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void combination(const struct trs_plan_spec *spec, size_t c,
			struct trs_run *run)
{
	for (size_t k = spec->ndims; k-- > 0;) {
		run->set[k] = spec->list[k][c % spec->len[k]];
		c /= spec->len[k];
	}
}

/* NULL (with a usage message) when the sweep would be empty or huge. */
struct trs_run *trs_plan(const struct trs_plan_spec *spec, size_t *n)
{
	unsigned long long state = spec->seed;
	size_t combos = 1, total, i = 0;
	struct trs_run *runs;

	for (size_t k = 0; k < spec->ndims; k++) {
		if (!spec->len[k] || combos > TRS_MAX_RUNS / spec->len[k]) {
			trs_err("sweep: too many runs (at most %lu)",
				TRS_MAX_RUNS);
			return NULL;
		}
		combos *= spec->len[k];
	}
	if (!spec->repeat || spec->repeat > TRS_MAX_RUNS / combos) {
		trs_err("sweep: too many runs (at most %lu)", TRS_MAX_RUNS);
		return NULL;
	}
	total = combos * spec->repeat;
	runs = xcalloc(total, sizeof(*runs));

	for (i = 0; i < total; i++) {
		bool rounds = spec->order == TRS_ORDER_INTERLEAVE;

		combination(spec, rounds ? i % combos : i / spec->repeat,
			    &runs[i]);
		runs[i].repeat = rounds ? i / combos + 1 : i % spec->repeat + 1;
	}
	if (spec->order == TRS_ORDER_SHUFFLE) {
		for (i = total - 1; i > 0; i--) {
			size_t j = (size_t)(splitmix64(&state) % (i + 1));
			struct trs_run tmp = runs[i];

			runs[i] = runs[j];
			runs[j] = tmp;
		}
	}
	*n = total;
	return runs;
}
