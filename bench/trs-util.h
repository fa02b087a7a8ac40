/* SPDX-License-Identifier: GPL-2.0 */
/* trs-util.h - small helpers shared by the bench/ programs. */
#ifndef TRS_UTIL_H
#define TRS_UTIL_H

#include <errno.h>
#include <stdlib.h>

/* Parse a whole decimal string into [min, max]; 0 on success, -1 otherwise. */
static inline int parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < min || *out > max ? -1 : 0;
}

/* Parse a whole decimal number into (min, max]; 0 on success, -1 otherwise. */
static inline int parse_double(const char *s, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !(*out > min && *out <= max) ? -1 : 0;
}

#endif /* TRS_UTIL_H */
