// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - messages in the iproute2/procps style (one line, program name
 * first, the object and the errno text) and allocation that cannot fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trs.h"

void trs_err(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "tcp-recv-sched: OBJ: Strerror text (hint)" */
void trs_err_errno(const char *obj, int errnum, const char *hint)
{
	if (hint)
		trs_err("%s: %s (%s)", obj, strerror(errnum), hint);
	else
		trs_err("%s: %s", obj, strerror(errnum));
}

static void *check_alloc(void *p)
{
	if (!p) {
		trs_err("out of memory");
		exit(EXIT_RUNTIME);
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	return check_alloc(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return check_alloc(NULL);
	n *= size;
	return check_alloc(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return check_alloc(NULL);
	s = xcalloc(1, (size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return s;
}

/*
 * Decimal digits only: strtoull() alone would take "-1", " 1" and "+1".
 * Returns 0, -EINVAL for anything that is not a number or -ERANGE above max.
 */
int parse_ulong(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
