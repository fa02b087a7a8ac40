// SPDX-License-Identifier: GPL-2.0
/*
 * fixture.c - fake proc tree: DIR/proc/sys/net/ipv4/tcp_recv_sched_* with
 * the header's defaults, tcp_rmem, tcp_moderate_rcvbuf and
 * net/core/rmem_max as a stock kernel has them, DIR/proc/net/netstat with
 * the counters above and some stock ones between ordinary TcpExt/IpExt
 * lines, and self/ns/net and 1/ns/net of the initial network namespace;
 * plus running the tool on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "trs.h"

#define VALGRIND "valgrind", "-q", "--error-exitcode=1", "--leak-check=full", \
		 "--errors-for-leak-kinds=definite,indirect"

char *fx_path(const struct fx *fx, const char *rel)
{
	return xasprintf("%s/%s", fx->dir, rel);
}

char *fx_knob_path(const struct fx *fx, int knob)
{
	return trs_knob_path(fx->proc, (enum trs_knob)knob);
}

void fx_write(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		abort();
	}
	fputs(content, f);
	fclose(f);
}

char *fx_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	buf = xcalloc(1, 1);
	for (;;) {
		char chunk[4096];
		size_t n = fread(chunk, 1, sizeof(chunk), f);

		if (!n)
			break;
		buf = xrealloc(buf, len + n + 1, 1);
		memcpy(buf + len, chunk, n);
		len += n;
		buf[len] = '\0';
	}
	if (ferror(f)) {	/* e.g. a directory */
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

char *fx_knob(const struct fx *fx, int knob)
{
	char *path = fx_knob_path(fx, knob);
	char *s = fx_read(path);

	free(path);
	if (s)
		s[strcspn(s, "\n")] = '\0';
	return s;
}

char *fx_snapshot(const struct fx *fx)
{
	char *snap = xstrdup("");

	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *v = fx_knob(fx, k);
		char *n = xasprintf("%s%s=%s ", snap, trs_knobs[k].key,
				    v ? v : "?");

		free(v);
		free(snap);
		snap = n;
	}
	return snap;
}

/* Writes DIR/proc/sys/net/ipv4/NAME. */
void fx_sysctl(const struct fx *fx, const char *name, const char *content)
{
	char *p = xasprintf("%s/" TRS_SYSCTL_DIR "/%s", fx->proc, name);

	fx_write(p, content);
	free(p);
}

/*
 * The namespace files the tool compares: self/ns/net and 1/ns/net, one
 * file with two names (the initial namespace) or two files (another one).
 */
void fx_set_netns(const struct fx *fx, bool initial)
{
	char *self = fx_path(fx, "proc/self/ns/net");
	char *init = fx_path(fx, "proc/1/ns/net");

	unlink(self);
	unlink(init);
	fx_write(self, "");
	if (initial) {
		if (link(self, init))
			abort();
	} else {
		fx_write(init, "");
	}
	free(self);
	free(init);
}

int fx_setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));
	char *p;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/trs-test.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	fx->proc = fx_path(fx, "proc");
	p = xasprintf("mkdir -p %s/" TRS_SYSCTL_DIR " %s/sys/net/core %s/net"
		      " %s/self/ns %s/1/ns", fx->proc, fx->proc, fx->proc,
		      fx->proc, fx->proc);
	if (system(p))
		return -1;
	free(p);
	fx_set_netns(fx, true);
	p = fx_path(fx, "proc/sys/net/core/rmem_max");
	fx_write(p, FX_RMEM_MAX "\n");
	free(p);
	for (int k = 0; k < TRS_KNOB_COUNT; k++) {
		char *val = xasprintf("%lu\n", trs_knobs[k].def);

		p = fx_knob_path(fx, k);
		fx_write(p, val);
		free(p);
		free(val);
	}
	fx_sysctl(fx, "tcp_rmem", FX_TCP_RMEM);
	fx_sysctl(fx, "tcp_moderate_rcvbuf", "1\n");
	p = xasprintf("%s/" TRS_NETSTAT_FILE, fx->proc);
	fx_write(p, "TcpExt: SyncookiesSent TCPRecvSchedGrants TCPRecvSchedLimitHits TCPRecvSchedYields TCPRecvSchedReleases TCPOrigDataSent TCPRcvQDrop TCPRcvCollapsed TCPBacklogCoalesce TCPRcvqSlowReader TCPRcvqLateReader TCPBacklogEpisodes\n"
		    "TcpExt: 3 10 20 30 40 99 5 6 7 50 60 70\n"
		    "IpExt: InNoRoutes InTruncatedPkts\n"
		    "IpExt: 0 0\n");
	free(p);
	*state = fx;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->proc);
	free(fx);
	return 0;
}

static char **tool_argv(const struct fx *fx, char **args)
{
	static const char *const vg[] = { VALGRIND };
	size_t nvg = fx->valgrind ? sizeof(vg) / sizeof(vg[0]) : 0, n = 0, i;
	char **argv;

	while (args[n])
		n++;
	argv = xcalloc(nvg + n + 4, sizeof(*argv));
	for (i = 0; i < nvg; i++)
		argv[i] = (char *)vg[i];
	argv[i++] = TRS_TOOL;
	argv[i++] = "--proc";
	argv[i++] = fx->proc;
	memcpy(argv + i, args, n * sizeof(*args));
	return argv;
}

static void redirect(int fd, const char *path)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (f < 0 || dup2(f, fd) < 0)
		_exit(125);
	close(f);
}

pid_t fx_spawn(const struct fx *fx, char **args, const char *err_file)
{
	char **argv = tool_argv(fx, args);
	char *out = fx_path(fx, "tool.out");
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
		sigset_t set;

		sigemptyset(&set);
		for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
			signal(stop[i], stop[i] == fx->ignored_sig ? SIG_IGN : SIG_DFL);
			sigaddset(&set, stop[i]);
		}
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		redirect(STDOUT_FILENO, out);
		redirect(STDERR_FILENO, err_file);
		execvp(argv[0], argv);
		_exit(127);
	}
	free(out);
	free(argv);
	return pid;
}

int fx_wait(pid_t pid, int timeout_s)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int status;

	for (int i = 0; i < timeout_s * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

bool fx_wait_file(const char *path, int timeout_s)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < timeout_s * 100; i++) {
		if (!access(path, F_OK))
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

void fx_runv(const struct fx *fx, struct fx_result *r, char **args)
{
	char *out = fx_path(fx, "tool.out"), *err = fx_path(fx, "tool.err");

	r->status = fx_wait(fx_spawn(fx, args, err), 120);
	r->out = fx_read(out);
	r->err = fx_read(err);
	free(out);
	free(err);
}

size_t fx_take_args(char **args, size_t n, size_t max, va_list ap)
{
	while (n < max && (args[n] = va_arg(ap, char *)))
		n++;
	args[n] = NULL;
	return n;
}

void fx_run(const struct fx *fx, struct fx_result *r, ...)
{
	char *args[64];
	va_list ap;

	va_start(ap, r);
	fx_take_args(args, 0, 63, ap);
	va_end(ap);
	fx_runv(fx, r, args);
}

void fx_result_free(struct fx_result *r)
{
	free(r->out);
	free(r->err);
}

int fx_exit_code(const struct fx_result *r)
{
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

size_t fx_count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static char **split(char *s, char sep, size_t *n)
{
	char **parts = NULL;

	*n = 0;
	for (;;) {
		char *end = strchr(s, sep);

		parts = xrealloc(parts, *n + 1, sizeof(*parts));
		parts[(*n)++] = s;
		if (!end)
			return parts;
		*end = '\0';
		s = end + 1;
	}
}

void fx_table_load(struct fx_table *t, const char *text)
{
	size_t nlines;
	char *copy = xstrdup(text);
	char **lines;

	if (*copy && copy[strlen(copy) - 1] == '\n')
		copy[strlen(copy) - 1] = '\0';
	lines = split(copy, '\n', &nlines);
	t->nrows = nlines;
	t->ncells = xcalloc(nlines, sizeof(*t->ncells));
	t->cells = xcalloc(nlines, sizeof(*t->cells));
	for (size_t i = 0; i < nlines; i++)
		t->cells[i] = split(lines[i], '\t', &t->ncells[i]);
	free(lines);
}

/* Cell of a data row (1-based, the header is row 0) under column col. */
const char *fx_cell(const struct fx_table *t, size_t row, const char *col)
{
	if (row >= t->nrows)
		return NULL;
	for (size_t c = 0; c < t->ncells[0]; c++)
		if (!strcmp(t->cells[0][c], col))
			return c < t->ncells[row] ? t->cells[row][c] : NULL;
	return NULL;
}

void fx_table_free(struct fx_table *t)
{
	if (t->nrows)
		free(t->cells[0][0]);	/* the copy all cells point into */
	for (size_t i = 0; i < t->nrows; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->ncells);
	memset(t, 0, sizeof(*t));
}
