// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - `show`: one "name value" line per knob and per counter, or one
 * JSON object with -j. A counter the kernel does not print shows as "-"
 * (null in JSON).
 */
#include <errno.h>

#include "trs.h"

static void show_text(const struct trs_values *vals,
		      const struct trs_counters *c)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		printf("%s %lu\n", trs_knobs[k].key, vals->v[k]);
	for (int i = 0; i < TRS_COUNTER_COUNT; i++) {
		if (c->present[i])
			printf("%s %llu\n", trs_counter_names[i], c->v[i]);
		else
			printf("%s -\n", trs_counter_names[i]);
	}
}

/* Keys and units are identifiers from the header: nothing to escape. */
static void show_json(const struct trs_values *vals,
		      const struct trs_counters *c)
{
	printf("{\"supported\":true,\"knobs\":{");
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		const struct trs_knob_def *d = &trs_knobs[k];

		printf("%s\"%s\":{\"value\":%lu,\"min\":%lu,\"max\":%lu,\"default\":%lu,\"unit\":\"%s\"}",
		       k ? "," : "", d->key, vals->v[k], d->min, d->max,
		       d->def, d->unit);
	}
	printf("},\"counters\":{");
	for (int i = 0; i < TRS_COUNTER_COUNT; i++) {
		printf("%s\"%s\":", i ? "," : "", trs_counter_names[i]);
		if (c->present[i])
			printf("%llu", c->v[i]);
		else
			printf("null");
	}
	printf("}}\n");
}

int trs_cmd_show(const char *proc, bool json)
{
	struct trs_values vals;
	struct trs_counters c;

	if (trs_check_supported(proc) || trs_read_all(proc, &vals) ||
	    trs_read_counters(proc, &c))
		return EXIT_RUNTIME;
	if (json)
		show_json(&vals, &c);
	else
		show_text(&vals, &c);
	if (fflush(stdout)) {
		trs_err_errno("stdout", errno, NULL);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}
