// SPDX-License-Identifier: GPL-2.0
/*
 * child.c - running a sweep command and the signals around it.
 *
 * SIGINT, SIGTERM, SIGHUP and SIGCHLD stay blocked except inside ppoll(),
 * so a handler (which only records the signal) can never run in the middle
 * of a knob write, and the wait for the command cannot miss one. The
 * command runs in its own process group; a stop signal is forwarded to
 * that group and the tool still waits for the command before it restores
 * the knobs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trs.h"

static volatile sig_atomic_t pending_sig, pending_count;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

void trs_stop_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NSTOP; i++)
		sigaddset(set, stop_signals[i]);
}

/* Runs inside ppoll() only, with the other stop signals blocked. */
static void on_stop_signal(int sig)
{
	pending_sig = sig;
	pending_count++;
}

static void on_sigchld(int sig)
{
	(void)sig;	/* only there to wake up ppoll() */
}

void trs_signals_install(struct trs_sigs *s)
{
	struct sigaction sa;
	sigset_t block;

	trs_stop_sigset(&block);
	sigaddset(&block, SIGCHLD);
	/*
	 * SIGPIPE (stderr or stdout gone) must not kill the tool before it
	 * restores: blocked, writes fail with EPIPE instead. Children get the
	 * original mask back.
	 */
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &s->orig);
	s->wait = s->orig;
	sigaddset(&s->wait, SIGPIPE);
	for (size_t i = 0; i < NSTOP; i++)
		sigdelset(&s->wait, stop_signals[i]);
	sigdelset(&s->wait, SIGCHLD);

	memset(&sa, 0, sizeof(sa));
	trs_stop_sigset(&sa.sa_mask);	/* pending_count++ is not atomic */
	for (size_t i = 0; i < NSTOP; i++) {
		struct sigaction old;

		/* Started under nohup or as "cmd &": keep ignoring it. */
		sigaction(stop_signals[i], NULL, &old);
		if (old.sa_handler == SIG_IGN)
			continue;
		sa.sa_handler = on_stop_signal;
		sigaction(stop_signals[i], &sa, NULL);
	}
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

/* A stop signal that arrived since the last call, or 0. */
int trs_signals_take(const struct trs_sigs *s)
{
	struct timespec zero = { 0, 0 };
	int sig;

	ppoll(NULL, 0, &zero, &s->wait);	/* lets pending ones in */
	sig = pending_sig;
	pending_sig = 0;
	pending_count = 0;
	return sig;
}

/* Dies of sig as the shell expects; 128+sig if that somehow fails. */
int trs_reraise(int sig)
{
	sigset_t set;

	fflush(NULL);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

struct linebuf {
	char *buf;
	size_t len;
};

/* Metric lines go to ms; anything else the command said goes to stderr. */
static void take_line(char *line, struct trs_metrics *ms)
{
	if (!trs_metrics_parse_line(ms, line))
		fprintf(stderr, "%s\n", line);
}

/* Reads what is there; true at end of file. */
static bool drain(int fd, struct linebuf *lb, struct trs_metrics *ms)
{
	char chunk[4096], *nl;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		lb->buf = xrealloc(lb->buf, lb->len + (size_t)n + 1, 1);
		memcpy(lb->buf + lb->len, chunk, (size_t)n);
		lb->len += (size_t)n;
		lb->buf[lb->len] = '\0';
		while ((nl = memchr(lb->buf, '\n', lb->len))) {
			size_t used = (size_t)(nl - lb->buf) + 1;

			*nl = '\0';
			take_line(lb->buf, ms);
			lb->len -= used;
			memmove(lb->buf, nl + 1, lb->len + 1);
		}
	}
	return n == 0 || (n < 0 && errno != EAGAIN);
}

static void __attribute__((noreturn))
exec_child(char **cmd, int out, const struct trs_sigs *s)
{
	int null = open("/dev/null", O_RDONLY);
	int errnum;

	setpgid(0, 0);
	/* Its own group is a background group: keep it off the tty. */
	if (null > 0) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	dup2(out, STDOUT_FILENO);
	sigprocmask(SIG_SETMASK, &s->orig, NULL);
	execvp(cmd[0], cmd);
	errnum = errno;
	trs_err_errno(cmd[0], errnum, NULL);
	_exit(errnum == ENOENT ? 127 : 126);
}

/*
 * The n-th stop signal while the command runs: the first is forwarded to
 * its process group as it came (and is the one the tool dies of later),
 * the second becomes SIGTERM, any further one SIGKILL, for a command that
 * ignores or takes its time over the first. Each escalation says so.
 */
static void escalate(pid_t pid, int n, int sig, int *stop_sig)
{
	if (n == 1) {
		kill(-pid, sig);
		if (!*stop_sig)
			*stop_sig = sig;
		return;
	}
	trs_err("%s signal: sending %s to the command (process group %d)",
		n == 2 ? "second" : n == 3 ? "third" : "another",
		n == 2 ? "SIGTERM" : "SIGKILL", (int)pid);
	kill(-pid, n == 2 ? SIGTERM : SIGKILL);
}

int trs_run_command(char **cmd, const struct trs_sigs *s,
		    struct trs_metrics *ms, int *status, int *stop_sig)
{
	struct linebuf lb = { NULL, 0 };
	bool eof = false, reaped = false;
	int pfd[2], wst = 0, nsig = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		trs_err_errno("pipe", errno, NULL);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		trs_err_errno("fork", errno, NULL);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0)
		exec_child(cmd, pfd[1], s);
	setpgid(pid, pid);	/* either side may get there first */
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);

	pending_count = 0;
	while (!reaped) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		pid_t w;

		if (ppoll(&p, eof ? 0 : 1, NULL, &s->wait) > 0 && !eof)
			eof = drain(pfd[0], &lb, ms);
		/* (stop signals are blocked outside ppoll(): no race here) */
		while (pending_count > nsig)
			escalate(pid, ++nsig, pending_sig, stop_sig);
		w = waitpid(pid, &wst, WNOHANG);
		reaped = w == pid || (w < 0 && errno != EINTR);
	}
	/* What the command wrote before it exited; not what it left behind. */
	if (!eof)
		drain(pfd[0], &lb, ms);
	if (lb.len)
		take_line(lb.buf, ms);
	free(lb.buf);
	close(pfd[0]);
	*status = WIFSIGNALED(wst) ? 128 + WTERMSIG(wst) : WEXITSTATUS(wst);
	return 0;
}
