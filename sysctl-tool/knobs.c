// SPDX-License-Identifier: GPL-2.0
/*
 * knobs.c - the three sysctls: parse and range-check values, read, write
 * (one write() per value, as the kernel's proc handlers expect) and restore.
 *
 * The ranges come from include/tcp_recv_sched.h only, so a kernel that
 * grows enable=3 needs a header change and nothing here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trs.h"

const struct trs_knob_def trs_knobs[TRS_KNOB_COUNT] = TRS_KNOB_DEFS;

int trs_knob_by_key(const char *key)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		if (!strcmp(key, trs_knobs[k].key))
			return k;
	return -1;
}

/* Usage errors are reported here so that callers only return EXIT_USAGE. */
int trs_parse_value(enum trs_knob k, const char *s, unsigned long *out)
{
	const struct trs_knob_def *d = &trs_knobs[k];
	unsigned long long v;
	int ret = parse_ulong(s, d->max, &v);

	if (ret == -EINVAL) {
		trs_err("%s: '%s' is not a non-negative integer", d->key, s);
		return -1;
	}
	if (ret == -ERANGE || v < d->min) {
		trs_err("%s: %s out of range %lu..%lu", d->key, s,
			d->min, d->max);
		return -1;
	}
	*out = (unsigned long)v;
	return 0;
}

static void usage_keys(const char *what)
{
	char keys[128];
	size_t off = 0;

	for (int k = 0; k < TRS_KNOB_COUNT && off < sizeof(keys); k++)
		off += (size_t)snprintf(keys + off, sizeof(keys) - off, "%s%s",
					k ? ", " : "", trs_knobs[k].key);
	trs_err("unknown key '%s' (expected one of %s)", what, keys);
}

int trs_parse_assignment(const char *arg, enum trs_knob *k, unsigned long *v)
{
	const char *eq = strchr(arg, '=');
	char *key;
	int idx;

	if (!eq) {
		trs_err("'%s': expected KEY=VALUE", arg);
		return -1;
	}
	key = xcalloc(1, (size_t)(eq - arg) + 1);
	memcpy(key, arg, (size_t)(eq - arg));
	idx = trs_knob_by_key(key);
	if (idx < 0)
		usage_keys(key);
	free(key);
	if (idx < 0)
		return -1;
	*k = (enum trs_knob)idx;
	return trs_parse_value(*k, eq + 1, v);
}

int trs_parse_list(enum trs_knob k, const char *s,
		   unsigned long **vals, size_t *n)
{
	char *copy = xstrdup(s), *item = copy, *comma;
	unsigned long *out = NULL;
	size_t cnt = 0;
	int ret = 0;

	do {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (!*item) {
			trs_err("%s: empty value in list '%s'",
				trs_knobs[k].key, s);
			ret = -1;
			break;
		}
		out = xrealloc(out, cnt + 1, sizeof(*out));
		if (trs_parse_value(k, item, &out[cnt])) {
			ret = -1;
			break;
		}
		cnt++;
		item = comma + 1;
	} while (comma);

	free(copy);
	if (ret) {
		free(out);
		return ret;
	}
	free(*vals);
	*vals = out;
	*n = cnt;
	return 0;
}

char *trs_knob_path(const char *proc, enum trs_knob k)
{
	return xasprintf("%s/%s/%s", proc, TRS_SYSCTL_DIR, trs_knobs[k].file);
}

int trs_check_supported(const char *proc)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *path = trs_knob_path(proc, (enum trs_knob)k);
		struct stat st;
		int missing = stat(path, &st) && errno == ENOENT;

		if (missing)
			trs_err("%s: No such file or directory; this kernel lacks the tcp_recv_sched patch, boot a patched kernel",
				path);
		free(path);
		if (missing)
			return -1;
	}
	return 0;
}

/* The errno cases users meet, each with what to do about it. */
static const char *write_hint(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return "kernel without the tcp_recv_sched patch?";
	case EINVAL:
		return "value rejected by the kernel";
	case EPERM:
	case EACCES:
	case EROFS:
		return "needs root (CAP_NET_ADMIN) in the owning network namespace";
	default:
		return NULL;
	}
}

int trs_read_knob(const char *proc, enum trs_knob k, unsigned long *v)
{
	char *path = trs_knob_path(proc, k);
	char buf[64];
	unsigned long long val;
	ssize_t len = -1;
	int errnum, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		len = read(fd, buf, sizeof(buf) - 1);
		errnum = errno;
		close(fd);
		errno = errnum;
	}
	if (len < 0) {
		errnum = errno;
		trs_err_errno(path, errnum,
			      errnum == ENOENT ? write_hint(errnum) : NULL);
		free(path);
		return -1;
	}
	buf[len] = '\0';
	while (len > 0 && strchr(" \t\n", buf[len - 1]))
		buf[--len] = '\0';
	/* No range check: restore must write back whatever the kernel had. */
	if (parse_ulong(buf, ULONG_MAX, &val)) {
		trs_err("%s: unexpected content '%s'", path, buf);
		free(path);
		return -1;
	}
	free(path);
	*v = (unsigned long)val;
	return 0;
}

int trs_read_all(const char *proc, struct trs_values *vals)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		if (trs_read_knob(proc, (enum trs_knob)k, &vals->v[k]))
			return -1;
	return 0;
}

int trs_write_knob(const char *proc, enum trs_knob k, unsigned long v)
{
	char *path = trs_knob_path(proc, k);
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lu\n", v);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t w = -1;

	if (fd >= 0) {
		w = write(fd, buf, (size_t)len);
		if (w >= 0 && w != len)
			errno = EIO;	/* proc handlers take all or nothing */
		if (close(fd) && w == len)
			w = -1;
	}
	if (w != len) {
		int errnum = errno;
		char *obj = xasprintf("%s: writing %lu", path, v);

		trs_err_errno(obj, errnum, write_hint(errnum));
		free(obj);
	}
	free(path);
	return w == len ? 0 : -1;
}

/*
 * Writes want->v[k] for every k with which[k] (all knobs if which is NULL),
 * in table order, stopping at the first failure; written[] says which ones
 * reached the kernel so that the caller can take them back.
 */
int trs_write_all(const char *proc, const struct trs_values *want,
		  const bool *which, bool *written)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		if (which && !which[k])
			continue;
		if (trs_write_knob(proc, (enum trs_knob)k, want->v[k]))
			return -1;
		written[k] = true;
	}
	return 0;
}

void trs_format_values(const struct trs_values *vals, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < TRS_KNOB_COUNT && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%lu",
					k ? " " : "", trs_knobs[k].key,
					vals->v[k]);
}

/*
 * Writes back orig for the knobs in only[] (all if NULL) whose current
 * value differs. SIGINT/SIGTERM/SIGHUP are blocked meanwhile: a second
 * Ctrl-C must not leave the knobs half restored. Says what it did when
 * anything was written or when say is set.
 */
int trs_restore(const char *proc, const struct trs_values *orig,
		const bool *only, bool say)
{
	sigset_t block, old;
	char desc[128];
	int written = 0, failed = 0;

	trs_stop_sigset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);

	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		unsigned long cur;

		if (only && !only[k])
			continue;
		if (!trs_read_knob(proc, (enum trs_knob)k, &cur) &&
		    cur == orig->v[k])
			continue;
		if (trs_write_knob(proc, (enum trs_knob)k, orig->v[k]))
			failed++;
		else
			written++;
	}

	trs_format_values(orig, desc, sizeof(desc));
	if (failed)
		trs_err("knobs NOT fully restored, wanted %s", desc);
	else if (written || say)
		trs_err("restored %s", desc);

	sigprocmask(SIG_SETMASK, &old, NULL);
	return failed ? -1 : written;
}
