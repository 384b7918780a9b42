/*
 * flusher.c - the detached flusher: starting it, its lock, its loop
 * (contract: flusher.h).  One pass over the queue is flush_pass() in
 * flush.c, which owns the sessions and the outcome of each attempt.
 */
#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flush.h"
#include "flusher.h"
#include "queue.h"

static size_t
count_entries(const char *dir)
{
	struct err e;
	char **ids;
	size_t n;

	err_clear(&e);
	if (queue_scan(dir, &ids, &n, &e) == -1)
		return 0;
	queue_ids_free(ids, n);
	return n;
}

void
flusher_spawn(const char *dir)
{
	char self[PATH_MAX], lock[4096];
	ssize_t n;
	pid_t pid;
	int fd, st;

	if (count_entries(dir) == 0)
		return;
	snprintf(lock, sizeof(lock), "%s/flush.lock", dir);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);		/* a flusher runs */
		return;
	}
	if (fd != -1)
		close(fd);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	fflush(NULL);
	if ((pid = fork()) == -1)
		return;
	if (pid == 0) {
		char *argv[] = { self, (char *)"--flush-daemon", (char *)dir,
		    NULL };

		if (setsid() == -1 || fork() != 0)
			_exit(0);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		closefrom(3);
		if (chdir("/") == -1)
			_exit(1);
		execv(self, argv);
		_exit(1);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
}

int
flusher_main(const char *dir)
{
	char lock[4096], pid[32];
	time_t wake, now;
	int fd, n;

	snprintf(lock, sizeof(lock), "%s/flush.lock", dir);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return EX_CANTCREAT;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		return 0;			/* another flusher runs */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0)
		(void)pwrite(fd, pid, (size_t)n, 0);
	queue_log(dir, "flusher", "started (pid %ld)", (long)getpid());
	queue_clean(dir);
	for (;;) {
		if (flush_pass(dir, &wake) == 0) {
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
