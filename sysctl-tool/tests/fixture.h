/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - a fake proc tree in a temporary directory and a way to run
 * the built tool against it (optionally under valgrind).
 */
#ifndef TRS_TEST_FIXTURE_H
#define TRS_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The fake tree starts with the header's defaults and these counters. */
#define FX_GRANTS 10
#define FX_LIMIT_HITS 20
#define FX_YIELDS 30
/* (and TCPRecvSchedReleases 40, TCPRcvqSlowReader 50, TCPRcvqLateReader
 * 60, TCPBacklogEpisodes 70; the other TCPBacklog* are not printed) */
/* ... and the two stock sysctls `flows` reads */
#define FX_RMEM_DEFAULT 131072
#define FX_TCP_RMEM "4096\t131072\t6291456\n"
#define FX_RMEM_MAX "212992"
/* and stock TcpExt counters: TCPRcvQDrop 5, TCPRcvCollapsed 6,
 * TCPBacklogCoalesce 7 */

struct fx {
	char dir[64];		/* the temporary directory */
	char *proc;		/* dir/proc */
	bool valgrind;
	int ignored_sig;	/* fx_spawn: start the tool with it ignored */
};

struct fx_result {
	int status;		/* as from waitpid() */
	char *out, *err;
};

int fx_setup(void **state);
int fx_teardown(void **state);

char *fx_path(const struct fx *fx, const char *rel);
char *fx_knob_path(const struct fx *fx, int knob);
void fx_write(const char *path, const char *content);
char *fx_read(const char *path);	/* NULL if unreadable */
char *fx_knob(const struct fx *fx, int knob);	/* trimmed */
char *fx_snapshot(const struct fx *fx);	/* all knob files, one string */
void fx_sysctl(const struct fx *fx, const char *name, const char *content);
void fx_set_netns(const struct fx *fx, bool initial);

/* Runs the tool with --proc and the NULL-terminated arguments. */
void fx_run(const struct fx *fx, struct fx_result *r, ...);
void fx_runv(const struct fx *fx, struct fx_result *r, char **args);
/* Appends NULL-ended char * arguments to args[n..max), NULL-terminates. */
size_t fx_take_args(char **args, size_t n, size_t max, va_list ap);
/*
 * Starts the tool as an interactive shell would: SIGINT, SIGTERM and SIGHUP
 * at their defaults and unblocked, whatever the test runner inherited
 * (make under nohup or "&" ignores some), except fx->ignored_sig if set.
 */
pid_t fx_spawn(const struct fx *fx, char **args, const char *err_file);
int fx_wait(pid_t pid, int timeout_s);	/* status, or -1 on timeout */
bool fx_wait_file(const char *path, int timeout_s);
void fx_result_free(struct fx_result *r);
int fx_exit_code(const struct fx_result *r);	/* -1 if signalled */
size_t fx_count_lines(const char *s);

/* A TSV file split into lines and cells. */
struct fx_table {
	size_t nrows;		/* including the header */
	size_t *ncells;
	char ***cells;
};

void fx_table_load(struct fx_table *t, const char *text);
const char *fx_cell(const struct fx_table *t, size_t row, const char *col);
void fx_table_free(struct fx_table *t);

#endif
