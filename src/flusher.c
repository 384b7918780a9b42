/* SPDX-License-Identifier: ISC */
/*
 * flusher.c - the detached flusher: starting it, its lock, its loop
 * (contract: flusher.h).  One pass over the queue is queuerun_pass() in
 * queuerun.c, which owns the sessions and the outcome of each attempt.
 */
#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "queuerun.h"
#include "flusher.h"
#include "fspath.h"
#include "io.h"
#include "queue.h"

/* environment variable naming the spawner's ready pipe (internal) */
#define FLUSH_READY_ENV	"SMTPS_FLUSH_READY_FD"

/* entries a flusher would work on: ours, readable, with a message
   (others are skipped or finished, so they must not keep a flusher
   alive) */
static size_t
count_entries(const char *dir)
{
	struct qentry qe;
	struct err e;
	char **ids;
	size_t n, i, ok = 0;

	err_clear(&e);
	if (queue_scan(dir, &ids, &n, &e) == -1)
		return 0;
	for (i = 0; i < n; i++) {
		ok += queue_read(dir, ids[i], &qe, &e) == 0 &&
		    !queue_msg_gone(dir, ids[i]);	/* finished */
		queue_entry_free(&qe);
	}
	queue_ids_free(ids, n);
	return ok;
}

/*
 * The flusher tells us it is in charge by closing its copy of the
 * pipe's write end (fd 3, named in its environment FLUSH_READY_ENV)
 * once it holds flush.lock with its PID written, or gave up: so when
 * flusher_spawn() returns, "queued" is backed by a running flusher.
 */
static int
wait_ready(int rfd)
{
	char c = 0;
	ssize_t n;

	while ((n = read(rfd, &c, 1)) == -1 && errno == EINTR)
		;
	close(rfd);
	return n == 1 && c == 'y' ? 0 : -1;
}

static void
exec_flusher(const char *self, const char *dir, int wfd)
{
	char *argv[] = { (char *)self, (char *)"--flush-daemon", (char *)dir,
	    NULL };
	char fdnum[16];
	int fd;

	if (setsid() == -1 || fork() != 0)
		_exit(0);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (wfd == 3 ? fcntl(3, F_SETFD, 0) == -1 : dup2(wfd, 3) == -1)
		_exit(1);		/* dup2 clears FD_CLOEXEC */
	closefrom(4);
	snprintf(fdnum, sizeof(fdnum), "%d", 3);
	if (chdir("/") == -1 || setenv(FLUSH_READY_ENV, fdnum, 1) == -1)
		_exit(1);
	execv(self, argv);
	_exit(1);
}

static int
no_flusher(const char *dir, struct err *e, const char *why)
{
	err_set(e, EX_OSERR, "no flusher started for %s (%s): the queued "
	    "messages wait for the next smtps run or 'smtps -q'", dir, why);
	queue_log(dir, "flusher", "%s", e->msg);
	return -1;
}

int
flusher_spawn(const char *dir, struct err *e)
{
	char self[PATH_MAX], lock[LIMIT_PATH], why[LIMIT_ERR_MSG / 2];
	ssize_t n;
	pid_t pid;
	int fd, st, p[2];

	if (count_entries(dir) == 0)
		return 0;
	if (fspath_join(lock, sizeof(lock), dir, "flush.lock", e) == -1 ||
	    (fd = queue_open_own(lock, O_RDWR | O_CREAT, e)) == -1) {
		strlcpy(why, e->msg, sizeof(why));	/* not e->msg itself */
		return no_flusher(dir, e, why);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);		/* a flusher runs */
		return 0;
	}
	close(fd);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return no_flusher(dir, e, "cannot find its own program");
	self[n] = '\0';
	fflush(NULL);
	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		snprintf(why, sizeof(why), "fork: %s", strerror(errno));
		return no_flusher(dir, e, why);
	}
	if (pid == 0) {
		close(p[0]);
		exec_flusher(self, dir, p[1]);
	}
	close(p[1]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (wait_ready(p[0]) == -1)
		return no_flusher(dir, e, "it could not start or take "
		    "flush.lock; see the queue log");
	return 0;
}

/* the spawner waits for this (wait_ready): 'y' when a flusher is in
   charge (we hold the lock, or another one does), then closed */
static void
signal_ready(int ok)
{
	const char *v = getenv(FLUSH_READY_ENV);
	char *end;
	long fd;

	if (v == NULL)
		return;
	fd = strtol(v, &end, 10);
	if (*end == '\0' && fd > 2 && fd < INT_MAX) {
		if (ok)
			(void)!write((int)fd, "y", 1);
		close((int)fd);
	}
	unsetenv(FLUSH_READY_ENV);
}

int
flusher_main(const char *dir)
{
	char lock[LIMIT_PATH], pid[32];
	time_t wake, now;
	struct err e;
	int fd, n;

	err_clear(&e);
	if (fspath_join(lock, sizeof(lock), dir, "flush.lock", &e) == -1 ||
	    queue_dir_check(dir, &e) == -1 ||
	    (fd = queue_open_own(lock, O_RDWR | O_CREAT, &e)) == -1) {
		signal_ready(0);
		queue_log(dir, "flusher", "not started: %s", e.msg);
		return e.code;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		signal_ready(1);
		return 0;			/* another flusher runs */
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)n, 0) != n)
		queue_log(dir, "flusher", "cannot write its PID to %s: %s",
		    lock, strerror(errno));
	signal_ready(1);
	queue_log(dir, "flusher", "started (pid %ld)", (long)getpid());
	queue_clean(dir);
	for (;;) {
		size_t left = queuerun_pass(dir, &wake);

		if (io_interrupted()) {	/* the entry being sent was kept */
			queue_log(dir, "flusher", "stopped by SIG%s, exiting",
			    sigabbrev_np(io_interrupted()));
			close(fd);
			return 0;
		}
		if (left == 0) {
			/* an entry committed before our unlock is seen by
			   this rescan; one after it starts its own flusher */
			flock(fd, LOCK_UN);
			if (count_entries(dir) == 0 ||
			    flock(fd, LOCK_EX | LOCK_NB) == -1)
				break;
			continue;
		}
		now = time(NULL);
		if (wake > now)
			sleep((unsigned int)(wake - now));
	}
	queue_log(dir, "flusher", "queue empty, exiting");
	close(fd);
	return 0;
}
