// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - messages in the iproute2/procps style (one line, program name
 * first, the object and the errno text) and allocation that cannot fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * The text of a small proc file (one read(), as proc handlers answer) with
 * trailing white space cut; no message. 0, or -errno of open()/read().
 */
int trs_read_text(const char *path, char *buf, size_t len)
{
	int errnum, fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	errnum = errno;
	close(fd);
	if (n < 0)
		return -errnum;
	buf[n] = '\0';
	while (n > 0 && strchr(" \t\n", buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

/* -j and --proc DIR: true when c was one of them (getopt_long's value). */
bool trs_opt_global(struct trs_opts *g, int c)
{
	switch (c) {
	case 'j':
		g->json = true;
		return true;
	case TRS_OPT_PROC:
		g->proc = optarg;
		return true;
	default:
		return false;
	}
}

/*
 * The options of a command that has only the global ones and --help (show,
 * set): 1 when its usage was printed, -1 on a usage error (said), 0 with
 * optind at the first operand.
 */
int trs_opt_simple(struct trs_opts *g, const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		TRS_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;	/* glibc: rescan from argv[1] */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		if (trs_opt_global(g, c))
			continue;
		if (c == 'h') {
			trs_usage_cmd(cmd);
			return 1;
		}
		trs_opt_error(cmd, c, argv);
		return -1;
	}
	return 0;
}

/*
 * The message for getopt_long()'s '?' or ':' (opterr = 0, ':' first in
 * the option string), so that every line starts with the program name.
 * An unknown short option may sit in a cluster: it is named by optopt.
 */
void trs_opt_error(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *sep = cmd ? ": " : "";

	if (!cmd)
		cmd = "";
	if (c == ':')
		trs_err("%s%soption '%s' needs a value", cmd, sep, arg);
	else if (optopt > 0 && optopt < 128 && strncmp(arg, "--", 2))
		trs_err("%s%sunknown option '-%c'", cmd, sep, optopt);
	else
		trs_err("%s%sunknown option '%s'", cmd, sep, arg);
}
