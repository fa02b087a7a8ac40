// SPDX-License-Identifier: GPL-2.0
/*
 * knobs.c - the sysctls of the series: parse and range-check values, read,
 * write (one write() per value, as the kernel's proc handlers expect) and
 * restore; where a missing knob is (netns); any sysctl by name for sweep.
 *
 * The ranges come from include/tcp_recv_sched.h only, so a kernel that
 * grows enable=4 needs a header change and nothing here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trs.h"

#define TRS_HINT_BOOT "boot a kernel with the tcp_recv_sched series"

const struct trs_knob_def trs_knobs[TRS_KNOB_COUNT] = TRS_KNOB_DEFS;

/* "net.ipv4.FILE" or "net/ipv4/FILE", as sysctl(8) takes them */
static bool is_full_name(const char *key, const char *file)
{
	static const char *const prefixes[] = { "net.ipv4.", "net/ipv4/" };

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(key, prefixes[i], n) && !strcmp(key + n, file))
			return true;
	}
	return false;
}

/* The tool's key (enable) or the full sysctl name; -1 if neither. */
int trs_knob_by_key(const char *key)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++)
		if (!strcmp(key, trs_knobs[k].key) ||
		    is_full_name(key, trs_knobs[k].file))
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
		trs_err("%s: '%s' out of range %lu..%lu", d->key, s,
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

/*
 * 1 when the process is in the initial network namespace (the inode of
 * PROC/self/ns/net is that of PROC/1/ns/net), 0 when not, -1 when it cannot
 * tell (no permission to look at pid 1, no such files).
 */
int trs_netns_initial(const char *proc)
{
	char *self = xasprintf("%s/self/ns/net", proc);
	char *init = xasprintf("%s/1/ns/net", proc);
	struct stat a, b;
	int ret = -1;

	if (!stat(self, &a) && !stat(init, &b))
		ret = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	free(self);
	free(init);
	return ret;
}

/* What to do about a missing knob file of the series. */
const char *trs_series_hint(const char *proc)
{
	switch (trs_netns_initial(proc)) {
	case 0:
		return "not the initial network namespace: a kernel with the series has its knobs only in the initial one (nsenter -t 1 -n)";
	case 1:
		return TRS_HINT_BOOT;
	default:
		return TRS_HINT_BOOT ", or run in the initial network namespace";
	}
}

/*
 * The first knob file of the policy that does not exist, or NULL. Those
 * are registered for the initial network namespace only; one that every
 * namespace has (rcvq_drain_aware) says nothing about where we are.
 */
char *trs_series_missing(const char *proc)
{
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *path;
		struct stat st;

		if (!trs_knobs[k].init_net_only)
			continue;
		path = trs_knob_path(proc, (enum trs_knob)k);
		if (stat(path, &st) && errno == ENOENT)
			return path;
		free(path);
	}
	return NULL;
}

/* The errno cases users meet, each with what to do about it. */
static const char *errno_hint(int errnum)
{
	switch (errnum) {
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

static const char *write_hint(const char *proc, enum trs_knob k, int errnum)
{
	if (errnum != ENOENT)
		return errno_hint(errnum);
	if (!trs_knobs[k].init_net_only)
		return TRS_HINT_BOOT;
	return trs_series_hint(proc);
}

/*
 * PROC/sys/NAME for a sysctl named as sysctl(8) does: net.core.busy_read
 * or net/core/busy_read. NULL for a name that could leave PROC/sys.
 */
char *trs_sysctl_path(const char *proc, const char *name)
{
	char *rel, *p;

	if (!*name || strchr("./", name[0]) || strstr(name, "..") ||
	    strstr(name, "//") || strchr("./", name[strlen(name) - 1]) ||
	    strpbrk(name, " \t\n"))
		return NULL;
	rel = xstrdup(name);
	if (!strchr(rel, '/'))
		for (p = rel; *p; p++)
			if (*p == '.')
				*p = '/';
	p = xasprintf("%s/sys/%s", proc, rel);
	free(rel);
	return p;
}

/* One write() of "VALUE\n", as proc handlers expect; one line if not. */
int trs_write_text(const char *path, const char *val)
{
	char *buf = xasprintf("%s\n", val);
	size_t len = strlen(buf);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t w = -1;

	if (fd >= 0) {
		w = write(fd, buf, len);
		if (w >= 0 && (size_t)w != len)
			errno = EIO;
		if (close(fd) && (size_t)w == len)
			w = -1;
	}
	free(buf);
	if (w < 0 || (size_t)w != len) {
		int errnum = errno;
		char *obj = xasprintf("%s: writing '%s'", path, val);

		trs_err_errno(obj, errnum, errno_hint(errnum));
		free(obj);
		return -1;
	}
	return 0;
}

/*
 * Reads a knob without a message: 0, -errno of open()/read(), or -EBADMSG
 * when the file does not hold one decimal number (then raw holds it).
 */
int trs_knob_get(const char *proc, enum trs_knob k, unsigned long *v,
		 char *raw, size_t rawlen)
{
	char *path = trs_knob_path(proc, k);
	unsigned long long val;
	int ret = trs_read_text(path, raw, rawlen);

	free(path);
	if (ret)
		return ret;
	/* No range check: restore must write back whatever the kernel had. */
	if (parse_ulong(raw, ULONG_MAX, &val))
		return -EBADMSG;
	*v = (unsigned long)val;
	return 0;
}

/* The one line for a failed trs_knob_get(). */
void trs_knob_report(const char *proc, enum trs_knob k, int ret,
		     const char *raw)
{
	char *path = trs_knob_path(proc, k);

	if (ret == -EBADMSG)
		trs_err("%s: unexpected content '%s'", path, raw);
	else
		trs_err_errno(path, -ret,
			      ret == -ENOENT ? write_hint(proc, k, -ret) : NULL);
	free(path);
}

/* As trs_knob_get(), with one line on stderr naming the file. */
int trs_read_knob(const char *proc, enum trs_knob k, unsigned long *v)
{
	char raw[64];
	int ret = trs_knob_get(proc, k, v, raw, sizeof(raw));

	if (ret)
		trs_knob_report(proc, k, ret, raw);
	return ret ? -1 : 0;
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

		trs_err_errno(obj, errnum, write_hint(proc, k, errnum));
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

/* "key=value ..." of the knobs in only[] (all if NULL). */
static void format_values(const struct trs_values *vals, const bool *only,
			  char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < TRS_KNOB_COUNT && off < len; k++)
		if (!only || only[k])
			off += (size_t)snprintf(buf + off, len - off, "%s%s=%lu",
						off ? " " : "",
						trs_knobs[k].key, vals->v[k]);
}

/*
 * Writes back orig for the knobs in only[] (all if NULL) whose current
 * value differs. SIGINT/SIGTERM/SIGHUP are blocked meanwhile: a second
 * Ctrl-C must not leave the knobs half restored. Says what it did when
 * anything was written or when say is 1; never when it is -1.
 */
int trs_restore(const char *proc, const struct trs_values *orig,
		const bool *only, int say)
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

	format_values(orig, only, desc, sizeof(desc));
	if (say < 0)
		;	/* the caller says it */
	else if (failed)
		trs_err("knobs NOT fully restored, wanted %s", desc);
	else if (written || say)
		trs_err("restored %s", desc);

	sigprocmask(SIG_SETMASK, &old, NULL);
	return failed ? -1 : written;
}
